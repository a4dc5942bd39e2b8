"""Where the shared corpora and the project's examples live, for tests."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
BENCH = SHARED / "corpus" / "bench" / "dantri-2019-2021.jsonl"
GOLD = SHARED / "eval" / "gold" / "seeds"
EVAL = SHARED / "eval"
EXAMPLES = ROOT / "examples"
PG_URL = os.environ.get("HOPTAC_TEST_PG")
