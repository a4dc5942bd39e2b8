#!/usr/bin/env bash
# The main job of hoptac:  bash scripts/run.sh
# Installs hoptac into .venv (once), ingests examples/ into ./hoptac.db (only new
# articles) and starts `hoptac serve` on 127.0.0.1:8000. Extra arguments go to serve.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
ensure_venv ""
export HOPTAC_DB="${HOPTAC_DB:-sqlite:///$ROOT/hoptac.db}"
say "ingesting examples/ into $HOPTAC_DB"
"$ROOT/.venv/bin/hoptac" ingest "$ROOT/examples"
exec "$ROOT/.venv/bin/hoptac" serve "$@"
