"""Search and ask latency on the bench corpus (SQLite by default), and the cost of one more article.

    .venv/bin/python benchmarks/search_bench.py [--db sqlite:///bench.db] [--queries 200] [--reindex]
    HOPTAC_INDEX_DIR=/tmp/idx .venv/bin/python benchmarks/search_bench.py --db postgresql://...

Ingests the bench corpus first if the store is empty. Queries are drawn with a
fixed seed from the stored sentences: single words, two-word phrases, entity
names, with and without diacritics, quoted phrases, and filters. Search is timed
through the search index (hoptac.index) and, for comparison, through SQL alone
(the store's FTS5 / tsvector). --reindex rebuilds the index from the store, reports
its build time and size, and checks that every query returns what the index built
article by article returned.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from hoptac.ask import ask
from hoptac.index import rebuild
from hoptac.ingest import ingest
from hoptac.pipeline import Pipeline
from hoptac.search import Filters, QueryError, search
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.textnorm import fold

BENCH = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite:////tmp/hoptac-search-bench.db")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--reindex", action="store_true", help="rebuild the index, time it, compare its results")
    ap.add_argument("--sql-queries", type=int, default=200, help="queries also timed through SQL alone (0: none)")
    args = ap.parse_args()
    store = Store(args.db)
    pipe = Pipeline()
    if store.stats()["documents"] == 0:
        t0 = time.perf_counter()
        rep = ingest([str(BENCH)], store, pipe)
        print(f"ingested {rep.stored} articles in {time.perf_counter() - t0:.1f}s")
    rng = random.Random(7)
    with store.engine.connect() as c:
        sents = [r[0] for r in c.execute(select(S.sentences.c.text).order_by(S.sentences.c.id).limit(20000))]
        names = [r[0] for r in c.execute(select(S.entities.c.name).where(S.entities.c.type.in_(["PER", "ORG", "LOC"])))]
        roles = c.execute(select(S.roles.c.title, S.roles.c.organization).where(S.roles.c.organization.is_not(None))).all()
    queries: list[tuple[str, Filters]] = []
    while len(queries) < args.queries:
        s = rng.choice(sents).split()
        if len(s) < 4:
            continue
        i = rng.randrange(len(s) - 2)
        kind = len(queries) % 6
        if kind == 0:
            q = s[i]
        elif kind == 1:
            q = " ".join(s[i:i + 2])
        elif kind == 2:
            q = fold(" ".join(s[i:i + 2]))
        elif kind == 3:
            q = '"' + " ".join(s[i:i + 2]) + '"'
        elif kind == 4:
            q = rng.choice(names)
        else:
            q = fold(rng.choice(names))
        f = Filters(date_from="2020-01-01") if len(queries) % 10 == 9 else Filters()
        queries.append((q.strip(".,;:\"“”()"), f))
    def timed(s: Store, qs) -> tuple[list[float], list]:
        ms, results = [], []
        for q, f in qs:
            t0 = time.perf_counter()
            try:
                hits = search(s, q, f, limit=20)
            except QueryError:
                hits = []
            ms.append((time.perf_counter() - t0) * 1000)
            results.append([(h.doc_id, h.sent_idx, h.score) for h in hits])
        return ms, results

    index_info: dict = {}
    if store.index is not None:
        search(store, "viet nam")  # opens the index (and catches up) before timing
        index_info = {"index_sentences": store.index.info()["sentences"],
                      "index_mb": round(store.index.info()["bytes"] / 1e6, 1)}
    lat, before = timed(store, queries)
    if args.reindex and store.index is not None:
        t0 = time.perf_counter()
        r = rebuild(store)
        index_info.update(index_build_s=round(time.perf_counter() - t0, 1), index_mb=round(r["bytes"] / 1e6, 1))
        again = Store(args.db)
        after = timed(again, queries)[1]
        same = sum([x[:2] for x in a] == [x[:2] for x in b] for a, b in zip(after, before))
        index_info["reindex_same_hits"] = f"{same}/{len(before)} queries"  # the same sentences in the same order
        index_info["reindex_max_score_diff"] = max((abs(x[2] - y[2]) for a, b in zip(after, before)
                                                    for x, y in zip(a, b)), default=0.0)
        again.close()
    sql_lat: list[float] = []
    if args.sql_queries:
        sql_store = Store(args.db, index_dir="off")
        sql_lat = timed(sql_store, queries[:args.sql_queries])[0]
        sql_store.close()
    questions = []
    for title, org in roles[:40]:
        questions.append(f"Ai là {title} {org}?")
    for n in names[:40]:
        questions.append(f"{n} ở đâu?")
    alat = []
    for q in questions[:80]:
        t0 = time.perf_counter()
        ask(store, q)
        alat.append((time.perf_counter() - t0) * 1000)
    # one more article at a time: bench records with a new id and one changed sentence, each ingested alone
    lines = BENCH.read_text(encoding="utf-8").splitlines()
    one_ms = []
    for k in range(10):
        rec = json.loads(lines[rng.randrange(len(lines))])
        rec["id"] = rec["url"] = f"bench-extra-{time.time_ns()}"
        rec["text"] = rec["text"] + f"\nBài viết được cập nhật lần {k} để thành một bài mới."
        extra = Path(f"/tmp/hoptac-extra-{k}.jsonl")
        extra.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        ingest([str(extra)], store, pipe)
        one_ms.append((time.perf_counter() - t0) * 1000)
    one = statistics.median(one_ms)
    res = {"documents": store.stats()["documents"], "index": store.index is not None, **index_info,
           "search_queries": len(lat),
           "search_p50_ms": round(pct(lat, 50), 2), "search_p95_ms": round(pct(lat, 95), 2),
           "sql_search_p50_ms": round(pct(sql_lat, 50), 2) if sql_lat else None,
           "sql_search_p95_ms": round(pct(sql_lat, 95), 2) if sql_lat else None,
           "ask_questions": len(alat), "ask_p50_ms": round(pct(alat, 50), 1), "ask_p95_ms": round(pct(alat, 95), 1),
           "ingest_one_more_article_median_ms": round(one, 1), "ingest_one_more_article_max_ms": round(max(one_ms), 1),
           "search_mean_ms": round(statistics.mean(lat), 2)}
    print(json.dumps(res, ensure_ascii=False, indent=2))
    store.close()


if __name__ == "__main__":
    main()
