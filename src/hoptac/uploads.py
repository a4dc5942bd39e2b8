"""Articles handed over the web (uploaded files or pasted text) ingested like files on disk, within limits."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoptac.ingest import ingest_raw
from hoptac.inputs import read_bytes
from hoptac.inputs.raw import RawDoc
from hoptac.models import Skipped
from hoptac.pipeline import Pipeline
from hoptac.store import Store

MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_FILES = 50


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


def check_count(n: int) -> None:
    if n > MAX_UPLOAD_FILES:
        raise UploadRejected(f"at most {MAX_UPLOAD_FILES} files per upload ({n} sent)", 413)


def check_size(name: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{name}: larger than {MAX_UPLOAD_BYTES // 1_000_000} MB", 413)


def _raws(files: list[tuple[str, bytes]], pasted: Pasted | None, opts) -> Iterator[RawDoc | Skipped]:
    """Uploaded bytes as raw documents named upload/<file name>; a paste as one record."""
    items = [(f"upload/{Path(name or '').name or f'file-{k}.txt'}", data) for k, (name, data) in enumerate(files)]
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


def ingest_uploads(store: Store, pipeline: Pipeline, files: list[tuple[str, bytes]],
                   pasted: Pasted | None = None) -> dict[str, Any]:
    """Store uploaded files and/or a pasted article; per-file errors are reported, the rest carries on."""
    check_count(len(files))
    if not files and (pasted is None or not pasted.text.strip()):
        raise UploadRejected("nothing to add: choose files or paste an article's text")
    for name, data in files:
        check_size(Path(name or "upload").name, len(data))
    rep = ingest_raw(_raws(files, pasted, pipeline.opts), store, pipeline)
    return {"stored": rep.stored, "duplicates": rep.duplicates, "unchanged": rep.unchanged,
            "failed": [{"source": f.source.removeprefix("upload/"), "reason": f.reason} for f in rep.failed]}
