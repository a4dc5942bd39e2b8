"""Requests and commitments in one table: the filters, sort and CSV shared by the API, the pages and reports."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_

from hoptac.kb import find_entities
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.search import matching_sentences

KINDS = ("request", "commitment", "intent", "agreement")
SORTS = ("published", "date", "kind", "speaker", "addressee", "topic", "source")
COLUMNS = ["id", "date", "published", "kind", "speaker", "addressee", "content", "topics", "evidence", "source", "title",
           "doc_id", "sentence"]


@dataclass(slots=True)
class TrackerFilters:
    """What the analyst narrows the table to; every field optional, combined with AND."""

    kind: str | None = None  # one of KINDS, or "" for all
    speaker: str | int | None = None  # an entity id, or a name/alias looked up like the CLI's --entity
    addressee: str | int | None = None
    entity: str | int | None = None  # speaker or addressee
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    text: str | None = None  # words in the content or evidence, accent-insensitive


def _entity_ids(store: Store, ref: str | int | None) -> list[int] | None:
    """Entity ids a filter value names: an id as is, a name through kb.find_entities (aliases included)."""
    if ref is None or ref == "":
        return None
    if isinstance(ref, int) or str(ref).strip().isdigit():
        return [int(ref)]
    return [e["id"] for e in find_entities(store, str(ref))] or [-1]


def _conditions(store: Store, f: TrackerFilters) -> list:
    """The filters as conditions on the statements table alone."""
    st = S.statements
    conds = date_range(st.c.date, f.date_from, f.date_to)
    if f.kind:
        conds.append(st.c.kind == f.kind)
    for col, ref in ((st.c.speaker_entity_id, f.speaker), (st.c.addressee_entity_id, f.addressee)):
        ids = _entity_ids(store, ref)
        if ids is not None:
            conds.append(col.in_(ids))
    ids = _entity_ids(store, f.entity)
    if ids is not None:
        conds.append(or_(st.c.speaker_entity_id.in_(ids), st.c.addressee_entity_id.in_(ids)))
    if f.topic:
        conds.append(st.c.topics.like('%"' + f.topic.replace("%", "").replace('"', "") + '"%'))
    if f.text and f.text.strip():
        # through the full-text index (accent-insensitive, every word), not a scan of every sentence
        conds.append(tuple_(st.c.doc_id, st.c.sent_idx).in_(matching_sentences(store, f.text)))
    return conds


def _order(sort: str, desc: bool, dialect: str) -> list:
    """Order by a column, unknown values last either way, written so an index on the column can serve it."""
    st, d = S.statements, S.documents
    col = {"published": d.c.published, "date": st.c.date, "kind": st.c.kind, "speaker": st.c.speaker,
           "addressee": st.c.addressee, "topic": st.c.topics, "source": d.c.source}.get(sort, d.c.published)
    tie = st.c.id.desc() if desc else st.c.id
    if desc:  # SQLite sorts NULL first ascending, so last descending; PostgreSQL needs telling
        return [col.desc().nulls_last() if dialect == "postgresql" else col.desc(), tie]
    return [col.asc(), tie] if dialect == "postgresql" else [col.is_(None), col.asc(), tie]


def _item(r) -> dict[str, Any]:
    item = dict(r._mapping)
    item["topics"] = json.loads(item["topics"] or "[]")
    item["sentence"] = item["sent_idx"]
    return item


def rows(store: Store, f: TrackerFilters, sort: str = "published", desc: bool = True, limit: int = 100,
         offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """Total matches and one page of statements, with their article's source and title."""
    st, d = S.statements, S.documents
    conds = _conditions(store, f)
    q = select(st, d.c.source, d.c.title, d.c.url, d.c.published, d.c.ingested_at).join(d, d.c.id == st.c.doc_id)
    counted = select(func.count()).select_from(st)  # statements alone: every filter is on their columns
    if conds:
        q, counted = q.where(and_(*conds)), counted.where(and_(*conds))
    with store.engine.connect() as c:
        total = c.execute(counted).scalar_one()
        page = c.execute(q.order_by(*_order(sort, desc, store.engine.dialect.name)).limit(limit).offset(offset)).all()
    return total, [_item(r) for r in page]


def iter_rows(store: Store, f: TrackerFilters, sort: str = "published", desc: bool = True) -> Iterator[dict[str, Any]]:
    """Every matching statement, streamed in pages (for CSV export of any size)."""
    offset, size = 0, 2000
    while True:
        _, page = rows(store, f, sort, desc, size, offset)
        yield from page
        if len(page) < size:
            return
        offset += size


def to_csv(items) -> Iterator[str]:
    """CSV text, header first, one chunk per row, formula-looking cells defused for spreadsheets."""
    buf = io.StringIO()
    w = csv.writer(buf)

    def flush() -> str:
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    w.writerow(COLUMNS)
    yield "\ufeff" + flush()  # BOM: Excel then opens Vietnamese text as UTF-8
    for it in items:
        cells = []
        for col in COLUMNS:
            v = it.get(col)
            v = "; ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
            if v[:1] in ("=", "+", "-", "@", "\t", "\r"):
                v = "'" + v  # a cell starting like a formula would run in Excel/LibreOffice
            cells.append(v)
        w.writerow(cells)
        yield flush()
