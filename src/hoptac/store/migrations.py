"""Schema migrations: named functions, applied in order, recorded in schema_migrations."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, inspect, select

from . import schema

Migration = Callable[[Connection], None]


def m0001_initial(conn: Connection) -> None:
    """Documents, sentences, entities and the fact tables."""
    schema.metadata.create_all(conn, tables=[t for t in schema.metadata.sorted_tables
                                             if t.name != "schema_migrations"])


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_initial", m0001_initial),
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
