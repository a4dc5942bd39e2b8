"""A 100k-article store in minutes: the replay of scale_bench.py done by SQL inside the store, for search figures.

    .venv/bin/python benchmarks/scale_copy.py --db sqlite:////tmp/hoptac-100k.db --from /tmp/hoptac-search-bench.db
    .venv/bin/python benchmarks/scale_copy.py --db postgresql://...   # a PostgreSQL store holding the bench corpus
    .venv/bin/hoptac --db ... reindex                                  # then the search index, timed
    .venv/bin/python benchmarks/search_bench.py --db ...

scale_bench.py loads 38 replays article by article (~35 minutes); this copies the articles already stored
(the bench corpus) until there are `--copies` of each, with INSERT ... SELECT: every copy gets new ids,
`#replay-K` in its source and address, its publication and fact dates moved K years back and a marker line in
its text, as scale_bench.py does, and links to the same canonical entities. Stories and near-duplicate bands
are not copied (search does not read them). The search index's queue is off while copying; `hoptac reindex`
builds the index afterwards.
"""
from __future__ import annotations

import argparse
import shutil
import time

from sqlalchemy import delete, func, select, text

from hoptac.store import Store
from hoptac.store import schema as S


def shifted(col: str, k: int) -> str:
    """SQL moving an ISO date column k years back (years stay 4 digits: 1900 < any year here - 38)."""
    return (f"CASE WHEN {col} IS NULL OR length({col}) < 4 THEN {col} ELSE "
            f"CAST(CAST(substr({col}, 1, 4) AS INTEGER) - {k} AS TEXT) || substr({col}, 5) END")


DATES = {"documents": ["published"], "statements": ["date"], "events": ["date"], "roles": ["as_of"],
         "figures": ["deadline"], "dates": ["value"]}


def copy_sql(table, k: int, top: dict[str, int]) -> str:
    """INSERT ... SELECT of the original rows of one table as copy k."""
    cols, exprs = [], []
    for c in table.columns:
        name = c.name
        e = name
        if name == "id":
            e = f"id + {k * top[table.name]}"
        elif name == "doc_id":
            e = f"doc_id + {k * top['documents']}"
        elif table.name == "event_participants" and name == "event_id":
            e = f"event_id + {k * top['events']}"
        elif table.name == "documents" and name in ("source", "url"):
            e = f"{name} || '#replay-{k}'"
        elif table.name == "documents" and name in ("text", "raw_text"):
            e = f"{name} || '\n\n(Bản phát lại {k})'"
        elif table.name == "documents" and name in ("content_hash", "raw_hash"):
            e = f"substr({name}, 1, 58) || '-r{k:04d}'"
        elif table.name == "documents" and name in ("duplicate_of", "similarity"):
            e = "NULL"
        elif name in DATES.get(table.name, []):
            e = shifted(name, k)
        cols.append(name)
        exprs.append(e)
    where = {"documents": "id", "event_participants": "event_id"}.get(table.name, "doc_id")
    bound = top["events"] if table.name == "event_participants" else top["documents"]
    return (f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table.name} "
            f"WHERE {where} <= {bound}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite:////tmp/hoptac-100k.db")
    ap.add_argument("--from", dest="source", help="a SQLite file holding the bench corpus, copied to --db first")
    ap.add_argument("--copies", type=int, default=38, help="copies in all, the stored one included")
    args = ap.parse_args()
    if args.source:
        shutil.copyfile(args.source, args.db.removeprefix("sqlite:///"))
    store = Store(args.db, index_dir="off")
    tables = [S.documents, S.sentences, S.mentions, S.doc_entities, S.roles, S.events, S.event_participants,
              S.statements, S.figures, S.dates]
    with store.engine.begin() as c:
        c.execute(delete(S.store_meta).where(S.store_meta.c.key == "index"))  # no queue while copying
        c.execute(delete(S.index_changes))
        top = {t.name: c.execute(select(func.max(t.c.id))).scalar_one() or 0
               for t in tables if "id" in t.c}
    print(f"copying {top['documents']:,} articles {args.copies - 1} times")
    for k in range(1, args.copies):
        t0 = time.perf_counter()
        with store.engine.begin() as c:
            for t in tables:
                c.execute(text(copy_sql(t, k, top)))
        print(f"copy {k}: {time.perf_counter() - t0:.1f} s", flush=True)
    if not store.is_sqlite:
        with store.engine.begin() as c:
            for t in tables:
                if "id" in t.c:
                    c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                   f"(SELECT max(id) FROM {t.name}))"))
    print(store.stats()["documents"], "articles")
    store.close()


if __name__ == "__main__":
    main()
