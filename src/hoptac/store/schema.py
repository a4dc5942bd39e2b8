"""Tables of the knowledge base, one definition for SQLite and PostgreSQL (SQLAlchemy Core)."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
                        Table, Text, UniqueConstraint)

metadata = MetaData()

migrations = Table(
    "schema_migrations", metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(10)),
    Column("author", Text),
    Column("language", String(8)),
    Column("raw_text", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("raw_hash", String(64), nullable=False),
    Column("removed", Text),  # JSON list of {reason, text}
    Column("topics", Text),  # JSON list
    Column("duplicate_of", Integer, ForeignKey("documents.id")),
    Column("similarity", Float),
    Column("minhash", LargeBinary),
    Column("ingested_at", String(40), nullable=False),
    Index("ix_documents_raw_hash", "raw_hash"),
    Index("ix_documents_published", "published"),
    Index("ix_documents_source", "source"),
)

doc_bands = Table(
    "doc_bands", metadata,
    Column("band", Integer, nullable=False),
    Column("hash", BigInteger, nullable=False),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Index("ix_doc_bands", "band", "hash"),
)

sentences = Table(
    "sentences", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("folded", Text),  # accent- and đ-folded copy for full-text search (migration 0002)
    UniqueConstraint("doc_id", "idx"),
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("sent_idx", Integer, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("entity_id", Integer),  # canonical entity (entities.id)
    Index("ix_mentions_doc_sent", "doc_id", "sent_idx"),
    Index("ix_mentions_entity", "entity_id"),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("key", Text, nullable=False),
    UniqueConstraint("type", "key", name="uq_entities_type_key"),
)

entity_overrides = Table(
    "entity_overrides", metadata,
    Column("key", Text, primary_key=True),  # "TYPE:folded name", or "DOC:<content hash>:TYPE:folded name" for a split
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("made_by", String(20), nullable=False),  # merge | split | rename
    Column("made_at", String(40), nullable=False),
)

doc_entities = Table(
    "doc_entities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("local_id", Integer, nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id")),
    Column("name", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("aliases", Text),  # JSON list
    Index("ix_doc_entities_entity", "entity_id"),
    Index("ix_doc_entities_doc", "doc_id"),
)


def _fact(name: str, *cols: Column) -> Table:
    """A fact table: every row keeps its document, sentence and character offsets."""
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        Column("sent_idx", Integer, nullable=False),
        Column("char_start", Integer),
        Column("char_end", Integer),
        *cols,
        Index(f"ix_{name}_doc", "doc_id"),
    )


roles = _fact(
    "roles",
    Column("person", Text, nullable=False),
    Column("person_entity_id", Integer, ForeignKey("entities.id")),
    Column("title", Text, nullable=False),
    Column("organization", Text),
    Column("as_of", String(10)),
)
events = _fact(
    "events",
    Column("type", String(20), nullable=False),
    Column("date", String(10)),
    Column("location", Text),
    Column("participants", Text),  # JSON list of names
    Column("evidence", Text, nullable=False),
)
event_participants = Table(
    "event_participants", metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Index("ix_event_participants_entity", "entity_id"),
)
statements = _fact(
    "statements",
    Column("kind", String(20), nullable=False),
    Column("speaker", Text),
    Column("speaker_entity_id", Integer, ForeignKey("entities.id")),
    Column("addressee", Text),
    Column("addressee_entity_id", Integer, ForeignKey("entities.id")),
    Column("content", Text, nullable=False),
    Column("date", String(10)),
    Column("topics", Text),  # JSON list
    Column("evidence", Text, nullable=False),
)
figures = _fact(
    "figures",
    Column("value", Float, nullable=False),
    Column("unit", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("subject", Text),
    Column("deadline", String(10)),
    Column("evidence", Text, nullable=False),
)
dates = _fact(
    "dates",
    Column("text", Text, nullable=False),
    Column("value", String(10)),
)

# The search index beside the store (hoptac.index) catches up from this queue: triggers add a document's id
# whenever its row, its facts' kinds, its entities or its stories change, in the writer's own transaction.
index_changes = Table(
    "index_changes", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, nullable=False),
)
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(40), primary_key=True),  # store_id: names this store's index; index: the queue is on
    Column("value", Text, nullable=False),
)

FACT_TABLES = {"roles": roles, "events": events, "statements": statements, "figures": figures, "dates": dates}
