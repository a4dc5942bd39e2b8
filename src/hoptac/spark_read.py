"""Hadoop-compatible inputs (file:, hdfs:, s3a:) as keyed raw payloads, listed in the local reader's order.

Every element is ((file number, line number), payload): the key sorts the output back
into the order `hoptac extract` prints. Payloads are plain tuples (no Skipped objects,
whose pickling loses the reason): ("line", source, n, bytes) for a line of a .jsonl or
.ndjson file (read with textFile, so a large file is split across tasks), ("file",
source, bytes) for any other file (read whole with binaryFiles, then hoptac.inputs
decides what it is), ("skip", source, reason) for a file refused while listing.

Where Hadoop differs from the local reader: a .jsonl file holding one JSON array, or
starting with blank lines, is read line by line with physical line numbers; invalid
UTF-8 in a JSON Lines line is decoded with U+FFFD instead of refused; file names
starting with _ or holding a comma are refused (Hadoop skips or splits on them).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hoptac.inputs import check_size
from hoptac.models import Skipped
from hoptac.options import Options

LINE_EXT = (".jsonl", ".ndjson")  # split into lines by Spark; .json files are read whole, as locally
_GLOB = re.compile(r"[*?\[\]{}]")
_GLOB_ESCAPE = re.compile(r"([\\*?\[\]{}^])")


@dataclass(slots=True)
class Listed:
    """One input file (or one refused input) at its place in the local reader's order."""

    n: int
    source: str  # as `hoptac extract` names it: the path given, joined with the path inside a folder
    path: str = ""  # qualified Hadoop path, as Spark's readers report it
    skip: str = ""  # reason, when the file is refused before reading


def list_inputs(sc, inputs: list[str], opts: Options) -> list[Listed]:
    """Files under the inputs, as hoptac.inputs.expand orders them: folders recursively, names sorted."""
    jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    out: list[Listed] = []

    def add(source: str, st=None, skip: str = "") -> None:
        item = Listed(len(out), source, str(st.getPath()) if st is not None else "", skip)
        if st is not None and not skip:
            if "," in item.path:
                item.skip = "file name has a comma, which Hadoop's file readers split on: rename it"
            elif st.getPath().getName().startswith("_"):
                item.skip = "file name starts with _, which Hadoop's file readers skip: rename it"
            else:
                try:
                    check_size(source, st.getLen(), opts)
                except Skipped as s:
                    item.skip = s.reason
        out.append(item)

    def walk(fs, st, source: str) -> bool:
        kids = sorted(fs.listStatus(st.getPath()), key=lambda k: k.getPath().getName())
        found = False
        for k in kids:
            name = k.getPath().getName()
            if not k.isDirectory() and not name.startswith("."):
                add(posixpath.join(source, name), k)
                found = True
        for k in kids:
            if k.isDirectory():
                found |= walk(fs, k, posixpath.join(source, k.getPath().getName()))
        return found

    for p in inputs:
        path = jvm.org.apache.hadoop.fs.Path(p)
        fs = path.getFileSystem(conf)
        if _GLOB.search(p):
            matches = sorted(fs.globStatus(path) or [], key=lambda s: str(s.getPath()))
        else:
            matches = [fs.getFileStatus(path)] if fs.exists(path) else []
        if not matches:
            add(p, skip="no such file or folder")
        for st in matches:
            source = str(st.getPath()) if _GLOB.search(p) else p  # a glob's matches are named in full
            if st.isDirectory():
                if not walk(fs, st, source):
                    add(source, skip="folder holds no files")
            else:
                add(source, st)
    return out


def _literal(path: str) -> str:
    """A path Hadoop's FileInputFormat takes literally, not as a glob."""
    return _GLOB_ESCAPE.sub(r"\\\1", path)


def _count(it) -> list[int]:
    """Lines of one partition, to number the lines of a file split across partitions."""
    return [sum(1 for _ in it)]


def read_payloads(sc, listed: list[Listed]):
    """The keyed payload RDD of every listed input: lines of JSON Lines files, other files whole."""
    rdds = []
    skips = [((x.n, 0), ("skip", x.source, x.skip)) for x in listed if x.skip]
    if skips:
        rdds.append(sc.parallelize(skips, 1))
    lines = [x for x in listed if not x.skip and x.path.lower().endswith(LINE_EXT)]
    if lines:
        files = [sc.textFile(_literal(x.path), use_unicode=False) for x in lines]
        table = []  # per partition of the union: (file number, source, its first line number)
        for x, rdd in zip(lines, files):
            table += [[x.n, x.source, 1] for _ in range(rdd.getNumPartitions())]
        union = sc.union(files)
        if len(table) > len(lines):  # a file split over partitions: count lines to number them
            counts = union.mapPartitions(_count).collect()
            for i in range(1, len(table)):
                if table[i][0] == table[i - 1][0]:
                    table[i][2] = table[i - 1][2] + counts[i - 1]
        bc = sc.broadcast(table)
        rdds.append(union.mapPartitionsWithIndex(lambda i, it: _number(bc.value[i], it)))
    whole = {x.path: (x.n, x.source) for x in listed if not x.skip and not x.path.lower().endswith(LINE_EXT)}
    if whole:
        bc_whole = sc.broadcast(whole)
        data = sc.binaryFiles(",".join(_literal(p) for p in whole))
        rdds.append(data.map(lambda kv: _whole(bc_whole.value, kv)))
    return sc.union(rdds) if rdds else sc.emptyRDD()


def _number(row: list, it: Iterator[bytes]) -> Iterator[tuple]:
    """Key each line by (file number, line number), as the local reader counts them."""
    n, source, first = row
    for i, line in enumerate(it, first):
        yield (n, i), ("line", source, i, line)


def _whole(paths: dict, kv: tuple[str, bytes]) -> tuple:
    """Key a whole file by its place in the listing, named as the local reader names it."""
    n, source = paths[kv[0]]
    return (n, 0), ("file", source, kv[1])
