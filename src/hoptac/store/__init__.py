"""The storage interface: one code path for SQLite and PostgreSQL, one transaction per article."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, and_, create_engine, event, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from hoptac import neardup
from hoptac.hashing import content_hash
from hoptac.models import Article
from hoptac.options import db_url
from hoptac.textnorm import fold

from . import schema as S
from .migrations import migrate


@dataclass(slots=True)
class Saved:
    """What happened to one article: stored, duplicate (identical body) or unchanged (same input)."""

    status: str
    doc_id: int | None
    near_duplicate_of: int | None = None
    similarity: float | None = None


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

    def __init__(self, url: str | None = None, create: bool = True):
        self.url = db_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if create:
            with self.engine.begin() as conn:
                migrate(conn)

    def close(self) -> None:
        self.engine.dispose()

    def has_raw(self, raw_hash: str) -> bool:
        """True when this exact input was stored before (skip it without any work)."""
        with self.engine.connect() as conn:
            return conn.execute(select(S.documents.c.id).where(S.documents.c.raw_hash == raw_hash)
                                .limit(1)).first() is not None

    def save_article(self, a: Article, raw_hash: str) -> Saved:
        """Store an article with all its facts in one transaction; identical bodies are stored once."""
        chash = content_hash(a.text)
        sig = neardup.signature(a.text)
        try:
            with self.engine.begin() as conn:
                dup = conn.execute(select(S.documents.c.id).where(S.documents.c.content_hash == chash)).first()
                if dup:
                    return Saved("duplicate", dup[0])
                near, sim = self._nearest(conn, sig)
                doc_id = conn.execute(S.documents.insert().values(
                    source=a.source, url=a.url, title=a.title, published=a.published, author=a.author,
                    language=a.language, raw_text=a.raw, text=a.text, content_hash=chash, raw_hash=raw_hash,
                    removed=_json([{"reason": r.reason, "text": r.text} for r in a.removed]),
                    topics=_json(a.topics), duplicate_of=near, similarity=sim,
                    minhash=neardup.to_bytes(sig), ingested_at=_now(),
                ).returning(S.documents.c.id)).scalar_one()
                conn.execute(S.doc_bands.insert(), [{"band": b, "hash": h, "doc_id": doc_id}
                                                    for b, h in neardup.band_hashes(sig)])
                self._save_facts(conn, doc_id, a, chash)
                return Saved("stored", doc_id, near, sim)
        except IntegrityError:
            # Another writer stored the same body between our check and insert.
            with self.engine.connect() as conn:
                row = conn.execute(select(S.documents.c.id).where(S.documents.c.content_hash == chash)).first()
            if row:
                return Saved("duplicate", row[0])
            raise

    def _nearest(self, conn: Connection, sig) -> tuple[int | None, float | None]:
        """The stored article this one nearly duplicates (sharing an LSH band, then by estimated Jaccard)."""
        b = S.doc_bands
        bands = or_(*[and_(b.c.band == band, b.c.hash == h) for band, h in neardup.band_hashes(sig)])
        rows = conn.execute(select(S.documents.c.id, S.documents.c.minhash, S.documents.c.duplicate_of)
                            .where(S.documents.c.id.in_(select(b.c.doc_id).where(bands)))
                            .order_by(S.documents.c.id)).all()
        best, best_sim = None, 0.0
        for doc_id, minhash, dup_of in rows:
            if minhash is None:
                continue
            sim = neardup.similarity(sig, minhash)
            if sim > best_sim:
                best, best_sim = (dup_of or doc_id), sim
        if best is not None and best_sim >= neardup.THRESHOLD:
            return best, round(best_sim, 3)
        return None, None

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

    def _save_facts(self, conn: Connection, doc_id: int, a: Article, chash: str = "") -> None:
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
                 "organization": r.organization, "as_of": r.as_of} for r in a.roles])
        for ev in a.events:
            ev_id = conn.execute(S.events.insert().values(
                doc_id=doc_id, sent_idx=ev.sent, char_start=sent[ev.sent].start, char_end=sent[ev.sent].end,
                type=ev.type, date=ev.date, location=ev.location,
                participants=_json([name(p) for p in ev.participants]), evidence=sent[ev.sent].text,
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
                 "content": s.content, "date": s.date, "topics": _json(s.topics), "evidence": sent[s.sent].text}
                for s in a.statements])
        if a.figures:
            conn.execute(S.figures.insert(), [
                {"doc_id": doc_id, "sent_idx": f.sent, "char_start": f.start, "char_end": f.end, "value": f.value,
                 "unit": f.unit, "text": f.text, "subject": f.subject, "deadline": f.deadline,
                 "evidence": sent[f.sent].text} for f in a.figures])
        if a.dates:
            conn.execute(S.dates.insert(), [
                {"doc_id": doc_id, "sent_idx": d.sent, "char_start": d.start, "char_end": d.end, "text": d.text,
                 "value": d.value} for d in a.dates])

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


__all__ = ["Store", "Saved", "make_engine", "date_range", "OperationalError"]
