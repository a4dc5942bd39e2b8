"""What the home page and briefings summarise: counts, latest facts, most active partners, open requests."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, literal, select, union_all

from hoptac.kb import timeline
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.textnorm import fold
from hoptac.tracker import TrackerFilters, rows


def latest_statements(store: Store, kinds: tuple[str, ...] = ("request", "commitment"), limit: int = 10) -> list[dict]:
    """Requests and commitments from the most recently published articles, newest first."""
    out: list[dict] = []
    for kind in kinds:
        out += rows(store, TrackerFilters(kind=kind), "published", True, limit)[1]
    return sorted(out, key=lambda r: (r["published"] or r["ingested_at"][:10], r["id"]), reverse=True)[:limit]


def active_partners(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """Organizations in the most statements (either side) and events: who an analyst deals with most."""
    st, ep, e = S.statements, S.event_participants, S.entities
    acts = union_all(
        select(st.c.speaker_entity_id.label("eid"), literal(1).label("st"), literal(0).label("ev"))
        .where(st.c.speaker_entity_id.is_not(None)),
        select(st.c.addressee_entity_id.label("eid"), literal(1).label("st"), literal(0).label("ev"))
        .where(st.c.addressee_entity_id.is_not(None)),
        select(ep.c.entity_id.label("eid"), literal(0).label("st"), literal(1).label("ev")),
    ).subquery()
    q = (select(e.c.id, e.c.name, e.c.type, func.sum(acts.c.st).label("statements"),
                func.sum(acts.c.ev).label("events"))
         .join(acts, acts.c.eid == e.c.id).where(e.c.type == "ORG")
         .group_by(e.c.id, e.c.name, e.c.type)
         .order_by(func.count().desc(), e.c.id).limit(limit))
    with store.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(q)]


def home(store: Store) -> dict[str, Any]:
    """Everything the home page shows, in a handful of indexed queries."""
    return {"stats": store.stats(),
            # Events up to today: a date in the future is a plan or target, not news.
            "events": timeline(store, date_to=date.today().isoformat(), limit=10, newest_first=True),
            "statements": latest_statements(store),
            "partners": active_partners(store)}


def _words(s: str) -> set[str]:
    return {w for w in fold(s).split() if len(w) > 2}


def open_requests(received: list[dict], made: list[dict]) -> list[dict]:
    """Requests to an entity with no later commitment or agreement by it on the same topic or words.

    A heuristic, said so on the page: a later commitment sharing a topic tag, or half of the
    request's content words, counts as an answer.
    """
    answers = [m for m in made if m["kind"] in ("commitment", "agreement")]
    out = []
    for r in received:
        if r["kind"] != "request":
            continue
        rw = _words(r["content"])
        answered = False
        for a in answers:
            if r["date"] and a["date"] and a["date"] < r["date"]:
                continue
            if set(r.get("topics") or []) & set(a.get("topics") or []) or \
                    (rw and len(rw & _words(a["content"])) * 2 >= len(rw)):
                answered = True
                break
        if not answered:
            out.append(r)
    return out
