"""The tracker's word filter on a store of any size: a page and its count for a few common words.

    .venv/bin/python benchmarks/tracker_text.py --db sqlite:////tmp/hoptac-100k.db [WORD ...]

Read-only. The statement sentences holding every word come from the search index when there is one (up to
tracker.TEXT_KEYS of them), else from the store's full-text index.
"""
from __future__ import annotations

import argparse
import platform
import time

from hoptac import tracker
from hoptac.store import Store

WORDS = ("bán dẫn", "hợp tác", "đầu tư", "chip")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("words", nargs="*", default=list(WORDS))
    args = ap.parse_args()
    store = Store(args.db)
    print(f"{platform.machine()}, search index: {'yes' if store.index is not None else 'no'}")
    for word in args.words:
        t = time.perf_counter()
        total, _ = tracker.rows(store, tracker.TrackerFilters(text=word))
        print(f"{word!r}: {total} rows, {1000 * (time.perf_counter() - t):.0f} ms")
    store.close()


if __name__ == "__main__":
    main()
