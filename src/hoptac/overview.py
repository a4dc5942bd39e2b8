"""What the home page and briefings summarise: counts, latest facts, most active partners, open requests."""
from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all

from hoptac.kb import timeline
from hoptac.stories import count as count_stories
from hoptac.store import Store
from hoptac.store import schema as S


RECENT_DOCS = 300  # the latest articles the home page's "latest" lists are drawn from


def latest_statements(store: Store, kinds: tuple[str, ...] = ("request", "commitment"), limit: int = 10) -> list[dict]:
    """Requests and commitments from the most recent articles (by publication, else ingestion), newest first."""
    d, st = S.documents, S.statements
    with store.engine.connect() as c:
        recent = set(c.execute(select(d.c.id).where(d.c.published.is_not(None))
                               .order_by(d.c.published.desc(), d.c.id.desc()).limit(RECENT_DOCS)).scalars())
        recent |= set(c.execute(select(d.c.id).order_by(d.c.id.desc()).limit(RECENT_DOCS)).scalars())
        q = (select(st, d.c.source, d.c.title, d.c.url, d.c.published, d.c.ingested_at)
             .join(d, d.c.id == st.c.doc_id).where(st.c.doc_id.in_(sorted(recent)), st.c.kind.in_(kinds)))
        found = [dict(r._mapping) for r in c.execute(q)]
    for r in found:
        r["topics"] = json.loads(r["topics"] or "[]")
        r["sentence"] = r["sent_idx"]
    return sorted(found, key=lambda r: (r["published"] or r["ingested_at"][:10], r["id"]), reverse=True)[:limit]


def active_partners(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """Organizations that deal with a counterpart most: either side of a request or commitment addressed to
    someone, a party to an agreement, a participant of an event with another party. A club or a company named
    alone in a news item is no partner."""
    st, ep, e = S.statements, S.event_participants, S.entities
    paired = and_(st.c.speaker_entity_id.is_not(None), st.c.addressee_entity_id.is_not(None))
    shared = (select(ep.c.event_id).group_by(ep.c.event_id).having(func.count() >= 2)).subquery()
    acts = union_all(
        select(st.c.speaker_entity_id.label("eid"), literal(1).label("st"), literal(0).label("ev"))
        .where(or_(paired, and_(st.c.kind == "agreement", st.c.speaker_entity_id.is_not(None)))),
        select(st.c.addressee_entity_id.label("eid"), literal(1).label("st"), literal(0).label("ev"))
        .where(paired),
        select(ep.c.entity_id.label("eid"), literal(0).label("st"), literal(1).label("ev"))
        .where(ep.c.event_id.in_(select(shared.c.event_id))),
    ).subquery()
    q = (select(e.c.id, e.c.name, e.c.type, func.sum(acts.c.st).label("statements"),
                func.sum(acts.c.ev).label("events"))
         .join(acts, acts.c.eid == e.c.id).where(e.c.type == "ORG")
         .group_by(e.c.id, e.c.name, e.c.type)
         .order_by(func.count().desc(), e.c.id).limit(limit))
    with store.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(q)]


_CACHE: dict[str, tuple[tuple, dict[str, Any]]] = {}
_LOCK = threading.Lock()


def home(store: Store) -> dict[str, Any]:
    """Everything the home page shows; the whole-archive counts are recomputed only when the store changes."""
    version = store.version()
    with _LOCK:
        hit = _CACHE.get(store.url)
    if hit is None or hit[0] != version:
        # Counts and partners scan whole tables (linear in the archive): once per change, not per view.
        stats = store.stats()
        # events and statements as the reader means them: one per story, however many outlets reported it
        told = count_stories(store)
        stats.update(events=told["event"], statements=told["statement"], reports_events=stats.get("events", 0),
                     reports_statements=stats.get("statements", 0))
        hit = (version, {"stats": stats, "partners": active_partners(store)})
        with _LOCK:
            _CACHE[store.url] = hit
    return {**hit[1],
            # Events up to today: a date in the future is a plan or target, not news.
            "events": timeline(store, date_to=date.today().isoformat(), limit=10, newest_first=True),
            "statements": latest_statements(store)}


def open_requests(store: Store, received: list[dict]) -> list[dict]:
    """Requests to an entity no later article reports a step on (hoptac.lifecycle): still open, or only said again."""
    from hoptac.lifecycle_view import OPEN, status_of, tracker_status
    reqs = [r for r in received if r["kind"] == "request"]
    status = status_of(store, [r["id"] for r in reqs])
    return [r for r in reqs if tracker_status(status.get(r["id"])) == OPEN]
