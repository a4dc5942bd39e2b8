"""A 100k-article store made by replaying the bench corpus, to measure how load, search and pages scale.

    .venv/bin/python benchmarks/scale_bench.py [--copies 38] [--db sqlite:////tmp/hoptac-100k.db]
    .venv/bin/python benchmarks/page_bench.py --db sqlite:////tmp/hoptac-100k.db
    .venv/bin/python benchmarks/search_bench.py --db sqlite:////tmp/hoptac-100k.db

Analyses the 2,633 bench articles once (`hoptac extract --json --full`), then writes
`--copies` replays of that output in which every article gets a new id and address
(`#replay-K`), a publication date moved K years back (its statements, events, roles and
figures' dates too), and a marker line appended to its text, so it is a new document (new
content hash) and not a duplicate. It is a near-duplicate of its original by design: the
near-duplicate index works on every one of them, a worse case than a real archive. The
copies are bulk-loaded with `hoptac load` (one transaction per article), timed in slices
so the cost per article can be read as the store grows.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"
YEAR = re.compile(r"^(\d{4})(.*)$")


def shift(value: str | None, years: int) -> str | None:
    """An ISO date at any precision moved `years` back."""
    if not value:
        return value
    m = YEAR.match(value)
    if not m:
        return value
    y, rest = int(m.group(1)) - years, m.group(2)
    if rest == "-02-29":
        rest = "-02-28"
    return f"{y:04d}{rest}"


def replay(line: str, k: int) -> str:
    """One --full record as replay k: new id, address, dates and text ending."""
    rec = json.loads(line)
    a = rec["article"]
    tag = f"#replay-{k}"
    a["source"] = (a["source"] or "") + tag
    if a.get("url"):
        a["url"] += tag
    a["published"] = shift(a.get("published"), k)
    a["text"] += f"\n\n(Bản phát lại {k})"
    a["match"] += f"\n\n(Bản phát lại {k})"
    for key in ("dates", "events", "statements"):
        for x in a.get(key) or []:
            field = "value" if key == "dates" else "date"
            x[field] = shift(x.get(field), k)
    for r in a.get("roles") or []:
        r["as_of"] = shift(r.get("as_of"), k)
    a["raw_hash"] = hashlib.sha256((a["raw_hash"] + tag).encode()).hexdigest()
    rec["article"] = a
    return json.dumps(rec, ensure_ascii=False)


def hoptac(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("hoptac")
    return subprocess.run([str(exe), *args], capture_output=True, text=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=38, help="replays of the 2,633 articles (38 gives 100,054)")
    ap.add_argument("--db", default="sqlite:////tmp/hoptac-100k.db")
    ap.add_argument("--work", default="/tmp/hoptac-scale")
    ap.add_argument("--slices", type=int, default=4, help="load in this many timed slices")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    full = work / "bench-full.jsonl"
    if not full.exists():
        t0 = time.perf_counter()
        with open(full, "w", encoding="utf-8") as out:
            subprocess.run([str(Path(sys.executable).with_name("hoptac")), "extract", str(BENCH), "--json", "--full"],
                           stdout=out, check=True)
        print(f"analysed the bench corpus once: {time.perf_counter() - t0:.0f} s")
    lines = [x for x in full.read_text(encoding="utf-8").splitlines() if x.strip()]
    per = max(1, args.copies // args.slices)
    k = 0
    print(f"{'slice':>5} {'articles':>9} {'seconds':>8} {'articles/s':>10} {'store now':>10}")
    while k < args.copies:
        part = work / f"replay-{k}.jsonl"
        with open(part, "w", encoding="utf-8") as out:
            for j in range(k, min(k + per, args.copies)):
                for line in lines:
                    out.write(replay(line, j) + "\n")
        n = len(lines) * (min(k + per, args.copies) - k)
        t0 = time.perf_counter()
        r = hoptac("--db", args.db, "load", str(part))
        dt = time.perf_counter() - t0
        if r.returncode != 0:
            sys.exit(f"load failed: {r.stderr[-2000:]}")
        stats = json.loads(hoptac("--db", args.db, "stats", "--json").stdout)
        print(f"{k // per + 1:>5} {n:>9,} {dt:>8.0f} {n / dt:>10.1f} {stats['documents']:>10,}", flush=True)
        os.remove(part)
        k += per
    if args.db.startswith("sqlite:///"):
        size = os.path.getsize(args.db.removeprefix("sqlite:///"))
        print(f"database file: {size / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
