"""Queries on the index: BM25 over the folded words, every filter a clause of the same query (no post-filtering)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import tantivy
from tantivy import Occur, Query

from .schema import date_key

_TOKEN = re.compile(r"[^\W_]+")  # what the index's tokenizer keeps of a word
MAX_TIES = 20_000  # hits read at most to order sentences tied at the cut


class Unsupported(ValueError):
    """A filter the index cannot express (a date that is not ISO): the caller searches with SQL."""


@dataclass(slots=True)
class Where:
    """Filters resolved to index values (entity references already looked up to ids)."""

    entity_ids: list[int] | None = None
    entity_type: str | None = None
    kind: str | None = None
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    statements_only: bool = False


def _words(schema: tantivy.Schema, words: list[str]) -> Query | None:
    """One query word (or a phrase once tokenized as the index is: "a_b" is the phrase a b)."""
    toks = [t for w in words for t in _TOKEN.findall(w.lower())]
    if not toks:
        return None
    if len(toks) == 1:
        return Query.term_query(schema, "text", toks[0], index_option="freq")
    return Query.phrase_query(schema, "text", toks)


def _filter(q: Query) -> tuple[Occur, Query]:
    return Occur.Must, Query.const_score_query(q, 0.0)  # restricts without changing the BM25 score


def _regex_literal(value: str) -> str:
    """A substring as a tantivy regex: every non-alphanumeric character as a hex escape."""
    return "".join(ch if ch.isalnum() else f"\\x{{{ord(ch):X}}}" for ch in value)


def build(schema: tantivy.Schema, terms: list[str], phrases: list[list[str]], any_term: bool,
          where: Where | None = None) -> Query:
    """Every word (or any word with any_term) and phrase, restricted by the filters."""
    parts = [q for q in [_words(schema, [t]) for t in terms] + [_words(schema, p) for p in phrases] if q]
    if not parts:
        return Query.empty_query()
    occur = Occur.Should if any_term else Occur.Must
    # one word alone stays a term query: tantivy's block-max WAND skips blocks of a bare term best
    match = parts[0] if len(parts) == 1 else Query.boolean_query([(occur, q) for q in parts])
    clauses = [(Occur.Must, match)]
    w = where or Where()
    if w.entity_ids is not None:
        clauses.append(_filter(Query.term_set_query(schema, "entity", [i for i in w.entity_ids if i >= 0])
                               if any(i >= 0 for i in w.entity_ids) else Query.empty_query()))
    if w.entity_type:
        clauses.append(_filter(Query.term_query(schema, "etype", w.entity_type.upper())))
    if w.kind:
        clauses.append(_filter(Query.term_query(schema, "kind", w.kind)))
    if w.statements_only:
        clauses.append(_filter(Query.exists_query("statement")))
    if w.topic:
        clauses.append(_filter(Query.term_query(schema, "topic", w.topic)))
    if w.date_from or w.date_to:
        lo = date_key(w.date_from) if w.date_from else None
        hi = date_key(w.date_to, upper=True) if w.date_to else None
        if (w.date_from and lo is None) or (w.date_to and hi is None):
            raise Unsupported("a date filter the index cannot read")
        clauses.append(_filter(Query.range_query(schema, "published", tantivy.FieldType.Integer, lo, hi)))
    if w.source:
        clauses.append(_filter(Query.regex_query(schema, "source", ".*" + _regex_literal(w.source.lower()) + ".*")))
    return Query.boolean_query(clauses) if len(clauses) > 1 else match


@dataclass(slots=True)
class Found:
    """A matching sentence as the index knows it: its row id in the store, document, place and score."""

    sid: int
    doc_id: int
    idx: int
    score: float


def top(searcher: tantivy.Searcher, query: Query, limit: int, offset: int = 0) -> list[Found]:
    """The best `limit` sentences after `offset`, ties in (doc, idx) order as SQL's (block-max WAND: the
    matches are never all ranked; only sentences tied with the last one kept are read to order them)."""
    want = limit + offset
    n = 2 * want + 64
    while True:
        hits = searcher.search(query, n, count=False).hits
        if len(hits) < n or not want or round(hits[-1][0], 4) < round(hits[want - 1][0], 4) or n >= MAX_TIES:
            break
        n *= 4  # the sentences tied at the cut go past what was read: read further
    if not hits:
        return []
    addrs = [a for _, a in hits]
    sids = searcher.fast_field_values("sid", addrs)
    docs = searcher.fast_field_values("doc", addrs)
    idxs = searcher.fast_field_values("idx", addrs)
    # rounded: float sums in another order (another segment layout) differ in the last bits, and must not
    # reorder sentences a rebuilt index ranks the same
    found = [Found(s, d, i, round(score, 4)) for (score, _), s, d, i in zip(hits, sids, docs, idxs)]
    found.sort(key=lambda x: (-x.score, x.doc_id, x.idx))
    return found[offset:want]


def count(searcher: tantivy.Searcher, query: Query) -> int:
    """How many sentences match (counted by the index, none ranked)."""
    return searcher.search(query, 1, count=True).count
