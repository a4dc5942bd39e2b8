"""The knowledge base across articles: entity profiles, timelines and users' corrections of linking."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from hoptac import stories
from hoptac.isodate import UNKNOWN_YEAR
from hoptac.lexicon import Lexicons, lex_key
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.textnorm import key as fold_key


class NotFound(LookupError):
    """No entity matches; the message names what was looked for."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def find_entities(store: Store, ref: str, typ: str | None = None) -> list[dict[str, Any]]:
    """Entities matching an id, a name or an alias (accent-insensitive), most mentioned first."""
    e, de = S.entities, S.doc_entities
    with store.engine.connect() as c:
        if ref.isdigit():
            rows = c.execute(select(e.c.id, e.c.name, e.c.type).where(e.c.id == int(ref))).all()
        else:
            k = fold_key(ref)
            keys = {k}
            entry = Lexicons.load().names.get(lex_key(ref))
            if entry is not None:  # a known alias ("Bộ KH&ĐT") names its canonical entity
                keys.add(fold_key(entry.canonical))
            types = ("PER", "ORG", "LOC", "MISC")
            ids = set(c.execute(select(e.c.id).where(e.c.type.in_(types), e.c.key.in_(
                [f"{t}:{x}" for t in types for x in keys]))).scalars())  # the (type, key) index
            if not ids:  # only then scan the surface forms articles used (linear in the archive)
                for eid, name, aliases in c.execute(
                        select(de.c.entity_id, de.c.name, de.c.aliases)
                        .where(or_(de.c.name.like(f"%{ref}%"), de.c.aliases.like(f"%{ref}%")))):
                    names = [name] + (json.loads(aliases) if aliases else [])
                    if any(fold_key(n) == k for n in names):
                        ids.add(eid)
            rows = c.execute(select(e.c.id, e.c.name, e.c.type).where(e.c.id.in_(sorted(i for i in ids if i)))).all()
        if typ:
            rows = [r for r in rows if r.type == typ.upper()]
        counts = dict(c.execute(select(de.c.entity_id, func.count()).where(
            de.c.entity_id.in_([r.id for r in rows] or [-1])).group_by(de.c.entity_id)).all())
    out = [{"id": r.id, "name": r.name, "type": r.type, "documents": counts.get(r.id, 0)} for r in rows]
    return sorted(out, key=lambda x: (-x["documents"], x["id"]))


def top_entities(store: Store, typ: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """The entities named in the most articles (optionally of one type), with that count."""
    e, de = S.entities, S.doc_entities
    q = (select(e.c.id, e.c.name, e.c.type, func.count().label("documents"))
         .join(de, de.c.entity_id == e.c.id).group_by(e.c.id, e.c.name, e.c.type))
    if typ:
        q = q.where(e.c.type == typ.upper())
    with store.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(q.order_by(func.count().desc(), e.c.id)
                                                     .limit(limit).offset(offset))]


def resolve(store: Store, ref: str, typ: str | None = None) -> dict[str, Any]:
    """The one entity a user means; raises NotFound."""
    found = find_entities(store, ref, typ)
    if not found:
        raise NotFound(f"no entity named {ref!r}")
    return found[0]


def document(store: Store, doc_id: int) -> dict[str, Any]:
    """A stored article with its sentences, mentions and every fact, as the API and the article page show it."""
    d = S.documents
    with store.engine.connect() as c:
        row = c.execute(select(d.c.id, d.c.source, d.c.url, d.c.title, d.c.published, d.c.author, d.c.language,
                               d.c.text, d.c.removed, d.c.topics, d.c.duplicate_of, d.c.similarity)
                        .where(d.c.id == doc_id)).mappings().first()
        if row is None:
            raise NotFound(f"no document {doc_id}")
        out = dict(row)
        out["removed"] = json.loads(out["removed"] or "[]")
        out["topics"] = json.loads(out["topics"] or "[]")
        out["sentences"] = [dict(r) for r in c.execute(
            select(S.sentences.c.idx, S.sentences.c.char_start, S.sentences.c.char_end, S.sentences.c.text)
            .where(S.sentences.c.doc_id == doc_id).order_by(S.sentences.c.idx)).mappings()]
        out["mentions"] = [dict(r) for r in c.execute(
            select(S.mentions.c.sent_idx, S.mentions.c.char_start, S.mentions.c.char_end, S.mentions.c.text,
                   S.mentions.c.type, S.mentions.c.entity_id)
            .where(S.mentions.c.doc_id == doc_id).order_by(S.mentions.c.char_start)).mappings()]
        for name, table in S.FACT_TABLES.items():
            out[name] = [dict(r) for r in c.execute(select(table).where(table.c.doc_id == doc_id)
                                                     .order_by(table.c.id)).mappings()]
    return out


WINDOW = 300  # with a limit, figures and related entities come from the entity's latest articles


def entity_doc_ids(c, entity_id: int, window: int | None = None) -> list[int]:
    """The articles naming an entity; with a window, the `window` most recently added (read off its index)."""
    de = S.doc_entities
    q = select(de.c.doc_id).where(de.c.entity_id == entity_id)
    if window is not None:
        q = q.order_by(de.c.id.desc()).limit(window)
    return sorted(set(c.execute(q).scalars()))


def profile(store: Store, entity_id: int, limit: int | None = None) -> dict[str, Any]:
    """Who or what it is, its aliases, titles over time, events, statements, figures and related entities.

    Without a limit everything is returned. With one (the pages), each list holds the latest `limit`
    facts, `totals` gives the full counts, and figures and related entities are computed over the
    entity's latest WINDOW articles (aliases too), so a page costs about the same at 2,000 or 2 million.
    """
    e, de, d = S.entities, S.doc_entities, S.documents
    with store.engine.connect() as c:
        row = c.execute(select(e.c.id, e.c.name, e.c.type).where(e.c.id == entity_id)).first()
        if row is None:
            raise NotFound(f"no entity with id {entity_id}")
        n_docs = c.execute(select(func.count(func.distinct(de.c.doc_id)))
                           .where(de.c.entity_id == entity_id)).scalar_one()
        windowed = limit is not None and n_docs > WINDOW
        doc_ids = entity_doc_ids(c, entity_id, WINDOW if windowed else None)
        aliases: Counter[str] = Counter()
        q_alias = select(de.c.name, de.c.aliases, func.count()).where(de.c.entity_id == entity_id)
        if windowed:
            q_alias = q_alias.where(de.c.doc_id.in_(doc_ids))
        for name, al, n in c.execute(q_alias.group_by(de.c.name, de.c.aliases)):
            aliases[name] += n
            for a in json.loads(al or "[]"):
                aliases[a] += n
        aliases.pop(row.name, None)

        def latest(q, date_col, id_col):
            """Rows of q, the latest `limit` by date (unknown dates and years last) when limited."""
            if limit is None:
                return c.execute(q).all()
            return c.execute(q.order_by(date_col.is_(None), date_col.like(UNKNOWN_YEAR + "%"), date_col.desc(),
                                        id_col.desc()).limit(limit)).all()

        def total(q) -> int:
            return c.execute(select(func.count()).select_from(q.subquery())).scalar_one()

        rl = S.roles
        q_roles = select(rl, d.c.source).join(d, d.c.id == rl.c.doc_id).where(rl.c.person_entity_id == entity_id)
        roles = [{"title": r.title, "organization": r.organization, "as_of": r.as_of, "source": r.source,
                  "doc_id": r.doc_id, "sentence": r.sent_idx} for r in latest(q_roles, rl.c.as_of, rl.c.id)]
        roles.sort(key=lambda r: (r["as_of"] or "9999", r["title"]))
        ev, ep = S.events, S.event_participants
        theirs = select(ep.c.event_id).where(ep.c.entity_id == entity_id)
        # one row per happening: the first report of each story the entity takes part in
        q_ev = select(ev).where(ev.c.id.in_(theirs),
                                stories.first_report(ev, "event", lambda o: [o.c.id.in_(theirs)]))
        events = stories.with_stories(c, "event", [
            {"id": r.id, "type": r.type, "date": r.date, "location": r.location,
             "participants": json.loads(r.participants or "[]"), "evidence": r.evidence,
             "doc_id": r.doc_id, "sentence": r.sent_idx} for r in latest(q_ev, ev.c.date, ev.c.id)])
        events.sort(key=lambda x: (x["date"] or "9999", x["id"]))
        st = S.statements

        def statements(col):
            q = select(st, d.c.source).join(d, d.c.id == st.c.doc_id).where(col == entity_id)
            out = [{"id": r.id, "kind": r.kind, "speaker": r.speaker, "addressee": r.addressee, "content": r.content,
                    "speaker_entity_id": r.speaker_entity_id, "addressee_entity_id": r.addressee_entity_id,
                    "date": r.date, "topics": json.loads(r.topics or "[]"), "evidence": r.evidence,
                    "source": r.source, "doc_id": r.doc_id, "sentence": r.sent_idx}
                   for r in latest(q, st.c.date, st.c.id)]
            return sorted(out, key=lambda x: (x["date"] or "9999", x["id"])), total(q)

        (made, n_made), (received, n_received) = statements(st.c.speaker_entity_id), \
            statements(st.c.addressee_entity_id)
        m, f = S.mentions, S.figures
        # Figures in sentences naming the entity: its (article, sentence) pairs first, then those articles'
        # figures filtered here; a correlated subquery lets SQLite pick the entity index and go quadratic.
        here = set(c.execute(select(m.c.doc_id, m.c.sent_idx).where(m.c.entity_id == entity_id,
                                                                      m.c.doc_id.in_(doc_ids or [-1]))).all())
        figs = [r for r in c.execute(select(f, d.c.published).join(d, d.c.id == f.c.doc_id)
                                     .where(f.c.doc_id.in_(sorted({x[0] for x in here}) or [-1])))
                if (r.doc_id, r.sent_idx) in here]
        n_figs = len(figs)
        if limit is not None:
            figs = sorted(figs, key=lambda r: (r.published is not None, r.published or "", r.id), reverse=True)[:limit]
        figures = sorted(({"value": r.value, "unit": r.unit, "text": r.text, "subject": r.subject,
                           "deadline": r.deadline, "evidence": r.evidence, "date": r.published,
                           "doc_id": r.doc_id, "sentence": r.sent_idx} for r in figs),
                         key=lambda x: (x["date"] or "9999", x["text"]))
        related = c.execute(select(e.c.id, e.c.name, e.c.type, func.count().label("n"))
                            .select_from(de.join(e, e.c.id == de.c.entity_id))
                            .where(de.c.doc_id.in_(doc_ids or [-1]), de.c.entity_id != entity_id)
                            .group_by(e.c.id, e.c.name, e.c.type).order_by(func.count().desc(), e.c.id).limit(15)).all()
        totals = {"roles": total(q_roles), "events": total(q_ev), "statements_made": n_made,
                  "statements_received": n_received, "figures": n_figs}
    return {"id": row.id, "name": row.name, "type": row.type, "aliases": [a for a, _ in aliases.most_common()],
            "documents": n_docs, "window": WINDOW if windowed else None, "totals": totals,
            "roles": roles, "events": events, "statements_made": made,
            "statements_received": received, "figures": figures,
            "related": [{"id": r.id, "name": r.name, "type": r.type, "shared_documents": r.n} for r in related]}


def timeline(store: Store, entity_id: int | None = None, date_from: str | None = None,
             date_to: str | None = None, limit: int = 500, topic: str | None = None,
             newest_first: bool = False, by_story: bool = True) -> list[dict[str, Any]]:
    """Dated events in date order, for one entity or all, optionally only from articles on a topic."""
    ev, ep, d = S.events, S.event_participants, S.documents

    def same(t) -> list:
        """The filters, on the events table or a copy of it (the topic is its article's)."""
        # a day of no known year ("XXXX-10-29") has no place in date order
        conds = [t.c.date.is_not(None), t.c.date.not_like(UNKNOWN_YEAR + "%"), *date_range(t.c.date, date_from, date_to)]
        if entity_id is not None:
            conds.append(t.c.id.in_(select(ep.c.event_id).where(ep.c.entity_id == entity_id)))
        if topic:
            like = '%"' + topic.replace("%", "").replace('"', "") + '"%'
            art = S.documents.alias("art")  # its own copy: the outer query joins documents too
            conds.append(select(art.c.id).where(art.c.id == t.c.doc_id, art.c.topics.like(like)).exists())
        return conds

    q = select(ev, d.c.source, d.c.title).join(d, d.c.id == ev.c.doc_id).where(*same(ev))
    if by_story:  # five outlets' reports of one meeting are one row
        q = q.where(stories.first_report(ev, "event", same))
    order = [ev.c.date.desc(), ev.c.id.desc()] if newest_first else [ev.c.date, ev.c.id]
    with store.engine.connect() as c:
        rows = c.execute(q.order_by(*order).limit(limit)).all()
        return stories.with_stories(c, "event", [
            {"id": r.id, "date": r.date, "type": r.type, "location": r.location,
             "participants": json.loads(r.participants or "[]"), "evidence": r.evidence, "source": r.source,
             "title": r.title, "doc_id": r.doc_id, "sentence": r.sent_idx} for r in rows])


_REFS = [(S.doc_entities, "entity_id"), (S.mentions, "entity_id"), (S.roles, "person_entity_id"),
         (S.statements, "speaker_entity_id"), (S.statements, "addressee_entity_id")]


def _record(conn, k: str, entity_id: int, how: str) -> None:
    conn.execute(delete(S.entity_overrides).where(S.entity_overrides.c.key == k))
    conn.execute(S.entity_overrides.insert().values(key=k, entity_id=entity_id, made_by=how, made_at=_now()))


def merge(store: Store, keep: int, drop: int) -> None:
    """Make `drop` the same thing as `keep`, now and for every article ingested later."""
    if keep == drop:
        raise ValueError("an entity cannot be merged with itself")
    e = S.entities
    with store.engine.begin() as c:
        rows = {r.id: r for r in c.execute(select(e).where(e.c.id.in_([keep, drop])))}
        if keep not in rows or drop not in rows:
            raise NotFound(f"no entity with id {drop if keep in rows else keep}")
        for table, col in _REFS:
            c.execute(update(table).where(table.c[col] == drop).values({col: keep}))
        ep = S.event_participants
        for (ev_id,) in c.execute(select(ep.c.event_id).where(ep.c.entity_id == drop)).all():
            c.execute(delete(ep).where(ep.c.event_id == ev_id, ep.c.entity_id == drop))
            if not c.execute(select(ep.c.event_id).where(ep.c.event_id == ev_id, ep.c.entity_id == keep)).first():
                c.execute(ep.insert().values(event_id=ev_id, entity_id=keep))
        ov = S.entity_overrides
        c.execute(update(ov).where(ov.c.entity_id == drop).values(entity_id=keep))
        _record(c, rows[drop].key, keep, "merge")
        c.execute(delete(e).where(e.c.id == drop))


def rename(store: Store, entity_id: int, new_name: str) -> None:
    """Give an entity another canonical name; articles naming it so link to it from now on."""
    new_name = new_name.strip()
    if not new_name:
        raise ValueError("the new name is empty")
    with store.engine.begin() as c:
        row = c.execute(select(S.entities).where(S.entities.c.id == entity_id)).first()
        if row is None:
            raise NotFound(f"no entity with id {entity_id}")
        c.execute(update(S.entities).where(S.entities.c.id == entity_id).values(name=new_name))
        _record(c, f"{row.type}:{fold_key(new_name)}", entity_id, "rename")


def split(store: Store, entity_id: int, doc_ids: list[int], new_name: str | None = None) -> int:
    """Move what the given articles say about an entity to a new entity; returns its id."""
    with store.engine.begin() as c:
        row = c.execute(select(S.entities).where(S.entities.c.id == entity_id)).first()
        if row is None:
            raise NotFound(f"no entity with id {entity_id}")
        name = (new_name or row.name).strip()
        new_key = f"{row.type}:{fold_key(name)}#split{entity_id}-{min(doc_ids)}"
        new_id = c.execute(S.entities.insert().values(name=name, type=row.type, key=new_key)
                           .returning(S.entities.c.id)).scalar_one()
        for table, col in _REFS:
            c.execute(update(table).where(table.c[col] == entity_id, table.c.doc_id.in_(doc_ids))
                      .values({col: new_id}))
        ep, ev = S.event_participants, S.events
        c.execute(update(ep).where(ep.c.entity_id == entity_id,
                                   ep.c.event_id.in_(select(ev.c.id).where(ev.c.doc_id.in_(doc_ids))))
                  .values(entity_id=new_id))
        for (chash,) in c.execute(select(S.documents.c.content_hash).where(S.documents.c.id.in_(doc_ids))):
            _record(c, f"DOC:{chash}:{row.key}", new_id, "split")
    return new_id
