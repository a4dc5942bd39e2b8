"""Meetings, conferences, visits, signings, launches, policies and investments, one sentence each."""
from __future__ import annotations

from hoptac.models import Article, Event

from .tokens import find_phrases, sentence_tokens

NAME = "events"
REQUIRES = ["references", "dates"]
ASSIGNS = ["events"]

PRIORITY = ["agreement", "conference", "meeting", "visit", "launch", "policy", "investment"]
NEEDS_DATE = {"launch", "policy", "investment"}
# Before these words, a trigger is a noun phrase's part, not an event: "vốn đầu tư", "nhà đầu tư", "môi trường
# đầu tư", "hoạt động hợp tác".
NOUN_BEFORE = {"vốn", "nhà", "môi", "trường", "dòng", "lĩnh", "vực", "cơ", "hội", "kế", "hoạch", "chính", "sách",
               "thu", "hút", "quỹ", "hoạt", "động", "tiềm", "năng", "các", "những", "nhu", "cầu", "xúc", "tiến",
               "mời", "gọi", "danh", "mục", "hình", "thức", "suất", "tổng", "mức"}


def triggers(a: Article, si: int, lex) -> list[tuple[int, str]]:
    """(offset, event type) of each trigger word, outside person, organization and place names."""
    named = [(m.start, m.end) for m in a.mentions if m.sent == si and m.type in ("PER", "ORG", "LOC")]
    return [(st, typ) for st, _, typ, prev in find_phrases(a, si, lex.events, named, lex.prefix(lex.events))
            if not (typ == "investment" and prev in NOUN_BEFORE)]


def location(a: Article, si: int) -> str | None:
    """The place introduced by "tại"/"ở": capitalized words holding a known place or organization."""
    s = a.sentences[si]
    toks = sentence_tokens(a, s)
    named = [m for m in a.mentions if m.sent == si and m.type in ("LOC", "ORG")]
    for i, t in enumerate(toks):
        if t.low not in ("tại", "ở") or i + 1 >= len(toks):
            continue
        lead = [m for m in named if m.start == toks[i + 1].start]
        if not toks[i + 1].cap and not lead:
            continue
        j = i + 1
        if lead:  # a place written in lowercase: "tại thung lũng Silicon"
            while j < len(toks) and toks[j].start < lead[0].end:
                j += 1
        while j < len(toks) and (toks[j].cap or (toks[j].alpha and toks[j].word == toks[j - 1].word)
                                 or (toks[j].text in (".", "-") and j + 1 < len(toks) and toks[j + 1].cap)):
            j += 1
        st, en = toks[i + 1].start, toks[j - 1].end
        if any(st <= m.start and m.end <= en for m in named):
            return a.text[st:en].rstrip(".")
    return None


def run(a: Article, res) -> None:
    """Events from sentences with a trigger and a date or a place."""
    events: list[Event] = []
    for si, s in enumerate(a.sentences):
        trig = triggers(a, si, res.lex)
        if not trig:
            continue
        dates = [d for d in a.dates if d.sent == si and d.value and d.kind in ("point", "range", "relative")]
        loc = location(a, si)
        refs = [m for m in a.mentions if m.sent == si and m.entity >= 0
                and m.type in ("PER", "ORG", "TITLE", "HEAD", "PRON", "LOC")]
        if len(dates) >= 2 and len(trig) >= 2:
            segs = []
            for d in dates:
                before = [t for t in trig if t[0] < d.start]
                t = before[-1] if before else trig[0]
                segs.append((t, d))
            for k, (t, d) in enumerate(segs):
                lo = t[0] if k else s.start
                hi = segs[k + 1][0][0] if k + 1 < len(segs) else s.end
                parts = _participants(a, [m for m in refs if lo <= m.start < hi], None)
                events.append(Event(t[1], d.value, None, parts, si, a.text[t[0]:t[0] + 20]))
            continue
        typ = min((t[1] for t in trig), key=PRIORITY.index)
        date = dates[0].value if dates else None
        if date is None and (typ in NEEDS_DATE or loc is None):
            continue
        parts = _participants(a, refs, loc)
        if date is None and not any(a.entities[p].type == "PER" for p in parts):
            continue
        events.append(Event(typ, date, loc, parts, si,
                            a.text[trig[0][0]:trig[0][0] + 20]))
    a.events = events


def _participants(a: Article, refs, place: str | None) -> list[int]:
    """People and organizations of the sentence; places too, unless they are where it happened."""
    out: list[int] = []
    for m in refs:
        e = a.entities[m.entity]
        if e.type == "LOC" and (m.type != "LOC" or (place and (m.text in place or e.name in place))):
            continue
        if e.type in ("PER", "ORG", "LOC") and e.id not in out:
            out.append(e.id)
    return out
