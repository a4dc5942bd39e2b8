"""Quality gate: extraction on the shared gold must not fall below pinned F1 floors (raise them, never lower)."""
from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from hoptac.cli import app
from paths import EVAL, GOLD, SEEDS, SHARED

# Measured 2026-11-30 (overall 0.967, events 0.941): floors sit a little under the measured values; raise them, never lower.
FLOORS = {
    "published": 1.0,
    "body": 0.95,
    "entities": 0.95,
    "roles": 0.95,
    "events": 0.92,
    "statements": 0.89,
    "figures": 0.88,
    "dates": 0.95,
}
OVERALL_FLOOR = 0.95
EPS = 1e-6


def test_seed_extraction_meets_floors(tmp_path):
    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    res = CliRunner().invoke(app, ["extract", *files, "--json"], catch_exceptions=False)
    assert res.exit_code == 0
    pred = tmp_path / "pred.jsonl"
    pred.write_text(res.stdout, encoding="utf-8")
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(GOLD), "--pred", str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    scores = json.loads(out.stdout)
    assert not scores["missing"]
    low = {f: scores["fields"][f]["f1"] for f, floor in FLOORS.items() if scores["fields"][f]["f1"] + EPS < floor}
    assert not low, f"fields below their floor: {low}"
    assert scores["overall_f1"] + EPS >= OVERALL_FLOOR
    assert min(v["f1"] for v in scores["fields"].values()) >= 0.65  # the bar for every field


# The shared dev set: 40 in-domain excerpts no rule was written for (validation only; never trained on).
# Measured 2026-11-30 (overall 0.933, events 0.885, dates 1.0): floors a little under; raise them, never lower.
DEV_FLOORS = {
    "published": 1.0,
    "body": 0.96,
    "entities": 0.89,
    "roles": 0.90,
    "events": 0.86,
    "statements": 0.81,
    "figures": 0.94,
    "dates": 0.98,
}
DEV_OVERALL_FLOOR = 0.92


def test_dev_extraction_meets_floors(tmp_path):
    files = sorted(str(p) for p in (SHARED / "corpus" / "dev" / "raw").glob("*.txt"))
    assert len(files) == 40
    res = CliRunner().invoke(app, ["extract", *files, "--json"], catch_exceptions=False)
    assert res.exit_code == 0
    pred = tmp_path / "pred.jsonl"
    pred.write_text(res.stdout, encoding="utf-8")
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(EVAL / "gold" / "dev"),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    scores = json.loads(out.stdout)
    assert not scores["missing"]
    low = {f: scores["fields"][f]["f1"] for f, floor in DEV_FLOORS.items() if scores["fields"][f]["f1"] + EPS < floor}
    assert not low, f"dev fields below their floor: {low}"
    assert scores["overall_f1"] + EPS >= DEV_OVERALL_FLOOR


def test_dev_questions_meet_their_floor(tmp_path, pipeline):
    """The dev questions over the 40 dev articles alone in a store (measured 120/141 = 0.851)."""
    from hoptac.ask import ask
    from hoptac.ingest import ingest
    from hoptac.store import Store
    sys.path.insert(0, str(EVAL))
    from score_qa import right
    store = Store(f"sqlite:///{tmp_path / 'dev.db'}")
    ingest([str(SHARED / "corpus" / "dev" / "raw")], store, pipeline)
    questions = [q for f in sorted((EVAL / "qa" / "dev").glob("*.json")) for q in json.loads(f.read_text())]
    ok = sum(all(right(q, ask(store, q["q"]).to_dict())) for q in questions)
    store.close()
    assert len(questions) == 141
    assert ok / len(questions) >= 0.84, f"{ok}/{len(questions)}"


# Measured 2026-11-30 on the 40 dev articles in one store: stories events F1 0.909 (P 1.0), statements 0.750
# (P 1.0); lifecycle links F1 0.706 (P 1.0). Floors a little under; raise them, never lower.
STORY_FLOORS = {"event": 0.88, "statement": 0.72}
STORY_PRECISION = 0.90
LIFECYCLE_FLOOR, LIFECYCLE_PRECISION = 0.68, 0.80


def test_dev_stories_and_lifecycle_meet_floors(tmp_path):
    """The same events and statements of several outlets merge, precisely; later reports link to pledges."""
    db = f"sqlite:///{tmp_path / 'dev.db'}"
    runner = CliRunner()
    res = runner.invoke(app, ["--db", db, "ingest", str(SHARED / "corpus" / "dev" / "raw")], catch_exceptions=False)
    assert res.exit_code == 0
    stories, links = tmp_path / "s.jsonl", tmp_path / "l.jsonl"
    stories.write_text(runner.invoke(app, ["--db", db, "stories", "--json"], catch_exceptions=False).stdout,
                       encoding="utf-8")
    links.write_text(runner.invoke(app, ["--db", db, "lifecycle", "--json"], catch_exceptions=False).stdout,
                     encoding="utf-8")
    out = subprocess.run([sys.executable, str(EVAL / "score_stories.py"), "--gold", str(EVAL / "gold" / "dev"),
                          "--pred", str(stories), "--json"], capture_output=True, text=True, check=True)
    kinds = json.loads(out.stdout)["kinds"]
    for kind, floor in STORY_FLOORS.items():
        assert kinds[kind]["f1"] + EPS >= floor, (kind, kinds[kind])
        assert kinds[kind]["precision"] + EPS >= STORY_PRECISION, (kind, kinds[kind])
    out = subprocess.run([sys.executable, str(EVAL / "score_lifecycle.py"), "--chains", str(EVAL / "links" / "dev"),
                          "--gold", str(EVAL / "gold" / "dev"), "--clusters", str(EVAL / "links" / "dev-clusters.json"),
                          "--pred", str(links), "--json"], capture_output=True, text=True, check=True)
    life = json.loads(out.stdout)
    assert life["f1"] + EPS >= LIFECYCLE_FLOOR and life["precision"] + EPS >= LIFECYCLE_PRECISION, life
