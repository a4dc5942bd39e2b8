"""Hostile growth (issue 14, attacker item 2 and 3): bytes stored per input byte on number-dense text, peak
memory of `extract --json` on it, and near-duplicate lookups as thousands of similar records pile up.

    .venv/bin/python benchmarks/growth_bench.py [--dense-kb 80] [--extract-kb 390] [--records 10000] [--db URL]

The texts are generated here (a figure every ~30 bytes in one sentence; short records that differ in one
number), the same shapes `tests/test_growth.py` asserts on at smaller sizes.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hoptac.hashing import raw_hash
from hoptac.ingest import ingest
from hoptac.models import Article
from hoptac.pipeline import Pipeline
from hoptac.store import Store


def dense(n_bytes: int) -> str:
    """Number-dense text in one long sentence: a figure every ~30 bytes."""
    parts, size, i = ["date: 2024-05-10\n\nTheo báo cáo, "], 0, 0
    while size < n_bytes:
        part = f"mục {i} đạt {(i * 37) % 900 + 100} tỷ đồng, "
        parts.append(part)
        size += len(part.encode())
        i += 1
    return "".join(parts).rstrip(", ") + ".\n"


def similar(i: int) -> Article:
    t = (f"Ngày {i % 28 + 1}/5, Tập đoàn FPT ký thỏa thuận hợp tác với đối tác số {i} về đào tạo "
         f"kỹ sư trí tuệ nhân tạo và bán dẫn tại Hà Nội.")
    return Article(source=f"rec{i}", raw=t, text=t)


def store_growth(work: Path, kb: int) -> None:
    db = work / "dense.db"
    store = Store(f"sqlite:///{db}")
    with store.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = os.path.getsize(db)
    src = work / "dense.txt"
    src.write_text(dense(kb * 1000), encoding="utf-8")
    ingest([str(src)], store, Pipeline())
    with store.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"number-dense {kb} KB: SQLite grew {(os.path.getsize(db) - before) / src.stat().st_size:.1f} bytes "
          f"per input byte")


def extract_memory(work: Path, kb: int) -> None:
    src = work / "dense_extract.txt"
    src.write_text(dense(kb * 1000), encoding="utf-8")
    hoptac = Path(sys.executable).with_name("hoptac")
    t = time.perf_counter()
    subprocess.run([str(hoptac), "extract", str(src), "--json"], stdout=subprocess.DEVNULL, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"extract --json of {kb} KB number-dense text: peak RSS {peak:.0f} MB, {time.perf_counter() - t:.1f}s")


def lookups(url: str, records: int) -> None:
    store = Store(url)
    step = max(1, records // 10)
    t, done = time.perf_counter(), 0
    for i in range(records):
        store.save_article(similar(i), raw_hash(f"rec{i}"))
        if (i + 1) % step == 0:
            now = time.perf_counter()
            print(f"  {i + 1:>6} similar records stored: {(i + 1 - done) / (now - t):.0f} articles/s over the "
                  f"last {i + 1 - done}")
            t, done = now, i + 1
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dense-kb", type=int, default=80)
    ap.add_argument("--extract-kb", type=int, default=390)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--db", help="store for the similar records (default: a new SQLite file)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hoptac-growth-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    store_growth(work, args.dense_kb)
    extract_memory(work, args.extract_kb)
    print(f"near-duplicate lookups, {args.records} similar records:")
    lookups(args.db or f"sqlite:///{work / 'similar.db'}", args.records)


if __name__ == "__main__":
    main()
