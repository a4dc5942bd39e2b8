"""Server time of the web pages (home, entity, tracker, plus search/timeline/article) over real HTTP.

    .venv/bin/python benchmarks/page_bench.py [--db sqlite:////tmp/hoptac-search-bench.db] [--rounds 3]

The store must already hold articles (search_bench.py ingests the bench corpus into its
default database; scale_bench.py builds the 100k replay). The app runs in uvicorn in this
process on a loopback port; every page is fetched with httpx and timed twice: the
server's own time (its Server-Timing header: routing, queries, template) and the
client's wall time (adds HTTP and transfer on loopback). Entities: the 20 with the most
articles (the heaviest pages) and 40 drawn at random with a fixed seed.
"""
from __future__ import annotations

import argparse
import random
import re
import socket
import statistics
import threading
import time

import httpx
import uvicorn
from sqlalchemy import func, select

from hoptac.api import create_app
from hoptac.store import Store
from hoptac.store import schema as S


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def pages(store: Store, seed: int = 7) -> dict[str, list[str]]:
    """The URLs to time, by page kind."""
    de, d = S.doc_entities, S.documents
    rnd = random.Random(seed)
    with store.engine.connect() as c:
        top = [r[0] for r in c.execute(select(de.c.entity_id).where(de.c.entity_id.is_not(None))
                                       .group_by(de.c.entity_id).order_by(func.count().desc()).limit(20))]
        ids = [r[0] for r in c.execute(select(de.c.entity_id).where(de.c.entity_id.is_not(None))
                                       .group_by(de.c.entity_id).limit(20000))]
        docs = [r[0] for r in c.execute(select(d.c.id).limit(20000))]
        names = [r[0] for r in c.execute(select(S.entities.c.name).where(S.entities.c.id.in_(top[:10])))]
    sample = rnd.sample(ids, min(40, len(ids)))
    return {
        "home": ["/"] * 20,
        "entity": [f"/entity/{i}" for i in top + sample],
        "tracker": ["/tracker", "/tracker?kind=request", "/tracker?kind=commitment&sort=date&order=asc",
                    "/tracker?page_no=5", "/tracker?topic=AI", "/tracker?q=hop+tac", "/tracker?sort=speaker",
                    "/tracker?date_from=2020-01-01&date_to=2020-12-31"]
                   + [f"/tracker?entity={re.sub(' ', '+', n)}" for n in names],
        "search": ["/search?q=" + w for w in ("hop tac", "cong nghe", "viet nam", "dau tu", '"tri tue nhan tao"',
                                              "nguyen xuan phuc", "covid", "chip", "ban dan", "ha noi")],
        "timeline": ["/timeline", "/timeline?topic=AI"] + [f"/timeline?entity={i}" for i in top[:8]],
        "article": [f"/article/{i}" for i in rnd.sample(docs, min(30, len(docs)))],
        "briefing": [f"/entity/{i}/briefing" for i in top[:5] + sample[:5]],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite:////tmp/hoptac-search-bench.db")
    ap.add_argument("--rounds", type=int, default=3, help="times each URL is fetched (after one warm-up)")
    args = ap.parse_args()
    store = Store(args.db)
    n_docs = store.stats()["documents"]
    urls = pages(store)
    store.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(args.db), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    print(f"store {args.db}: {n_docs:,} documents; {args.rounds} rounds after a warm-up")
    print(f"{'page':<10} {'requests':>8} {'server p50':>11} {'server p95':>11} {'server max':>11} {'client p95':>11}")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        for kind, paths in urls.items():
            for p in paths:  # warm-up: first use of templates and SQLite pages
                client.get(p)
            server_ms, client_ms = [], []
            for _ in range(args.rounds):
                for p in paths:
                    t0 = time.perf_counter()
                    r = client.get(p)
                    client_ms.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, (p, r.status_code)
                    server_ms.append(float(r.headers["server-timing"].split("dur=")[1]))
            print(f"{kind:<10} {len(server_ms):>8} {statistics.median(server_ms):>9.1f}ms {pct(server_ms, 95):>9.1f}ms "
                  f"{max(server_ms):>9.1f}ms {pct(client_ms, 95):>9.1f}ms")
    server.should_exit = True


if __name__ == "__main__":
    main()
