"""Stored articles read back as index documents: one per sentence, with what search filters on."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import tantivy
from sqlalchemy import Connection, column, select, table

from hoptac.sites import host
from hoptac.store import schema as S

from .schema import date_key

# stories.py owns this table; the index reads four of its columns and needs nothing else from it
_members = table("story_members", column("story_id"), column("kind"), column("fact_id"), column("doc_id"))


def _by_sentence(rows) -> dict[tuple[int, int], set]:
    out: dict[tuple[int, int], set] = defaultdict(set)
    for doc_id, idx, value in rows:
        if value is not None:
            out[(doc_id, idx)].add(value)
    return out


def _stories(conn: Connection, ids: list[int]) -> dict[tuple[int, int], set]:
    """Story ids of each sentence's events and statements."""
    out: dict[tuple[int, int], set] = defaultdict(set)
    for kind, facts in (("event", S.events), ("statement", S.statements)):
        rows = conn.execute(select(facts.c.doc_id, facts.c.sent_idx, _members.c.story_id)
                            .join(_members, (_members.c.fact_id == facts.c.id) & (_members.c.kind == kind))
                            .where(facts.c.doc_id.in_(ids)))
        for key, v in _by_sentence(rows).items():
            out[key] |= v
    return out


def documents(conn: Connection, ids: list[int]) -> Iterator[tantivy.Document]:
    """Index documents of these stored articles (absent ids give none: the article was deleted)."""
    d, s = S.documents, S.sentences
    docs = {r.id: r for r in conn.execute(select(d.c.id, d.c.source, d.c.url, d.c.published, d.c.topics)
                                          .where(d.c.id.in_(ids)))}
    if not docs:
        return
    ids = sorted(docs)
    ents: dict[int, set] = defaultdict(set)
    for doc_id, ent in conn.execute(select(S.doc_entities.c.doc_id, S.doc_entities.c.entity_id)
                                    .where(S.doc_entities.c.doc_id.in_(ids))):
        if ent is not None:
            ents[doc_id].add(ent)
    m, st, ev = S.mentions, S.statements, S.events
    types = _by_sentence(conn.execute(select(m.c.doc_id, m.c.sent_idx, m.c.type).where(m.c.doc_id.in_(ids))))
    kinds = _by_sentence(conn.execute(select(st.c.doc_id, st.c.sent_idx, st.c.kind).where(st.c.doc_id.in_(ids))))
    events = _by_sentence(conn.execute(select(ev.c.doc_id, ev.c.sent_idx, ev.c.type).where(ev.c.doc_id.in_(ids))))
    stories = _stories(conn, ids)
    for r in conn.execute(select(s.c.id, s.c.doc_id, s.c.idx, s.c.folded).where(s.c.doc_id.in_(ids))
                          .order_by(s.c.doc_id, s.c.idx)):
        a = docs[r.doc_id]
        key = (r.doc_id, r.idx)
        doc = tantivy.Document()
        doc.add_text("text", r.folded or "")
        doc.add_unsigned("doc", r.doc_id)
        doc.add_unsigned("idx", r.idx)
        doc.add_unsigned("sid", r.id)
        published = date_key(a.published)
        if published is not None:
            doc.add_integer("published", published)
        doc.add_text("source", (a.source or "").lower())
        doc.add_text("outlet", host(a.url, a.source) or "")
        for e in ents.get(r.doc_id, ()):
            doc.add_unsigned("entity", e)
        for t in types.get(key, ()):
            doc.add_text("etype", t)
        for k in kinds.get(key, ()):
            doc.add_text("kind", k)
            doc.add_text("statement", k)
        for k in events.get(key, ()):
            doc.add_text("kind", k)
        for t in json.loads(a.topics or "[]"):
            doc.add_text("topic", t)
        for sid in stories.get(key, ()):
            doc.add_unsigned("story", sid)
        yield doc
