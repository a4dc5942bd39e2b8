"""Articles handed over the web (uploaded files or pasted text) ingested like files on disk, within limits."""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import false
from sqlalchemy.exc import DBAPIError

from hoptac.clean.header import parse_published
from hoptac.ingest import StoreUnavailable, ingest_raw
from hoptac.inputs import read_bytes
from hoptac.inputs.raw import RawDoc
from hoptac.models import Skipped
from hoptac.pipeline import Pipeline
from hoptac.store import Store
from hoptac.store import schema as S

MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_FILES = 50
MAX_UPLOAD_TOTAL = 100_000_000  # all files of one request together: what one request may hold in memory
MAX_JSON_BYTES = MAX_UPLOAD_BYTES  # a pasted article sent as JSON
FIRST_YEAR = 1900  # publication dates before this, or more than FUTURE_YEARS ahead, are typing mistakes
FUTURE_YEARS = 30

# Control, format (bidi overrides, zero-width), private-use and separator characters: invisible or misleading
# in a name (U+202E shows "gpj.exe" as "exe.jpg"), and NUL is refused by PostgreSQL.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_READ_ONLY = re.compile(r"read-?only", re.I)


class UploadRejected(ValueError):
    """An upload over the limits or without content; the message says which and is shown as is."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Pasted:
    """An article pasted as text, with what the user knows of it."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None


def plain(value: str | None) -> str:
    """Text without control or bidi characters, for names and labels that are stored and shown."""
    return "".join(c for c in (value or "") if unicodedata.category(c) not in _HIDDEN).strip()


def clean_name(name: str | None) -> str:
    """An uploaded file's name without folders or hidden characters, 200 characters at most."""
    return Path(plain(name).replace("\\", "/")).name.strip()[:200]


def check_count(n: int) -> None:
    if n > MAX_UPLOAD_FILES:
        raise UploadRejected(f"at most {MAX_UPLOAD_FILES} files per upload ({n} sent)", 413)


def check_size(name: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{name}: larger than {MAX_UPLOAD_BYTES // 1_000_000} MB", 413)


def publication_date(value: str) -> str:
    """A publication date typed by a person (YYYY-MM-DD or dd/mm/yyyy) as YYYY-MM-DD, if it is plausible."""
    day = parse_published(value)
    if day is None:
        raise UploadRejected(f"date {value[:40]!r} is not a date: use YYYY-MM-DD or dd/mm/yyyy", 422)
    latest = date.today().year + FUTURE_YEARS
    if not FIRST_YEAR <= int(day[:4]) <= latest:
        raise UploadRejected(f"date {day} is not a plausible publication date ({FIRST_YEAR} to {latest})", 422)
    return day


class MultipartReader:
    """The files of a multipart/form-data body, fed as it arrives: limits stop the upload while it is read."""

    def __init__(self, content_type: str):
        _, params = parse_options_header(content_type)
        if not params.get(b"boundary"):
            raise UploadRejected("multipart/form-data without a boundary")
        self.files: list[tuple[str, bytes]] = []
        self._total = 0
        self._header = self._value = self._disposition = b""
        self._name: str | None = None  # the current part's file name; None for a plain field (ignored)
        self._data = bytearray()
        self._parser = MultipartParser(params[b"boundary"], {
            "on_part_begin": self._begin, "on_header_field": self._field, "on_header_value": self._hvalue,
            "on_header_end": self._header_end, "on_headers_finished": self._headers_done,
            "on_part_data": self._part_data, "on_part_end": self._part_end})

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except FormParserError as e:
            raise UploadRejected(f"invalid multipart/form-data body ({e})") from e

    def finish(self) -> list[tuple[str, bytes]]:
        try:
            self._parser.finalize()
        except FormParserError as e:
            raise UploadRejected(f"invalid multipart/form-data body ({e})") from e
        return self.files

    def _begin(self) -> None:
        self._disposition, self._name = b"", None
        self._data = bytearray()

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value
        self._header = self._value = b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"filename" in options:
            self._name = options[b"filename"].decode("utf-8", "replace")
            check_count(len(self.files) + 1)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._name is None:
            return
        self._total += end - start
        self._data += data[start:end]
        check_size(clean_name(self._name) or "upload", len(self._data))
        if self._total > MAX_UPLOAD_TOTAL:
            raise UploadRejected(f"at most {MAX_UPLOAD_TOTAL // 1_000_000} MB per upload in all; "
                                 "send the files in several uploads", 413)

    def _part_end(self) -> None:
        if self._name is not None:
            self.files.append((self._name, bytes(self._data)))
        self._data = bytearray()


def _raws(files: list[tuple[str, bytes]], pasted: Pasted | None, opts) -> Iterator[RawDoc | Skipped]:
    """Uploaded bytes as raw documents named upload/<file name>; a paste as one record."""
    items = [(f"upload/{clean_name(name) or f'file-{k}.txt'}", data) for k, (name, data) in enumerate(files)]
    if pasted is not None and pasted.text.strip():
        label = pasted.source or "paste: " + (pasted.title or " ".join(pasted.text.split()[:8]))[:80]
        rec = {"text": pasted.text, "title": pasted.title, "published": pasted.date, "id": label}
        items.append(("paste.jsonl", json.dumps({k: v for k, v in rec.items() if v}, ensure_ascii=False)
                      .encode("utf-8")))
    for source, data in items:
        try:
            yield from read_bytes(source, data, opts)
        except Skipped as s:
            yield s


def _cleaned(p: Pasted) -> Pasted:
    """The paste as stored: no NULs in its text, no hidden characters in its labels, a plausible date."""
    return Pasted(p.text.replace("\x00", ""), plain(p.title)[:500] or None,
                  publication_date(p.date) if p.date and p.date.strip() else None, plain(p.source)[:2000] or None)


def check_writable(store: Store) -> None:
    """Refuse at once when the database is read-only, rather than after the ingest's retries for lost connections."""
    try:
        with store.engine.begin() as conn:  # an update of no row: refused by a read-only database, changes nothing
            conn.execute(S.documents.update().where(false()).values(title=S.documents.c.title))
    except DBAPIError as e:
        if _READ_ONLY.search(str(e.orig)):
            raise UploadRejected("the database is read-only: nothing can be added now", 503) from e
        # anything else (a connection lost) is for the ingest's own retries to meet


def ingest_uploads(store: Store, pipeline: Pipeline, files: list[tuple[str, bytes]],
                   pasted: Pasted | None = None) -> dict[str, Any]:
    """Store uploaded files and/or a pasted article; per-file errors are reported, the rest carries on."""
    check_count(len(files))
    if not files and (pasted is None or not pasted.text.replace("\x00", "").strip()):
        raise UploadRejected("nothing to add: choose files or paste an article's text")
    for name, data in files:
        check_size(clean_name(name) or "upload", len(data))
    pasted = _cleaned(pasted) if pasted is not None else None
    check_writable(store)
    try:
        rep = ingest_raw(_raws(files, pasted, pipeline.opts), store, pipeline)
    except StoreUnavailable as e:
        raise UploadRejected(f"{e}; try again later", 503) from e
    except DBAPIError as e:
        if not _READ_ONLY.search(str(e.orig)):
            raise
        raise UploadRejected("the database is read-only: nothing can be added now", 503) from e
    return {"stored": rep.stored, "duplicates": rep.duplicates, "unchanged": rep.unchanged,
            "failed": [{"source": f.source.removeprefix("upload/"), "reason": f.reason} for f in rep.failed]}
