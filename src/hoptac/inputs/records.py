"""JSON and JSON Lines records (id, url, title, published, text or html), streamed line by line."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from hoptac.hashing import raw_hash
from hoptac.models import Skipped
from hoptac.options import Options

from .raw import RawDoc

TEXT_KEYS = ("text", "content", "body", "article", "raw_text")
HTML_KEYS = ("html", "raw_html", "page")
DATE_KEYS = ("published", "date", "publish_date", "published_at", "pubdate", "time", "datetime")
TITLE_KEYS = ("title", "headline")
AUTHOR_KEYS = ("author", "authors", "byline")
TOO_DEEP = "JSON nested too deeply to read"


def looks_like_records(data: bytes) -> bool:
    """True when stdin holds JSON or JSON Lines rather than text or HTML."""
    head = data.lstrip()[:1]
    return head in (b"{", b"[")


def iter_records(path: str, opts: Options, stream: IO[bytes] | None = None) -> Iterator[RawDoc | Skipped]:
    """Each record of a .json or .jsonl file; a broken line is reported and the rest go on."""
    f = stream if stream is not None else open(path, "rb")
    try:
        first = f.read(1)
        while first in (b" ", b"\n", b"\r", b"\t", b"\xef", b"\xbb", b"\xbf"):
            first = f.read(1)
        if first == b"":
            yield Skipped(path, "empty file")
            return
        if first == b"[" or (first == b"{" and path.endswith(".json")):
            rest = f.read(opts.max_bytes + 1)
            data = first + rest
            if len(data) > opts.max_bytes:
                yield Skipped(path, f"JSON file too large to load whole (over {opts.max_bytes / 1e6:.0f} MB); "
                                    "use JSON Lines")
                return
            try:
                obj = json.loads(data.decode("utf-8-sig"))
            except RecursionError:
                yield Skipped(path, TOO_DEEP)
                return
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                if first == b"{":  # perhaps JSON Lines named .json
                    yield from _lines(path, data.split(b"\n"), opts)
                    return
                yield Skipped(path, f"invalid JSON: {e}")
                return
            items = obj if isinstance(obj, list) else [obj]
            for n, rec in enumerate(items, 1):
                yield _record(path, f"{path}:{n}", rec, opts)
            return
        yield from _lines(path, _iter_lines(first, f, opts), opts)
    finally:
        if stream is None:
            f.close()


def _iter_lines(first: bytes, f: IO[bytes], opts: Options) -> Iterator[bytes]:
    """Each line whole; a line over the limit is read to its end but only its first max_bytes + 1 kept.

    Cutting a long line at the limit and carrying on would read its tail as the
    next line: a record smuggled inside a rejected one, and every later line
    number shifted.
    """
    line = first + f.readline(opts.max_bytes)
    while line:
        if len(line) > opts.max_bytes and not line.endswith(b"\n"):
            while True:  # drop the rest of the line in chunks: constant memory on any length
                rest = f.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line
        line = f.readline(opts.max_bytes + 1)


def _lines(path: str, lines, opts: Options) -> Iterator[RawDoc | Skipped]:
    for n, line in enumerate(lines, 1):
        doc = record_from_line(path, n, line, opts)
        if doc is not None:
            yield doc


def record_from_line(path: str, n: int, line: bytes, opts: Options) -> RawDoc | Skipped | None:
    """Line n of a JSON Lines file as a document (None when blank); shared with the Spark job's reader."""
    where = f"{path}:{n}"
    if len(line) > opts.max_bytes:
        return Skipped(where, f"line too long (over {opts.max_bytes / 1e6:.0f} MB)")
    if not line.strip():
        return None
    try:
        rec = json.loads(line.decode("utf-8-sig"))
    except RecursionError:
        return Skipped(where, TOO_DEEP)
    except UnicodeDecodeError as e:
        return Skipped(where, f"invalid UTF-8 at byte {e.start}")
    except json.JSONDecodeError as e:
        return Skipped(where, f"invalid JSON ({e.msg} at column {e.colno})")
    return _record(path, where, rec, opts)


def _first(rec: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first non-empty field of these names, NULs removed (PostgreSQL refuses them in text)."""
    for k in keys:
        v = rec.get(k)
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v if x)
        if v not in (None, ""):
            return str(v).replace("\x00", "") or None
    return None


def _record(path: str, where: str, rec: Any, opts: Options) -> RawDoc | Skipped:
    try:
        return _fields(path, where, rec, opts)
    except RecursionError:  # a record of reasonable depth for the parser may still be too deep to print
        return Skipped(where, TOO_DEEP)


def _fields(path: str, where: str, rec: Any, opts: Options) -> RawDoc | Skipped:
    if not isinstance(rec, dict):
        return Skipped(where, f"record is a JSON {type(rec).__name__}, not an object")
    url, rid = _first(rec, ("url", "link")), _first(rec, ("id", "guid", "doc_id"))
    source = url or rid or where
    text, html = _first(rec, TEXT_KEYS), _first(rec, HTML_KEYS)
    if not text and not html:
        return Skipped(source, f"record at {where} has no text or html field")
    body = text if text else html
    assert body is not None
    if len(body) > opts.max_bytes:
        return Skipped(source, f"record at {where} too large")
    meta = {k: v for k, v in (("url", url), ("id", rid), ("title", _first(rec, TITLE_KEYS)),
                              ("date", _first(rec, DATE_KEYS)), ("author", _first(rec, AUTHOR_KEYS))) if v}
    return RawDoc(source, body, "text" if text else "html", meta=meta,
                  raw_hash=raw_hash(json.dumps(rec, sort_keys=True, ensure_ascii=False)))
