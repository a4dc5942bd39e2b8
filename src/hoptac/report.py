"""A printable briefing on one entity (HTML, Markdown, PDF): profile, timeline, open requests, commitments, figures."""
from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import combinations
from typing import Any

from sqlalchemy import select

from hoptac.citations import doc_sources
from hoptac.isodate import sort_key
from hoptac.kb import entity_doc_ids, profile
from hoptac.overview import open_requests
from hoptac.sites import safe_url
from hoptac.store import Store
from hoptac.store import schema as S

MAX_ROWS = 40  # per section: a briefing is read before a meeting, not an export


def related_graph(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    """Nodes (the entity and its related ones) and weighted links: shared articles, also among the related."""
    related = p["related"]
    nodes = [{"id": p["id"], "name": p["name"], "type": p["type"], "center": True}] + \
            [{"id": r["id"], "name": r["name"], "type": r["type"], "center": False} for r in related]
    links = [{"source": 0, "target": i + 1, "weight": r["shared_documents"]} for i, r in enumerate(related)]
    index = {r["id"]: i + 1 for i, r in enumerate(related)}
    de = S.doc_entities
    with store.engine.connect() as c:
        docs = entity_doc_ids(c, p["id"], p.get("window"))
        by_doc: dict[int, set[int]] = {}
        for doc_id, eid in c.execute(select(de.c.doc_id, de.c.entity_id)
                                     .where(de.c.doc_id.in_(docs or [-1]), de.c.entity_id.in_(list(index) or [-1]))):
            by_doc.setdefault(doc_id, set()).add(eid)
    pairs: Counter[tuple[int, int]] = Counter()
    for ids in by_doc.values():
        pairs.update(combinations(sorted(ids), 2))
    links += [{"source": index[a], "target": index[b], "weight": n} for (a, b), n in pairs.items() if n > 1]
    return {"nodes": nodes, "links": links}


def briefing_data(store: Store, entity_id: int) -> dict[str, Any]:
    """What a briefing shows, every fact with a citation number into one list of sources."""

    p = profile(store, entity_id, limit=200)
    received, made = p["statements_received"], p["statements_made"]
    sections = {
        "open": open_requests(store, received),
        "requests_to": [s for s in received if s["kind"] == "request"],
        "commitments": [s for s in made if s["kind"] in ("commitment", "agreement")],
        "requests_made": [s for s in made if s["kind"] == "request"],
    }
    counts = {k: len(v) for k, v in sections.items()}
    # Newest first, capped: the most recent facts are what a meeting turns on.
    for k, v in sections.items():
        sections[k] = sorted(v, key=lambda s: (sort_key(s["date"]), s["id"]), reverse=True)[:MAX_ROWS]
    events = sorted(p["events"], key=lambda e: (sort_key(e["date"]), e["id"]), reverse=True)[:MAX_ROWS]
    figures = sorted(p["figures"], key=lambda f: (sort_key(f["date"]), f["text"]), reverse=True)[:MAX_ROWS]
    cites: dict[tuple[int, int], int] = {}
    sources: list[dict[str, Any]] = []
    docs = doc_sources(store, {x["doc_id"] for x in [*events, *figures, *p["roles"], *sum(sections.values(), [])]})

    def cite(x: dict[str, Any]) -> dict[str, Any]:
        key = (x["doc_id"], x["sentence"])
        if key not in cites:
            cites[key] = len(sources) + 1
            info = docs.get(x["doc_id"], {})  # title, outlet, date and http(s) address: never a server path
            sources.append({"n": cites[key], "doc_id": x["doc_id"], "sentence": x["sentence"],
                            "text": x.get("evidence") or _sentence(store, *key), "title": info.get("title"),
                            "outlet": info.get("outlet"), "published": info.get("published"), "url": info.get("url")})
        return {**x, "cite": cites[key]}

    return {"entity": p, "generated": date.today().isoformat(),
            "roles": [cite(r) for r in p["roles"]],
            "events": [cite(e) for e in events],
            "sections": {k: [cite(s) for s in v] for k, v in sections.items()},
            "figures": [cite(f) for f in figures],
            "counts": {"events": p["totals"]["events"], "figures": p["totals"]["figures"],
                       **counts},
            "sources": sources}


def _sentence(store: Store, doc_id: int, idx: int) -> str:
    s = S.sentences
    with store.engine.connect() as c:
        return c.execute(select(s.c.text).where(s.c.doc_id == doc_id, s.c.idx == idx)).scalar() or ""


def briefing_html(store: Store, entity_id: int, lang: str = "vi", standalone: bool = False) -> str:
    """The briefing page; standalone inlines its stylesheet and uses absolute-free links (files, PDFs)."""
    from hoptac.web import make_env
    from hoptac.web.charts import timeline_svg
    from hoptac.web.i18n import labels, translator

    data = briefing_data(store, entity_id)
    lab = labels(lang)
    css = None
    if standalone:
        from markupsafe import Markup

        from hoptac.web import HERE
        css = Markup((HERE / "static" / "briefing.css").read_text(encoding="utf-8"))  # ours: not escaped as text
    return make_env().get_template("briefing.html").render(
        t=translator(lang), lang=lang, labels=lab, d=data, css=css, standalone=standalone, safe_url=safe_url,
        chart=timeline_svg(data["entity"]["events"], lab, width=900, link=not standalone))


class _Md(str):
    """Text already written as Markdown by us (a checked link): the Markdown template passes it as it is."""


_MD_ESCAPES = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "`": "\\`", "|": "\\|",
                             "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "})


def md_text(value: Any) -> str:
    """Untrusted text as inert Markdown: no raw HTML (< and > as entities), no link or code syntax, one line."""
    if value is None:
        return ""
    if isinstance(value, _Md):
        return value
    return str(value).translate(_MD_ESCAPES).strip()


_URL_SAFE = ":/?#@!$&'()*+,;=%~[]"  # kept as they are; spaces, quotes, < and > are percent-encoded


def md_link(url: str | None) -> str:
    """An autolink only for an http(s) address (never javascript: or data:), with nothing that could end it."""
    from urllib.parse import quote


    u = safe_url(url)
    return _Md("<" + quote(u, safe=_URL_SAFE) + ">") if u else _Md("")


def briefing_md(store: Store, entity_id: int, lang: str = "vi") -> str:
    """The same briefing as Markdown, for notes and e-mail; safe to paste into any Markdown renderer."""
    from hoptac.web import make_env
    from hoptac.web.i18n import labels, translator

    env = make_env()
    env.autoescape = False  # Markdown, not HTML: every value is escaped for Markdown by finalize instead
    env.finalize = md_text
    env.filters["md"] = lambda v: _Md(md_text(v))  # escaped once, here or by finalize, never twice
    env.filters["md_link"] = md_link
    return env.get_template("briefing.md").render(t=translator(lang), lang=lang, labels=labels(lang),
                                                  d=briefing_data(store, entity_id))


def briefing_pdf(store: Store, entity_id: int, lang: str = "vi") -> bytes:
    """The standalone HTML briefing printed to PDF by WeasyPrint (fonts from the system: DejaVu)."""
    from weasyprint import HTML

    return HTML(string=briefing_html(store, entity_id, lang, standalone=True)).write_pdf()


def briefing_filename(p: dict[str, Any] | str, entity_id: int, ext: str, prefix: str = "briefing") -> str:
    """A file name for a downloaded briefing or dossier: ASCII, no spaces ("briefing-12-nvidia.pdf")."""
    from hoptac.textnorm import fold

    name = p if isinstance(p, str) else p.get("name", "")
    slug = "-".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in fold(name).lower()).split())
    return f"{prefix}-{entity_id}{'-' + slug[:40] if slug else ''}.{ext}"
