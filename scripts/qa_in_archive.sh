#!/usr/bin/env bash
# Questions answered with an archive around them (issue 13's bar):
#   bash scripts/qa_in_archive.sh [OUT_DIR]
# Ingests the 2,633-article bench corpus once into OUT_DIR/bench.db, then for each question set copies
# that store, ingests the articles the questions are about (the seeds, or the 40 dev articles), asks every
# question with `hoptac ask --json` and scores the answers with the shared scorer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
H="$ROOT/.venv/bin/hoptac"
SHARED="$ROOT/../shared"
OUT="${1:-/tmp/hoptac-qa}"
mkdir -p "$OUT"
base="$OUT/bench.db"
if [[ ! -f "$base" ]]; then
    "$H" --db "$base" ingest -q "$SHARED/corpus/bench/dantri-2019-2021.jsonl"
fi
for set in seeds dev; do
    db="$OUT/$set.db"
    rm -rf "$db" "$db.index" "$db-wal" "$db-shm"
    cp "$base" "$db"
    if [[ -d "$base.index" ]]; then cp -r "$base.index" "$db.index"; fi
    if [[ "$set" == seeds ]]; then
        "$H" --db "$db" ingest -q "$SHARED/corpus/seeds/"
        cp "$SHARED/eval/qa/seeds.json" "$OUT/$set-questions.json"
    else
        "$H" --db "$db" ingest -q "$SHARED/corpus/dev/raw/"
        python3 -c 'import json,sys; print(json.dumps([q for f in sys.argv[1:] for q in json.load(open(f))], ensure_ascii=False))' \
            "$SHARED"/eval/qa/dev/*.json > "$OUT/$set-questions.json"
    fi
    : > "$OUT/$set-answers.jsonl"
    python3 -c 'import json,sys; [print(q["q"]) for q in json.load(open(sys.argv[1]))]' "$OUT/$set-questions.json" |
        while IFS= read -r q; do "$H" --db "$db" ask "$q" --json >> "$OUT/$set-answers.jsonl"; done
    echo "== $set questions, bench corpus around them"
    python3 "$SHARED/eval/score_qa.py" --questions "$OUT/$set-questions.json" --answers "$OUT/$set-answers.jsonl" | tail -2
done
