"""Storage on real SQLite files and a real PostgreSQL database: idempotent, incremental, linked duplicates."""
from __future__ import annotations

import json

from sqlalchemy import inspect, select, text

from hoptac.export import export
from hoptac.ingest import ingest
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.store.migrations import MIGRATIONS

from paths import SEEDS

ARTICLE = """title: Qualcomm mở trung tâm R&D tại Hà Nội
date: 2024-10-15
source: Báo Thử

Sáng 15/10, tại Hà Nội, Bộ trưởng Bộ Thông tin và Truyền thông Nguyễn Mạnh Hùng dự lễ ra mắt trung tâm nghiên cứu và phát triển trí tuệ nhân tạo của Qualcomm.

Bộ trưởng Hùng đề nghị Qualcomm hỗ trợ đào tạo 1.000 kỹ sư thiết kế chip cho Việt Nam đến năm 2030.
"""


def write(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def test_ingest_is_idempotent_and_incremental(store, pipeline, tmp_path):
    a = write(tmp_path, "a.txt", ARTICLE)
    rep = ingest([str(a)], store, pipeline)
    assert (rep.stored, rep.unchanged, rep.duplicates, len(rep.failed)) == (1, 0, 0, 0)
    counts = store.stats()
    assert counts["documents"] == 1 and counts["statements"] >= 1 and counts["figures"] >= 1
    again = ingest([str(a)], store, pipeline)
    assert (again.stored, again.unchanged) == (0, 1)
    # the same body under another name, with another header, is the same article
    b = write(tmp_path, "copy.txt", ARTICLE.replace("source: Báo Thử", "source: Báo Khác"))
    rep = ingest([str(b)], store, pipeline)
    assert (rep.stored, rep.duplicates) == (0, 1)
    assert store.stats() == counts


def test_facts_keep_provenance(store, pipeline, tmp_path):
    ingest([str(write(tmp_path, "a.txt", ARTICLE))], store, pipeline)
    with store.engine.connect() as c:
        doc_text = c.execute(select(S.documents.c.text)).scalar_one()
        for table in (S.statements, S.figures, S.dates, S.roles):
            for row in c.execute(select(table.c.char_start, table.c.char_end, table.c.sent_idx, table.c.doc_id)):
                assert 0 <= row.char_start < row.char_end <= len(doc_text)
        sent = c.execute(select(S.sentences.c.text, S.sentences.c.char_start, S.sentences.c.char_end)).all()
        assert all(doc_text[s.char_start:s.char_end] == s.text for s in sent)


def test_near_duplicate_is_linked(store, pipeline, tmp_path):
    body = (SEEDS / "002_97f8f4cc8781255b.txt").read_text(encoding="utf-8")
    a = write(tmp_path, "a.txt", body)
    # the same story re-published elsewhere, with one sentence added at the end
    b = write(tmp_path, "b.txt", body.rstrip() + "\nTheo Báo Khác, sự kiện có sự tham dự của nhiều doanh nghiệp.\n")
    rep = ingest([str(a), str(b)], store, pipeline)
    assert rep.stored == 2 and rep.near_duplicates == 1
    with store.engine.connect() as c:
        rows = c.execute(select(S.documents.c.id, S.documents.c.duplicate_of).order_by(S.documents.c.id)).all()
    assert rows[0].duplicate_of is None and rows[1].duplicate_of == rows[0].id


def test_bad_inputs_do_not_stop_the_batch(store, pipeline, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = write(folder, "good.txt", ARTICLE)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    rep = ingest([str(folder)], store, pipeline)
    assert rep.stored == 1 and len(rep.failed) == 2
    assert {f.source.rsplit("/", 1)[-1] for f in rep.failed} == {"empty.txt", "bin.txt"}
    assert good.exists() and store.stats()["documents"] == 1


def test_schema_is_migrated_once(db_url):
    s1 = Store(db_url)
    s1.close()
    s2 = Store(db_url)
    with s2.engine.connect() as c:
        names = [r[0] for r in c.execute(text("SELECT name FROM schema_migrations"))]
        tables = set(inspect(c).get_table_names())
    s2.close()
    assert names == ["0001_initial", "0002_search", "0003_entity_overrides", "0004_fact_indexes",
                     "0005_stories", "0006_index_changes", "0007_lifecycle", "0008_story_lookup"]
    assert names == [n for n, _ in MIGRATIONS]  # each once, in order
    assert {"documents", "sentences", "entities", "roles", "events", "statements", "figures", "dates", "stories",
            "story_members", "index_changes", "lifecycle_links", "pledge_parties", "update_sentences"} <= tables
    with s2.engine.connect() as c:
        indexes = {i["name"] for i in inspect(c).get_indexes("statements")}
    assert {"ix_statements_speaker", "ix_statements_addressee"} <= indexes


def test_sqlite_uses_wal(sqlite_url):
    s = Store(sqlite_url)
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()


def test_export_writes_every_table(store, pipeline, tmp_path):
    ingest([str(SEEDS / "003_8f2edd54ac70151b.txt")], store, pipeline)
    out = tmp_path / "out"
    paths = export(store, out)
    names = {p.name for p in paths}
    for t in ("entities", "roles", "events", "statements", "figures", "dates"):
        assert f"{t}.csv" in names and f"{t}.jsonl" in names
    assert "entity_graph.graphml" in names
    recs = [json.loads(x) for x in (out / "statements.jsonl").read_text(encoding="utf-8").splitlines()]
    assert recs and all(r["evidence"] and r["content"] for r in recs)
    assert "<graphml" in (out / "entity_graph.graphml").read_text(encoding="utf-8")
