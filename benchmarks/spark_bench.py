"""Spark local[N] against one process on the same bench articles: articles/s, and whether outputs agree.

    .venv/bin/python benchmarks/spark_bench.py [--n 600] [--master local[2]] [--partitions P]

Rows: `hoptac extract --json` (one process, a subprocess like a user runs it);
`hoptac spark-extract` (a subprocess: JVM start-up included); the Spark job alone in an
already started session (Python workers still cold). Both outputs are compared line by line.
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def timed(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, **kw)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--input", default=str(BENCH))
    a = ap.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    tmp = Path(tempfile.mkdtemp(prefix="hoptac-spark-bench."))
    src = tmp / "slice.jsonl"
    with open(a.input, encoding="utf-8") as f:
        src.write_text("".join(itertools.islice(f, a.n)), encoding="utf-8")
    hoptac = [sys.executable, "-m", "hoptac.cli"]
    part = ["--partitions", str(a.partitions)] if a.partitions else []

    with open(tmp / "local.jsonl", "w", encoding="utf-8") as out:
        t_local = timed([*hoptac, "extract", "--json", str(src)], stdout=out)
    t_cli = timed([*hoptac, "spark-extract", str(src), str(tmp / "cli"), "--master", a.master, *part],
                  stderr=subprocess.DEVNULL)

    from hoptac.spark_job import run, session
    t0 = time.perf_counter()
    spark, _ = session(a.master)
    t_session = time.perf_counter() - t0
    t0 = time.perf_counter()
    rep = run(str(src), str(tmp / "api"), partitions=a.partitions)
    t_job = time.perf_counter() - t0
    spark.stop()

    local = (tmp / "local.jsonl").read_text(encoding="utf-8").splitlines()
    same = all(local == [x for p in sorted((tmp / d).glob("part-*")) for x in p.read_text(encoding="utf-8").splitlines()]
               for d in ("cli", "api"))
    n = len(local)
    print(f"{n} articles ({rep.written} by Spark, {len(rep.failed)} failed), {os.cpu_count()} CPUs, "
          f"Spark {a.master}{' partitions ' + str(a.partitions) if a.partitions else ''}")
    print(f"{'run':<46}{'seconds':>9}{'articles/s':>12}")
    for name, t in (("1 process: hoptac extract --json", t_local),
                    (f"Spark {a.master}: hoptac spark-extract (with JVM)", t_cli),
                    (f"Spark {a.master}: job in a started session", t_job)):
        print(f"{name:<46}{t:>9.1f}{n / t:>12.2f}")
    print(f"session start-up {t_session:.1f}s; outputs identical line by line: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
