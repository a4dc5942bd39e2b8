"""The search index beside the store (tantivy): same answers as SQL, filters inside the index, crash-safe, rebuildable.

Every test runs on a real SQLite file and a real PostgreSQL database; the index lives next to the SQLite file
or in a folder named for the store (HOPTAC_INDEX_DIR), as in the product.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tantivy
from sqlalchemy import func, select
from typer.testing import CliRunner

from hoptac import kb as kbase
from hoptac.cli import app
from hoptac.index import folder_for
from hoptac.ingest import ingest
from hoptac.inputs import read_inputs
from hoptac.search import Filters, count_matches, matching_keys, search
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.tracker import TrackerFilters, rows
from paths import EXAMPLES, ROOT

QUERIES = ["nguyen chi dung", "Nguyễn Chí Dũng", "ban dan", "bán dẫn", '"thiết kế chip"', "NVIDIA", "hop tac",
           "Đà Nẵng", "trung tam du lieu", "AI"]


SMALL = ["01_nvidia_hop_tac_2024.txt", "03_fpt_nvidia_ai_factory_2024.txt", "06_qualcomm_ai_rd_2025.txt",
         "07_nghi_quyet_57_2025.txt"]


def _place_index(url: str, folder: Path, mp: pytest.MonkeyPatch) -> None:
    """SQLite: the default place, next to the file; PostgreSQL: the folder HOPTAC_INDEX_DIR names."""
    if url.startswith("sqlite"):
        mp.delenv("HOPTAC_INDEX_DIR", raising=False)
    else:
        mp.setenv("HOPTAC_INDEX_DIR", str(folder))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def examples_db(request, tmp_path_factory, pipeline):
    """The examples stored one by one, the index kept up to date as they are (read-only tests share it)."""
    from conftest import _pg_database
    tmp = tmp_path_factory.mktemp("examples")
    url = f"sqlite:///{tmp / 'kb.db'}" if request.param == "sqlite" else _pg_database()
    with pytest.MonkeyPatch.context() as mp:
        _place_index(url, tmp / "indexes", mp)
        s = Store(url)
        ingest([str(EXAMPLES)], s, pipeline)
        s.close()
    return url, tmp / "indexes"


@pytest.fixture
def indexed(examples_db, monkeypatch):
    url, folder = examples_db
    _place_index(url, folder, monkeypatch)
    s = Store(url)
    yield s
    s.close()


@pytest.fixture
def small(db_url, tmp_path, monkeypatch, pipeline):
    """Four examples in a store of the test's own (for tests that change it)."""
    _place_index(db_url, tmp_path / "indexes", monkeypatch)
    s = Store(db_url)
    ingest([str(EXAMPLES / n) for n in SMALL], s, pipeline)
    yield s
    s.close()


def _sql(db_url: str) -> Store:
    return Store(db_url, index_dir="off")


def _keys(hits) -> list[tuple[int, int]]:
    return [(h.doc_id, h.sent_idx) for h in hits]


def _indexed_docs(folder: Path, doc_id: int) -> int:
    """Sentences of one article in the index's last commit, read with tantivy itself (no catch-up)."""
    from hoptac.index import schema as xs
    ix = tantivy.Index.open(str(folder))
    xs.register(ix)
    return ix.searcher().search(tantivy.Query.term_query(ix.schema, "doc", doc_id), 1, count=True).count


def test_index_holds_every_sentence_and_answers_like_sql(indexed):
    db_url = indexed.url
    idx = indexed.index
    assert idx is not None and (idx.folder / "meta.json").exists()
    with indexed.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(S.sentences)).scalar_one()
    assert idx.info()["sentences"] == n
    if db_url.startswith("sqlite"):
        assert idx.folder == Path(indexed.engine.url.database + ".index")
    sql = _sql(db_url)
    try:
        for q in QUERIES:
            a, b = search(indexed, q, limit=500), search(sql, q, limit=500)
            assert a, q
            assert sorted(_keys(a)) == sorted(_keys(b)), q
            assert count_matches(indexed, q, 1000) == count_matches(sql, q, 1000) == len(b)
            assert [h.highlights for h in sorted(a, key=lambda h: (h.doc_id, h.sent_idx))] == \
                [h.highlights for h in sorted(b, key=lambda h: (h.doc_id, h.sent_idx))]
        any_a = search(indexed, "nvidia qualcomm samsung", any_term=True, limit=500)
        assert sorted(_keys(any_a)) == sorted(_keys(search(sql, "nvidia qualcomm samsung", any_term=True,
                                                           limit=500)))
    finally:
        sql.close()


def test_accent_and_d_insensitive(indexed):
    marked = _keys(search(indexed, "Nguyễn Chí Dũng", limit=100))
    assert marked and marked == _keys(search(indexed, "NGUYEN CHI DUNG", limit=100))
    hits = search(indexed, "da nang", limit=100)
    assert hits and any("Đà Nẵng" in h.text for h in hits)
    assert _keys(hits) == _keys(search(indexed, "Đà Nẵng", limit=100))


def test_filters_are_index_filters(indexed):
    """Each filter gives SQL's answer, and a page stays full when the filter drops the best matches
    (filtering after ranking would return fewer hits than asked)."""
    with indexed.engine.connect() as c:
        kind = c.execute(select(S.statements.c.kind).group_by(S.statements.c.kind)
                         .order_by(func.count().desc()).limit(1)).scalar_one()
        topics = json.loads(c.execute(select(S.documents.c.topics).where(S.documents.c.topics != "[]")
                                      .limit(1)).scalar_one())
        ent = c.execute(select(S.doc_entities.c.entity_id).group_by(S.doc_entities.c.entity_id)
                        .order_by(func.count().desc()).limit(1)).scalar_one()
        source = c.execute(select(S.documents.c.source).order_by(S.documents.c.id).limit(1)).scalar_one()
    cases = [Filters(kind=kind), Filters(topic=topics[0]), Filters(entity=str(ent)), Filters(entity_type="ORG"),
             Filters(date_from="2024-01-01"), Filters(date_to="2024-06"), Filters(date_from="2024", date_to="2024"),
             Filters(source=Path(source).name[:12]), Filters(kind=kind, date_from="2023-01-01")]
    sql = _sql(indexed.url)
    try:
        for f in cases:
            a = search(indexed, "va", f, limit=1000)
            b = search(sql, "va", f, limit=1000)
            assert b, f
            assert sorted(_keys(a)) == sorted(_keys(b)), f
            page = search(indexed, "va", f, limit=3)
            assert len(page) == min(3, len(b)), f
        unfiltered = search(indexed, "va", limit=2000)
        assert len(unfiltered) > len(search(indexed, "va", Filters(kind=kind), limit=2000))
    finally:
        sql.close()


def test_tracker_word_filter_and_matching_keys(indexed):
    keys = matching_keys(indexed, "de nghi", 2000, statements_only=True)
    assert keys is not None
    with indexed.engine.connect() as c:
        stated = set(c.execute(select(S.statements.c.doc_id, S.statements.c.sent_idx)).all())
    assert keys and set(keys) <= stated
    assert matching_keys(indexed, "va", 1) is None  # more than the cap: the caller takes the SQL subquery
    sql = _sql(indexed.url)
    try:
        f = TrackerFilters(text="de nghi")
        assert rows(indexed, f)[0] == rows(sql, f)[0] > 0
        # with an index the word filter is a list of sentences from it, not a query of the store's full-text index
        from hoptac.tracker import _conditions

        def where(store):
            return " ".join(str(c.compile(store.engine)) for c in _conditions(store, f))
        assert " sentences" not in where(indexed) and " sentences" in where(sql)
    finally:
        sql.close()


def test_corrections_reach_the_index(small):
    """An entity merge changes which articles name an entity: the index re-reads them (queued by triggers)."""
    de = S.doc_entities
    with small.engine.connect() as c:
        docs: dict[int, set[int]] = {}
        for ent, doc in c.execute(select(de.c.entity_id, de.c.doc_id).where(de.c.type == "ORG")):
            docs.setdefault(ent, set()).add(doc)
    keep, drop = next((k, d) for k in docs for d in docs if k != d and docs[d] - docs[k])
    before = {h.doc_id for h in search(small, "va", Filters(entity=str(keep)), limit=2000)}
    kbase.merge(small, keep, drop)
    after = {h.doc_id for h in search(small, "va", Filters(entity=str(keep)), limit=2000)}
    sql = _sql(small.url)
    try:
        assert after > before
        assert after == {h.doc_id for h in search(sql, "va", Filters(entity=str(keep)), limit=2000)}
    finally:
        sql.close()


def test_story_merge_reaches_the_index(small):
    """Merging two stories moves their reports' sentences to the kept story id in the index too."""
    from hoptac import stories
    with small.engine.connect() as c:
        rows = c.execute(select(stories.stories.c.id).where(stories.stories.c.kind == "statement")
                         .order_by(stories.stories.c.id).limit(2)).scalars().all()
    keep, other = rows
    stories.merge(small, keep, other)
    with small.engine.connect() as c:
        st, m = S.statements, stories.story_members
        want = set(c.execute(select(st.c.doc_id, st.c.sent_idx).join(m, (m.c.fact_id == st.c.id)
                                                                     & (m.c.kind == "statement"))
                             .where(m.c.story_id == keep)).all())
    sr = small.index.searcher()
    res = sr.search(tantivy.Query.term_query(small.index.schema, "story", keep), 1000)
    addrs = [a for _, a in res.hits]
    got = set(zip(sr.fast_field_values("doc", addrs), sr.fast_field_values("idx", addrs)))
    assert len(want) >= 2 and got == want
    assert sr.search(tantivy.Query.term_query(small.index.schema, "story", other), 10).hits == []


def test_new_version_replaces_its_sentences(small, pipeline, tmp_path):
    path = tmp_path / "bai.txt"
    path.write_text("Tập đoàn Kiwitech ký thỏa thuận hợp tác về vi mạch với Bộ Khoa học.\n", encoding="utf-8")
    ingest([str(path)], small, pipeline)
    assert search(small, "kiwitech vi mach")
    path.write_text("Tập đoàn Kiwitech ký thỏa thuận hợp tác về pin mặt trời với tỉnh Ninh Thuận.\n",
                    encoding="utf-8")
    ingest([str(path)], small, pipeline)
    assert not search(small, "kiwitech vi mach")
    assert [h.text for h in search(small, "kiwitech pin mat troi")] == [path.read_text(encoding="utf-8").strip()]


def test_reindex_gives_the_incremental_results(indexed):
    db_url = indexed.url
    queries = QUERIES + ["va"]
    before = {q: search(indexed, q, limit=200) for q in queries}
    folder = indexed.index.folder
    res = CliRunner().invoke(app, ["--db", db_url, "reindex"])
    assert res.exit_code == 0, res.output
    assert "indexed" in res.output and str(folder) in res.output
    again = Store(db_url)
    try:
        after = {q: search(again, q, limit=200) for q in queries}
    finally:
        again.close()
    for q in queries:  # the same sentences in the same order; scores equal but for the last float bits
        assert _keys(after[q]) == _keys(before[q]), q
        assert [round(h.score, 3) for h in after[q]] == pytest.approx([round(h.score, 3) for h in before[q]], abs=2e-3)


def test_lost_index_is_rebuilt_at_start(small):
    indexed, db_url = small, small.url
    folder = indexed.index.folder
    want = _keys(search(indexed, "ban dan", limit=100))
    indexed.close()
    shutil.rmtree(folder)
    s = Store(db_url)
    try:
        assert s.index is not None and _keys(search(s, "ban dan", limit=100)) == want
    finally:
        s.close()


CHILD = textwrap.dedent("""
    import sys
    from hoptac.ingest import ingest
    from hoptac.pipeline import Pipeline
    from hoptac.store import Store
    store = Store(sys.argv[1])
    assert store.index is not None
    with store.batched_index(3600):  # the index commits only when the batch ends, which it never does
        ingest([sys.argv[2]], store, Pipeline())
        print("stored", flush=True)
        sys.stdin.read()  # killed here: the store has committed the article, the index has not
""")


def test_kill_between_the_store_and_index_commits(small, tmp_path):
    indexed, db_url = small, small.url
    article = tmp_path / "moi.txt"
    article.write_text("date 2025-03-02 Công ty Zephyrion mở trung tâm thiết kế vi mạch tại Quy Nhơn.\n",
                       encoding="utf-8")
    folder = indexed.index.folder
    indexed.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, str(article)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "stored", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    s = Store(db_url, index_dir="off")  # the store alone: the article is there, queued for the index
    with s.engine.connect() as c:
        doc_id = c.execute(select(S.documents.c.id).where(S.documents.c.source == str(article))).scalar_one()
        queued = set(c.execute(select(S.index_changes.c.doc_id)).scalars())
    s.close()
    assert doc_id in queued
    assert _indexed_docs(folder, doc_id) == 0  # the index's last commit lacks it
    again = Store(db_url)  # restart: the index catches up when opened
    try:
        hits = search(again, "zephyrion quy nhon")
        assert [h.doc_id for h in hits] == [doc_id]
        with again.engine.connect() as c:
            assert c.execute(select(func.count()).select_from(S.index_changes)).scalar_one() == 0
    finally:
        again.close()
    assert _indexed_docs(folder, doc_id) == 1


def test_readers_go_on_while_another_writer_holds_the_index(small, pipeline, tmp_path):
    """One writer at a time: an article stored while another process's writer holds the lock stays queued,
    searches go on over the last commit, and the next search after the lock is free finds it."""
    indexed = small
    folder = indexed.index.folder
    other = tantivy.Index.open(str(folder))
    writer = other.writer(15_000_000, 1)  # what another process's writer holds
    article = tmp_path / "khac.txt"
    article.write_text("Tập đoàn Quorvex đặt nhà máy đóng gói chip tại Bắc Giang.\n", encoding="utf-8")
    raw = next(read_inputs([str(article)], pipeline.opts))
    try:
        assert indexed.save_article(pipeline(raw), raw.raw_hash).status == "stored"
        assert search(indexed, "nguyen chi dung")  # readers are not blocked
        assert not search(indexed, "quorvex")  # not in the index yet: queued
    finally:
        writer.rollback()
        writer.wait_merging_threads()
    assert [h.source for h in search(indexed, "quorvex")] == [str(article)]


def test_unusable_index_folder_falls_back_to_sql(db_url, pipeline, tmp_path, capfd):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    s = Store(db_url, index_dir=str(blocker))
    try:
        ingest([str(EXAMPLES / "01_nvidia_hop_tac_2024.txt")], s, pipeline)
        assert s.index is None
        assert search(s, "nguyen chi dung")
    finally:
        s.close()
    lines = [ln for ln in capfd.readouterr().err.splitlines() if "search index" in ln]
    assert len(lines) == 1 and "searching with SQL" in lines[0]


@pytest.mark.postgres
def test_postgres_without_an_index_folder_searches_with_sql(pipeline, monkeypatch):
    from conftest import _pg_database
    monkeypatch.delenv("HOPTAC_INDEX_DIR", raising=False)
    s = Store(_pg_database())
    try:
        assert folder_for(s) is None and s.index is None
        ingest([str(EXAMPLES / "01_nvidia_hop_tac_2024.txt")], s, pipeline)
        assert search(s, "nguyen chi dung")
        with s.engine.connect() as c:  # no index was ever built: nothing queues up for one
            assert c.execute(select(func.count()).select_from(S.index_changes)).scalar_one() == 0
    finally:
        s.close()
