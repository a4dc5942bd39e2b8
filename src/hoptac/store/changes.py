"""The queue the search index catches up from: filled by triggers, so every writer's change is recorded.

Triggers rather than calls in each writer: saving an article, correcting an entity, splitting or merging a
story (and whatever writes those tables next) all queue the documents they touch in their own transaction,
so a crash between the store's commit and the index's loses nothing. The queue only fills once an index was
built for the store (the `index` row of store_meta), so a store searched by SQL alone does not grow one.
"""
from __future__ import annotations

import uuid

from sqlalchemy import Connection, delete, func, select, text

from . import schema as S

ON = "EXISTS (SELECT 1 FROM store_meta WHERE key = 'index')"
# table -> (the column naming the document, the operations that change what the index holds)
WATCHED = {
    "documents": ("id", ("INSERT", "UPDATE", "DELETE")),
    "doc_entities": ("doc_id", ("UPDATE",)),
    "statements": ("doc_id", ("UPDATE",)),
    "events": ("doc_id", ("UPDATE",)),
    "story_members": ("doc_id", ("INSERT", "UPDATE", "DELETE")),
}


def create(conn: Connection) -> None:
    """The queue, the store's id and the triggers that fill the queue."""
    S.index_changes.create(conn, checkfirst=True)
    S.store_meta.create(conn, checkfirst=True)
    if conn.execute(select(S.store_meta.c.value).where(S.store_meta.c.key == "store_id")).first() is None:
        conn.execute(S.store_meta.insert().values(key="store_id", value=uuid.uuid4().hex))
    if conn.dialect.name == "sqlite":
        for table, (col, ops) in WATCHED.items():
            for op in ops:
                row = "old" if op == "DELETE" else "new"
                conn.execute(text(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_queue_{op.lower()} AFTER {op} ON {table} WHEN {ON} "
                    f"BEGIN INSERT INTO index_changes(doc_id) VALUES ({row}.{col}); END"))
        return
    for col in ("id", "doc_id"):
        conn.execute(text(
            f"CREATE OR REPLACE FUNCTION hoptac_queue_{col}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {ON} THEN INSERT INTO index_changes(doc_id) VALUES "
            f"(CASE WHEN TG_OP = 'DELETE' THEN OLD.{col} ELSE NEW.{col} END); END IF; RETURN NULL; END $$"))
    for table, (col, ops) in WATCHED.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_queue ON {table}"))
        conn.execute(text(f"CREATE TRIGGER {table}_queue AFTER {' OR '.join(ops)} ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION hoptac_queue_{col}()"))


def store_id(conn: Connection) -> str:
    """This store's id: an index built for another store (or an older copy) is never taken for its own."""
    return conn.execute(select(S.store_meta.c.value).where(S.store_meta.c.key == "store_id")).scalar_one()


def start(conn: Connection) -> int:
    """Turn the queue on and return the last change already recorded; everything after it is queued.

    On PostgreSQL the watched tables are locked in SHARE mode for an instant, so writers that began before
    the queue was on have committed (their rows are visible to a rebuild) and none is left half-recorded.
    """
    if conn.execute(select(S.store_meta.c.key).where(S.store_meta.c.key == "index")).first() is None:
        conn.execute(S.store_meta.insert().values(key="index", value="on"))
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE index_changes, {', '.join(WATCHED)} IN SHARE MODE"))
    return conn.execute(select(func.coalesce(func.max(S.index_changes.c.seq), 0))).scalar_one()


def pending(conn: Connection, limit: int) -> list[tuple[int, int]]:
    """The oldest queued (seq, doc_id) pairs."""
    q = S.index_changes
    return [tuple(r) for r in conn.execute(select(q.c.seq, q.c.doc_id).order_by(q.c.seq).limit(limit))]


def waiting(conn: Connection) -> bool:
    """Whether any change waits for the index (one indexed row read)."""
    return conn.execute(select(S.index_changes.c.seq).limit(1)).first() is not None


def done(conn: Connection, seqs: list[int]) -> None:
    """Forget changes the index has committed (by seq: a change committed late by another writer stays)."""
    q = S.index_changes
    for i in range(0, len(seqs), 500):
        conn.execute(delete(q).where(q.c.seq.in_(seqs[i:i + 500])))


def done_through(conn: Connection, seq: int) -> None:
    """Forget every change up to seq (a rebuild read the store after all of them were committed)."""
    conn.execute(delete(S.index_changes).where(S.index_changes.c.seq <= seq))
