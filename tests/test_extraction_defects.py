"""Defects a new user and an attacker found in extraction (issue 14), each pinned by a sentence written here."""
from __future__ import annotations

from hoptac.inputs.raw import RawDoc


def analyse(pipeline, text: str, published: str | None = "2025-03-20"):
    return pipeline(RawDoc("t.txt", text, "text", meta={"date": published} if published else {}))


def test_a_title_of_the_next_name_is_not_given_to_the_name_before(pipeline):
    a = analyse(pipeline, "Dưới sự chứng kiến của Thủ tướng và ông Kim Min Ho, Bộ trưởng Lê Văn Tùng đã ký "
                          "thỏa thuận hợp tác.")
    titles = {(a.entity_name(r.person), r.title) for r in a.roles}
    assert ("Lê Văn Tùng", "Bộ trưởng") in titles
    assert not any(p == "Kim Min Ho" for p, _ in titles)


def test_target_years_never_date_a_meeting(pipeline):
    a = analyse(pipeline, "Tại buổi làm việc ở Hà Nội, Thủ tướng Trần Văn Hải và ông Kim Min Ho thống nhất mục "
                          "tiêu đưa kim ngạch lên 50 tỷ USD trong năm 2026 và đến năm 2030 tăng gấp đôi.")
    assert all(e.date not in ("2026", "2030") for e in a.events), [(e.type, e.date) for e in a.events]


def test_junk_names_are_no_entities(pipeline):
    a = analyse(pipeline, "Tập đoàn Hanbit sẽ mở trung tâm R&D tại Đà Nẵng. Tôi tin điều đó. Ở Việt Nam, CLB Hà "
                          "Nội đã thắng. Tổng cộng có 5 dự án.")
    names = {e.name for e in a.entities}
    assert not names & {"R", "D", "Tôi", "Ở", "Tổng", "CLB"}
    assert ("CLB Hà Nội", "ORG") in {(e.name, e.type) for e in a.entities}


def test_absurd_dates_are_not_facts(pipeline):
    a = analyse(pipeline, "Ngày 31/12/9999, Công ty Sao Mai ký hợp đồng với Tập đoàn Hanbit. Năm 1066 có một "
                          "trận đánh lớn.")
    assert all(d.value is None or "1900" <= d.value <= "2055" for d in a.dates)
    assert all(e.date is None for e in a.events)


def test_partners_are_organizations_dealing_with_a_counterpart(tmp_path, pipeline):
    from hoptac.ingest import ingest
    from hoptac.overview import active_partners
    from hoptac.store import Store
    f = tmp_path / "a.txt"
    f.write_text("date: 2025-03-20\n\nBộ trưởng Lê Văn Tùng đề nghị Tập đoàn Hanbit mở rộng đầu tư tại Việt Nam. "
                 "CLB Sông Lam Nghệ An thắng 2-0 trên sân nhà. CLB Sông Lam Nghệ An sẽ gặp đội bóng Hà Tĩnh.\n",
                 encoding="utf-8")
    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    ingest([str(f)], s, pipeline)
    names = [p["name"] for p in active_partners(s)]
    s.close()
    assert "Tập đoàn Hanbit" in names
    assert not any(n.startswith("CLB") for n in names)
