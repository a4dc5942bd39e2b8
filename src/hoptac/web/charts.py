"""Timeline charts drawn as SVG on the server, so pages, printed briefings and PDFs show the same chart without JS."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from hoptac.isodate import as_day

EVENT_TYPES = ("meeting", "conference", "visit", "agreement", "launch", "policy", "investment", "other")
# Colours as SVG attributes, not only CSS classes: WeasyPrint's SVG renderer does not see the page's stylesheet.
COLOURS = {"meeting": "#0b5cad", "conference": "#0e7490", "visit": "#d97706", "agreement": "#047857",
           "launch": "#db2777", "policy": "#6d28d9", "investment": "#b45309", "other": "#64748b"}


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    """Year ticks for long spans, month ticks for short ones."""
    if (hi - lo).days > 3 * 365:
        return [(date(y, 1, 1), str(y)) for y in range(lo.year, hi.year + 1) if date(y, 1, 1) >= lo]
    out, y, m = [], lo.year, lo.month
    step = 1 if (hi - lo).days <= 400 else 3
    while date(y, m, 1) <= hi:
        if date(y, m, 1) >= lo:
            out.append((date(y, m, 1), f"{m:02d}/{y}"))
        m += step
        while m > 12:
            y, m = y + 1, m - 12
    return out


def timeline_svg(events: list[dict], labels: dict[str, str], width: int = 960, link: bool = True) -> Markup:
    """Dated events on a time axis, one lane per event type; each dot links to its source sentence."""
    dated = [(d, e) for e in events if (d := as_day(e.get("date")))]
    if not dated:
        return Markup("")
    types = [t for t in EVENT_TYPES if any(e.get("type") == t for _, e in dated)] or ["other"]
    lo = min(d for d, _ in dated)
    hi = max(d for d, _ in dated)
    lo = date(lo.year, lo.month, 1)
    hi = date(hi.year + (hi.month == 12), hi.month % 12 + 1, 1)
    left, right, top, lane = 110, 20, 10, 28
    height = top + lane * len(types) + 36
    span = max((hi - lo).days, 1)

    def x(d: date) -> float:
        return left + (width - left - right) * (d - lo).days / span

    out = [f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(labels.get("_title", "timeline"))}">']
    axis_y = top + lane * len(types) + 4
    for i, t in enumerate(types):
        y = top + lane * i + lane / 2
        out.append(f'<text x="{left - 8}" y="{y + 4:.0f}" text-anchor="end" class="lane" font-size="12" fill="#5d6878">'
                   f'{escape(labels.get(t, t))}</text>')
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.0f}" y2="{y:.0f}" class="lane-line" stroke="#eef1f5"/>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" class="axis" stroke="#9aa7b8"/>')
    ticks = _ticks(lo, hi)
    every = max(1, len(ticks) // 12)
    for k, (d, label) in enumerate(ticks):
        if k % every:
            continue
        out.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="{axis_y}" y2="{axis_y + 5}" class="axis" stroke="#9aa7b8"/>'
                   f'<text x="{x(d):.1f}" y="{axis_y + 18}" text-anchor="middle" class="tick" font-size="11" fill="#5d6878">{escape(label)}</text>')
    for d, e in dated:
        i = types.index(e.get("type")) if e.get("type") in types else len(types) - 1
        y = top + lane * i + lane / 2
        tip = f'{e.get("date")} · {labels.get(e.get("type") or "", e.get("type") or "")}: {e.get("evidence") or ""}'
        typ = e.get("type") if e.get("type") in COLOURS else "other"
        dot = (f'<circle cx="{x(d):.1f}" cy="{y:.0f}" r="6" class="ev ev-{typ}" fill="{COLOURS[typ]}" '
               f'fill-opacity="0.75" stroke="#fff">'
               f'<title>{escape(tip[:300])}</title></circle>')
        if link and e.get("doc_id") is not None:
            dot = f'<a href="/article/{int(e["doc_id"])}#s{int(e.get("sentence") or 0)}">{dot}</a>'
        out.append(dot)
    out.append("</svg>")
    return Markup("".join(out))
