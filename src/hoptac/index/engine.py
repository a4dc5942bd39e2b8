"""One store's tantivy index: catching up from the store's queue, rebuilding, and fresh searchers."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import tantivy
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from hoptac.store import changes
from hoptac.store import schema as S

from . import docs, schema

if TYPE_CHECKING:
    from hoptac.store import Store

STATE = "hoptac-index.json"  # which store and version the index holds, and the last article it holds
HEAP = 32_000_000  # the writer's memory between commits (tantivy flushes a segment when it is full)
REBUILD_HEAP = 256_000_000
CHUNK = 400  # articles read from the store per query
QUEUE = 4000  # queued changes applied per commit
CHECK_SECONDS = 5.0  # how often a long-lived reader looks for changes another process left queued


def warn(message: str) -> None:
    """One line on standard error: search goes on with SQL."""
    print(f"hoptac: {message}", file=sys.stderr)


class Busy(Exception):
    """Another writer holds the index's lock."""


class SearchIndex:
    """The tantivy index of one store: readers search committed segments, one writer at a time catches up."""

    def __init__(self, store: Store, folder: Path):
        self.store, self.folder = store, folder
        with store.engine.connect() as c:
            self.store_id = changes.store_id(c)
        folder.mkdir(parents=True, exist_ok=True)
        state = self._state()
        if state.get("version") not in (None, schema.VERSION):
            self._wipe()  # fields changed: start over from the store
        self.schema = schema.build()
        self.index = tantivy.Index(self.schema, path=str(folder), reuse=True)
        schema.register(self.index)
        self.index.config_reader(reload_policy="Manual")
        self._lock = threading.RLock()
        self._seen: int | None = None  # meta.json's mtime at the last reload
        self._checked = time.monotonic()
        self.batch_seconds = 0.0  # >0 inside Store.batched_index(): commit at most this often
        self._last_commit = 0.0
        self.pending = False  # this process stored articles the index has not committed yet
        self.dirty = False  # this process committed a transaction: the queue may hold something
        self.failed = False  # the index cannot be written here: search uses SQL

    def _fail(self, e: Exception) -> None:
        if not self.failed:
            warn(f"the search index {self.folder} cannot be written ({str(e).splitlines()[0]}); searching with SQL")
        self.failed = True

    # --- state ---------------------------------------------------------------------------------------------

    def _state(self) -> dict:
        try:
            return json.loads((self.folder / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self, **values) -> None:
        state = {**self._state(), **values, "store": self.store_id, "version": schema.VERSION}
        tmp = self.folder / (STATE + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.folder / STATE)

    def ready(self) -> bool:
        """Whether this folder holds a complete index of this store (else it must be rebuilt)."""
        s = self._state()
        return s.get("store") == self.store_id and s.get("version") == schema.VERSION and bool(s.get("built"))

    def info(self) -> dict:
        """What the index holds: articles' last id, sentences, size on disk."""
        size = sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
        return {"folder": str(self.folder), "sentences": self.searcher().num_docs, "bytes": size,
                "last_doc": self._state().get("last_doc")}

    def _wipe(self) -> None:
        for p in self.folder.iterdir():
            if p.is_file():
                p.unlink()

    # --- writing -------------------------------------------------------------------------------------------

    @contextmanager
    def _writer(self, heap: int, wait: float) -> Iterator[tantivy.IndexWriter]:
        """tantivy's writer for one catch-up; the lock is released (merges finished) when it ends."""
        deadline = time.monotonic() + wait
        while True:
            try:
                w = self.index.writer(heap, 1)
                break
            except ValueError as e:
                if "LockBusy" not in str(e):
                    raise
                if time.monotonic() >= deadline:
                    raise Busy(str(self.folder)) from None
                time.sleep(0.05)
        try:
            yield w
        except BaseException:
            w.rollback()
            raise
        finally:
            w.wait_merging_threads()

    def _add(self, w: tantivy.IndexWriter, ids: list[int]) -> None:
        for i in range(0, len(ids), CHUNK):
            with self.store.engine.connect() as c:
                for doc in docs.documents(c, ids[i:i + CHUNK]):
                    w.add_document(doc)

    def _committed(self, w: tantivy.IndexWriter, **state) -> None:
        w.commit()
        self._save_state(**state)
        self._last_commit = time.monotonic()
        self._seen = None  # this process's next searcher reloads

    def sync(self, wait: float = 0.0) -> int:
        """Apply the queued changes and commit; returns the articles applied (0 when another writer is at it)."""
        with self._lock:
            try:
                with self._writer(HEAP, wait) as w:
                    n = 0
                    while True:
                        with self.store.engine.connect() as c:
                            rows = changes.pending(c, QUEUE)
                        if not rows:
                            break
                        ids = sorted({d for _, d in rows})
                        # by query: delete_documents_by_term takes a Python int for a signed term and misses u64
                        w.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "doc", ids))
                        self._add(w, ids)
                        self._committed(w, last_doc=max(self._state().get("last_doc") or 0, ids[-1]))
                        with self.store.engine.begin() as c:
                            changes.done(c, [s for s, _ in rows])
                        n += len(ids)
                        if len(rows) < QUEUE:
                            break
            except Busy:
                self.pending = True  # the other writer applies the queue; ours is tried again later
                return 0
            except DBAPIError:
                self.pending = True  # the store's connection dropped: the queue keeps the changes for next time
                return 0
            except (OSError, ValueError) as e:  # a read-only folder, a full disk: search goes on with SQL
                self._fail(e)
                return 0
            self.pending = False
            self._checked = time.monotonic()
            return n

    def rebuild(self, wait: float = 30.0) -> bool:
        """Index every stored article again (readers keep the old index until it is committed)."""
        d = S.documents
        with self._lock:
            try:
                with self._writer(REBUILD_HEAP, wait) as w:
                    with self.store.engine.begin() as c:
                        cut = changes.start(c)
                    with self.store.engine.connect() as c:
                        ids = list(c.execute(select(d.c.id).order_by(d.c.id)).scalars())
                    w.delete_all_documents()
                    self._add(w, ids)
                    self._committed(w, built=True, last_doc=ids[-1] if ids else 0)
                    with self.store.engine.begin() as c:
                        changes.done_through(c, cut)
            except Busy:
                return False
            except (OSError, ValueError) as e:
                self._fail(e)
                return False
        self.sync(wait)
        return True

    def begin_batch(self, seconds: float) -> None:
        """Commit at most every `seconds` from now on (Store.batched_index ends the batch)."""
        self.batch_seconds = seconds
        self._last_commit = time.monotonic()

    def changed(self) -> None:
        """An article was stored: commit now, or within batch_seconds inside a batch."""
        if self.batch_seconds and time.monotonic() - self._last_commit < self.batch_seconds:
            self.pending = True
            return
        self.sync()

    def close(self) -> None:
        """Commit what this process stored (waiting a while for another writer) before it goes."""
        if self.pending:
            self.sync(wait=10.0)

    # --- reading -------------------------------------------------------------------------------------------

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the latest commit of any process (this one's pending changes committed first)."""
        if self.pending or self.dirty or time.monotonic() - self._checked > CHECK_SECONDS:
            self.dirty = False
            with self.store.engine.connect() as c:
                queued = changes.waiting(c)
            self._checked = time.monotonic()
            if queued or self.pending:
                self.sync()
        try:
            seen = (self.folder / "meta.json").stat().st_mtime_ns
        except OSError:
            seen = None
        if seen != self._seen:
            with self._lock:
                self.index.reload()
                self._seen = seen
        return self.index.searcher()
