"""The `hoptac` command in-process, with the seeds and the examples, checked against stored state."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from hoptac.cli import app

from paths import EXAMPLES, SEEDS

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_extract_json_prints_the_contract():
    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    res = run("extract", *files, "--json")
    assert res.exit_code == 0, res.output
    docs = [json.loads(x) for x in res.stdout.splitlines()]
    assert [d["source"] for d in docs] == files
    for d in docs:
        assert set(d) >= {"source", "title", "published", "language", "text", "entities", "roles", "events",
                          "statements", "figures", "dates"}
        assert d["language"] == "vi"
        for f in d["figures"]:
            assert isinstance(f["value"], (int, float)) and f["unit"]


def test_extract_show_removed_and_stdin():
    text = ("Tuyết Nhung 26/06/2024 12:30\n\nSáng 25/6, tại Hà Nội, hai bên đã ký biên bản ghi nhớ hợp tác về "
            "bán dẫn.\n\n1.jpg\n\n(0) Bình luận\n")
    res = run("extract", "-", "--json", "--show-removed", input=text)
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    reasons = {r["reason"] for r in doc["removed"]}
    assert {"byline", "image file name", "comment counter"} <= reasons
    assert doc["published"] == "2024-06-26" and "1.jpg" not in doc["text"]


def test_ingest_stats_and_bad_inputs(tmp_path):
    db = tmp_path / "kb.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    good = SEEDS / "002_97f8f4cc8781255b.txt"
    res = run("--db", str(db), "ingest", str(good), str(tmp_path / "in"))
    assert res.exit_code == 1  # some inputs failed
    assert "empty.txt: empty file" in res.stderr
    stats = json.loads(run("--db", str(db), "stats", "--json").stdout)
    assert stats["documents"] == 1 and stats["statements"] > 0 and stats["entities"] > 0
    res = run("--db", str(db), "ingest", str(good))
    assert res.exit_code == 0 and "unchanged 1" in res.stderr
    assert json.loads(run("--db", str(db), "stats", "--json").stdout) == stats


def test_examples_ingest(tmp_path):
    db = tmp_path / "kb.db"
    res = run("--db", f"sqlite:///{db}", "ingest", str(EXAMPLES))
    assert res.exit_code == 0, res.stderr
    stats = json.loads(run("--db", str(db), "stats", "--json").stdout)
    assert stats["documents"] == 16  # 13 files plus a JSON Lines file of 3 records
    assert stats["events"] > 0 and stats["roles"] > 0 and stats["figures"] > 0


def test_hoptac_db_env(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("HOPTAC_DB", str(db))
    res = run("ingest", str(SEEDS / "004_e2a7b558c0915975.txt"))
    assert res.exit_code == 0 and db.exists()


def test_every_command_has_help():
    for cmd in ("ingest", "extract", "stats", "export", "serve"):
        res = run(cmd, "--help")
        assert res.exit_code == 0 and len(res.stdout) > 50
