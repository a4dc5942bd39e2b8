"""Lexicons of general facts, read once from the TSV data files in hoptac/lexicons/."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from hoptac.textnorm import nfc, tone_normalize

_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Syllables and punctuation marks of a match-form text, with offsets."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def lex_key(text: str) -> str:
    """The n-gram key of a lexicon entry or a span of text: lowercase, tone-normalized syllables."""
    return " ".join(t for _, _, t in tokens(tone_normalize(nfc(text)).lower()))


@dataclass(frozen=True, slots=True)
class Entry:
    """A known name: its canonical form, entity type and kind (ministry, country, company...)."""

    canonical: str
    type: str
    kind: str
    note: str = ""


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a lexicon file as dicts; '#' lines are comments, the first other line is the header."""
    text = resources.files("hoptac").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")
    rows, header = [], None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            continue
        rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return rows


def _split_multi(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()] if value else []


@dataclass(slots=True)
class Lexicons:
    """Every lexicon, keyed for n-gram lookup."""

    names: dict[str, Entry] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # key -> title as written in the lexicon
    title_org: dict[str, bool] = field(default_factory=dict)
    org_heads: dict[str, str] = field(default_factory=dict)  # key -> ORG | LOC | MISC
    cues: dict[str, str] = field(default_factory=dict)  # key -> statement kind
    events: dict[str, str] = field(default_factory=dict)  # key -> event type
    cue_cands: dict[str, str] = field(default_factory=dict)  # cues.tsv + cue_candidates.tsv, for the classifier
    event_cands: dict[str, str] = field(default_factory=dict)  # event_triggers.tsv + event_candidates.tsv
    units: dict[str, str] = field(default_factory=dict)  # key -> normalized unit
    topics: dict[str, str] = field(default_factory=dict)  # key -> topic
    topic_upper: set[str] = field(default_factory=set)  # keywords that count only in capitals
    stop_caps: set[str] = field(default_factory=set)  # capitalized words that start no name
    gatherings: set[str] = field(default_factory=set)  # English words that end a gathering's name ("Summit")
    fields: set[str] = field(default_factory=set)  # fields of ministries and committees ("Kinh tế", "Ngoại giao")
    surnames: set[str] = field(default_factory=set)
    lower_keys: set[str] = field(default_factory=set)  # names whose usual spelling starts lowercase
    max_n: int = 1
    _prefix: dict[int, tuple[frozenset[str], int]] = field(default_factory=dict)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Lexicons":
        """Read every file once per process."""
        lx = cls()
        for fname, kind_col in (("places.tsv", "kind"), ("organizations.tsv", None), ("companies.tsv", "sector")):
            for row in read_tsv(fname):
                canon = nfc(row["canonical"])
                typ = row.get("type") or ("LOC" if fname == "places.tsv" else "ORG")
                if fname == "places.tsv":
                    typ = "LOC"
                kind = row.get(kind_col, "") if kind_col else "organization"
                if fname == "companies.tsv":
                    kind = "company"
                entry = Entry(canon, typ, kind, row.get("note", ""))
                for name in [canon] + _split_multi(row.get("aliases", "")):
                    k = lex_key(name)
                    if k and k not in lx.names:
                        lx.names[k] = entry
                    if k and name[:1].islower():
                        lx.lower_keys.add(k)
        for row in read_tsv("titles.tsv"):
            k = lex_key(row["title"])
            lx.titles.setdefault(k, nfc(row["title"]))
            lx.title_org[k] = row.get("org_required", "no") == "yes"
        for row in read_tsv("orgheads.tsv"):
            lx.org_heads[lex_key(row["head"])] = row["type"]
        for row in read_tsv("cues.tsv"):
            lx.cues[lex_key(row["cue"])] = row["kind"]
        for row in read_tsv("event_triggers.tsv"):
            lx.events[lex_key(row["trigger"])] = row["type"]
        lx.cue_cands = dict(lx.cues)
        for row in read_tsv("cue_candidates.tsv"):
            lx.cue_cands.setdefault(lex_key(row["cue"]), row["kind"])
        lx.event_cands = dict(lx.events)
        for row in read_tsv("event_candidates.tsv"):
            lx.event_cands.setdefault(lex_key(row["trigger"]), row["type"])
        for row in read_tsv("units.tsv"):
            lx.units[lex_key(row["word"])] = row["unit"]
        for row in read_tsv("topics.tsv"):
            for kw in _split_multi(row["keywords"]):
                lx.topics[lex_key(kw)] = row["topic"]
                if kw.isupper():
                    lx.topic_upper.add(lex_key(kw))
        for row in read_tsv("stopcaps.tsv"):
            lx.stop_caps.add(lex_key(row["word"]))
        for row in read_tsv("event_names.tsv"):
            lx.gatherings.add(lex_key(row["word"]))
        for row in read_tsv("fields.tsv"):
            lx.fields.add(lex_key(row["field"]))
        for row in read_tsv("surnames.tsv"):
            lx.surnames.add(lex_key(row["surname"]))
        lx.max_n = max(len(k.split()) for d in (lx.names, lx.titles, lx.org_heads) for k in d)
        for table in (lx.names, lx.titles, lx.org_heads, lx.cues, lx.events, lx.units, lx.topics, lx.cue_cands,
                      lx.event_cands):
            lx._prefix[id(table)] = (frozenset(k.split()[0] for k in table if k),
                                     max((len(k.split()) for k in table), default=1))
        return lx

    def prefix(self, table: dict) -> tuple[frozenset[str], int]:
        """First words of a table's keys and its longest key in words, to skip hopeless lookups."""
        return self._prefix[id(table)]

    def lower_ok(self, key: str) -> bool:
        """True for names normally written in lowercase ("thung lũng Silicon")."""
        return key in self.lower_keys

    def fixed_words(self) -> list[str]:
        """Multi-syllable names and titles that word_tokenize must keep whole."""
        # only letters, digits and spaces: underthesea's featurizer panics on some punctuation ("D.C.")
        words = {e.canonical for e in self.names.values()} | set(self.titles.values())
        return sorted(w for w in words if " " in w and all(c.isalnum() or c == " " for c in w))


def lookup(table: dict, toks: list[tuple[int, int, str]], i: int, max_n: int) -> tuple[int, object] | None:
    """Longest n-gram of toks starting at i found in table: (token count, value)."""
    for n in range(min(max_n, len(toks) - i), 0, -1):
        k = " ".join(t for _, _, t in toks[i:i + n])
        v = table.get(k)
        if v is not None:
            return n, v
    return None
