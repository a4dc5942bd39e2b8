#!/usr/bin/env python3
"""Inter-annotator agreement on the re-annotated 10%: F1 per field with the shared scorer's matching rules.

    .venv/bin/python scripts/annotation/agreement.py [--bench ../shared/corpus/bench/dantri-2019-2021.jsonl]

The first annotation is taken as gold and the independent second one as prediction; F1 is symmetric, so the
choice does not matter. This is the ceiling a model trained on the corpus can be expected to reach.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT.parent / "shared/corpus/bench/dantri-2019-2021.jsonl"))
    ap.add_argument("--eval", default=str(ROOT.parent / "shared/eval"))
    args = ap.parse_args()
    sys.path.insert(0, args.eval)
    from score import prf, score_doc  # the shared scorer's own matching

    from hoptac.learn.corpus import load, to_gold
    folder = ROOT / "data/annotations"
    first = {x.id: x for x in load(folder, args.bench)}
    second = {x.id: x for x in load(folder, args.bench, "reannotation/reannot_*.jsonl")}
    fields = ["entities", "roles", "events", "statements"]
    tot = {f: [0, 0, 0] for f in fields}
    for rid, x in second.items():
        g = to_gold(first[rid])
        p = to_gold(x)
        pred = {"entities": [{"name": e["names"][0], "aliases": e["names"][1:], "type": e["type"]}
                             for e in p["entities"] if e["names"]],
                "roles": p["roles"], "events": p["events"], "statements": p["statements"], "text": ""}
        res = score_doc(g, pred)
        for f in fields:
            for k in range(3):
                tot[f][k] += res[f][k]
    print(f"{len(second)} articles annotated twice, independently")
    print(f"{'field':12s} {'P':>6s} {'R':>6s} {'F1':>6s}  tp/pred/gold")
    for f in fields:
        p, r, f1 = prf(*tot[f])
        print(f"{f:12s} {p:6.3f} {r:6.3f} {f1:6.3f}  {tot[f][0]}/{tot[f][1]}/{tot[f][2]}")


if __name__ == "__main__":
    main()
