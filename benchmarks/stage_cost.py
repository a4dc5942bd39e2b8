"""What one step made inside every article's transaction adds to ingest: its time as a share of the whole.

    .venv/bin/python benchmarks/stage_cost.py stories|lifecycle [--limit N] [--db PATH]

Ingests the first N bench articles (default 800) into a new SQLite file, timing each call to the step
(`stories.assign` or `lifecycle.link`) by wrapping it, and prints the share of ingest time, ms per article
and what the step made.
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

from hoptac import lifecycle, stories
from hoptac.ingest import ingest
from hoptac.pipeline import Pipeline
from hoptac.store import Store

BENCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def _made_stories(store: Store) -> str:
    return f"stories: {stories.count(store)}"


def _made_links(store: Store) -> str:
    with store.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(lifecycle.links)).scalar()
        pledges = c.execute(select(func.count(func.distinct(lifecycle.links.c.statement_id)))).scalar()
    return f"links: {n} to {pledges} pledges"


STEPS = {"stories": (stories, "assign", "story assignment", _made_stories),
         "lifecycle": (lifecycle, "link", "linking", _made_links)}


def main(step: str | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    if step is None:
        ap.add_argument("step", choices=sorted(STEPS))
    ap.add_argument("--limit", type=int, default=800)
    ap.add_argument("--db", help="SQLite file to create (default: a temporary one)")
    args = ap.parse_args()
    step = step or args.step
    module, name, label, made = STEPS[step]
    work = Path(tempfile.mkdtemp(prefix=f"hoptac-{step}-"))
    part = work / "bench.jsonl"
    with open(BENCH, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, args.limit))
    db = Path(args.db) if args.db else work / f"{step}.db"
    if db.exists():
        os.remove(db)

    spent = [0.0]
    original = getattr(module, name)

    def timed(conn, doc_id):
        t = time.perf_counter()
        try:
            return original(conn, doc_id)
        finally:
            spent[0] += time.perf_counter() - t

    setattr(module, name, timed)  # the store looks it up on the module at every article
    store = Store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    rep = ingest([str(part)], store, Pipeline())
    total = time.perf_counter() - t0
    setattr(module, name, original)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"articles {rep.stored}, ingest {total:.1f}s, {label} {spent[0]:.2f}s = "
          f"{100 * spent[0] / total:.1f}% ({1000 * spent[0] / max(1, rep.stored):.1f} ms an article)")
    print(made(store))
    store.close()


if __name__ == "__main__":
    main()
