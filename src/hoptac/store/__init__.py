"""The storage interface: one code path for SQLite and PostgreSQL, one transaction per article."""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, bindparam, create_engine, delete, event, func, select, text, union_all
from sqlalchemy.exc import IntegrityError, OperationalError

from hoptac import neardup
from hoptac.contract import evidence, evidence_spans
from hoptac.hashing import content_hash
from hoptac.models import Article
from hoptac.options import db_url
from hoptac.textnorm import fold

from . import schema as S
from .dates import limit as date_limit
from .dates import plausible, plausible_published
from .migrations import migrate


@dataclass(slots=True)
class Saved:
    """What happened to one article: stored (new), updated (a new version of a stored source),
    duplicate (another source's identical body) or unchanged (this exact input is stored)."""

    status: str
    doc_id: int | None
    near_duplicate_of: int | None = None
    similarity: float | None = None
    candidates: int = 0  # stored signatures the near-duplicate lookup compared: at most BANDS x PER_BAND


class Near(NamedTuple):
    """The near-duplicate lookup's answer and how many stored signatures it read."""

    doc_id: int | None
    similarity: float | None
    read: int


PER_BAND = 16  # candidates read per LSH band: a band all similar records share costs no more than a rare one


def has_identity(source: str) -> bool:
    """Whether a source names one input across runs (a path, URL or record id), so a new version replaces it.

    Standard input ("-", "-:LINE") names nothing that lasts: each of its articles is new.
    """
    return bool(source) and source != "-" and not source.startswith("-:")


_UNOPENED = object()
CROSS_ARTICLE_LOCK = 0x686F70746163  # the PostgreSQL advisory lock story assignment and lifecycle linking take


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for --db / HOPTAC_DB; SQLite gets WAL mode and a busy timeout."""
    url = db_url(url)
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)
    else:
        eng = create_engine(url, pool_pre_ping=True)
    return eng


_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ0-9&\-]{1,9}")


def date_range(col, date_from: str | None, date_to: str | None) -> list:
    """Conditions keeping ISO dates (any precision) within [date_from, date_to], both optional."""
    out = []
    if date_from:
        out.append(col >= date_from)
    if date_to:
        out.append(col <= date_to + "~")  # "2025-09" <= "2025-09~" keeps every day of the month
    return out


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A knowledge base in one database."""

    def __init__(self, url: str | None = None, create: bool = True, index_dir: str | None = None):
        self.url = db_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if create:
            with self.engine.begin() as conn:
                migrate(conn)
        self._index_dir = index_dir  # None: HOPTAC_INDEX_DIR, else next to a SQLite file (hoptac.index)
        self._index: Any = _UNOPENED
        self._index_lock = threading.Lock()

    @property
    def index(self):
        """The search index beside this store (hoptac.index.SearchIndex), opened and caught up on first use;
        None where there is none (PostgreSQL without an index folder) or it cannot be used (search by SQL)."""
        with self._index_lock:
            if self._index is _UNOPENED:
                from hoptac.index import open_for
                self._index = open_for(self, self._index_dir)
                if self._index is not None:  # any commit here may have queued changes: searchers look
                    event.listen(self.engine, "commit", self._index_dirty)
            idx = self._index
        return None if idx is None or idx.failed else idx

    def _index_dirty(self, _conn) -> None:
        self._index.dirty = True

    def index_changed(self) -> None:
        """Articles were stored: the index applies them now, or at the end of a batched_index()."""
        idx = self.index
        if idx is not None:
            idx.changed()

    @contextmanager
    def batched_index(self, seconds: float = 1.0) -> Iterator[None]:
        """Bulk writes: the index commits at most every `seconds`, and once at the end."""
        idx = self.index
        if idx is None or idx.batch_seconds:  # no index, or the batch around this one commits
            yield
            return
        idx.begin_batch(seconds)
        try:
            yield
        finally:
            idx.batch_seconds = 0.0
            idx.close()

    def close(self) -> None:
        if self._index not in (None, _UNOPENED):
            self._index.close()
        self.engine.dispose()

    def has_raw(self, raw_hash: str) -> bool:
        """True when this exact input was stored before (skip it without any work)."""
        with self.engine.connect() as conn:
            return conn.execute(select(S.documents.c.id).where(S.documents.c.raw_hash == raw_hash)
                                .limit(1)).first() is not None

    def save_article(self, a: Article, raw_hash: str) -> Saved:
        """Store an article with all its facts in one transaction, then bring the search index up to date."""
        saved = self._save_article(a, raw_hash)
        if saved.status != "unchanged":
            self.index_changed()
        return saved

    def _save_article(self, a: Article, raw_hash: str) -> Saved:
        """Store an article with all its facts in one transaction.

        Versions: an input is known by its source (file path as given, record URL or id, upload name;
        not standard input). Byte-identical input already stored is "unchanged". The same source with
        other content replaces its stored version in place: same document id, its old facts deleted and
        the new ones written ("updated"), so a corrected title or date is applied and an edited article
        is counted once. A body identical to another source's document is a "duplicate" of it (this
        source's older version, if any, is then removed). Anything else is "stored".
        """
        chash = content_hash(a.text)
        sig = neardup.signature(a.text)
        d = S.documents
        try:
            with self.engine.begin() as conn:
                same = conn.execute(select(d.c.id).where(d.c.raw_hash == raw_hash).limit(1)).first()
                if same:
                    return Saved("unchanged", same[0])
                prev: list[int] = []
                if has_identity(a.source):
                    # FOR UPDATE (PostgreSQL): two writers of one source's new version take turns
                    prev = list(conn.execute(select(d.c.id).where(d.c.source == a.source).order_by(d.c.id)
                                             .with_for_update()).scalars())
                    if prev:
                        same = conn.execute(select(d.c.id).where(d.c.raw_hash == raw_hash).limit(1)).first()
                        if same:  # the other writer stored this very input while we waited
                            return Saved("unchanged", same[0])
                q = select(d.c.id).where(d.c.content_hash == chash)
                dup = conn.execute(q.where(d.c.id.not_in(prev)) if prev else q).first()
                if dup:
                    self._drop_documents(conn, prev, dup[0])
                    return Saved("duplicate", dup[0])
                keep = prev[0] if prev else None
                if keep is not None:
                    self._drop_documents(conn, prev[1:], keep)  # versions stored twice before updates existed
                    self._clear_document(conn, keep)
                near = self._nearest(conn, sig, keep)
                published = plausible_published(a.published)
                values = dict(
                    source=a.source, url=a.url, title=a.title, published=published, author=a.author,
                    language=a.language, raw_text=a.raw, text=a.text, content_hash=chash, raw_hash=raw_hash,
                    removed=_json([{"reason": r.reason, "text": r.text} for r in a.removed]),
                    topics=_json(a.topics), duplicate_of=near.doc_id, similarity=near.similarity,
                    minhash=neardup.to_bytes(sig), ingested_at=_now())
                if keep is None:
                    doc_id = conn.execute(d.insert().values(**values).returning(d.c.id)).scalar_one()
                else:
                    doc_id = keep
                    conn.execute(d.update().where(d.c.id == keep).values(**values))
                conn.execute(S.doc_bands.insert(), [{"band": b, "hash": h, "doc_id": doc_id}
                                                    for b, h in neardup.band_hashes(sig)])
                self._save_facts(conn, doc_id, a, chash, date_limit(published))
                if conn.dialect.name == "postgresql":
                    # two writers at once each see what the other committed before, never what it is writing:
                    # the steps that look across articles take turns (SQLite writers always do)
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CROSS_ARTICLE_LOCK})
                from hoptac import stories  # the article's events and statements join their stories, same transaction
                stories.assign(conn, doc_id)
                from hoptac import lifecycle  # and is linked to earlier pledges and later reports, same transaction
                lifecycle.link(conn, doc_id)
                return Saved("stored" if keep is None else "updated", doc_id, near.doc_id, near.similarity,
                             near.read)
        except IntegrityError:
            # Another writer stored the same body between our check and insert.
            with self.engine.connect() as conn:
                row = conn.execute(select(d.c.id).where(d.c.content_hash == chash)).first()
            if row:
                return Saved("duplicate", row[0])
            raise

    def _clear_document(self, conn: Connection, doc_id: int) -> None:
        """Delete a document's facts, sentences and LSH bands, keeping its row (and id) for the new version."""
        from hoptac import stories
        stories.unassign(conn, doc_id)  # its facts leave their stories first (a story left empty goes)
        from hoptac import lifecycle
        lifecycle.unlink(conn, doc_id)  # and its lifecycle links both ways
        old = conn.execute(select(S.documents.c.minhash).where(S.documents.c.id == doc_id)).scalar_one_or_none()
        b = S.doc_bands
        if old:  # through the (band, hash) index rather than a scan of every band row
            conn.execute(delete(b).where(b.c.band == bindparam("b_band"), b.c.hash == bindparam("b_hash"),
                                         b.c.doc_id == doc_id),
                         [{"b_band": band, "b_hash": h} for band, h in neardup.stored_band_hashes(old)])
        else:
            conn.execute(delete(b).where(b.c.doc_id == doc_id))
        ev = S.events
        conn.execute(delete(S.event_participants).where(S.event_participants.c.event_id.in_(
            select(ev.c.id).where(ev.c.doc_id == doc_id))))
        for table in (S.sentences, S.mentions, S.doc_entities, *S.FACT_TABLES.values()):
            conn.execute(delete(table).where(table.c.doc_id == doc_id))

    def _drop_documents(self, conn: Connection, ids: list[int], heir: int) -> None:
        """Delete older versions of a source; articles linked to them as near-duplicates now point at heir."""
        if not ids:
            return
        d = S.documents
        conn.execute(d.update().where(d.c.id == heir, d.c.duplicate_of.in_(ids)).values(duplicate_of=None,
                                                                                       similarity=None))
        conn.execute(d.update().where(d.c.duplicate_of.in_(ids)).values(duplicate_of=heir))
        for doc_id in ids:
            self._clear_document(conn, doc_id)
        conn.execute(delete(d).where(d.c.id.in_(ids)))

    def _nearest(self, conn: Connection, sig, exclude: int | None = None) -> Near:
        """The stored article this one nearly duplicates (sharing an LSH band, then by estimated Jaccard).

        Candidates come from the band index, at most PER_BAND per band (the first stored: in a band every
        similar record shares, those are its oldest members, which the rest already point to), so the
        lookup reads at most BANDS x PER_BAND signatures however large the archive grows.
        """
        b, d = S.doc_bands, S.documents
        per_band = [select(b.c.doc_id).where(b.c.band == band, b.c.hash == h).limit(PER_BAND).subquery(f"b{band}")
                    for band, h in neardup.band_hashes(sig)]
        ids = set(conn.execute(union_all(*[select(q.c.doc_id) for q in per_band])).scalars())
        ids.discard(exclude)
        rows = conn.execute(select(d.c.id, d.c.minhash, d.c.duplicate_of).where(d.c.id.in_(sorted(ids)))
                            .order_by(d.c.id)).all() if ids else []
        best, best_sim = None, 0.0
        for doc_id, minhash, dup_of in rows:
            if minhash is None or (dup_of or doc_id) == exclude:  # never a new version's own near-duplicate
                continue
            sim = neardup.similarity(sig, minhash)
            if sim > best_sim:
                best, best_sim = (dup_of or doc_id), sim
        if best is not None and best_sim >= neardup.THRESHOLD:
            return Near(best, round(best_sim, 3), len(rows))
        return Near(None, None, len(rows))

    def _remember_alias(self, conn: Connection, key: str, entity_id: int) -> None:
        """Record key -> entity unless users or earlier articles already decided it."""
        if self.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        conn.execute(insert(S.entity_overrides).values(key=key, entity_id=entity_id, made_by="acronym",
                                                      made_at=_now()).on_conflict_do_nothing())

    def _entity_id(self, conn: Connection, name: str, typ: str, key: str, chash: str = "") -> int:
        """The canonical entity for a document entity: users' corrections first, then the linking key."""
        for k in (f"DOC:{chash}:{key}", key):
            row = conn.execute(select(S.entity_overrides.c.entity_id).where(S.entity_overrides.c.key == k)).first()
            if row:
                return row[0]
        row = conn.execute(select(S.entities.c.id).where(S.entities.c.type == typ, S.entities.c.key == key)).first()
        if row:
            return row[0]
        if self.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        conn.execute(insert(S.entities).values(name=name, type=typ, key=key).on_conflict_do_nothing())
        return conn.execute(select(S.entities.c.id).where(S.entities.c.type == typ,
                                                          S.entities.c.key == key)).scalar_one()

    def _save_facts(self, conn: Connection, doc_id: int, a: Article, chash: str,
                    latest: tuple[int, int, int]) -> None:
        """Sentences, mentions, entities and facts; dates past `latest` or before 1900 are kept as null.

        Evidence columns hold what `extract --json` prints (contract.evidence): the sentence, or the
        part around the fact when one sentence carries so many facts that copies would pass
        EVIDENCE_BUDGET. The full sentence is one join away (doc_id, sent_idx), and stored bytes grow
        with the facts, never facts x sentence length.
        """
        ev_at, st_at, fig_at = evidence_spans(a)

        def cite(at: tuple) -> str:
            return evidence(*at)

        def when(value: str | None) -> str | None:
            return plausible(value, latest)
        if a.sentences:
            conn.execute(S.sentences.insert(), [
                {"doc_id": doc_id, "idx": i, "char_start": s.start, "char_end": s.end, "text": s.text,
                 "folded": fold(s.text)} for i, s in enumerate(a.sentences)])
        ent_ids: dict[int, int] = {}
        for e in a.entities:
            ent_ids[e.id] = self._entity_id(conn, e.name, e.type, e.key or e.name.lower(), chash)
            for alias in e.aliases:  # an acronym an article defined links later articles that use it alone
                if e.type == "ORG" and _ACRONYM.fullmatch(alias):
                    self._remember_alias(conn, f"ORG:{fold(alias).strip()}", ent_ids[e.id])
        ments = [{"doc_id": doc_id, "sent_idx": m.sent, "char_start": m.start, "char_end": m.end, "text": m.text,
                  "type": m.type, "entity_id": ent_ids.get(m.entity)} for m in a.mentions
                 if m.type in ("PER", "ORG", "LOC", "MISC") or m.entity >= 0]
        if ments:
            conn.execute(S.mentions.insert(), ments)
        if a.entities:
            conn.execute(S.doc_entities.insert(), [
                {"doc_id": doc_id, "local_id": e.id, "entity_id": ent_ids[e.id], "name": e.name,
                 "type": e.type, "aliases": _json(e.aliases)} for e in a.entities])
        name = a.entity_name
        sent = a.sentences
        if a.roles:
            conn.execute(S.roles.insert(), [
                {"doc_id": doc_id, "sent_idx": r.sent, "char_start": r.start, "char_end": r.end,
                 "person": name(r.person), "person_entity_id": ent_ids.get(r.person), "title": r.title,
                 "organization": r.organization, "as_of": when(r.as_of)} for r in a.roles])
        for ev, at in zip(a.events, ev_at):
            ev_id = conn.execute(S.events.insert().values(
                doc_id=doc_id, sent_idx=ev.sent, char_start=sent[ev.sent].start, char_end=sent[ev.sent].end,
                type=ev.type, date=when(ev.date), location=ev.location,
                participants=_json([name(p) for p in ev.participants]), evidence=cite(at),
            ).returning(S.events.c.id)).scalar_one()
            parts = sorted({ent_ids[p] for p in ev.participants if p in ent_ids})
            if parts:
                conn.execute(S.event_participants.insert(), [{"event_id": ev_id, "entity_id": p} for p in parts])
        if a.statements:
            conn.execute(S.statements.insert(), [
                {"doc_id": doc_id, "sent_idx": s.sent, "char_start": s.start, "char_end": s.end, "kind": s.kind,
                 "speaker": name(s.speaker), "speaker_entity_id": ent_ids.get(s.speaker) if s.speaker is not None else None,
                 "addressee": name(s.addressee),
                 "addressee_entity_id": ent_ids.get(s.addressee) if s.addressee is not None else None,
                 "content": s.content, "date": when(s.date), "topics": _json(s.topics), "evidence": cite(at)}
                for s, at in zip(a.statements, st_at)])
        if a.figures:
            conn.execute(S.figures.insert(), [
                {"doc_id": doc_id, "sent_idx": f.sent, "char_start": f.start, "char_end": f.end, "value": f.value,
                 "unit": f.unit, "text": f.text, "subject": f.subject, "deadline": when(f.deadline),
                 "evidence": cite(at)} for f, at in zip(a.figures, fig_at)])
        if a.dates:
            conn.execute(S.dates.insert(), [
                {"doc_id": doc_id, "sent_idx": d.sent, "char_start": d.start, "char_end": d.end, "text": d.text,
                 "value": when(d.value)} for d in a.dates])

    def version(self) -> tuple:
        """Changes whenever an article is stored or an entity corrected: a key for caches of summaries."""
        with self.engine.connect() as conn:
            docs = conn.execute(select(func.max(S.documents.c.id), func.count(S.documents.c.id))).one()
            fixes = conn.execute(select(func.count(), func.max(S.entity_overrides.c.made_at))
                                 .select_from(S.entity_overrides)).one()
        return (*docs, *fixes)

    def stats(self) -> dict[str, int]:
        """Counts of documents and of every kind of fact."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            def count(table, *where) -> int:
                q = select(func.count()).select_from(table)
                for w in where:
                    q = q.where(w)
                return int(conn.execute(q).scalar_one())
            out["documents"] = count(S.documents)
            out["near_duplicates"] = count(S.documents, S.documents.c.duplicate_of.is_not(None))
            out["sentences"] = count(S.sentences)
            out["entities"] = count(S.entities)
            out["entity_mentions"] = count(S.doc_entities)
            for name, table in S.FACT_TABLES.items():
                out[name] = count(table)
            for kind in ("request", "commitment", "intent", "agreement"):
                out[f"statements_{kind}"] = count(S.statements, S.statements.c.kind == kind)
        return out


__all__ = ["Store", "Saved", "has_identity", "make_engine", "date_range", "OperationalError"]
