"""Turn paths given by users (files, folders, stdin) into raw documents or one-line failures."""
from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from hoptac.hashing import raw_hash
from hoptac.models import Skipped
from hoptac.options import Options

from .decode import decode_bytes, sniff_binary
from .raw import RawDoc
from .records import iter_records, looks_like_records


HTML_EXT = {".html", ".htm", ".xhtml"}
# A word: 1-25 letters between non-letters. Bytes that decode to one long run of letters (UTF-16 noise) have none.
_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,25}(?![^\W\d_])")
RECORD_EXT = {".jsonl", ".ndjson", ".json"}


def expand(paths: Iterable[str]) -> Iterator[str | Skipped]:
    """Files as given, folders walked recursively in sorted order, '-' for stdin."""
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path, onerror=lambda e: None):
                dirs.sort()
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    found = True
                    yield os.path.join(root, name)
            if not found:
                yield Skipped(p, "folder holds no files")
        elif path.exists():
            yield p
        else:
            yield Skipped(p, "no such file or folder")


def count_inputs(paths: Iterable[str]) -> int | None:
    """How many documents the paths hold, for a progress bar's ETA; None when unknown (stdin)."""
    total = 0
    for item in expand(paths):
        if isinstance(item, Skipped):
            total += 1
        elif item == "-":
            return None
        elif Path(item).suffix.lower() in (".jsonl", ".ndjson"):
            try:
                with open(item, "rb") as f:  # streamed: constant memory on any size
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            except OSError:
                total += 1
        else:
            total += 1
    return total


def read_inputs(paths: Iterable[str], opts: Options) -> Iterator[RawDoc | Skipped]:
    """Every document the paths hold, in order; failures are yielded, never raised."""
    for item in expand(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            yield from _read_one(item, opts)
        except Skipped as s:
            yield s
        except OSError as e:
            yield Skipped(item, f"cannot read: {e.strerror or e}")


def _read_one(source: str, opts: Options) -> Iterator[RawDoc | Skipped]:
    if source == "-":
        data = sys.stdin.buffer.read(opts.max_bytes + 1)
    else:
        check_size(source, os.path.getsize(source), opts)
        if Path(source).suffix.lower() in RECORD_EXT:
            yield from iter_records(source, opts)
            return
        with open(source, "rb") as f:
            data = f.read(opts.max_bytes + 1)
    yield from read_bytes(source, data, opts)


def check_size(source: str, size: int, opts: Options) -> None:
    """Refuse an empty or oversized file before reading it; shared with the Spark job's file listing."""
    if size == 0:
        raise Skipped(source, "empty file")
    if Path(source).suffix.lower() not in RECORD_EXT and size > opts.max_bytes:
        raise Skipped(source, f"file too large ({size / 1e6:.1f} MB; the limit is "
                              f"{opts.max_bytes / 1e6:.0f} MB, set --max-bytes to raise it)")


def read_bytes(source: str, data: bytes, opts: Options) -> Iterator[RawDoc | Skipped]:
    """A whole input's bytes as documents; the local reader and the Spark job (binaryFiles) share it."""
    if source != "-" and Path(source).suffix.lower() in RECORD_EXT:
        yield from iter_records(source, opts, stream=io.BytesIO(data))
        return
    if not data.strip():
        raise Skipped(source, "empty file")
    if len(data) > opts.max_bytes:
        raise Skipped(source, f"input too large (over {opts.max_bytes / 1e6:.0f} MB)")
    if source == "-" and looks_like_records(data):
        yield from iter_records(source, opts, stream=io.BytesIO(data))
        return
    what = sniff_binary(data)
    if what:
        raise Skipped(source, f"binary file ({what}), not text")
    text = decode_bytes(data, source).replace("\x00", "")  # a stray NUL: PostgreSQL refuses it in text
    if len(_WORD.findall(text, 0, 200_000)) < 3:
        raise Skipped(source, "no readable words: not text in any known encoding")
    h = raw_hash(data)
    if Path(source).suffix.lower() in HTML_EXT or _looks_like_html(text):
        yield RawDoc(source, text, "html", raw_hash=h)
    else:
        yield RawDoc(source, text, "text", raw_hash=h)


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)
