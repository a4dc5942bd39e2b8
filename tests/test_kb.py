"""One knowledge base across articles: linking, role timelines, corrections that survive re-ingestion."""
from __future__ import annotations

from sqlalchemy import func, select

from hoptac.ingest import ingest
from hoptac.kb import find_entities, merge, profile, rename, resolve, split, timeline
from hoptac.store import Store
from hoptac.store import schema as S


def test_seed_bars(kb):
    dung = find_entities(kb, "Nguyễn Chí Dũng", "PER")
    assert len(dung) == 1
    roles = profile(kb, dung[0]["id"])["roles"]
    dated = [(r["as_of"], r["title"]) for r in roles if r["as_of"]]
    assert dated == sorted(dated)
    titles = [t for _, t in dated]
    assert titles.index("Bộ trưởng") < titles.index("Phó Thủ tướng")
    assert len(find_entities(kb, "NVIDIA", "ORG")) == 1
    assert len(find_entities(kb, "Nvidia", "ORG")) == 1
    assert resolve(kb, "Bộ Kế hoạch - Đầu tư")["id"] == resolve(kb, "Bộ Kế hoạch và Đầu tư")["id"]


def test_profile_has_statements_addressed_to_partner(kb):
    arm = profile(kb, resolve(kb, "ARM")["id"])
    assert len(arm["statements_received"]) >= 5
    assert all(s["kind"] == "request" for s in arm["statements_received"])
    nv = profile(kb, resolve(kb, "NVIDIA")["id"])
    assert any(e["date"] == "2024-12" for e in nv["events"])


def test_timeline_is_in_date_order(kb):
    rows = timeline(kb)
    assert rows and [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_merge_survives_reingest(kb, pipeline, tmp_path):
    a = resolve(kb, "Marvell")["id"]
    b = resolve(kb, "ARM")["id"]
    merge(kb, a, b)
    assert find_entities(kb, "ARM") == find_entities(kb, "Marvell")
    # a new article naming ARM links to the merged entity
    p = tmp_path / "new.txt"
    p.write_text("date: 2025-01-05\n\nSáng 5/1, tại Hà Nội, ARM công bố mở văn phòng đại diện tại Việt Nam.\n",
                 encoding="utf-8")
    ingest([str(p)], kb, pipeline)
    with kb.engine.connect() as c:
        ids = set(c.execute(select(S.doc_entities.c.entity_id).where(S.doc_entities.c.name == "ARM")).scalars())
    assert ids == {a}


def test_rename_and_split(kb):
    eid = resolve(kb, "Nguyễn Chí Dũng")["id"]
    rename(kb, eid, "Nguyễn Chí Dũng (Bộ KH&ĐT)")
    assert profile(kb, eid)["name"] == "Nguyễn Chí Dũng (Bộ KH&ĐT)"
    with kb.engine.connect() as c:
        docs = sorted(c.execute(select(S.doc_entities.c.doc_id).where(S.doc_entities.c.entity_id == eid)).scalars())
    new_id = split(kb, eid, docs[:1], "Nguyễn Chí Dũng (khác)")
    assert profile(kb, new_id)["documents"] == 1
    assert profile(kb, eid)["documents"] == len(docs) - 1
    with kb.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(S.entity_overrides).where(
            S.entity_overrides.c.made_by.in_(["rename", "split"]))).scalar() == 2


def test_an_acronym_defined_once_links_later_articles(db_url, pipeline, tmp_path):
    s = Store(db_url)
    a = tmp_path / "a.txt"
    a.write_text("date: 2025-01-02\n\nHiệp hội Doanh nghiệp vi mạch châu Á (ACMA) họp tại Hà Nội để bàn về đào "
                 "tạo kỹ sư thiết kế chip cho các doanh nghiệp thành viên.\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("date: 2025-02-03\n\nSáng 3/2, ACMA ký biên bản ghi nhớ với Đại học Bách khoa Hà Nội về đào tạo "
                 "nhân lực bán dẫn trong giai đoạn tới.\n", encoding="utf-8")
    ingest([str(a), str(b)], s, pipeline)
    found = find_entities(s, "ACMA", "ORG")
    assert len(found) == 1 and found[0]["documents"] == 2
    assert found[0]["name"] == "Hiệp hội Doanh nghiệp vi mạch châu Á"
    s.close()
