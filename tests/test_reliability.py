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

from hoptac import stories as st
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
        # every event and statement is a member of exactly one story, and no story is left empty
        m = st.story_members
        for kind, table in (("event", S.events), ("statement", S.statements)):
            facts = set(c.execute(select(table.c.id)).scalars())
            members = c.execute(select(m.c.fact_id).where(m.c.kind == kind)).scalars().all()
            assert sorted(members) == sorted(facts)
        in_use = set(c.execute(select(m.c.story_id).distinct()).scalars())
        assert set(c.execute(select(st.stories.c.id)).scalars()) == in_use


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


def test_hostile_folder(tmp_path, pipeline):
    import gzip
    import io
    import zipfile
    d = tmp_path / "in"
    d.mkdir()
    good = "Sáng 12/3, tại Hà Nội, Bộ trưởng Nguyễn Văn An đề nghị Tập đoàn FPT đào tạo 1.000 kỹ sư bán dẫn."
    (d / "good.txt").write_text(good, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "spaces.txt").write_bytes(b"   \n\t  \n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b"0" * 50_000_000)  # 50 MB that packs to a few KB
    (d / "zipbomb.txt").write_bytes(buf.getvalue())
    (d / "gzbomb.txt").write_bytes(gzip.compress(b"0" * 20_000_000))
    (d / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "chữ" + "</div>" * 100_000 + "</body></html>")
    (d / "broken.html").write_text("<html><body><p>không đóng thẻ <div><span", encoding="utf-8")
    (d / "broken.json").write_text('{"id": 1, "text": "thiếu ngoặc"', encoding="utf-8")
    (d / "list.jsonl").write_text('{"id": "x1", "text": "' + good + '"}\nnot json\n[1,2]\n', encoding="utf-8")
    (d / "latin1.txt").write_bytes("Một câu tiếng Việt đúng. ".encode() * 50 + b"\xff\xfe\xfd" + "Tiếp tục. ".encode() * 50)
    store = Store(f"sqlite:///{tmp_path / 'kb.db'}")
    rep = ingest([str(d)], store, pipeline)
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in rep.failed}
    assert rep.stored == 1 and rep.duplicates == 1  # good.txt and the same text in list.jsonl
    assert reasons["empty.txt"] == "empty file" and reasons["spaces.txt"] == "empty file"
    assert "ZIP" in reasons["zipbomb.txt"] and "gzip" in reasons["gzbomb.txt"]
    assert "no article text" in reasons["deep.html"] and "no article text" in reasons["broken.html"]
    assert "invalid JSON" in reasons["broken.json:1"]
    assert "invalid JSON" in reasons["list.jsonl:2"] and "not an object" in reasons["list.jsonl:3"]
    assert "invalid UTF-8" in reasons["latin1.txt"]
    assert all(r for r in reasons.values())
    store.close()


@pytest.mark.postgres
def test_postgres_connections_dropped_mid_ingest(slice_file):
    """The server drops every connection of the ingest (as on a restart); it reconnects and finishes."""
    from sqlalchemy import create_engine, text

    from conftest import _pg_database
    url = _pg_database()
    store = Store(url)
    proc = hoptac(url, "ingest", "-q", str(slice_file))
    admin = create_engine(url)
    deadline = time.time() + 120
    while time.time() < deadline and store.stats()["documents"] < 5:
        time.sleep(0.2)
    killed = 0
    for _ in range(3):
        with admin.connect() as c:
            killed += len(c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
        time.sleep(0.5)
    _, err = proc.communicate(timeout=300)
    assert killed > 0
    assert proc.returncode == 0, err
    store.engine.dispose()
    assert store.stats()["documents"] == N
    consistent(store)
    admin.dispose()
    store.close()


@pytest.mark.skipif(os.geteuid() != 0 and not os.environ.get("CI"), reason="mounting a small filesystem needs root")
def test_disk_full_gives_a_clear_error_and_a_readable_database(tmp_path):
    """A 2 MB filesystem fills up mid-ingest: one clear line, exit 2, what was stored stays readable."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
    try:
        src = tmp_path / "slice.jsonl"
        with open(BENCH, encoding="utf-8") as f, open(src, "w", encoding="utf-8") as out:
            for _, line in zip(range(300), f):
                out.write(line)
        db = f"sqlite:///{mnt / 'kb.db'}"
        proc = hoptac(db, "ingest", "-q", str(src))
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 2, err
        assert "disk is full" in err and "Traceback" not in err
        store = Store(db, create=False)
        n = store.stats()["documents"]
        assert 0 < n < 300
        consistent(store)
        store.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("PG_TMPDIR"), reason="needs the throwaway server that scripts/test.sh starts")
def test_postgres_restarted_mid_ingest(slice_file):
    """The whole server restarts during an ingest: storing waits for it and nothing is lost or doubled."""
    import glob
    import pwd

    from conftest import _pg_database
    url = _pg_database()
    store = Store(url)
    tmp = os.environ["PG_TMPDIR"]
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    owner = pwd.getpwuid(os.stat(f"{tmp}/data").st_uid).pw_name
    as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []
    proc = hoptac(url, "ingest", "-q", str(slice_file))
    deadline = time.time() + 120
    while time.time() < deadline and store.stats()["documents"] < 5:
        time.sleep(0.2)
    store.engine.dispose()
    subprocess.run(as_owner + [pg_ctl, "-D", f"{tmp}/data", "-l", f"{tmp}/server.log", "-m", "fast", "-w",
                               "restart"], check=True, cwd=tmp, capture_output=True)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert store.stats()["documents"] == N
    consistent(store)
    store.close()
