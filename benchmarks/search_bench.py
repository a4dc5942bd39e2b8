"""Search and ask latency on the bench corpus (SQLite by default), and the cost of one more article.

    .venv/bin/python benchmarks/search_bench.py [--db sqlite:///bench.db] [--queries 200]

Ingests the bench corpus first if the store is empty. Queries are drawn with a
fixed seed from the stored sentences: single words, two-word phrases, entity
names, with and without diacritics, quoted phrases, and filters.
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
    lat = []
    for q, f in queries:
        t0 = time.perf_counter()
        try:
            search(store, q, f, limit=20)
        except QueryError:
            pass
        lat.append((time.perf_counter() - t0) * 1000)
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
    res = {"documents": store.stats()["documents"], "search_queries": len(lat),
           "search_p50_ms": round(pct(lat, 50), 2), "search_p95_ms": round(pct(lat, 95), 2),
           "ask_questions": len(alat), "ask_p50_ms": round(pct(alat, 50), 1), "ask_p95_ms": round(pct(alat, 95), 1),
           "ingest_one_more_article_median_ms": round(one, 1), "ingest_one_more_article_max_ms": round(max(one_ms), 1),
           "search_mean_ms": round(statistics.mean(lat), 2)}
    print(json.dumps(res, ensure_ascii=False, indent=2))
    store.close()


if __name__ == "__main__":
    main()
