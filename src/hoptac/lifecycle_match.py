"""Does a later sentence report on an earlier pledge, and what does it say became of it? Pure text rules, no store.

A later sentence is an update when it cites the earlier article's plan by name and date, or when it carries a
status cue (lexicons/lifecycle_cues.tsv: done, under way, said
again, dropped) and names the pledge's substance: distinctive word pairs of its content (beyond the generic pairs of
lexicons/lifecycle_generic.tsv), or the counted unit of one of its targets with a new figure ("50.000 kỹ sư" ->
"7.000 kỹ sư"), or a date the pledge's article gave (a back-reference to that happening).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from hoptac.lexicon import lex_key, read_tsv
from hoptac.textnorm import fold, nfc, tone_normalize

STATUSES = ("implemented", "in_progress", "reaffirmed", "dropped", "unclear")
BACKREF = "unclear"  # a later sentence citing a plan by name and date, with no word of what became of it
_PRIORITY = {"dropped": 0, "implemented": 1, "in_progress": 2, "reaffirmed": 3}
SPECIFIC = 2  # distinctive word pairs a sentence shares with one pledge to report on that pledge alone
GENERAL = 3  # word pairs it shares with an article's pledges to report on the article's lead pledge


@lru_cache(maxsize=1)
def cues() -> tuple[tuple[str, str], ...]:
    """(match key, status), longest first so "đã ký kết" wins over "đã ký". An activity "trong khuôn khổ" a plan,
    law or programme (the heads of lexicons/lifecycle_plans.tsv) is that plan under way; "trong khuôn khổ chuyến
    thăm" is not."""
    rows = [(lex_key(r["cue"]), r["status"]) for r in read_tsv("lifecycle_cues.tsv")]
    rows += [(lex_key(f"trong khuôn khổ {r['head']}"), "in_progress") for r in read_tsv("lifecycle_plans.tsv")]
    return tuple(sorted(rows, key=lambda x: -len(x[0])))


@lru_cache(maxsize=1)
def generic_pairs() -> frozenset[str]:
    """Folded word pairs that never make two sentences about the same thing."""
    out = set()
    for r in read_tsv("lifecycle_generic.tsv"):
        words = fold(r["words"]).split()
        out.update(" ".join(words[i:i + 2]) for i in range(len(words) - 1))
    return frozenset(out)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Folded words any pair holding is generic ("của", "và", "năm")."""
    return frozenset(fold(r["words"]) for r in read_tsv("lifecycle_generic.tsv") if " " not in r["words"])


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern:
    alts = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k, _ in cues())
    return re.compile(rf"(?<!\w)({alts})(?!\w)")


def status_of(sentence: str) -> str | None:
    """The status a sentence's cues say (dropped > implemented > in_progress > reaffirmed), or None."""
    found = {" ".join(m.group(1).split()) for m in _cue_pattern().finditer(tone_normalize(nfc(sentence)).lower())}
    if not found:
        return None
    by_key = dict(cues())
    return min((by_key[k] for k in found), key=lambda s: _PRIORITY[s])


@lru_cache(maxsize=1)
def _plan_pattern() -> re.Pattern:
    heads = "|".join(sorted((re.escape(fold(r["head"])) for r in read_tsv("lifecycle_plans.tsv")), key=len,
                            reverse=True))
    return re.compile(rf"(?<!\w)(?:{heads})\s+[\"“”'‘’]?\s*(\w+(?:\s+\w+)*)")


PLAN_WORDS = 4  # words a plan's name has at least after its head ("Luật Dữ liệu mở quốc gia")


def plans(text: str | None) -> set[str]:
    """Names of plans, laws and programmes a sentence gives, folded, without the head word and cut at the first
    function word ("Chương trình phát triển năng lượng tái tạo miền Trung đến năm 2035" -> "phat trien ... mien trung")."""
    out = set()
    fw = function_words()
    for m in _plan_pattern().finditer(fold(text or "")):
        name = []
        for w in m.group(1).split():
            if w in fw or w.isdigit():
                break
            name.append(w)
        if len(name) >= PLAN_WORDS:
            out.add(" ".join(name))
    return out


def same_plan(a: set[str], b: set[str]) -> bool:
    """Two sets of plan names share one: equal, or one the start of the other."""
    return any(x == y or x.startswith(y + " ") or y.startswith(x + " ") for x in a for y in b)


@lru_cache(maxsize=1)
def _results() -> tuple[str, ...]:
    return tuple(fold(r["phrase"]) for r in read_tsv("lifecycle_results.tsv"))


def is_result(content: str | None) -> bool:
    """A change measured against an earlier period ("tăng 35% so với năm 2019") reports a result, no pledge."""
    text = " ".join(words(content))
    return any(f" {r} " in f" {text} " for r in _results())


def words(text: str | None) -> list[str]:
    """Folded syllables without numbers."""
    return [w for w in re.findall(r"\w+", fold(text or "")) if not w.isdigit()]


def pairs(text: str | None) -> set[str]:
    """The text's word pairs, less the generic ones."""
    ws = words(text)
    fw = function_words()
    return {f"{a} {b}" for a, b in zip(ws, ws[1:]) if a not in fw and b not in fw} - generic_pairs()


def unit_head(unit: str) -> str:
    """The counted noun of a unit, its first two syllables folded ("kỹ sư bán dẫn" -> "ky su")."""
    return " ".join(words(unit)[:2])


@dataclass(slots=True)
class Pledge:
    """What the matcher needs of a pledge: its content's word pairs and its targets (unit head -> value)."""

    id: int
    doc_id: int
    ordinal: int  # place among its article's pledges: 0 is the lead
    content: str
    pairs: set[str] = field(default_factory=set)
    specific: set[str] = field(default_factory=set)  # pairs no other pledge of its article has
    targets: dict[str, float] = field(default_factory=dict)
    speaker: str | None = None
    kind: str = ""
    parties: dict[int, bool] = field(default_factory=dict)  # entity id -> a person or organization (not a place)
    names: dict[str, bool] = field(default_factory=dict)  # the same parties' folded names
    dated: bool = True  # its article's date is known
    name_pairs: set[str] = field(default_factory=set)  # pairs inside the names its sentence gives


@dataclass(slots=True)
class Sentence:
    """A later article's sentence with a status cue: its words, figures (unit head -> value) and full dates."""

    doc_id: int
    idx: int
    text: str
    status: str
    pairs: set[str] = field(default_factory=set)
    words: str = ""
    figures: dict[str, float] = field(default_factory=dict)
    dates: set[str] = field(default_factory=set)
    entities: set[int] = field(default_factory=set)  # the people, organizations and places it names
    plans: set[str] = field(default_factory=set)  # the plans, laws and programmes it names
    cue: bool = True  # its status comes from a cue word (else it cites a plan by name and date)


@dataclass(slots=True)
class Match:
    """A pledge reported on by a sentence, with how strongly and the status it says."""

    pledge: Pledge
    sentence: Sentence
    score: float
    status: str


def prepare(pledges: list[Pledge]) -> None:
    """Each pledge's word pairs and those only it has among its article's pledges."""
    for p in pledges:
        p.pairs = pairs(p.content) - p.name_pairs
    by_doc: dict[int, list[Pledge]] = {}
    for p in pledges:
        by_doc.setdefault(p.doc_id, []).append(p)
    for group in by_doc.values():
        for p in group:
            others = set().union(*[q.pairs for q in group if q is not p]) if len(group) > 1 else set()
            p.specific = p.pairs - others


PERSONS = {"nguoi"}  # a count of people stands for a target counting engineers, workers, students


def _target_hit(p: Pledge, s: Sentence) -> str | None:
    """A target's counted unit with a new figure of it in the sentence: the status the figure says (implemented
    once it reaches the target), else None."""
    for head, target in p.targets.items():
        if not head or f" {head} " not in f" {s.words} ":
            continue
        value = s.figures.get(head)
        if value is None and any(h in PERSONS for h in s.figures):
            value = max(v for h, v in s.figures.items() if h in PERSONS)
        if value is None:
            continue
        return "implemented" if value >= target else "in_progress"
    return None


def party_named(p: Pledge, s: Sentence) -> bool | None:
    """Whether the sentence names one of the pledge's parties: True for a person or organization, False for a
    place only (a country is named everywhere), None for none."""
    hits = [strong for e, strong in p.parties.items() if e in s.entities]
    hits += [strong for n, strong in p.names.items() if n and f" {n} " in f" {s.words} "]
    if not hits:
        return None
    return any(hits)


def match_article(pledges: list[Pledge], sents: list[Sentence], article_dates: set[str],
                  article_plans: set[str] = frozenset()) -> list[Match]:
    """The links between one earlier article's pledges and one later article: for each pledge its best sentence.

    A sentence names one of the pledge's parties and either gives a new figure of one of its targets, or shares
    distinctive word pairs with that pledge alone (more of them when the party named is only a place): it reports
    on that pledge. A sentence that names a person or organization of the article's pledges and a date the
    earlier article gave, with its common wording, or a plan, law or programme the earlier article named, reports on
    the article's lead pledge (its headline), never on every item of it; a sentence with no status cue does so
    only when it names that plan and a date the earlier article gave ("trong khuôn khổ Quyết định ... ngày
    21/9/2024 về Chiến lược ..."): the plan under way when its article reports a happening, else "unclear". An
    article of unknown date is linked only through the first kind.
    """
    best: dict[int, Match] = {}
    if not pledges:
        return []
    lead = min(pledges, key=lambda p: p.ordinal)

    def keep(m: Match) -> None:
        cur = best.get(m.pledge.id)
        if cur is None or (m.score, -m.sentence.idx) > (cur.score, -cur.sentence.idx):
            best[m.pledge.id] = m
    for s in sents:
        specific_hit = False
        if not s.cue:
            # no status cue: only the plan the earlier article named, cited with a date it gave, ties it to it
            named = [party_named(p, s) for p in pledges]
            if lead.dated and article_plans and same_plan(article_plans, s.plans) and article_dates & s.dates \
                    and any(n is not None for n in named):
                keep(Match(lead, s, 3, s.status))
            continue
        for p in pledges:
            named = party_named(p, s)
            if named is None:
                continue
            n = len(p.specific & s.pairs)
            st = _target_hit(p, s)
            if st and (n or p.pairs & s.pairs):
                keep(Match(p, s, 10 + n, st))
                specific_hit = True
            elif n >= (SPECIFIC if named else SPECIFIC + 1) and s.status != "reaffirmed":
                keep(Match(p, s, 5 + n, s.status))
                specific_hit = True
        if specific_hit or not lead.dated:
            continue
        named = [party_named(p, s) for p in pledges]
        if article_plans and s.plans and same_plan(article_plans, s.plans) and any(n is not None for n in named):
            keep(Match(lead, s, 4, s.status))
            continue
        shared = max(len(p.pairs & s.pairs) for p in pledges)
        if article_dates & s.dates and shared >= GENERAL and any(named):
            keep(Match(lead, s, shared + 2, s.status))
    return sorted(best.values(), key=lambda m: m.pledge.id)
