"""The clean text of an article as HTML: sentences anchored, names, statements, figures and dates marked."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# Outer to inner: a sentence holds a statement, which holds figures, dates and names.
_LAYER = {"sent": 0, "statement": 1, "figure": 2, "date": 2, "mention": 3}


@dataclass(slots=True)
class Mark:
    """A span to mark: [start, end) in the text, how to open and close it."""

    start: int
    end: int
    layer: str
    open: str
    close: str


def _attr(v: object) -> str:
    return str(escape(str(v)))


def marks_for(doc: dict, labels: dict[str, str], lang: str = "vi") -> list[Mark]:
    """Marks from a stored document (sentences, mentions, statements, figures, dates), all offsets checked."""
    from hoptac.web import number

    n = len(doc["text"])
    out: list[Mark] = []
    for s in doc["sentences"]:
        out.append(Mark(s["char_start"], s["char_end"], "sent", f'<span class="sent" id="s{int(s["idx"])}">',
                        "</span>"))
    for m in doc["mentions"]:
        cls = f'ent ent-{_attr(m["type"])}'
        if m.get("entity_id") is not None:
            out.append(Mark(m["char_start"], m["char_end"], "mention",
                            f'<a class="{cls}" href="/entity/{int(m["entity_id"])}" title="{_attr(m["type"])}">', "</a>"))
        else:
            out.append(Mark(m["char_start"], m["char_end"], "mention", f'<span class="{cls}">', "</span>"))
    for st in doc["statements"]:
        tip = f'{labels.get(st["kind"], st["kind"])}: {st["content"]}'
        out.append(Mark(st["char_start"], st["char_end"], "statement",
                        f'<mark class="st st-{_attr(st["kind"])}" title="{_attr(tip)}">', "</mark>"))
    for f in doc["figures"]:
        out.append(Mark(f["char_start"], f["char_end"], "figure",
                        f'<mark class="fig" title="{_attr(number(f["value"], lang))} {_attr(f["unit"])}">', "</mark>"))
    for d in doc["dates"]:
        out.append(Mark(d["char_start"], d["char_end"], "date",
                        f'<mark class="date" title="{_attr(d["value"] or "")}">', "</mark>"))
    return [m for m in out if m.start is not None and m.end is not None and 0 <= m.start < m.end <= n]


def _render_flat(text: str, start: int, end: int, marks: list[Mark]) -> str:
    """text[start:end] escaped with marks clipped to it, nested by layer; a mark crossing another is reopened."""
    marks = [Mark(max(m.start, start), min(m.end, end), m.layer, m.open, m.close)
             for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end, *[m.start for m in marks], *[m.end for m in marks]})
    starting: dict[int, list[Mark]] = {}
    for m in marks:
        starting.setdefault(m.start, []).append(m)
    live: list[Mark] = []
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        live = [m for m in live if m.end > a] + starting.get(a, [])
        live.sort(key=lambda m: (_LAYER[m.layer], m.start, -m.end))
        active, seen = [], set()
        for m in live:
            key = "fd" if m.layer in ("figure", "date") else m.layer
            if key not in seen:  # one mark per layer per segment keeps the nesting valid when facts overlap
                active.append(m)
                seen.add(key)
        parts.extend(m.open for m in active)
        parts.append(str(escape(text[a:b])))
        parts.extend(m.close for m in reversed(active))
    return "".join(parts)


def render(text: str, marks: list[Mark]) -> Markup:
    """Escaped text; each sentence one element (its id is a citation's anchor), facts marked inside it."""
    sents = sorted((m for m in marks if m.layer == "sent"), key=lambda m: m.start)
    inner = [m for m in marks if m.layer != "sent"]
    parts, pos = [], 0
    for s in sents:
        if s.start < pos:
            continue
        parts.append(_render_flat(text, pos, s.start, inner))
        parts.append(s.open + _render_flat(text, s.start, s.end, inner) + s.close)
        pos = s.end
    parts.append(_render_flat(text, pos, len(text), inner))
    return Markup("".join(parts))
