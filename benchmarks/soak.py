"""Soak run: ingest the bench corpus 3 times with 2 workers while 4 clients query the API and pages on loopback.

    .venv/bin/python benchmarks/soak.py [--db sqlite:////tmp/soak.db] [--passes 3] [--clients 4]

Bounded: the clients stop when the ingests end (or after --max-seconds), and every
request goes to 127.0.0.1. Reports failed requests, request latency, duplicates
and the final article count (which must equal the number of distinct articles).
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from hoptac.store import Store
from hoptac.store import schema as S

BENCH = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"
QUERIES = ["bán dẫn", "ha noi", "Thủ tướng", "doanh nghiep", "đầu tư", "covid", "giao duc", "\"trí tuệ nhân tạo\"",
           "Việt Nam", "xuất khẩu", "ngân hàng", "bao hiem"]
QUESTIONS = ["Ai là Thủ tướng?", "Việt Nam xuất khẩu bao nhiêu?", "Hội nghị diễn ra ở đâu?", "khi nao tang luong"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(base: str, stop: threading.Event, deadline: float, out: dict, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30) as c:
        while not stop.is_set() and time.time() < deadline:
            kind = rng.randrange(9)
            if kind == 0:
                path, params = "/api/stats", {}
            elif kind == 1:
                path, params = "/api/search", {"q": rng.choice(QUERIES)}
            elif kind == 2:
                path, params = "/api/ask", {"q": rng.choice(QUESTIONS)}
            elif kind == 3:
                path, params = "/api/entities", {"limit": 20}
            elif kind == 4:
                path, params = "/api/statements", {"kind": "request", "limit": 20}
            elif kind == 5:  # the web pages too: home, tracker, timeline, an entity
                path, params = "/", {}
            elif kind == 6:
                path, params = "/tracker", {"kind": rng.choice(["request", "commitment", ""])}
            elif kind == 7:
                path, params = "/timeline", {}
            else:
                path, params = "/entities", {"q": rng.choice(["Việt Nam", "Hà Nội", "Bộ Y tế", "Mỹ"])}
            t0 = time.perf_counter()
            try:
                r = c.get(path, params=params)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            out["lat"].append((time.perf_counter() - t0) * 1000)
            out["n"] += 1
            if not ok:
                out["failed"] += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite:////tmp/hoptac-soak.db")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--max-seconds", type=int, default=1800)
    args = ap.parse_args()
    if args.db.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(args.db.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    Store(args.db).close()
    hoptac = [sys.executable, "-m", "hoptac.cli", "--db", args.db]
    port = free_port()
    server = subprocess.Popen(hoptac + ["serve", "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    stop, deadline = threading.Event(), time.time() + args.max_seconds
    stats = [{"lat": [], "n": 0, "failed": 0} for _ in range(args.clients)]
    threads = [threading.Thread(target=client, args=(base, stop, deadline, s, k)) for k, s in enumerate(stats)]
    for t in threads:
        t.start()
    t0 = time.time()
    passes = []
    for p in range(args.passes):
        t1 = time.time()
        r = subprocess.run(hoptac + ["ingest", "-q", "--workers", "2", str(BENCH)], capture_output=True, text=True)
        passes.append({"pass": p + 1, "seconds": round(time.time() - t1, 1), "exit": r.returncode,
                       "summary": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""})
    stop.set()
    for t in threads:
        t.join()
    server.terminate()
    server.wait()
    store = Store(args.db)
    with store.engine.connect() as c:
        n, distinct = c.execute(select(func.count(), func.count(S.documents.c.content_hash.distinct()))).one()
    store.close()
    lat = sorted(x for s in stats for x in s["lat"])
    distinct_inputs = len({json.loads(line)["id"] for line in BENCH.read_text(encoding="utf-8").splitlines()})
    res = {"passes": passes, "seconds": round(time.time() - t0, 1), "requests": sum(s["n"] for s in stats),
           "failed_requests": sum(s["failed"] for s in stats),
           "request_p50_ms": round(statistics.median(lat), 1) if lat else None,
           "request_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
           "documents": n, "distinct_bodies": distinct, "distinct_inputs": distinct_inputs,
           "duplicates": n - distinct}
    print(json.dumps(res, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
