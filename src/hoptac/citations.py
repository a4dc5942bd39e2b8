"""What a citation shows: the article's title, outlet and date, never the server path it was read from."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from hoptac.isodate import readable
from hoptac.sites import host, safe_url
from hoptac.store import Store
from hoptac.store import schema as S

TITLE_CHARS = 90  # an untitled article is named by the start of its first sentence
CHUNK = 500  # ids per query, well under every database's bound-parameter limit


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def doc_sources(store: Store, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """id -> {title, outlet, published, url} for the articles cited; the title falls back to the first sentence."""
    wanted = sorted({int(i) for i in ids if i is not None})
    d, s = S.documents, S.sentences
    rows, first = [], {}
    with store.engine.connect() as c:
        for k in range(0, len(wanted), CHUNK):
            part = wanted[k:k + CHUNK]
            got = c.execute(select(d.c.id, d.c.source, d.c.url, d.c.title, d.c.published)
                            .where(d.c.id.in_(part))).all()
            untitled = [r.id for r in got if not (r.title or "").strip()]
            if untitled:
                first.update(c.execute(select(s.c.doc_id, s.c.text)
                                       .where(s.c.doc_id.in_(untitled), s.c.idx == 0)).all())
            rows += got
    return {r.id: {"id": r.id, "title": " ".join((r.title or "").split()) or _shorten(first.get(r.id, "")) or None,
                   "outlet": host(r.url, r.source), "published": r.published if readable(r.published) else None,
                   "url": safe_url(r.url)}
            for r in rows}


def last_doc_id(store: Store) -> int:
    """The newest article's id (0 when empty): what was stored after it is new."""
    with store.engine.connect() as c:
        return c.execute(select(func.max(S.documents.c.id))).scalar() or 0


def docs_after(store: Store, after: int, limit: int = 50) -> list[dict[str, Any]]:
    """Articles stored after a given id, oldest first, labelled like citations."""
    with store.engine.connect() as c:
        ids = list(c.execute(select(S.documents.c.id).where(S.documents.c.id > after)
                             .order_by(S.documents.c.id).limit(limit)).scalars())
    found = doc_sources(store, ids)
    return [found[i] for i in ids if i in found]
