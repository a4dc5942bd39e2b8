"""Spark extraction gives what `hoptac extract --json` gives, and `hoptac load` stores what `hoptac ingest` stores.

A real Spark (local[2], no web UI, loopback only): the CLI once in a subprocess, the
Python API once in this process (for Parquet, read back with the same session).
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoptac.cli import app

from paths import BENCH, SEEDS

if not shutil.which("java") and not os.environ.get("CI"):
    pytest.skip("no Java runtime for Spark (scripts/test.sh installs one)", allow_module_level=True)

ENV = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
runner = CliRunner()
N = 40


def cli(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def part_lines(folder: Path) -> list[str]:
    return [line for p in sorted(folder.glob("part-*")) for line in p.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """40 bench records and one broken line, plus the seed folder (whole text files)."""
    d = tmp_path_factory.mktemp("spark")
    with open(BENCH, encoding="utf-8") as f:
        (d / "slice.jsonl").write_text("".join(itertools.islice(f, N)) + "{broken\n", encoding="utf-8")
    shutil.copytree(SEEDS, d / "seeds")
    return [str(d / "slice.jsonl"), str(d / "seeds")]


@pytest.fixture(scope="module")
def spark_full(inputs, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("out") / "full"
    cmd = [sys.executable, "-m", "hoptac.cli", "spark-extract", *inputs, str(out), "--master", "local[2]",
           "--partitions", "3", "--full"]  # repartitioned: only the sort by input position restores the order
    res = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    return out, res


@pytest.fixture(scope="module")
def local(inputs) -> dict[str, list[str]]:
    plain, full = cli("extract", "--json", *inputs), cli("extract", "--json", "--full", *inputs)
    assert plain.exit_code == full.exit_code == 1  # the broken line
    return {"plain": plain.stdout.splitlines(), "full": full.stdout.splitlines()}


def test_spark_extract_equals_extract_json(spark_full, local, inputs):
    out, res = spark_full
    assert res.returncode == 1, res.stderr  # exit 1: a record failed; the rest were written
    bad = f"hoptac: {inputs[0]}:{N + 1}: invalid JSON"
    assert sum(line.startswith(bad) for line in res.stderr.splitlines()) == 1, res.stderr
    assert f"wrote {N + 5} articles" in res.stderr
    lines = part_lines(out)
    assert len(lines) == len(local["full"]) == len(local["plain"]) == N + 5
    assert lines == local["full"]  # byte for byte, --full included
    for line, want in zip(lines, local["plain"]):
        doc, want = json.loads(line), json.loads(want)
        assert list(doc) == list(want) + ["article"]
        for key in want:
            assert doc[key] == want[key], (want["source"], key)
    sources = [json.loads(x)["source"] for x in local["plain"]]
    assert sources[-5:] == [os.path.join(inputs[1], p.name) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def spark():
    from hoptac.spark_job import session
    os.environ["PYSPARK_PYTHON"] = sys.executable
    s, _ = session("local[2]")
    yield s
    s.stop()


def test_parquet_output(spark, inputs, spark_full, tmp_path):
    from hoptac.spark_job import main
    out = tmp_path / "pq"
    assert main([*inputs, str(out), "--format", "parquet", "--full"]) == 1  # the broken line
    parts = sorted(out.glob("part-*.parquet"))
    rows = [r.asDict(recursive=True) for p in parts for r in spark.read.parquet(str(p)).collect()]
    want = [json.loads(x) for x in part_lines(spark_full[0])]
    assert len(rows) == N + 5
    assert [r["source"] for r in rows] == [w["source"] for w in want]  # part files hold input order
    for r, w in zip(rows, want):
        assert json.loads(r.pop("article")) == w.pop("article")
        for f in w["figures"]:
            f["value"] = float(f["value"])
        assert r == w


@pytest.fixture(scope="module")
def ingested(inputs, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("ingest") / "kb.db"
    assert cli("--db", str(db), "ingest", *inputs).exit_code == 1  # the broken line
    return json.loads(cli("--db", str(db), "stats", "--json").stdout)


def test_load_stores_what_ingest_stores(db_url, spark_full, ingested):
    out = spark_full[0]
    res = cli("--db", db_url, "load", str(out))
    assert res.exit_code == 0, res.stderr
    assert f"stored {ingested['documents']}," in res.stderr
    stats = json.loads(cli("--db", db_url, "stats", "--json").stdout)
    assert stats == ingested
    assert stats["documents"] == N + 5 and stats["statements"] and stats["figures"] and stats["entities"]
    again = cli("--db", db_url, "load", str(out))
    assert again.exit_code == 0 and f"stored 0, duplicates 0, unchanged {N + 5}" in again.stderr
    assert json.loads(cli("--db", db_url, "stats", "--json").stdout) == ingested


def test_load_reports_bad_records_and_goes_on(db_url, spark_full, local, tmp_path):
    lines = part_lines(spark_full[0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], local["plain"][1], "{oops", *lines[2:], "[1]"]) + "\n", encoding="utf-8")
    res = cli("--db", db_url, "load", str(bad), str(tmp_path / "missing"))
    assert res.exit_code == 1
    errors = [x for x in res.stderr.splitlines() if x.startswith("hoptac: ")]
    assert errors == [f"hoptac: {bad}:2: no 'article' field: write it with spark-extract --full",
                      f"hoptac: {bad}:3: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
                      f"hoptac: {bad}:{len(lines) + 2}: a JSON list, not an object",
                      f"hoptac: {tmp_path / 'missing'}: no such file or folder"]
    assert f"stored {N + 4}, duplicates 0, unchanged 0, failed 4" in res.stderr
