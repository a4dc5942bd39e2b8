#!/usr/bin/env python3
"""Choose the bench articles to annotate and the window of each (reproducible, fixed seed).

    python3 scripts/annotation/select.py ../shared/corpus/bench/dantri-2019-2021.jsonl > data/annotations/selection.tsv

Sections rich in requests, pledges and meetings are weighted up; within a section, 70% of the picks are the
articles densest in cue words (so the corpus holds many statements) and 30% are random (so it holds the ordinary
sentences a model must learn to leave alone). Each window starts at the top of the record and ends at the first
line break after 1,400 characters (at most 2,400: then at a sentence end), like the excerpts crawlers deliver.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import sys

PER_SECTION = {"business": 90, "world": 70, "tech": 70, "society": 50, "education": 45, "science": 45,
               "health": 30, "sport": 20, "travel": 10, "entertainment": 10}
CUES = ["đề nghị", "cam kết", "kêu gọi", " sẽ ", "mong muốn", "thống nhất", "nhất trí", " ký ", "hợp tác",
        "hội đàm", "tiếp ", "thăm", "đề xuất", "yêu cầu", "kế hoạch", "dự kiến", "đầu tư", "khánh thành", "ra mắt"]
BATCHES = 8
SEED = 20261130


def window(text: str, lo: int = 1400, hi: int = 2400) -> int:
    """End offset of the annotated excerpt."""
    if len(text) <= hi:
        return len(text)
    nl = text.find("\n", lo)
    if 0 <= nl <= hi:
        return nl
    m = None
    for m in re.finditer(r"[.!?…][”\"]?\s", text[:hi]):
        pass
    return m.end() - 1 if m and m.end() > lo // 2 else hi


def split_of(rid: str) -> str:
    """About 15% of the articles are held out from training, decided by the id alone."""
    return "heldout" if int(hashlib.sha1(rid.encode()).hexdigest(), 16) % 100 < 15 else "train"


def main(path: str) -> None:
    rng = random.Random(SEED)
    by_sec: dict[str, list[tuple[int, str, int]]] = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        sec = r["id"].split("_")[1]
        end = window(r["text"])
        dens = sum(r["text"][:end].count(c) for c in CUES)
        by_sec.setdefault(sec, []).append((dens, r["id"], end))
    picks: list[tuple[str, int]] = []
    for sec, n in PER_SECTION.items():
        rows = sorted(by_sec.get(sec, []), key=lambda x: (-x[0], x[1]))
        dense = rows[: int(n * 0.7)]
        rest = rows[int(n * 0.7):]
        picks += [(rid, end) for _, rid, end in dense + rng.sample(rest, n - len(dense))]
    rng.shuffle(picks)
    reannot = set(rid for rid, _ in rng.sample(picks, len(picks) // 10))
    print("id\tend\tbatch\tsplit\treannotate_in")
    for k, (rid, end) in enumerate(picks):
        b = k % BATCHES
        again = (b + 1) % BATCHES if rid in reannot else ""
        print(f"{rid}\t{end}\t{b}\t{split_of(rid)}\t{again}")


if __name__ == "__main__":
    main(sys.argv[1])
