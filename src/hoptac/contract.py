"""The JSON object `hoptac extract --json` prints for one article (../shared/eval/CONTRACT.md)."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hoptac.models import Article


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


# A sentence cited by k facts costs k copies: whole while k x its length stays within the budget,
# else each fact gets the part around it, so output grows with the facts, never facts x sentence.
# The store keeps the same evidence, so `stories --json` prints members exactly as extract does.
EVIDENCE_BUDGET = 8_000  # characters per sentence; the gold's most is 1,317 (3 x 439), the dev output's 2,920
EVIDENCE_FLOOR = 160  # the least an excerpt holds


def evidence(sentence: str, start: int, end: int, share: int, budget: int = EVIDENCE_BUDGET,
             floor: int = EVIDENCE_FLOOR) -> str:
    """The sentence as one of `share` facts' evidence, or the part around [start, end) when copies cost too much.

    start and end are offsets within the sentence. An excerpt holds at most max(floor, budget // share)
    characters (plus an ellipsis at each cut end) and is cut at spaces.
    """
    size = max(floor, budget // max(1, share))
    n = len(sentence)
    if n <= size:
        return sentence
    start = min(max(0, start), n)
    end = min(max(start, end), n)
    if end - start >= size:
        lo, hi = start, start + size
    else:
        lo = max(0, start - (size - (end - start)) // 2)
        hi = min(n, lo + size)
        lo = max(0, hi - size)
    if lo > 0:
        cut = sentence.find(" ", lo, start)
        lo = cut + 1 if cut != -1 else lo
    if hi < n:
        cut = sentence.rfind(" ", end, hi)
        hi = cut if cut != -1 else hi
    return ("…" if lo > 0 else "") + sentence[lo:hi].strip() + ("…" if hi < n else "")


def evidence_spans(a: Article) -> tuple[list, list, list]:
    """(sentence, start, end, share) per event, statement and figure: where each one's evidence comes from."""
    share: Counter[int] = Counter(x.sent for x in (*a.events, *a.statements, *a.figures))
    sent = a.sentences

    def at(i: int, start: int | None = None, end: int | None = None, needle: str = "") -> tuple:
        s = sent[i]
        if start is None:  # events keep no offsets: the trigger word, else the sentence's start
            start = max(0, s.text.find(needle)) if needle else 0
            return s.text, start, start + len(needle), share[i]
        return s.text, start - s.start, end - s.start, share[i]

    return ([at(ev.sent, needle=ev.trigger) for ev in a.events],
            [at(st.sent, st.start, st.end) for st in a.statements],
            [at(f.sent, f.start, f.end) for f in a.figures])


def to_contract(a: Article) -> dict[str, Any]:
    """The contract's fields, with facts named by their entities' canonical names.

    Evidence is the fact's sentence; only when one sentence carries so many facts that their copies
    would pass EVIDENCE_BUDGET characters (number-dense text) does each fact get the part around it.
    """
    name = a.entity_name
    ev_at, st_at, fig_at = evidence_spans(a)
    return {
        "source": a.source,
        "title": a.title,
        "published": a.published,
        "language": a.language,
        "text": a.text,
        "entities": [{"name": e.name, "type": e.type, "aliases": e.aliases} for e in a.entities],
        "roles": [{"person": name(r.person), "title": r.title, "organization": r.organization,
                   "as_of": r.as_of} for r in a.roles],
        "events": [{"type": ev.type, "date": ev.date, "location": ev.location,
                    "participants": [name(p) for p in ev.participants],
                    "evidence": evidence(*e)} for ev, e in zip(a.events, ev_at)],
        "statements": [{"kind": s.kind, "speaker": name(s.speaker), "addressee": name(s.addressee),
                        "content": s.content, "date": s.date, "evidence": evidence(*e),
                        "topics": s.topics} for s, e in zip(a.statements, st_at)],
        "figures": [{"value": _num(f.value), "unit": f.unit, "text": f.text, "subject": f.subject,
                     "deadline": f.deadline, "evidence": evidence(*e)} for f, e in zip(a.figures, fig_at)],
        "dates": [{"text": d.text, "value": d.value} for d in a.dates],
        "topics": a.topics,
    }


def removed_view(a: Article) -> list[dict[str, str]]:
    """What the cleaner dropped and why, for --show-removed."""
    return [{"reason": r.reason, "text": r.text} for r in a.removed]


def json_line(doc: dict[str, Any]) -> str:
    """One contract object as `extract --json` and `spark-extract` print it, so their outputs compare equal."""
    return json.dumps(doc, ensure_ascii=False)
