"""Reading what became of each pledge: one chain per pledge story, its history of later reports and current status."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from hoptac import lifecycle as L
from hoptac.store import schema as S
from hoptac.stories import outlet, story_members, story_of

OPEN = "open"  # a pledge no later article reports on yet
FILTERS = ("open", "in_progress", "implemented", "dropped")  # the tracker's status filter
_FILTER_OF = {"implemented": "implemented", "in_progress": "in_progress", "dropped": "dropped",
              "reaffirmed": "open", "unclear": "open"}


def tracker_status(status: str | None) -> str:
    """The tracker's four states: a reaffirmed or unclear pledge is still open."""
    return _FILTER_OF.get(status or "", OPEN)


def _story_of(conn: Connection, statement_ids: list[int]) -> dict[int, int]:
    return {k: sid for k, (sid, _) in story_of(conn, "statement", statement_ids).items()}


def _same_happening(conn: Connection, doc_ids: list[int]) -> dict[int, set[int]]:
    """Each later article's stories (events and statements): two updates sharing one are one report."""
    out: dict[int, set[int]] = {}
    if doc_ids:
        for d, sid in conn.execute(select(story_members.c.doc_id, story_members.c.story_id)
                                   .where(story_members.c.doc_id.in_(doc_ids))):
            out.setdefault(d, set()).add(sid)
    return out


def _history(rows: list, stories_of: dict[int, set[int]]) -> list[dict[str, Any]]:
    """Updates oldest first, one per later article; an article that reports the same happening as an earlier
    update within a week (a shared story) is folded into it, so one step reported by three outlets counts once."""
    by_doc: dict[int, Any] = {}
    for r in sorted(rows, key=lambda r: (r.origin == "auto", -(r.score or 0))):
        by_doc.setdefault(r.doc_id, r)  # a user's link first, then the strongest
    kept: list = []
    for r in sorted(by_doc.values(), key=lambda r: (r.date or "", r.doc_id)):
        twin = next((k for k in kept if stories_of.get(k.doc_id, set()) & stories_of.get(r.doc_id, set())
                     and L.later(k.date, r.date) is False and r.origin == "auto"), None)
        if twin is None:
            kept.append(r)
    return [{"link": r.id, "doc_id": r.doc_id, "sentence": r.sent_idx, "source": r.source, "title": r.title,
             "url": r.url, "outlet": outlet(r.source, r.url), "date": r.date, "status": r.status,
             "evidence": r.evidence, "origin": r.origin} for r in kept]


def _pledge(row) -> dict[str, Any]:
    return {"id": row.id, "doc_id": row.doc_id, "sentence": row.sent_idx, "source": row.source, "title": row.title,
            "url": row.url, "outlet": outlet(row.source, row.url), "kind": row.kind, "speaker": row.speaker,
            "speaker_entity_id": row.speaker_entity_id, "addressee": row.addressee,
            "addressee_entity_id": row.addressee_entity_id, "content": row.content, "date": row.date or row.published,
            "published": row.published, "evidence": row.evidence}


def chains(store, statement_ids: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """Every pledge story some later article reports on (or those of the statements given): its earliest report
    as the pledge, the updates oldest first and the current status (the latest update's)."""
    st, d, lk = S.statements, S.documents, L.links
    with store.engine.connect() as c:
        q = select(lk.c.statement_id).distinct()
        if statement_ids is not None:
            q = q.where(lk.c.statement_id.in_(statement_ids))
        linked = sorted(c.execute(q).scalars())
        story = _story_of(c, linked)
        groups: dict[Any, list[int]] = {}
        for sid in linked:
            groups.setdefault(story.get(sid, f"s{sid}"), []).append(sid)
        for k in range(0, len(linked), 500):
            part = linked[k:k + 500]
            rows = c.execute(select(lk, d.c.source, d.c.title, d.c.url).join(d, d.c.id == lk.c.doc_id)
                             .where(lk.c.statement_id.in_(part))).all()
            pledges = {r.id: r for r in c.execute(select(st, d.c.source, d.c.title, d.c.url, d.c.published)
                                                  .join(d, d.c.id == st.c.doc_id).where(st.c.id.in_(part)))}
            same = _same_happening(c, sorted({r.doc_id for r in rows}))
            by_pledge: dict[int, list] = {}
            for r in rows:
                by_pledge.setdefault(r.statement_id, []).append(r)
            done: set = set()
            for sid in part:
                key = story.get(sid, f"s{sid}")
                if key in done:
                    continue
                done.add(key)
                members = [m for m in groups[key] if m in pledges]
                if not members:
                    continue
                first = min(members, key=lambda m: (pledges[m].published or "9999", m))
                updates = _history([r for m in members for r in by_pledge.get(m, [])], same)
                if not updates:
                    continue
                yield {"pledge": _pledge(pledges[first]), "story": story.get(first), "updates": updates,
                       "status": updates[-1]["status"]}


def status_of(store, statement_ids: list[int]) -> dict[int, str]:
    """The current status of each statement's pledge story (the latest update's), for the tracker and pages."""
    out: dict[int, str] = {}
    if not statement_ids:
        return out
    with store.engine.connect() as c:
        story = _story_of(c, statement_ids)
        sm = story_members
        members = {}
        if story:
            for sid, fact in c.execute(select(sm.c.story_id, sm.c.fact_id).where(
                    sm.c.kind == "statement", sm.c.story_id.in_(sorted(set(story.values()))))):
                members.setdefault(sid, []).append(fact)
        wanted = sorted({f for s in statement_ids for f in members.get(story.get(s), [s])})
    by_fact = {}
    for ch in chains(store, wanted):
        for f in members.get(ch["story"], [ch["pledge"]["id"]]):
            by_fact[f] = ch["status"]
    for s in statement_ids:
        if s in by_fact:
            out[s] = by_fact[s]
        else:
            out[s] = next((by_fact[f] for f in members.get(story.get(s), []) if f in by_fact), OPEN)
    return out


def contract(ch: dict[str, Any]) -> dict[str, Any]:
    """A chain as `hoptac lifecycle --json` prints it (CONTRACT.md)."""
    p = ch["pledge"]
    return {"pledge": {"source": p["source"], "kind": p["kind"], "speaker": p["speaker"], "addressee": p["addressee"],
                       "content": p["content"], "date": p["date"], "evidence": p["evidence"]},
            "status": ch["status"],
            "updates": [{"source": u["source"], "date": u["date"], "status": u["status"], "evidence": u["evidence"]}
                        for u in ch["updates"]]}


__all__ = ["chains", "status_of", "contract", "tracker_status", "FILTERS", "OPEN"]


def _latest_link(st, column):
    """A correlated subquery: `column` of the latest link of any report of the statement's story."""
    from sqlalchemy import and_
    lk, mine, peer = L.links, story_members.alias("lc_mine"), story_members.alias("lc_peer")
    return (select(column).select_from(lk)
            .join(peer, and_(peer.c.kind == "statement", peer.c.fact_id == lk.c.statement_id))
            .join(mine, and_(mine.c.kind == "statement", mine.c.story_id == peer.c.story_id))
            .where(mine.c.fact_id == st.c.id).order_by(lk.c.date.desc().nulls_last(), lk.c.id.desc()).limit(1)
            .scalar_subquery())


def status_condition(st, status: str):
    """The tracker's status filter as a condition on the statements table (or an alias of it)."""
    from sqlalchemy import or_
    if status not in FILTERS:
        raise ValueError(f"status is one of {', '.join(FILTERS)}")
    latest = _latest_link(st, L.links.c.status)
    if status == OPEN:
        return or_(latest.is_(None), latest.in_([s for s, f in _FILTER_OF.items() if f == OPEN]))
    return latest == status


def last_update(st):
    """The date of the latest later report on the statement's story (None when none): the tracker sorts by it."""
    return _latest_link(st, L.links.c.date)


def latest_status(st):
    """The status of the latest later report on the statement's story (None when none)."""
    return _latest_link(st, L.links.c.status)
