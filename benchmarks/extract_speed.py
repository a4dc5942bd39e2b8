"""Full extraction pipeline on the bench corpus in one process: speed, stage shares, memory.

    .venv/bin/python benchmarks/extract_speed.py [--limit N] [--json OUT]

Reports articles/s, sentences/s, the share of each stage (and, inside statements and
events, of the learned classifiers), peak memory, and the CPU time of underthesea's
sent_tokenize + word_tokenize alone on the same article texts (the floor this pipeline
cannot beat) as a ratio of CPU times.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from pathlib import Path

from underthesea import sent_tokenize, word_tokenize

from hoptac.ingest import extract
from hoptac.learn.classifier import Classifier
from hoptac.models import Skipped
from hoptac.pipeline import Pipeline

BENCH = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=str(BENCH))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()
    src = args.input
    if args.limit:
        tmp = Path("/tmp/hoptac-bench-slice.jsonl")
        with open(src, encoding="utf-8") as f, open(tmp, "w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= args.limit:
                    break
                out.write(line)
        src = str(tmp)
    pipe = Pipeline()
    pipe.timings = {}
    n_docs = n_sents = n_chars = 0
    counts = {"entities": 0, "roles": 0, "events": 0, "statements": 0, "figures": 0, "dates": 0}
    sentences: list[str] = []
    texts: list[str] = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    for a in extract([src], pipe):
        if isinstance(a, Skipped):
            continue
        n_docs += 1
        n_sents += len(a.sentences)
        n_chars += len(a.text)
        for k in counts:
            counts[k] += len(getattr(a, k))
        sentences.extend(s.text for s in a.sentences if len(s.text) <= 3000)
        texts.append(a.text)
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t1 = time.perf_counter()
    for s in sentences:
        word_tokenize(s)
    floor = time.perf_counter() - t1
    c1 = time.process_time()
    for text in texts:  # the floor: underthesea segmenting the same articles into sentences and words
        for sent in sent_tokenize(text):
            word_tokenize(sent)
    floor_cpu = time.process_time() - c1
    stage_total = sum(pipe.timings.values())
    res = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
        "articles": n_docs, "sentences": n_sents, "characters": n_chars, "seconds": round(total, 2),
        "articles_per_s": round(n_docs / total, 1), "sentences_per_s": round(n_sents / total, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "stage_share_pct": {k: round(100 * v / stage_total, 1) for k, v in
                            sorted(pipe.timings.items(), key=lambda kv: -kv[1])},
        "word_tokenize_alone_s": round(floor, 2), "ratio_to_word_tokenize": round(total / floor, 2),
        "cpu_s": round(cpu, 2), "underthesea_sent_and_word_tokenize_cpu_s": round(floor_cpu, 2),
        "cpu_ratio_to_underthesea": round(cpu / floor_cpu, 2),
        "learned_models": {"calls": Classifier.calls, "seconds": round(Classifier.seconds, 2),
                           "share_of_pipeline_pct": round(100 * Classifier.seconds / stage_total, 1)},
        "facts": counts,
    }
    print(json.dumps(res, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
