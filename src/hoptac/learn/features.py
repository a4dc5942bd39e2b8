"""Candidates and their features, the same at training and at run time: statement cues, event triggers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from hoptac.models import Article

from ..stages.tokens import find_phrases, sentence_tokens

NEGATION = {"không", "chưa", "chẳng", "chả", "đừng", "chớ"}
REPORTING = re.compile(r"\b(?:cho biết|cho hay|nói|phát biểu|chia sẻ|khẳng định|nhấn mạnh|thông tin|tuyên bố|"
                       r"thông báo|bày tỏ|nêu rõ|theo)\b", re.I)
QUOTES_OPEN = "“\"«"
BOTH = re.compile(r"\b(?:hai|các|cả hai)\s+(?:bên|phía|nước|quốc gia|đoàn|nhà lãnh đạo|lãnh đạo)\b", re.I)


@dataclass(slots=True)
class Candidate:
    """A word or phrase that may open a statement or name an event, with its lexicon reading."""

    start: int
    end: int
    key: str
    prior: str  # the lexicon's kind or type
    ti: int  # index of its first token in the sentence
    tj: int  # index after its last token
    rule: bool  # listed in the rule lexicon (cues.tsv / event_triggers.tsv), not only as a candidate


def candidates(a: Article, si: int, table: dict[str, str], rule_table: dict[str, str], prefix,
               skip: list[tuple[int, int]]) -> list[Candidate]:
    """Every lexicon phrase of the sentence on word boundaries, outside names."""
    toks = sentence_tokens(a, a.sentences[si])
    index = {t.start: i for i, t in enumerate(toks)}
    out = []
    for st, en, kind, _prev in find_phrases(a, si, table, skip, prefix):
        i = index.get(st, 0)
        j = i
        while j < len(toks) and toks[j].end <= en:
            j += 1
        key = " ".join(t.low for t in toks[i:j])
        out.append(Candidate(st, en, key, kind, i, j, key in rule_table))
    return out


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3-5" if n < 6 else "6-10" if n < 11 else "11+"


def _mention_at(a: Article, si: int, pos: int) -> str:
    """Type of the name or reference starting at pos (after spaces), or '-'."""
    for m in a.mentions:
        if m.sent == si and m.start == pos:
            return m.type
    return "-"


def statement_features(a: Article, si: int, c: Candidate, cands: list[Candidate], subject_type: str) -> list[str]:
    """What the classifier sees of one cue candidate: the cue, its neighbours, the clause around it."""
    s = a.sentences[si]
    toks = sentence_tokens(a, s)
    low = [t.low for t in toks]
    f = [f"cue={c.key}", f"prior={c.prior}", f"rule={int(c.rule)}", f"subj={subject_type}"]
    for d in (1, 2, 3):
        w = low[c.ti - d] if c.ti - d >= 0 else "<s>"
        f.append(f"p{d}={w}")
        if d == 1:
            f.append(f"cue|p1={c.key}|{w}")
    for d in (0, 1, 2):
        w = low[c.tj + d] if c.tj + d < len(low) else "</s>"
        f.append(f"n{d + 1}={w}")
        if d == 0:
            f.append(f"cue|n1={c.key}|{w}")
            f.append(f"n1cap={int(c.tj < len(toks) and toks[c.tj].cap)}")
    if c.tj + 1 < len(low):
        f.append(f"n12={low[c.tj]}_{low[c.tj + 1]}")
    nxt = toks[c.tj].start if c.tj < len(toks) else s.end
    f.append(f"nment={_mention_at(a, si, nxt)}")
    before = a.text[s.start:c.start]
    f.append(f"pos={_bucket(c.ti)}")
    f.append(f"left_words={_bucket(len(before.split()))}")
    if any(w in NEGATION for w in low[max(0, c.ti - 3):c.ti]):
        f.append("neg")
    if "?" in s.text:
        f.append("question")
    if re.search(r"\bnếu\b|\bkhi nào\b|\bliệu\b", before, re.I):
        f.append("cond")
    if sum(before.count(q) for q in QUOTES_OPEN) > before.count("”") + before.count("»"):
        f.append("in_quote")
    if REPORTING.search(before):
        f.append("reported")
    if BOTH.search(before):
        f.append("both_sides")
    k = cands.index(c)
    f.append(f"ncands={_bucket(len(cands))}")
    f.append(f"prevcue={cands[k - 1].key if k else '-'}")
    f.append(f"first_word={low[0] if low else '-'}")
    if c.ti == 0:
        f.append("at_start")
    rest = a.text[c.end:s.end]
    f.append(f"right_words={_bucket(len(rest.split()))}")
    if re.match(r"\s*(?::|rằng)", rest):
        f.append("then_colon")
    if re.match(r"\s*(?:về|của|cho|với|là|này|đó|đã)\b", rest, re.I):
        f.append("then_" + rest.split()[0].lower() if rest.split() else "then_")
    return f


def event_features(a: Article, si: int, c: Candidate, has_date: bool, has_place: bool, n_per: int, n_org: int,
                   cands: list[Candidate]) -> list[str]:
    """What the classifier sees of one trigger candidate."""
    s = a.sentences[si]
    toks = sentence_tokens(a, s)
    low = [t.low for t in toks]
    f = [f"trg={c.key}", f"prior={c.prior}", f"rule={int(c.rule)}", f"date={int(has_date)}",
         f"place={int(has_place)}", f"per={_bucket(n_per)}", f"org={_bucket(n_org)}",
         f"sent={_bucket(si)}", f"ncands={_bucket(len(cands))}"]
    for d in (1, 2):
        w = low[c.ti - d] if c.ti - d >= 0 else "<s>"
        f.append(f"p{d}={w}")
        if d == 1:
            f.append(f"trg|p1={c.key}|{w}")
    for d in (0, 1):
        w = low[c.tj + d] if c.tj + d < len(low) else "</s>"
        f.append(f"n{d + 1}={w}")
        if d == 0:
            f.append(f"trg|n1={c.key}|{w}")
    nxt = toks[c.tj].start if c.tj < len(toks) else s.end
    f.append(f"nment={_mention_at(a, si, nxt)}")
    if c.ti == 0:
        f.append("at_start")
    if "?" in s.text:
        f.append("question")
    if any(w in NEGATION for w in low[max(0, c.ti - 2):c.ti]):
        f.append("neg")
    if re.search(r"\bsẽ\b|\bdự kiến\b|\bkế hoạch\b", a.text[s.start:c.start], re.I):
        f.append("future")
    if re.search(r"\bđã\b|\bvừa\b|\bmới đây\b", a.text[s.start:c.start], re.I):
        f.append("past")
    return f
