#!/usr/bin/env bash
# Ingest the whole bench corpus into a fresh SQLite file, then again (must add none).
#   bash benchmarks/ingest_bench.sh [--pg]    # --pg: also into a throwaway PostgreSQL
# Prints wall time and peak memory (/usr/bin/time -v), database size and stats.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/../shared/corpus/bench/dantri-2019-2021.jsonl"
HOPTAC="$ROOT/.venv/bin/hoptac"
OUT="$(mktemp -d /tmp/hoptac-bench.XXXXXX)"
run() {  # label, db url
    local label="$1" db="$2"
    /usr/bin/time -v "$HOPTAC" --db "$db" ingest -q "$BENCH" 2>"$OUT/$label.time" || true
    echo "== $label: first ingest"
    grep -E "^(stored|hoptac:)" "$OUT/$label.time" | tail -3
    grep -E "Elapsed \(wall|Maximum resident" "$OUT/$label.time"
    /usr/bin/time -v "$HOPTAC" --db "$db" ingest -q "$BENCH" 2>"$OUT/$label.again" || true
    echo "== $label: second ingest"
    grep -E "^stored" "$OUT/$label.again"
    grep -E "Elapsed \(wall" "$OUT/$label.again"
    "$HOPTAC" --db "$db" stats --json
}
run sqlite "sqlite:///$OUT/bench.db"
echo "sqlite file: $(du -h "$OUT/bench.db" | cut -f1) ($OUT/bench.db)"
if [[ "${1:-}" == "--pg" ]]; then
    say() { echo "[hoptac] $*"; }
    source "$ROOT/scripts/pg-server.sh"
    trap pg_stop EXIT
    pg_start
    run postgres "$HOPTAC_TEST_PG"
    psql "${HOPTAC_TEST_PG/+psycopg/}" -Atc "select pg_size_pretty(pg_database_size('hoptac_test'))" | sed 's/^/postgres database size: /'
fi
