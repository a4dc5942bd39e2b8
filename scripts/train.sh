#!/usr/bin/env bash
# Rebuild the learned classifiers (src/hoptac/learned/) from data/annotations/ with a fixed seed and print
# the held-out scores:  bash scripts/train.sh [--gold-out DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
ensure_venv ""
exec "$ROOT/.venv/bin/hoptac" train "$@"  # defaults: data/annotations/, ../shared/corpus/bench/
