"""Schema migrations: named functions, applied in order, recorded in schema_migrations."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, inspect, select, text

from . import schema

Migration = Callable[[Connection], None]


V1_TABLES = ["documents", "doc_bands", "sentences", "entities", "doc_entities", "roles", "events",
             "event_participants", "statements", "figures", "dates"]


def m0001_initial(conn: Connection) -> None:
    """Documents, sentences, entities and the fact tables."""
    tables = [t for t in schema.metadata.sorted_tables if t.name in V1_TABLES]
    schema.metadata.create_all(conn, tables=tables)


def m0002_search(conn: Connection) -> None:
    """Full-text search over folded sentences (FTS5 / tsvector) and per-sentence mentions."""
    cols = {c["name"] for c in inspect(conn).get_columns("sentences")}
    if "folded" not in cols:
        conn.execute(text("ALTER TABLE sentences ADD COLUMN folded TEXT"))
    schema.mentions.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS sentence_fts USING fts5("
                          "folded, content='sentences', content_rowid='id', tokenize='unicode61')"))
        conn.execute(text("CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN "
                          "INSERT INTO sentence_fts(rowid, folded) VALUES (new.id, new.folded); END"))
        conn.execute(text("CREATE TRIGGER IF NOT EXISTS sentences_ad AFTER DELETE ON sentences BEGIN "
                          "INSERT INTO sentence_fts(sentence_fts, rowid, folded) VALUES('delete', old.id, old.folded);"
                          " END"))
        conn.execute(text("INSERT INTO sentence_fts(sentence_fts) VALUES('rebuild')"))
    else:
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_sentences_fts ON sentences "
                          "USING GIN (to_tsvector('simple', coalesce(folded, '')))"))


def m0003_entity_overrides(conn: Connection) -> None:
    """Users' corrections of entity linking (merge, split, rename), kept across re-ingestion."""
    schema.entity_overrides.create(conn, checkfirst=True)


INDEXES_0004 = {
    "ix_statements_speaker": "statements (speaker_entity_id)",
    "ix_statements_addressee": "statements (addressee_entity_id)",
    "ix_statements_date": "statements (date)",
    "ix_roles_person": "roles (person_entity_id)",
    "ix_events_date": "events (date)",
    "ix_event_participants_event": "event_participants (event_id)",
    # covering indexes: an entity's articles and sentences without touching the tables
    "ix_doc_entities_entity_doc": "doc_entities (entity_id, doc_id)",
    "ix_mentions_entity_doc_sent": "mentions (entity_id, doc_id, sent_idx)",
}


def m0004_fact_indexes(conn: Connection) -> None:
    """Indexes the entity pages, tracker and timeline look facts up by, so they stay fast as the archive grows."""
    for name, target in INDEXES_0004.items():
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {target}"))


def m0005_stories(conn: Connection) -> None:
    """Stories across articles (hoptac.stories): one row per real-world event or statement, its members and
    users' splits and merges. Stores made before it get their stories when `hoptac stories --rebuild` runs."""
    from hoptac import stories
    stories.create(conn)


def m0006_index_changes(conn: Connection) -> None:
    """The queue the search index (hoptac.index) catches up from, filled by triggers; the store's id."""
    from . import changes
    changes.create(conn)


def m0007_lifecycle(conn: Connection) -> None:
    """What became of each pledge (hoptac.lifecycle): the pledge and update indexes, the links and users'
    corrections. Stores made before it get their links when `hoptac lifecycle --rebuild` runs."""
    from hoptac import lifecycle
    lifecycle.create(conn)


def m0008_story_lookup(conn: Connection) -> None:
    """An index for "an earlier report of the same story" (the views listing a story once): without it SQLite
    walks every earlier member of the kind for each row."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_story_members_story_kind_fact "
                      "ON story_members (story_id, kind, fact_id)"))


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_initial", m0001_initial),
    ("0002_search", m0002_search),
    ("0003_entity_overrides", m0003_entity_overrides),
    ("0004_fact_indexes", m0004_fact_indexes),
    ("0005_stories", m0005_stories),
    ("0006_index_changes", m0006_index_changes),
    ("0007_lifecycle", m0007_lifecycle),
    ("0008_story_lookup", m0008_story_lookup),
]


def applied(conn: Connection) -> set[str]:
    """Names of the migrations this database has."""
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.execute(select(schema.migrations.c.name)).scalars())


def migrate(conn: Connection) -> list[str]:
    """Apply what is missing; returns the names applied now."""
    schema.migrations.create(conn, checkfirst=True)
    done = applied(conn)
    now = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(schema.migrations.insert().values(
            name=name, applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds")))
        now.append(name)
    return now
