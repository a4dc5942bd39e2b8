"""What linking pledges to later reports adds to ingest: the time inside `lifecycle.link` as a share of the whole ingest.

    .venv/bin/python benchmarks/lifecycle_cost.py [--limit N] [--db PATH]

Ingests the first N bench articles (default 800) into a new SQLite file, timing each call to
`lifecycle.link` (made by the store inside every article's transaction) by wrapping it, and prints
the share of ingest time, ms per article and the links found.
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from hoptac import lifecycle
from hoptac.ingest import ingest
from hoptac.pipeline import Pipeline
from hoptac.store import Store

BENCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=800)
    ap.add_argument("--db", help="SQLite file to create (default: a temporary one)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hoptac-lifecycle-"))
    part = work / "bench.jsonl"
    with open(BENCH, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, args.limit))
    db = Path(args.db) if args.db else work / "lifecycle.db"
    if db.exists():
        os.remove(db)

    spent, calls = [0.0], [0]
    original = lifecycle.link

    def timed(conn, doc_id):
        t = time.perf_counter()
        original(conn, doc_id)
        spent[0] += time.perf_counter() - t
        calls[0] += 1

    lifecycle.link = timed
    store = Store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    rep = ingest([str(part)], store, Pipeline())
    total = time.perf_counter() - t0
    lifecycle.link = original
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"articles {rep.stored}, ingest {total:.1f}s, linking {spent[0]:.2f}s = "
          f"{100 * spent[0] / total:.1f}% ({1000 * spent[0] / max(1, calls[0]):.1f} ms an article)")
    with store.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(lifecycle.links)).scalar()
        pledges = c.execute(select(func.count(func.distinct(lifecycle.links.c.statement_id)))).scalar()
    print(f"links: {n} to {pledges} pledges")


if __name__ == "__main__":
    main()
