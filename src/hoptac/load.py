"""Bulk-load articles analysed elsewhere (`spark-extract --full`) into a store, one transaction each.

Reads JSON Lines: single files or folders of part files (names starting with _ or .,
such as Spark's _SUCCESS and .crc files, are skipped). Inputs already stored (same raw
hash) are skipped cheaply: a batch of lines is checked with one query, reading each
line's hash from its tail without parsing it. Parquet output is for analytics tools.
"""
from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from hoptac.ingest import StoreUnavailable, _save_with_retry
from hoptac.serial import article_from_dict
from hoptac.store import Store
from hoptac.store import schema as S

BATCH = 256  # lines per lookup of already stored raw hashes
NO_ARTICLE = "no 'article' field: write it with spark-extract --full"
# full_record puts raw_hash last and "article" is the last key of a line: its hash, read without parsing.
_TAIL_HASH = re.compile(rb'"raw_hash": "([0-9a-f]{64})"\}\}\s*$')


@dataclass(slots=True)
class LoadReport:
    """What a load did; failed holds one "FILE:LINE: reason" per bad record."""

    stored: int = 0  # new articles and new versions of stored sources (updated counts the latter)
    updated: int = 0
    duplicates: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


PARQUET = "parquet is for analytics tools; load reads JSON Lines: spark-extract --full --format jsonl"


def _files(path: str) -> list[str]:
    """The JSON Lines files of one path; ValueError with the reason when it holds none."""
    if path.endswith(".parquet"):
        raise ValueError(PARQUET)
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise ValueError("no such file or folder")
    found = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        found += [os.path.join(root, f) for f in sorted(files) if not f.startswith(("_", "."))]
    if any(f.endswith(".parquet") for f in found):
        raise ValueError(PARQUET)
    if not found:
        raise ValueError("folder holds no part files")
    return found


def count_lines(paths: Iterable[str]) -> int:
    """Lines in all inputs, for the progress bar's total (streamed: constant memory)."""
    total = 0
    for p in paths:
        try:
            files = _files(p)
        except ValueError:
            total += 1
            continue
        for name in files:
            with open(name, "rb") as f:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return total


def _lines(paths: Iterable[str]) -> Iterator[tuple[str, bytes | None, str]]:
    """(FILE:LINE, line, "") for every line, (PATH, None, reason) for a path that holds none."""
    for p in paths:
        try:
            files = _files(p)
        except ValueError as e:
            yield p, None, str(e)
            continue
        for name in files:
            with open(name, "rb") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        yield f"{name}:{n}", line, ""


def _article_json(line: bytes) -> tuple[dict, str]:
    """The "article" object of a line and its raw hash; ValueError with the reason for a bad line."""
    try:
        doc = json.loads(line)
    except UnicodeDecodeError as e:
        raise ValueError(f"invalid UTF-8 at byte {e.start}")
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON ({e.msg} at column {e.colno})")
    if not isinstance(doc, dict):
        raise ValueError(f"a JSON {type(doc).__name__}, not an object")
    if "article" not in doc:
        raise ValueError(NO_ARTICLE)
    art = doc["article"]
    h = art.get("raw_hash") if isinstance(art, dict) else None
    if not isinstance(h, str) or not h:
        raise ValueError("the article has no raw_hash: write it with spark-extract --full")
    return art, h


def load(paths: Iterable[str], store: Store, on_item: Callable[[str, str], None] | None = None) -> LoadReport:
    """Store every article of the inputs; bad records are reported and the rest go on."""
    rep = LoadReport()
    t0 = time.perf_counter()

    def note(where: str, status: str) -> None:
        if on_item:
            on_item(where, status)

    def fail(where: str, reason: str) -> None:
        rep.failed.append(f"{where}: {reason}")
        note(where, "failed")

    batch: list[tuple[str, bytes]] = []
    with store.batched_index():  # the search index commits about once a second, and at the end
        for where, line, reason in _lines(paths):
            if line is None or len(batch) >= BATCH:  # failures are reported in input order
                _flush(batch, store, rep, note, fail)
                batch = []
            if line is None:
                fail(where, reason)
            else:
                batch.append((where, line))
        _flush(batch, store, rep, note, fail)
    rep.seconds = time.perf_counter() - t0
    return rep


def _flush(batch, store: Store, rep: LoadReport, note, fail) -> None:
    """Store a batch of lines: one query finds those already stored, then one transaction per article."""
    if not batch:
        return
    todo = []  # where, raw hash, article dict (None until needed), line
    for where, line in batch:
        m = _TAIL_HASH.search(line[-90:])
        if m:
            todo.append((where, m.group(1).decode(), None, line))
            continue
        try:
            art, h = _article_json(line)
        except ValueError as e:
            fail(where, str(e))
            continue
        todo.append((where, h, art, line))
    with store.engine.connect() as c:
        known = set(c.execute(select(S.documents.c.raw_hash)
                              .where(S.documents.c.raw_hash.in_({t[1] for t in todo}))).scalars())
    for where, h, art, line in todo:
        if h in known:
            rep.unchanged += 1
            note(where, "unchanged")
            continue
        try:
            a = article_from_dict(art if art is not None else _article_json(line)[0])
        except ValueError as e:
            fail(where, str(e))
            continue
        try:
            saved = _save_with_retry(store, a, h)
        except StoreUnavailable:
            raise
        except Exception as e:  # inconsistent values (an index out of range, a too long field): this record only
            fail(where, f"cannot store the article: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
            continue
        if saved.status in ("stored", "updated"):
            rep.stored += 1
            rep.updated += saved.status == "updated"
            known.add(h)
        elif saved.status == "unchanged":
            rep.unchanged += 1
        else:
            rep.duplicates += 1
        note(where, saved.status)
