"""Requests and commitments in one table: the filters, sort and CSV shared by the API, the pages and reports."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, false, func, or_, select, tuple_

from hoptac import lifecycle_view
from hoptac.export import defuse
from hoptac.kb import find_entities
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.search import matching_keys, matching_sentences
from hoptac.stories import outlet, story_members

KINDS = ("request", "commitment", "intent", "agreement")
COUNT_CAP = 10_000  # matches counted at most; more is shown as "more than 10,000"
TEXT_KEYS = 10_000  # statement sentences a text filter takes from the search index (two bound values each)
SORTS = ("published", "date", "kind", "speaker", "addressee", "topic", "source", "updated")
COLUMNS = ["id", "story", "date", "published", "kind", "speaker", "addressee", "content", "topics", "evidence", "source", "title",
           "doc_id", "sentence", "status", "updated"]


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
    status: str | None = None  # open, in_progress, implemented or dropped: what later reports say became of it


class DateFilterError(ValueError):
    """A date filter that is no date; `value` is what the user typed, shown back to them."""

    def __init__(self, value: str, reason: str = "not a date; write dd/mm/yyyy, yyyy-mm-dd, mm/yyyy or yyyy",
                 order: bool = False):
        super().__init__(f"{value!r}: {reason}")
        self.value = value
        self.order = order  # both ends are dates, but the start is after the end


_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DMY = re.compile(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})")


def date_filter(value: str | None) -> str | None:
    """A date filter as typed (yyyy, yyyy-mm, yyyy-mm-dd, dd/mm/yyyy, mm/yyyy) as an ISO prefix; None when empty.

    Vietnamese readers write the day first, so 01/12/2024 is the 1st of December. Anything that is not a real
    date at one of these precisions raises DateFilterError rather than being ignored or misread.
    """
    v = (value or "").strip()
    if not v:
        return None
    if m := _ISO.fullmatch(v):
        y, mo, d = m.group(1), m.group(2), m.group(3)
    elif m := _DMY.fullmatch(v):
        d, mo, y = m.group(1), m.group(2), m.group(3)
    else:
        raise DateFilterError(v)
    try:
        date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        raise DateFilterError(v, "no such day; write dd/mm/yyyy, yyyy-mm-dd, mm/yyyy or yyyy") from None
    if int(y) < 1000:
        raise DateFilterError(v, "no such year")
    return "-".join([y] + [f"{int(x):02d}" for x in (mo, d) if x])


def date_filters(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """Both ends of a date range checked (see date_filter), and in order."""
    lo, hi = date_filter(date_from), date_filter(date_to)
    if lo and hi and lo[:len(hi)] > hi:
        raise DateFilterError(f"{date_from} – {date_to}", "the start is after the end", order=True)
    return lo, hi


def _entity_ids(store: Store, ref: str | int | None) -> list[int] | None:
    """Entity ids a filter value names: an id as is, a name through kb.find_entities (aliases included)."""
    if ref is None or ref == "":
        return None
    if isinstance(ref, int):
        return [ref] if 0 < ref < 2**63 else [-1]
    text = str(ref).strip()
    if re.fullmatch(r"[0-9]{1,19}", text):  # ASCII digits only: "²".isdigit() is true too
        return [int(text)] if int(text) < 2**63 else [-1]
    return [e["id"] for e in find_entities(store, str(ref))] or [-1]


def _conditions(store: Store, f: TrackerFilters, st=S.statements) -> list:
    """The filters as conditions on the statements table alone (or an alias of it)."""
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
    if f.status:
        conds.append(lifecycle_view.status_condition(st, f.status))
    if f.text and f.text.strip():
        # the sentences that hold a statement and every word, from the search index (a common word matches
        # far fewer statement sentences than sentences); past TEXT_KEYS of them, the store's full-text index
        keys = matching_keys(store, f.text, TEXT_KEYS, statements_only=True)
        if keys is not None:
            conds.append(tuple_(st.c.doc_id, st.c.sent_idx).in_(keys) if keys else false())
        else:
            conds.append(tuple_(st.c.doc_id, st.c.sent_idx).in_(matching_sentences(store, f.text)))
    return conds


def _order(sort: str, desc: bool, dialect: str) -> list:
    """Order by a column, unknown values last either way, written so an index on the column can serve it."""
    st, d = S.statements, S.documents
    col = {"published": d.c.published, "date": st.c.date, "kind": st.c.kind, "speaker": st.c.speaker,
           "addressee": st.c.addressee, "topic": st.c.topics, "source": d.c.source,
           "updated": lifecycle_view.last_update(st)}.get(sort, d.c.published)
    tie = st.c.id.desc() if desc else st.c.id
    if desc:  # SQLite sorts NULL first ascending, so last descending; PostgreSQL needs telling
        return [col.desc().nulls_last() if dialect == "postgresql" else col.desc(), tie]
    return [col.asc(), tie] if dialect == "postgresql" else [col.is_(None), col.asc(), tie]


def _item(r) -> dict[str, Any]:
    item = dict(r._mapping)
    item["topics"] = json.loads(item["topics"] or "[]")
    item["sentence"] = item["sent_idx"]
    if "lifecycle" in item:
        item["status"] = lifecycle_view.tracker_status(item.pop("lifecycle"))
    return item


def _first_of_story(store: Store, f: TrackerFilters):
    """True for the first matching report of its story: no earlier member of the same story matches too."""
    st, m, m2 = S.statements, story_members, story_members.alias("m2")
    s2 = S.statements.alias("s2")
    earlier = (select(m2.c.fact_id).join(s2, s2.c.id == m2.c.fact_id)
               .where(m2.c.story_id == m.c.story_id, m2.c.kind == "statement", m2.c.fact_id < st.c.id,
                      *_conditions(store, f, s2)))
    return ~earlier.exists()


def rows(store: Store, f: TrackerFilters, sort: str = "published", desc: bool = True, limit: int = 100,
         offset: int = 0, by_story: bool = True) -> tuple[int, list[dict[str, Any]]]:
    """Total matches (at most COUNT_CAP + 1) and one page of statements, with their article's source and title.
    By story (the default), one row per distinct request or commitment however many outlets reported it: its first
    matching report, with every report as `citations` and the number of outlets as `outlets`."""
    st, d, m = S.statements, S.documents, story_members
    conds = _conditions(store, f)
    on_story = and_(m.c.kind == "statement", m.c.fact_id == st.c.id)
    q = (select(st, m.c.story_id.label("story"), d.c.source, d.c.title, d.c.url, d.c.published, d.c.ingested_at,
                lifecycle_view.latest_status(st).label("lifecycle"), lifecycle_view.last_update(st).label("updated"))
         .join(d, d.c.id == st.c.doc_id).outerjoin(m, on_story))
    counted = select(st.c.id)  # statements alone: every filter is on their columns
    if by_story:
        counted = counted.outerjoin(m, on_story)
        conds = conds + [or_(m.c.story_id.is_(None), _first_of_story(store, f))]
    if conds:
        q, counted = q.where(and_(*conds)), counted.where(and_(*conds))
    with store.engine.connect() as c:
        # counted up to COUNT_CAP + 1 (the page then says "more than"): a count never reads the whole archive
        total = c.execute(select(func.count()).select_from(counted.limit(COUNT_CAP + 1).subquery())).scalar_one()
        page = [_item(r) for r in c.execute(q.order_by(*_order(sort, desc, store.engine.dialect.name))
                                            .limit(limit).offset(offset)).all()]
        if by_story:
            _add_citations(c, page)
    return total, page


def _add_citations(c, items: list[dict[str, Any]]) -> None:
    """Every report of each row's story: its article, outlet and sentence (one query for the page)."""
    sids = sorted({it["story"] for it in items if it.get("story") is not None})
    by_story: dict[int, list[dict[str, Any]]] = {}
    if sids:
        st, d, m = S.statements, S.documents, story_members
        for r in c.execute(select(m.c.story_id, st.c.id, st.c.doc_id, st.c.sent_idx, st.c.evidence, d.c.source,
                                  d.c.url, d.c.title, d.c.published)
                           .join(st, and_(m.c.kind == "statement", st.c.id == m.c.fact_id))
                           .join(d, d.c.id == st.c.doc_id).where(m.c.story_id.in_(sids))
                           .order_by(d.c.published, st.c.id)):
            by_story.setdefault(r.story_id, []).append(
                {"id": r.id, "doc_id": r.doc_id, "sentence": r.sent_idx, "evidence": r.evidence, "title": r.title,
                 "published": r.published, "outlet": outlet(r.source, r.url)})
    for it in items:
        cites = by_story.get(it.get("story"), []) or [
            {"id": it["id"], "doc_id": it["doc_id"], "sentence": it["sentence"], "evidence": it["evidence"],
             "title": it["title"], "published": it["published"], "outlet": outlet(it["source"], it["url"])}]
        it["citations"] = cites
        it["outlets"] = len({x["outlet"] for x in cites})


def iter_rows(store: Store, f: TrackerFilters, sort: str = "published", desc: bool = True) -> Iterator[dict[str, Any]]:
    """Every matching statement with its story id, streamed in pages (for CSV export of any size)."""
    offset, size = 0, 2000
    while True:
        _, page = rows(store, f, sort, desc, size, offset, by_story=False)
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
            cells.append(defuse(v))  # the one rule for every CSV the project writes
        w.writerow(cells)
        yield flush()
