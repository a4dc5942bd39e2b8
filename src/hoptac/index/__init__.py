"""The search index beside the store: tantivy (block-max WAND top-k BM25), one document per sentence.

The store stays the source of truth. Writers' transactions queue the documents they change (store/changes.py);
the index applies the queue and commits, then forgets what it applied, so a crash between the two commits
only delays a change until the next process opens the index. One writer at a time (tantivy's lock file,
released at every commit); readers search committed segments and are never blocked.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from hoptac.store import changes
from hoptac.store import schema as S

from .engine import SearchIndex, warn

if TYPE_CHECKING:
    from hoptac.store import Store

AUTO_BUILD = 5000  # a store this small is indexed when first opened; a larger one waits for `hoptac reindex`
ENV = "HOPTAC_INDEX_DIR"


def folder_for(store: Store, configured: str | None = None) -> Path | None:
    """Where this store's index lives: DIR/<store id> when configured (--index-dir, HOPTAC_INDEX_DIR), else
    next to a SQLite file (FILE.index); None for PostgreSQL without a folder, an in-memory store, or "off"."""
    base = configured if configured is not None else os.environ.get(ENV)
    if base and base.strip().lower() == "off":
        return None
    db = store.engine.url.database if store.is_sqlite else None
    if store.is_sqlite and (not db or db == ":memory:"):
        return None
    if not base:
        return Path(db + ".index") if db else None
    with store.engine.connect() as c:
        name = changes.store_id(c)
    if db:  # a copied SQLite file keeps its id: its path tells the copies apart
        name += "-" + hashlib.sha1(str(Path(db).resolve()).encode()).hexdigest()[:8]
    return Path(base) / name


def open_for(store: Store, configured: str | None = None) -> SearchIndex | None:
    """The store's index, caught up with the store; None (search by SQL) where it cannot be used."""
    folder = folder_for(store, configured)
    if folder is None:
        return None
    try:
        idx = SearchIndex(store, folder)
    except (OSError, ValueError) as e:
        warn(f"the search index {folder} cannot be opened ({str(e).splitlines()[0]}); searching with SQL")
        return None
    if not idx.ready():
        with store.engine.connect() as c:
            n = c.execute(select(func.count()).select_from(S.documents)).scalar_one()
        if n > AUTO_BUILD:
            warn(f"the search index {folder} is not built for these {n} articles; searching with SQL "
                 "(run `hoptac reindex`)")
            return None
        if not idx.rebuild(wait=30.0):
            if idx.failed:
                return None
            warn(f"the search index {folder} is being built by another process; searching with SQL")
            return None
    else:
        idx.sync()
    return None if idx.failed else idx


class IndexUnavailable(RuntimeError):
    """The store has no index folder, or it cannot be written now; the message says what to do."""


def rebuild(store: Store, configured: str | None = None) -> dict:
    """Index every stored article again (`hoptac reindex`); what it holds and how long it took."""
    folder = folder_for(store, configured)
    if folder is None:
        raise IndexUnavailable(f"no search index folder for {store.engine.url.render_as_string(hide_password=True)}"
                               f": set {ENV} or --index-dir")
    t0 = time.perf_counter()
    try:
        idx = SearchIndex(store, folder)
    except (OSError, ValueError) as e:
        raise IndexUnavailable(f"cannot open the search index {folder}: {str(e).splitlines()[0]}") from None
    if not idx.rebuild(wait=60.0):
        if idx.failed:
            raise IndexUnavailable(f"cannot write the search index {folder}")
        raise IndexUnavailable(f"another process is writing the search index {folder}; try again when it ends")
    with store.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(S.documents)).scalar_one()
    return {**idx.info(), "documents": n, "seconds": round(time.perf_counter() - t0, 2)}


__all__ = ["SearchIndex", "IndexUnavailable", "folder_for", "open_for", "rebuild", "warn", "AUTO_BUILD", "ENV"]
