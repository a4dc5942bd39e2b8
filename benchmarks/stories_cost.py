"""What assigning stories adds to ingest: the time inside `stories.assign` as a share of the whole ingest.

    .venv/bin/python benchmarks/stories_cost.py [--limit N] [--db PATH]

Ingests the first N bench articles (default 800) into a new SQLite file, timing each call to
`stories.assign` (made by the store inside every article's transaction) by wrapping it, and prints
the share of ingest time, ms per article and the stories formed.
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import tempfile
import time
from pathlib import Path

from hoptac import stories
from hoptac.ingest import ingest
from hoptac.pipeline import Pipeline
from hoptac.store import Store

BENCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=800)
    ap.add_argument("--db", help="SQLite file to create (default: a temporary one)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hoptac-stories-"))
    part = work / "bench.jsonl"
    with open(BENCH, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, args.limit))
    db = Path(args.db) if args.db else work / "stories.db"
    if db.exists():
        os.remove(db)

    spent, calls = [0.0], [0]
    original = stories.assign

    def timed(conn, doc_id):
        t = time.perf_counter()
        original(conn, doc_id)
        spent[0] += time.perf_counter() - t
        calls[0] += 1

    stories.assign = timed
    store = Store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    rep = ingest([str(part)], store, Pipeline())
    total = time.perf_counter() - t0
    stories.assign = original
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"articles {rep.stored}, ingest {total:.1f}s, story assignment {spent[0]:.2f}s = "
          f"{100 * spent[0] / total:.1f}% ({1000 * spent[0] / max(1, calls[0]):.1f} ms an article)")
    print("stories:", stories.count(store))


if __name__ == "__main__":
    main()
