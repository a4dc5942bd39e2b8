"""Library entry points: extract articles from inputs, and ingest them into a store."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from hoptac.inputs import read_inputs
from hoptac.models import Article, Skipped
from hoptac.pipeline import Pipeline
from hoptac.store import Store


def extract(paths: Iterable[str], pipeline: Pipeline) -> Iterator[Article | Skipped]:
    """Every input document as an analysed Article, or the reason it could not be read."""
    for raw in read_inputs(paths, pipeline.opts):
        if isinstance(raw, Skipped):
            yield raw
            continue
        try:
            yield pipeline(raw)
        except Skipped as s:
            yield s
        except RecursionError:
            yield Skipped(raw.source, "document too deeply nested to analyse")


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, for the CLI, the API and tests."""

    stored: int = 0
    duplicates: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    failed: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def seen(self) -> int:
        return self.stored + self.duplicates + self.unchanged + len(self.failed)


def ingest(paths: Iterable[str], store: Store, pipeline: Pipeline,
           on_item: Callable[[str, str], None] | None = None) -> IngestReport:
    """Read, analyse and store every input; failures are collected, never fatal to the batch."""
    rep = IngestReport()
    t0 = time.perf_counter()
    for raw in read_inputs(paths, pipeline.opts):
        if isinstance(raw, Skipped):
            rep.failed.append(raw)
            status = "failed"
        elif store.has_raw(raw.raw_hash):
            rep.unchanged += 1
            status = "unchanged"
        else:
            try:
                art = pipeline(raw)
            except Skipped as s:
                rep.failed.append(s)
                status = "failed"
            else:
                saved = store.save_article(art, raw.raw_hash)
                status = saved.status
                if saved.status == "stored":
                    rep.stored += 1
                    rep.near_duplicates += saved.near_duplicate_of is not None
                else:
                    rep.duplicates += 1
        if on_item:
            on_item(raw.source, status)
    rep.seconds = time.perf_counter() - t0
    return rep
