"""Full-text search over sentences: accent- and đ-insensitive, BM25 in the search index (hoptac.index) when the
store has one, else in the store itself (SQLite FTS5, PostgreSQL ts_rank), which stays the SQL path for callers
that need a subquery.

Queries are folded the way sentences are indexed (textnorm.fold), so "nguyen van an"
finds "Nguyễn Văn An". Users' FTS operators, quotes and punctuation are never passed
through: only word tokens reach the engine, quoted, and "..." marks an exact phrase.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, column, exists, func, literal_column, select, table, text

from hoptac.index import query as iq
from hoptac.kb import find_entities
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.textnorm import fold

MAX_QUERY_CHARS = 500
MAX_TERMS = 24
_WORD = re.compile(r"\w+")
_PHRASE = re.compile(r'"([^"]+)"')


class QueryError(ValueError):
    """A query with nothing to search for; the message says why."""


@dataclass(slots=True)
class Query:
    """Folded terms and exact phrases of a user's query."""

    terms: list[str]
    phrases: list[list[str]]

    def words(self) -> list[str]:
        return self.terms + [w for p in self.phrases for w in p]


def parse_query(q: str) -> Query:
    """Fold a query, keep quoted phrases, drop everything that is not a word."""
    q = fold((q or "")[:MAX_QUERY_CHARS])
    phrases = [_WORD.findall(p) for p in _PHRASE.findall(q)]
    phrases = [p for p in phrases if p]
    rest = _PHRASE.sub(" ", q)
    terms = list(dict.fromkeys(_WORD.findall(rest)))[:MAX_TERMS]
    if not terms and not phrases:
        raise QueryError("the query has no words to search for")
    return Query(terms, phrases[:8])


@dataclass(slots=True)
class Filters:
    """Restrictions shared by the CLI, the API and ask()."""

    entity: str | None = None
    entity_type: str | None = None
    kind: str | None = None  # a statement kind or an event type
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    entity_ids: list[int] | None = None  # entities already resolved (ask's parties): no name lookup


@dataclass(slots=True)
class Hit:
    """One matching sentence with its article and the spans to highlight (offsets in text)."""

    doc_id: int
    source: str
    title: str | None
    published: str | None
    sent_idx: int
    text: str
    score: float
    highlights: list[tuple[int, int]] = field(default_factory=list)


def highlight_spans(sentence: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the query's words occur in the original sentence (found on its folded copy)."""
    folded = fold(sentence)
    spans = []
    for w in set(words):
        for m in re.finditer(rf"(?<!\w){re.escape(w)}(?!\w)", folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1 and folded[merged[-1][1]:s].strip() == "":
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _fts5(q: Query, any_term: bool) -> str:
    parts = [f'"{t}"' for t in q.terms] + ['"' + " ".join(p) + '"' for p in q.phrases]
    return (" OR " if any_term else " AND ").join(parts)


def _tsquery(q: Query, any_term: bool) -> str:
    parts = list(q.terms) + ["(" + " <-> ".join(p) + ")" for p in q.phrases]
    return (" | " if any_term else " & ").join(parts)


def _engine_match(store: Store, q: Query, any_term: bool):
    """The full-text index of this engine: what to select from, the match condition and the score."""
    s = S.sentences
    if store.is_sqlite:
        fts = table("sentence_fts", column("rowid"))
        fts_col = literal_column("sentence_fts")
        match = fts_col.op("MATCH")(bindparam("m", _fts5(q, any_term)))
        return fts.join(s, s.c.id == fts.c.rowid), match, (-func.bm25(fts_col)).label("score")
    tsq = func.to_tsquery("simple", bindparam("tq", _tsquery(q, any_term)))
    vec = func.to_tsvector("simple", func.coalesce(s.c.folded, ""))
    return s, vec.op("@@")(tsq), func.ts_rank_cd(vec, tsq).label("score")


def matching_sentences(store: Store, query: str):
    """(doc_id, idx) of the sentences holding every word of the query, as SQL (the store's full-text index)."""
    src, match, _ = _engine_match(store, parse_query(query), False)
    return select(S.sentences.c.doc_id, S.sentences.c.idx).select_from(src).where(match)


def matching_keys(store: Store, query: str, cap: int, statements_only: bool = False) -> list[tuple[int, int]] | None:
    """(doc_id, idx) of the sentences holding every word, from the search index; None without an index or when
    more than cap match (the caller then uses matching_sentences' subquery)."""
    idx = store.index
    if idx is None:
        return None
    q = parse_query(query)
    found = iq.top(idx.searcher(), iq.build(idx.schema, q.terms, q.phrases, False,
                                            iq.Where(statements_only=statements_only)), cap + 1)
    return None if len(found) > cap else sorted({(f.doc_id, f.idx) for f in found})


def count_matches(store: Store, query: str, cap: int) -> int:
    """How many sentences hold every word of the query, counted up to cap (no ranking: cheap on any archive)."""
    q = parse_query(query)
    idx = store.index
    if idx is not None:
        return min(cap, iq.count(idx.searcher(), iq.build(idx.schema, q.terms, q.phrases, False)))
    src, match, _ = _engine_match(store, q, False)
    first = select(S.sentences.c.id).select_from(src).where(match).limit(cap).subquery()
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(first)).scalar_one()


def doc_freq(store: Store, word: str, cap: int) -> int:
    """How many sentences hold one folded word: the index's term statistics (one lookup, whatever the archive's
    size), else the full-text index counted up to cap."""
    idx = store.index
    if idx is not None and re.fullmatch(r"[^\W_]+", word):
        return idx.searcher().doc_freq("text", word.lower())
    return count_matches(store, word, cap)


def search(store: Store, query: str, filters: Filters | None = None, limit: int = 20, offset: int = 0,
           any_term: bool = False, highlight: bool = True) -> list[Hit]:
    """Sentences matching every word (or any word with any_term), best first; highlight=False skips the
    spans to highlight (ask() rescores hundreds of hits and shows none of them highlighted)."""
    q = parse_query(query)
    f = filters or Filters()
    idx = store.index
    if idx is not None:
        try:
            hits = _index_search(store, idx, q, f, limit, offset, any_term)
            return _highlighted(hits, q) if highlight else hits
        except iq.Unsupported:
            pass
    hits = _sql_search(store, q, f, limit, offset, any_term)
    return _highlighted(hits, q) if highlight else hits


def _highlighted(hits: list[Hit], q: Query) -> list[Hit]:
    """Where each hit holds the query's words, for the pages to mark."""
    words = q.words()
    for h in hits:
        h.highlights = highlight_spans(h.text, words)
    return hits


def _index_search(store: Store, idx, q: Query, f: Filters, limit: int, offset: int, any_term: bool) -> list[Hit]:
    """Top hits from the search index, every filter in its query; their text and article read from the store."""
    ids = f.entity_ids or ([e["id"] for e in find_entities(store, f.entity)] if f.entity else None)
    where = iq.Where(entity_ids=ids,
                     entity_type=f.entity_type, kind=f.kind, topic=f.topic, date_from=f.date_from,
                     date_to=f.date_to, source=f.source)
    found = iq.top(idx.searcher(), iq.build(idx.schema, q.terms, q.phrases, any_term, where), limit, offset)
    if not found:
        return []
    s, d = S.sentences, S.documents
    with store.engine.connect() as c:
        rows = {r.id: r for r in c.execute(
            select(s.c.id, s.c.doc_id, s.c.idx, s.c.text, d.c.source, d.c.title, d.c.published)
            .select_from(s.join(d, d.c.id == s.c.doc_id)).where(s.c.id.in_([x.sid for x in found])))}
    # a row gone or moved is an article changed since the index's last commit: the queue brings it back
    return [Hit(r.doc_id, r.source, r.title, r.published, r.idx, r.text, x.score)
            for x in found if (r := rows.get(x.sid)) is not None and (r.doc_id, r.idx) == (x.doc_id, x.idx)]


def _sql_search(store: Store, q: Query, f: Filters, limit: int, offset: int, any_term: bool) -> list[Hit]:
    """The same search through the store's own full-text index: every match ranked, then the top ones."""
    s, d = S.sentences, S.documents
    src, match, score = _engine_match(store, q, any_term)
    stmt = (select(s.c.doc_id, d.c.source, d.c.title, d.c.published, s.c.idx, s.c.text, score)
            .select_from(src.join(d, d.c.id == s.c.doc_id)).where(match))
    conds = []
    if f.entity or f.entity_ids:
        ids = f.entity_ids or [e["id"] for e in find_entities(store, f.entity)]
        conds.append(exists().where(and_(S.doc_entities.c.doc_id == s.c.doc_id,
                                         S.doc_entities.c.entity_id.in_(ids or [-1]))))
    if f.entity_type:
        conds.append(exists().where(and_(S.mentions.c.doc_id == s.c.doc_id, S.mentions.c.sent_idx == s.c.idx,
                                         S.mentions.c.type == f.entity_type.upper())))
    if f.kind:
        conds.append(exists().where(and_(S.statements.c.doc_id == s.c.doc_id, S.statements.c.sent_idx == s.c.idx,
                                         S.statements.c.kind == f.kind))
                     | exists().where(and_(S.events.c.doc_id == s.c.doc_id, S.events.c.sent_idx == s.c.idx,
                                           S.events.c.type == f.kind)))
    if f.topic:
        conds.append(d.c.topics.like(f'%"{f.topic}"%'))
    conds += date_range(d.c.published, f.date_from, f.date_to)
    if f.source:
        conds.append(d.c.source.like(f"%{f.source}%"))
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(text("score DESC"), s.c.doc_id, s.c.idx).limit(limit).offset(offset)
    with store.engine.connect() as c:
        rows = c.execute(stmt).all()
    return [Hit(r.doc_id, r.source, r.title, r.published, r.idx, r.text, float(r.score or 0.0)) for r in rows]
