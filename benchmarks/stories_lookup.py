"""How long finding a new article's story candidates takes, on a store of any size: the lookup
`stories.assign` makes for every article (candidate articles through the entity and publication-date
indexes, then their events and statements with their stories), timed for a sample of stored articles.

    .venv/bin/python benchmarks/stories_lookup.py --db sqlite:////tmp/hoptac-100k.db [--sample 300]

Read-only: nothing is assigned or written. Run it on the bench store (2.6k articles) and on the 100k store
made by benchmarks/scale_copy.py (after `hoptac stories --rebuild` there, so every copy has its stories):
the lookup should cost the same.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time

from sqlalchemy import func, select

from hoptac import stories
from hoptac.store import Store
from hoptac.store import schema as S


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--sample", type=int, default=300)
    args = ap.parse_args()
    store = Store(args.db, create=False)
    d = S.documents
    with store.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(d)).scalar_one()
        top = c.execute(select(func.max(d.c.id))).scalar_one()
        step = max(1, top // args.sample)
        ids = list(c.execute(select(d.c.id, d.c.published).where(d.c.id % step == 0).limit(args.sample)).all())
    times, cands, facts = [], [], []
    with store.engine.connect() as c:
        for doc_id, published in ids:
            t = time.perf_counter()
            docs = stories._candidate_docs(c, doc_id, published)
            ev = stories._their_events(c, docs)
            st = stories._their_statements(c, docs)
            times.append(time.perf_counter() - t)
            cands.append(len(docs))
            facts.append(len(ev) + len(st))
    times.sort()
    print(f"{platform.processor() or platform.machine()}, {n} articles, {len(times)} looked up")
    print(f"lookup ms: p50 {1000 * statistics.median(times):.1f}, p95 {1000 * times[int(len(times) * 0.95)]:.1f}; "
          f"candidate articles: mean {statistics.mean(cands):.0f}, max {max(cands)}; "
          f"their events and statements: mean {statistics.mean(facts):.0f}, max {max(facts)}")
    store.close()


if __name__ == "__main__":
    main()
