"""Distributed extraction on Apache Spark: `hoptac extract --json` over Hadoop-compatible paths.

    hoptac spark-extract INPUT... OUTPUT [--format jsonl|parquet] [--master local[2]] [--partitions N] [--full]
    PYSPARK_PYTHON=$PWD/.venv/bin/python .venv/bin/spark-submit src/hoptac/spark_job.py INPUT... OUTPUT [same options]

INPUT is a file, a folder (read recursively) or a glob, on any file system Hadoop
reaches (file:, hdfs:, s3a: with hadoop-aws on the classpath). JSON Lines files are
split into lines across tasks; every other file is read whole and recognized exactly as
`hoptac extract` would (hoptac.inputs). Each partition runs the same Pipeline, built
once per Python worker. OUTPUT is a folder of part files in input order (part-00000
first): JSON Lines identical to `hoptac extract --json` line for line, or Parquet with
the contract's columns (a figure's value is a double there). With --full each object
also carries "article" (hoptac.serial.full_record; a JSON string column in Parquet),
which `hoptac load` stores. Inputs that cannot be read or analysed are reported one
line each (source: reason) and the job goes on. Executors need hoptac installed (or
shipped with --py-files) and its Python named by PYSPARK_PYTHON.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from functools import partial

from hoptac.models import Skipped
from hoptac.options import Options

FORMATS = ("jsonl", "parquet")
_PIPELINES: dict = {}  # per Python worker process (Spark reuses workers across tasks): options -> Pipeline


@dataclass(slots=True)
class SparkReport:
    """What a run wrote and what failed (source, reason) in input order."""

    written: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, output: str, fmt: str) -> str:
        """The last line the CLI and spark-submit print, so both read alike."""
        return f"wrote {self.written} articles to {output} ({fmt}), failed {len(self.failed)} in {self.seconds:.1f}s"


def _docs(payload: tuple, opts: Options) -> list:
    """The RawDocs or Skipped of one payload, as hoptac.inputs.read_inputs yields them."""
    from hoptac.inputs import read_bytes
    from hoptac.inputs.records import record_from_line

    if payload[0] == "skip":
        return [Skipped(payload[1], payload[2])]
    if payload[0] == "line":
        doc = record_from_line(payload[1], payload[2], payload[3], opts)
        return [] if doc is None else [doc]
    out: list = []
    try:
        out.extend(read_bytes(payload[1], payload[2], opts))
    except Skipped as s:
        out.append(s)
    return out


def analyse_partition(opts: Options, full: bool, items):
    """Contract lines of one partition: (key, ("ok", line)) or (key, ("fail", source, reason))."""
    from hoptac.contract import json_line, to_contract
    from hoptac.ingest import _analyse
    from hoptac.pipeline import Pipeline
    from hoptac.serial import full_record

    pipe = _PIPELINES.get(repr(opts))
    if pipe is None:
        pipe = _PIPELINES[repr(opts)] = Pipeline(opts)
    for key, payload in items:
        for sub, doc in enumerate(_docs(payload, opts)):
            k = (*key, sub)
            if isinstance(doc, Skipped):
                yield k, ("fail", doc.source, doc.reason)
                continue
            try:
                a = _analyse(pipe, doc)
            except Exception as e:  # one bad document must not fail a job of millions
                a = Skipped(doc.source, f"analysis failed: {type(e).__name__}: {str(e)[:200]}")
            if isinstance(a, Skipped):
                yield k, ("fail", a.source, a.reason)
                continue
            d = to_contract(a)
            if full:
                d["article"] = full_record(a, doc.raw_hash)
            yield k, ("ok", json_line(d))


CONTRACT_SCHEMA = (
    "source STRING, title STRING, published STRING, language STRING, text STRING, "
    "entities ARRAY<STRUCT<name: STRING, type: STRING, aliases: ARRAY<STRING>>>, "
    "roles ARRAY<STRUCT<person: STRING, title: STRING, organization: STRING, as_of: STRING>>, "
    "events ARRAY<STRUCT<type: STRING, date: STRING, location: STRING, participants: ARRAY<STRING>, "
    "evidence: STRING>>, "
    "statements ARRAY<STRUCT<kind: STRING, speaker: STRING, addressee: STRING, content: STRING, date: STRING, "
    "evidence: STRING, topics: ARRAY<STRING>>>, "
    "figures ARRAY<STRUCT<value: DOUBLE, unit: STRING, text: STRING, subject: STRING, deadline: STRING, "
    "evidence: STRING>>, "
    "dates ARRAY<STRUCT<text: STRING, value: STRING>>, topics ARRAY<STRING>")


def session(master: str | None = None):
    """The active SparkSession, or a new one: no web UI, loopback only when local; (session, created)."""
    import os

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM with its own --master
    if master.startswith("local") if master else not submitted:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # bind to loopback: no network in local mode
    conf = SparkConf()
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    conf.setIfMissing("spark.app.name", "hoptac extract")
    conf.setIfMissing("spark.ui.enabled", "false")
    if conf.get("spark.master").startswith("local"):
        conf.setIfMissing("spark.driver.host", "127.0.0.1")
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1")
    return SparkSession.builder.config(conf=conf).getOrCreate(), True


def _summary(it):
    """Per partition: articles written and failures, read from the cache so nothing is analysed twice."""
    ok, failed = 0, []
    for key, res in it:
        if res[0] == "ok":
            ok += 1
        else:
            failed.append((key, res[1], res[2]))
    yield ok, failed


def run(input: str | list[str], output: str, fmt: str = "jsonl", master: str | None = None,
        partitions: int | None = None, full: bool = False, opts: Options | None = None) -> SparkReport:
    """Extract every input document on Spark and write the contract to OUTPUT (a new folder)."""
    from pyspark import StorageLevel

    from hoptac.spark_read import list_inputs, read_payloads

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    opts = opts or Options()
    t0 = time.perf_counter()
    spark, created = session(master)
    sc = spark.sparkContext
    try:
        out_path = sc._jvm.org.apache.hadoop.fs.Path(output)
        if out_path.getFileSystem(sc._jsc.hadoopConfiguration()).exists(out_path):
            raise FileExistsError(f"{output} already exists: remove it or name another output")
        raw = read_payloads(sc, list_inputs(sc, [input] if isinstance(input, str) else list(input), opts))
        if partitions:
            raw = raw.repartition(partitions)
        results = raw.mapPartitions(partial(analyse_partition, opts, full)).persist(StorageLevel.MEMORY_AND_DISK)
        ordered = results.sortByKey(numPartitions=max(1, results.getNumPartitions()))  # keys: input order
        lines = ordered.filter(lambda kv: kv[1][0] == "ok").map(lambda kv: kv[1][1])
        if fmt == "jsonl":
            lines.saveAsTextFile(output)
        else:
            schema = CONTRACT_SCHEMA + (", article STRING" if full else "")
            spark.read.schema(schema).json(lines).write.parquet(output)
        rep = SparkReport()
        failed = []
        for ok, fails in results.mapPartitions(_summary).collect():
            rep.written += ok
            failed += fails
        rep.failed = [(s, r) for _, s, r in sorted(failed)]
        results.unpersist()
    finally:
        if created:
            spark.stop()
    rep.seconds = time.perf_counter() - t0
    return rep


def main(argv: list[str] | None = None) -> int:
    """spark-submit entry point; prints failures and a summary on stderr."""
    ap = argparse.ArgumentParser(prog="spark_job.py", description="hoptac extraction on Spark")
    ap.add_argument("inputs", nargs="+", metavar="INPUT")
    ap.add_argument("output", metavar="OUTPUT")
    ap.add_argument("--format", choices=FORMATS, default="jsonl")
    ap.add_argument("--master", default=None, help="default: spark-submit's, else local[*]")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--full", action="store_true", help="add the whole article, for `hoptac load`")
    ap.add_argument("--max-bytes", type=int, default=Options().max_bytes)
    a = ap.parse_args(argv)
    rep = run(a.inputs, a.output, a.format, a.master, a.partitions, a.full, Options(max_bytes=a.max_bytes))
    for source, reason in rep.failed:
        print(f"hoptac: {source}: {reason}", file=sys.stderr)
    print(rep.summary(a.output, a.format), file=sys.stderr)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    from hoptac.spark_job import main as _main  # by package name, so executors import the functions

    sys.exit(_main())
