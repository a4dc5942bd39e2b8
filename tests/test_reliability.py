"""Nothing lost, nothing doubled: parallel workers, kill -9 mid-ingest, two writers at once (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from hoptac.ingest import ingest
from hoptac.store import Store
from hoptac.store import schema as S
from paths import BENCH

N = 80


@pytest.fixture(scope="module")
def slice_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("bench") / "slice.jsonl"
    with open(BENCH, encoding="utf-8") as f, open(p, "w", encoding="utf-8") as out:
        for _, line in zip(range(N), f):
            out.write(line)
    return p


def hoptac(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hoptac.cli", "--db", db, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def consistent(store: Store) -> None:
    """Every stored document has all its sentences, and no fact points at a missing document."""
    with store.engine.connect() as c:
        docs = set(c.execute(select(S.documents.c.id)).scalars())
        for table in (S.sentences, S.statements, S.figures, S.dates, S.mentions, S.doc_entities):
            assert set(c.execute(select(table.c.doc_id).distinct()).scalars()) <= docs
        with_sentences = set(c.execute(select(S.sentences.c.doc_id).distinct()).scalars())
        assert with_sentences == docs
        hashes = c.execute(select(func.count(), func.count(S.documents.c.content_hash.distinct()))).one()
        assert hashes[0] == hashes[1]


def test_two_workers_store_the_same_as_one(slice_file, tmp_path, pipeline):
    one, two = Store(f"sqlite:///{tmp_path / 'one.db'}"), Store(f"sqlite:///{tmp_path / 'two.db'}")
    r1 = ingest([str(slice_file)], one, pipeline)
    r2 = ingest([str(slice_file)], two, pipeline, workers=2)
    assert r1.stored == r2.stored == N
    assert one.stats() == two.stats()
    one.close()
    two.close()


def test_kill_9_mid_ingest_then_resume(db_url, slice_file):
    store = Store(db_url)
    proc = hoptac(db_url, "ingest", "-q", str(slice_file))
    deadline = time.time() + 120
    while time.time() < deadline and store.stats()["documents"] < 5:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = store.stats()["documents"]
    assert 0 < before < N
    consistent(store)
    proc = hoptac(db_url, "ingest", "-q", str(slice_file))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"unchanged {before}" in err
    assert store.stats()["documents"] == N
    consistent(store)
    store.close()


def test_two_writers_at_once_store_each_article_once(db_url, slice_file):
    store = Store(db_url)
    procs = [hoptac(db_url, "ingest", "-q", str(slice_file)) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert store.stats()["documents"] == N
    consistent(store)
    store.close()


def test_stats_json_is_one_object(db_url, slice_file):
    proc = hoptac(db_url, "stats", "--json")
    out, _ = proc.communicate(timeout=60)
    assert json.loads(out)["documents"] == 0
