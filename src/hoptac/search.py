"""Full-text search over sentences: accent- and đ-insensitive, BM25 (SQLite FTS5) or ts_rank (PostgreSQL).

Queries are folded the way sentences are indexed (textnorm.fold), so "nguyen van an"
finds "Nguyễn Văn An". Users' FTS operators, quotes and punctuation are never passed
through: only word tokens reach the engine, quoted, and "..." marks an exact phrase.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, column, exists, func, literal_column, select, table, text

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
    """(doc_id, idx) of the sentences holding every word of the query, through the full-text index."""
    src, match, _ = _engine_match(store, parse_query(query), False)
    return select(S.sentences.c.doc_id, S.sentences.c.idx).select_from(src).where(match)


def count_matches(store: Store, query: str, cap: int) -> int:
    """How many sentences hold every word of the query, counted up to cap (no ranking: cheap on any archive)."""
    src, match, _ = _engine_match(store, parse_query(query), False)
    first = select(S.sentences.c.id).select_from(src).where(match).limit(cap).subquery()
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(first)).scalar_one()


def search(store: Store, query: str, filters: Filters | None = None, limit: int = 20, offset: int = 0,
           any_term: bool = False) -> list[Hit]:
    """Sentences matching every word (or any word with any_term), best first."""
    q = parse_query(query)
    f = filters or Filters()
    s, d = S.sentences, S.documents
    src, match, score = _engine_match(store, q, any_term)
    stmt = (select(s.c.doc_id, d.c.source, d.c.title, d.c.published, s.c.idx, s.c.text, score)
            .select_from(src.join(d, d.c.id == s.c.doc_id)).where(match))
    conds = []
    if f.entity:
        ids = [e["id"] for e in find_entities(store, f.entity)]
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
    words = q.words()
    with store.engine.connect() as c:
        rows = c.execute(stmt).all()
    return [Hit(r.doc_id, r.source, r.title, r.published, r.idx, r.text, float(r.score or 0.0),
                highlight_spans(r.text, words)) for r in rows]
