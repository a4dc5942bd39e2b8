"""Library entry points: extract articles from inputs, and ingest them into a store."""
from __future__ import annotations

import multiprocessing as mp
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from hoptac.inputs import read_inputs
from hoptac.inputs.raw import RawDoc
from hoptac.models import Article, Skipped
from hoptac.pipeline import Pipeline
from sqlalchemy.exc import InterfaceError, OperationalError

from hoptac.store import Store


def extract(paths: Iterable[str], pipeline: Pipeline) -> Iterator[Article | Skipped]:
    """Every input document as an analysed Article, or the reason it could not be read."""
    for item, _ in extract_hashed(paths, pipeline):
        yield item


def extract_hashed(paths: Iterable[str], pipeline: Pipeline) -> Iterator[tuple[Article | Skipped, str]]:
    """As extract, with each input's raw hash (what the store dedups inputs by; "" for a failure)."""
    for raw in read_inputs(paths, pipeline.opts):
        if isinstance(raw, Skipped):
            yield raw, ""
        else:
            yield _analyse(pipeline, raw), raw.raw_hash


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, for the CLI, the API and tests.

    stored counts every article written, new or a new version of a source already stored;
    updated counts the latter among them (see Store.save_article for what a version is).
    """

    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    unchanged: int = 0
    near_duplicates: int = 0
    failed: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def seen(self) -> int:
        return self.stored + self.duplicates + self.unchanged + len(self.failed)


def ingest(paths: Iterable[str], store: Store, pipeline: Pipeline,
           on_item: Callable[[str, str], None] | None = None, workers: int = 1) -> IngestReport:
    """Read, analyse and store every file, folder or stdin named; see ingest_raw."""
    return ingest_raw(read_inputs(paths, pipeline.opts), store, pipeline, on_item, workers)


def ingest_raw(raws: Iterable[RawDoc | Skipped], store: Store, pipeline: Pipeline,
               on_item: Callable[[str, str], None] | None = None, workers: int = 1) -> IngestReport:
    """Analyse and store raw documents (from files or uploads); failures are collected, never fatal.

    With workers > 1, analysis runs in that many processes while this process
    alone writes to the store (one writer, one transaction per article). Inputs
    are handed out in bounded batches, so memory stays flat on inputs of any size.
    """
    rep = IngestReport()
    t0 = time.perf_counter()

    def record(source: str, status: str) -> None:
        if on_item:
            on_item(source, status)

    def store_one(item: Article | Skipped, raw_hash: str) -> None:
        if isinstance(item, Skipped):
            rep.failed.append(item)
            record(item.source, "failed")
            return
        saved = _save_with_retry(store, item, raw_hash)
        if saved.status in ("stored", "updated"):
            rep.stored += 1
            rep.updated += saved.status == "updated"
            rep.near_duplicates += saved.near_duplicate_of is not None
        elif saved.status == "unchanged":  # another writer stored this input since we checked
            rep.unchanged += 1
        else:
            rep.duplicates += 1
        record(item.source, saved.status)

    def todo() -> Iterator[RawDoc | Skipped]:
        for raw in raws:
            if isinstance(raw, Skipped):
                rep.failed.append(raw)
                record(raw.source, "failed")
            elif _with_retry(lambda: store.has_raw(raw.raw_hash), store, raw.source):
                rep.unchanged += 1
                record(raw.source, "unchanged")
            else:
                yield raw

    with store.batched_index():  # the search index commits about once a second, and at the end
        if workers <= 1:
            for raw in todo():
                store_one(_analyse(pipeline, raw), raw.raw_hash)
        else:
            ctx = mp.get_context("spawn")  # a fresh interpreter per worker: no inherited locks or DB handles
            with ctx.Pool(workers, initializer=_init_worker, initargs=(pipeline.opts,)) as pool:
                batch: list[RawDoc] = []
                for raw in todo():
                    batch.append(raw)
                    if len(batch) >= BATCH * workers:
                        _run_batch(pool, batch, store_one)
                        batch = []
                if batch:
                    _run_batch(pool, batch, store_one)
    rep.seconds = time.perf_counter() - t0
    return rep


BATCH = 32  # raw documents in flight per worker
RETRIES = 6  # a lost database connection is retried with backoff: 0.5, 1, 2, 4, 8 s


_DISK_FULL = re.compile(r"disk is full|No space left|could not extend file|disk full", re.I)


class StoreUnavailable(RuntimeError):
    """The database stayed unreachable; what was stored is kept and a rerun resumes."""


def _save_with_retry(store: Store, item: Article, raw_hash: str):
    return _with_retry(lambda: store.save_article(item, raw_hash), store, item.source)


def _with_retry(call, store: Store, source: str):
    """One database call, retried with backoff while the connection is lost (a server restart drops them all)."""
    for attempt in range(RETRIES):
        try:
            return call()
        except (OperationalError, InterfaceError) as e:
            msg = str(getattr(e, "orig", e))
            if _DISK_FULL.search(msg):
                raise StoreUnavailable(f"the database's disk is full while storing {source} "
                                       f"({msg.splitlines()[0]}); free space") from e
            if attempt == RETRIES - 1:
                raise StoreUnavailable(f"database unavailable while storing {source}: "
                                       f"{str(e.orig if hasattr(e, 'orig') else e).splitlines()[0]}") from e
            store.engine.dispose()  # drop pooled connections that died with the server
            time.sleep(0.5 * 2 ** attempt)
    raise AssertionError("unreachable")
_WORKER: Pipeline | None = None


def _analyse(pipeline: Pipeline, raw: RawDoc) -> Article | Skipped:
    try:
        return pipeline(raw)
    except Skipped as s:
        return s
    except RecursionError:
        return Skipped(raw.source, "document too deeply nested to analyse")


def _init_worker(opts) -> None:
    global _WORKER
    _WORKER = Pipeline(opts)


def _work(raw: RawDoc) -> Article | Skipped:
    assert _WORKER is not None
    a = _analyse(_WORKER, raw)
    if isinstance(a, Article):
        for s in a.sentences:  # token caches are not needed by the writer
            s.toks = None
    return a


def _run_batch(pool, batch: list[RawDoc], store_one) -> None:
    for raw, item in zip(batch, pool.imap(_work, batch, chunksize=4)):
        store_one(item, raw.raw_hash)
