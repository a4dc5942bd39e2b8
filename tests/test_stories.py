"""Stories across articles, on SQLite and PostgreSQL: one row per real-world event or statement.

The reports are written for these tests: four outlets' accounts of one meeting (each worded its own way) and
an unrelated article.
"""
from __future__ import annotations

import itertools
import re
import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hoptac import stories as st
from hoptac.cli import app
from hoptac.ingest import ingest
from hoptac.store import Store
from hoptac.store import schema as S

REPORTS = {
    "a_baomot.txt": "date: 2025-03-20\nurl: https://baomot.example/tiep-hanbit\n\nChiều 19/3, tại Trụ sở Chính phủ, "
                    "Thủ tướng Trần Văn Hải tiếp ông Kim Min Ho, Chủ tịch Tập đoàn Hanbit. Thủ tướng đề nghị Tập đoàn "
                    "Hanbit xây dựng trung tâm nghiên cứu bán dẫn tại Việt Nam.\n",
    "b_baohai.txt": "date: 2025-03-20\nurl: https://baohai.example/thu-tuong-hanbit\n\nThủ tướng Trần Văn Hải đã tiếp "
                    "Chủ tịch Tập đoàn Hanbit Kim Min Ho chiều 19/3 tại Hà Nội. Tại buổi tiếp, Thủ tướng đề nghị Tập "
                    "đoàn Hanbit xây dựng trung tâm nghiên cứu bán dẫn tại Việt Nam và đào tạo kỹ sư.\n",
    "c_baoba.txt": "date: 2025-03-21\nurl: https://baoba.example/hanbit-viet-nam\n\nNgày 19/3, ông Kim Min Ho, Chủ tịch "
                   "Tập đoàn Hanbit, đã có buổi làm việc với Thủ tướng Trần Văn Hải tại Hà Nội. Ông Kim Min Ho cam kết "
                   "mở rộng đầu tư vào Việt Nam trong năm 2025.\n",
    "d_baobon.txt": "date: 2025-03-20\nurl: https://baobon.example/kim-min-ho\n\nChiều 19/3, Thủ tướng Trần Văn Hải "
                    "tiếp Chủ tịch Tập đoàn Hanbit Kim Min Ho. Chủ tịch Kim Min Ho cam kết mở rộng đầu tư vào Việt Nam "
                    "trong năm nay.\n",
    "e_khac.txt": "date: 2025-03-20\nurl: https://baonam.example/khac\n\nChiều 19/3, Bộ trưởng Lê Văn Tùng tiếp ông "
                  "Peter Lang, Phó Chủ tịch Công ty Sao Mai, tại Đà Nẵng.\n",
}


@pytest.fixture()
def reports(tmp_path):
    paths = {}
    for name, text in REPORTS.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        paths[name] = str(p)
    return paths


def partition(store) -> set[frozenset]:
    """The stories as sets of (article, kind, evidence): comparable across stores and orders."""
    out = set()
    for s in st.all_stories(store):
        out.add(frozenset((m["source"].rsplit("/", 1)[-1], s["kind"], m["evidence"]) for m in s["members"]))
    return out


def test_one_meeting_from_four_outlets_is_one_story(db_url, reports, pipeline):
    store = Store(db_url)
    ingest(list(reports.values()), store, pipeline)
    meetings = [s for s in st.all_stories(store, "event") if s["outlets"] >= 3]
    assert len(meetings) == 1, [(s["label"], s["date"], s["outlets"]) for s in st.all_stories(store, "event")]
    assert meetings[0]["date"] == "2025-03-19"
    assert "e_khac.txt" not in {m["source"].rsplit("/", 1)[-1] for m in meetings[0]["members"]}
    requests = [s for s in st.all_stories(store, "statement") if s["label"] == "request"]
    assert len(requests) == 1 and requests[0]["outlets"] == 2
    store.close()


def test_every_fact_is_in_exactly_one_story(db_url, reports, pipeline):
    store = Store(db_url)
    ingest(list(reports.values()), store, pipeline)
    with store.engine.connect() as c:
        for kind, table in (("event", S.events), ("statement", S.statements)):
            facts = c.execute(select(func.count()).select_from(table)).scalar()
            members = c.execute(select(func.count()).select_from(st.story_members)
                                .where(st.story_members.c.kind == kind)).scalar()
            assert facts == members > 0
    store.close()


def test_the_same_reports_in_any_order_give_the_same_stories(db_url, tmp_path, reports, pipeline):
    names = sorted(reports)
    seen = []
    for k, order in enumerate([names, names[::-1], [names[2], names[0], names[4], names[1], names[3]]]):
        url = f"sqlite:///{tmp_path / f'order{k}.db'}" if db_url.startswith("sqlite") else _fresh_pg()
        store = Store(url)
        ingest([reports[n] for n in order], store, pipeline)
        seen.append(partition(store))
        store.close()
    assert seen[0] == seen[1] == seen[2]


def test_reingest_changes_nothing_and_a_split_survives_an_update(db_url, reports, pipeline, tmp_path):
    store = Store(db_url)
    ingest(list(reports.values()), store, pipeline)
    before = partition(store)
    ingest(list(reports.values()), store, pipeline)
    assert partition(store) == before
    meeting = next(s for s in st.all_stories(store, "event") if s["outlets"] >= 3)
    out_member = next(m for m in meeting["members"] if m["source"].endswith("c_baoba.txt"))
    new = st.split(store, meeting["story"], out_member["fact_id"])
    assert st.show(store, new)["pinned"]
    # the split-off article is corrected and stored again: its event stays apart
    with open(reports["c_baoba.txt"], "a", encoding="utf-8") as f:
        f.write("Hai bên cũng trao đổi về đào tạo nhân lực.\n")
    ingest([reports["c_baoba.txt"]], store, pipeline)
    meeting_now = next(s for s in st.all_stories(store, "event") if s["outlets"] >= 2 and s["date"] == "2025-03-19"
                       and any(m["source"].endswith("a_baomot.txt") for m in s["members"]))
    assert not any(m["source"].endswith("c_baoba.txt") for m in meeting_now["members"])
    store.close()


def test_merge_by_cli_joins_two_stories(tmp_path, reports, pipeline):
    db = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(db)
    ingest(list(reports.values()), store, pipeline)
    ev = [s for s in st.all_stories(store, "event")]
    other = next(s for s in ev if any(m["source"].endswith("e_khac.txt") for m in s["members"]))
    meeting = next(s for s in ev if s["outlets"] >= 3)
    store.close()
    runner = CliRunner()
    res = runner.invoke(app, ["--db", db, "story", "merge", str(meeting["story"]), str(other["story"])])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", db, "stories", "--json", "--kind", "event"])
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    joined = next(r for r in rows if r["story"] == meeting["story"])
    assert any(m["source"].endswith("e_khac.txt") for m in joined["members"])
    assert all(set(m) >= {"source", "type", "date", "participants", "evidence"} for m in joined["members"])
    res = runner.invoke(app, ["--db", db, "story", "show", "999999"])
    assert res.exit_code == 1 and "no story 999999" in res.output


LATER = {
    # the same meeting, undated, in an outlet's next-day round-up: it joins the meeting's story
    "f_baosau.txt": "date: 2025-03-20\nurl: https://baosau.example/hanbit\n\nThủ tướng Trần Văn Hải tiếp ông Kim Min Ho, "
                    "Chủ tịch Tập đoàn Hanbit, tại Trụ sở Chính phủ.\n",
    # an undated report of a meeting of the same two, a month later: another meeting
    "g_baobay.txt": "date: 2025-04-25\nurl: https://baobay.example/hanbit-lan-hai\n\nThủ tướng Trần Văn Hải tiếp ông "
                    "Kim Min Ho, Chủ tịch Tập đoàn Hanbit, tại Trụ sở Chính phủ.\n",
    # an article that gives no date at all, saying nearly what a dated report says: the same meeting
    "j_khongngay.txt": "Thủ tướng Trần Văn Hải đã tiếp ông Kim Min Ho, Chủ tịch Tập đoàn Hanbit, tại Trụ sở Chính "
                       "phủ.\n",
    # two targets of one plan, worded alike, with different sums: two statements
    "h_muctieu.txt": "date: 2025-03-20\nurl: https://baotam.example/muc-tieu\n\nBộ Công nghệ đặt mục tiêu đến năm 2030 "
                     "doanh thu công nghiệp phần mềm đạt 30 tỷ USD.\n",
    "i_muctieu.txt": "date: 2025-03-21\nurl: https://baochin.example/muc-tieu\n\nBộ Công nghệ đặt mục tiêu đến năm 2050 "
                     "doanh thu công nghiệp phần mềm đạt 90 tỷ USD.\n",
}


def test_undated_reports_join_by_publication_and_figures_keep_targets_apart(db_url, reports, pipeline, tmp_path):
    for name, text in LATER.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = Store(db_url)
    ingest(list(reports.values()) + [str(tmp_path / n) for n in LATER], store, pipeline)
    by_source: dict[str, set[int]] = {}
    for s in st.all_stories(store, "event"):
        for m in s["members"]:
            by_source.setdefault(m["source"].rsplit("/", 1)[-1], set()).add(s["story"])
    assert by_source["f_baosau.txt"] & by_source["a_baomot.txt"], "a next-day undated report is the same meeting"
    assert by_source["j_khongngay.txt"] & by_source["a_baomot.txt"], "an undated article saying the same"
    assert not by_source["g_baobay.txt"] & by_source["a_baomot.txt"], "a report a month later is another meeting"
    targets = [s for s in st.all_stories(store, "statement")
               if {m["source"].rsplit("/", 1)[-1] for m in s["members"]} & {"h_muctieu.txt", "i_muctieu.txt"}]
    assert targets and all(s["members"].__len__() == 1 for s in targets), [s["members"] for s in targets]
    store.close()


@pytest.fixture
def story_web(db_url, reports, pipeline):
    import httpx

    from hoptac.api import create_app
    from server import serve
    store = Store(db_url)
    ingest(list(reports.values()), store, pipeline)
    store.close()
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client, db_url
    server.should_exit = True


def test_stories_pages_list_reports_and_take_corrections(story_web):
    web, db_url = story_web
    page = web.get("/stories", params={"kind": "event", "multi": "1"})
    assert page.status_code == 200
    sid = int(re.search(r'href="/story/(\d+)"', page.text).group(1))
    assert "4 nguồn" in page.text and "e_khac" not in page.text
    story = web.get(f"/story/{sid}")
    assert story.status_code == 200
    assert story.text.count('class="cite"') == 4  # every outlet's sentence, each linked to its article
    facts = re.findall(r'name="fact_id" value="(\d+)"', story.text)
    assert len(facts) == 4
    # a form posted from another site changes nothing
    bad = web.post(f"/story/{sid}/split", data={"fact_id": facts[-1]}, headers={"Origin": "http://evil.example"})
    assert bad.status_code == 403
    moved = web.post(f"/story/{sid}/split", data={"fact_id": facts[-1]}, follow_redirects=False)
    assert moved.status_code == 303
    new = int(moved.headers["location"].rsplit("/", 1)[1])
    assert "tách bởi người dùng" in web.get(f"/story/{new}").text
    assert web.get(f"/story/{sid}").text.count('class="cite"') == 3
    back = web.post(f"/story/{sid}/merge", data={"other": str(new)}, follow_redirects=False)
    assert back.status_code == 303 and web.get(f"/story/{sid}").text.count('class="cite"') == 4
    assert web.get("/story/999999").status_code == 404


def test_tracker_has_one_row_per_request_with_every_outlet(story_web):
    web, _ = story_web
    page = web.get("/tracker", params={"kind": "request"})
    assert page.status_code == 200
    assert page.text.count("<tr>") - 1 == 1, "two outlets' reports of one request are one row"
    assert "2 nguồn" in page.text and page.text.count('class="cite"') == 2
    api = web.get("/api/statements", params={"kind": "request"})
    if api.status_code == 200:
        assert api.json()["total"] == 1
    csv_rows = web.get("/tracker.csv", params={"kind": "request"}).text.strip().splitlines()
    assert csv_rows[0].lstrip("\ufeff").split(",")[1] == "story" and len(csv_rows) == 3  # CSV: every report


def test_timeline_entity_page_and_home_count_a_happening_once(story_web):
    web, db_url = story_web
    store = Store(db_url)
    from hoptac.kb import find_entities, profile, timeline
    hanbit = find_entities(store, "Kim Min Ho")[0]["id"]
    once = timeline(store, hanbit)
    meeting = [e for e in once if e["date"] == "2025-03-19"]
    assert len(meeting) == 1 and meeting[0]["outlets"] == 4
    assert len([e for e in timeline(store, hanbit, by_story=False) if e["date"] == "2025-03-19"]) == 4
    events = profile(store, hanbit, limit=50)["events"]
    assert [e["outlets"] for e in events if e["date"] == "2025-03-19"] == [4]
    from hoptac.overview import home
    stats = home(store)["stats"]
    assert stats["events"] == st.count(store)["event"] < stats["reports_events"]
    store.close()
    for url in ("/timeline?entity=Kim+Min+Ho", f"/entity/{hanbit}"):
        page = web.get(url)
        assert page.status_code == 200 and page.text.count("4 nguồn") == 1, url


def test_export_carries_stories(db_url, reports, pipeline, tmp_path):
    import csv

    from hoptac.export import export
    store = Store(db_url)
    ingest(list(reports.values()), store, pipeline)
    export(store, tmp_path / "out", ("csv",))
    rows = list(csv.DictReader(open(tmp_path / "out" / "stories.csv", encoding="utf-8-sig")))
    meeting = [r for r in rows if r["kind"] == "event" and r["outlets"] == "4"]
    assert len(meeting) == 1
    members = list(csv.DictReader(open(tmp_path / "out" / "story_members.csv", encoding="utf-8-sig")))
    assert sum(1 for m in members if m["story_id"] == meeting[0]["id"]) == 4
    events = list(csv.DictReader(open(tmp_path / "out" / "events.csv", encoding="utf-8-sig")))
    assert {m["fact_id"] for m in members if m["kind"] == "event"} == {e["id"] for e in events}
    store.close()


def test_the_same_officials_with_another_company_the_next_day_is_another_meeting(db_url, pipeline, tmp_path):
    days = {"x1.txt": ("2024-05-06", "6/5/2024", "Tập đoàn Sao Bắc"), "x2.txt": ("2024-05-07", "7/5/2024", "Công ty Ánh Dương")}
    for name, (pub, day, org) in days.items():
        (tmp_path / name).write_text(f"date: {pub}\nurl: https://tin.example.vn/{name}\n\nSáng {day}, tại Hà Nội, Bộ "
                                     f"trưởng Lê Văn Tùng đã tiếp ông Peter Lang, Tổng Giám đốc {org}.\n",
                                     encoding="utf-8")
    store = Store(db_url)
    ingest([str(tmp_path / n) for n in days], store, pipeline)
    meetings = [s for s in st.all_stories(store, "event") if s["label"] == "meeting"]
    assert len(meetings) == 2 and all(s["outlets"] == 1 for s in meetings), [s["members"] for s in meetings]
    store.close()


def _outlets(tmp_path, texts: dict[str, str], published: str | None) -> list[str]:
    """Each text as another outlet's article file (its own host; dated when published is given)."""
    paths = []
    for k, (name, body) in enumerate(texts.items()):
        head = f"date: {published}\nurl: https://bao{k}.example/{name}\n\n" if published else ""
        (tmp_path / name).write_text(head + body + "\n", encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths


def test_one_outlets_visit_is_anothers_meeting_on_that_day(db_url, pipeline, tmp_path):
    texts = {"v1.txt": "Sáng 3/6/2025, Tổng thống Lucas Moreau đã đến thăm Trường Đại học Bình Minh cùng Phó Chủ tịch "
                       "nước Trần Thị Hoa.",
             "v2.txt": "Sáng 3/6/2025, Tổng thống Lucas Moreau và Phó Chủ tịch nước Trần Thị Hoa đã có buổi làm việc "
                       "với lãnh đạo Trường Đại học Bình Minh."}
    paths = _outlets(tmp_path, texts, "2025-06-03")
    store = Store(db_url)
    for order in (paths, paths[::-1]):  # whichever outlet is stored first
        store = Store(db_url)
        ingest(order, store, pipeline)
        labels = {m["type"] for s in st.all_stories(store, "event") for m in s["members"]}
        assert labels == {"visit", "meeting"}
        together = [s for s in st.all_stories(store, "event") if len(s["members"]) == 2]
        assert len(together) == 1 and together[0]["outlets"] == 2
        store.close()
        db_url = db_url.replace("kb.db", "kb2.db") if db_url.startswith("sqlite") else _fresh_pg()
    store.close()


def _fresh_pg() -> str:
    from conftest import _pg_database
    return _pg_database()


def test_two_ingests_at_once_give_one_story_per_event(db_url, reports):
    import subprocess
    import sys
    names = sorted(reports)
    halves = [[reports[n] for n in names[0::2]], [reports[n] for n in names[1::2]]]
    Store(db_url).close()  # the schema first, so the two writers only race on articles
    procs = [subprocess.Popen([sys.executable, "-m", "hoptac.cli", "--db", db_url, "ingest", "-q", *half],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for half in halves]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    store = Store(db_url)
    meetings = [s for s in st.all_stories(store, "event") if s["date"] == "2025-03-19" and s["outlets"] >= 3]
    assert len(meetings) == 1 and meetings[0]["outlets"] == 4
    store.close()


def test_a_licence_ceremony_is_one_story_whether_called_conference_or_investment(db_url, pipeline, tmp_path):
    """One outlet names the subsidiary in full, the other the parent; one calls it a conference, the other an
    investment: the same day and the same two parties make one happening."""
    texts = {"l1.txt": "Sáng 4/7/2025, UBND tỉnh Bắc Ninh tổ chức hội nghị trao Giấy chứng nhận đăng ký đầu tư cho Công ty "
                       "TNHH Orion Optics Việt Nam Bắc Ninh.",
             "l2.txt": "Ngày 4/7/2025, Uỷ ban nhân dân tỉnh Bắc Ninh trao Giấy chứng nhận đăng ký đầu tư điều chỉnh, "
                       "theo đó Orion Optics đầu tư thêm 500 triệu USD."}
    store = Store(db_url)
    ingest(_outlets(tmp_path, texts, "2025-07-04"), store, pipeline)
    together = [s for s in st.all_stories(store, "event") if s["outlets"] == 2]
    assert len(together) == 1, [(s["label"], [m["source"] for m in s["members"]]) for s in st.all_stories(store, "event")]
    store.close()


def test_shared_parties_count_longer_and_shorter_forms():
    assert st._shared({"orion optics"}, {"cong ty tnhh orion optics viet nam bac ninh"}) == 1
    assert st._shared({"truong dai hoc binh minh"}, {"dai hoc binh minh"}) == 1
    assert st._shared({"orion"}, {"orionx"}) == 0  # a whole word, not a prefix
    assert st._shared({"ban kiem soat"}, {"ban kiem soat cong ty"}) == 0  # generic: every company has one
    assert st._shared({"orion"}, {"orion optics"}) == 0  # another company of the group
    assert st._shared({"vien nghien cuu vat lieu"}, {"vien nghien cuu vat lieu tong hop"}) == 1  # cut short
    assert st._shared({"cong ty co phan"}, {"cong ty co phan sao mai"}) == 0  # a head, no name


def test_a_guessed_year_does_not_keep_one_visit_apart(db_url, pipeline, tmp_path):
    """Two undated outlets: one mentions only an old agreement's year, so its "ngày 14/5" gets that year; the
    same day and month with the same two people is the same visit, and the story keeps the likelier year."""
    texts = {"g1.txt": "Ngày 14/5, Tổng thống Lucas Moreau và Phó Chủ tịch nước Trần Thị Hoa đã đến thăm Trường Đại "
                       "học Bình Minh, nơi được thành lập theo hiệp định ký năm 2011.",
             "g2.txt": "Ngày 14/5, Tổng thống Lucas Moreau cùng Phó Chủ tịch nước Trần Thị Hoa đã đến thăm và làm "
                       "việc tại Trường Đại học Bình Minh. Năm 2023, trường đón 900 sinh viên."}
    store = Store(db_url)
    ingest(_outlets(tmp_path, texts, None), store, pipeline)
    visits = [s for s in st.all_stories(store, "event") if s["label"] == "visit"]
    assert len(visits) == 1 and visits[0]["outlets"] == 2 and visits[0]["date"] == "2023-05-14", visits
    store.close()


def test_a_memorandum_item_and_a_partys_plan_in_the_same_words_are_one_story(db_url, pipeline, tmp_path):
    texts = {"m1.txt": "Công ty Sao Mai và Tập đoàn Orion đã ký kết biên bản ghi nhớ về trung tâm dữ liệu. Theo đó, "
                       "Tập đoàn Orion sẽ chuyển giao công nghệ làm mát bằng chất lỏng cho trung tâm dữ liệu Sao Mai; "
                       "đào tạo 200 kỹ sư vận hành.",
             "m2.txt": "Tập đoàn Orion cũng sẽ chuyển giao công nghệ làm mát bằng chất lỏng cho trung tâm dữ liệu Sao "
                       "Mai. Thị trường trung tâm dữ liệu tăng nhanh."}
    store = Store(db_url)
    ingest(_outlets(tmp_path, texts, "2025-08-12"), store, pipeline)
    both = [s for s in st.all_stories(store, "statement") if s["outlets"] == 2]
    assert len(both) == 1 and {m["kind"] for m in both[0]["members"]} == {"agreement", "intent"}, \
        [(s["label"], [(m["kind"], m["content"]) for m in s["members"]]) for s in st.all_stories(store, "statement")]
    alone = [s for s in st.all_stories(store, "statement") if "200 kỹ sư" in s["members"][0]["content"]]
    assert alone and len(alone[0]["members"]) == 1
    store.close()


def test_a_seminar_reported_without_any_date_joins_its_dated_reports(db_url, pipeline, tmp_path):
    """One outlet gives the day without a year ("XXXX-05-14"), one gives the full date, one gives no date but the
    same three organizers (one cut short); no outlet gives a publication date."""
    texts = {"h1.txt": "Ngày 14/5, Hội thảo Bán dẫn Á - Âu đã khai mạc tại Trường Đại học Bình Minh. Hội thảo được tổ "
                       "chức dưới sự phối hợp của Viện Nghiên cứu Vật liệu Bán dẫn, Công ty Sao Mai và Tập đoàn Orion.",
             "h2.txt": "Ngày 14/5/2024, Hội thảo Bán dẫn Á - Âu do Viện Nghiên cứu Vật liệu Bán dẫn, Công ty Sao Mai "
                       "và Tập đoàn Orion tổ chức đã khai mạc tại Trường Đại học Bình Minh.",
             "h3.txt": "Sự kiện được tổ chức dưới sự phối hợp của Viện Nghiên cứu Vật liệu Bán dẫn Quốc gia, Công ty "
                       "Sao Mai và Tập đoàn Orion, với 150 đại biểu."}
    for order in itertools.permutations(_outlets(tmp_path, texts, None)):
        store = Store(db_url)
        ingest(list(order), store, pipeline)
        seminars = [s for s in st.all_stories(store, "event") if s["label"] == "conference"]
        assert [s["outlets"] for s in seminars] == [3], seminars
        assert seminars[0]["date"] == "2024-05-14"
        store.close()
        db_url = db_url.replace("kb", "kb" + str(len(order))) if db_url.startswith("sqlite") else _fresh_pg()


def test_a_day_of_unknown_year_never_joins_another_day():
    assert st._dates_agree("XXXX-05-14", "2024-05-14") and st._dates_agree("XXXX-05-14", "XXXX-05-14")
    assert not st._dates_agree("XXXX-05-14", "2024-05-15") and not st._dates_agree("XXXX-05-14", "2024-05")


def test_a_chairmans_pledge_and_his_companys_are_one_story_anothers_is_not(db_url, pipeline, tmp_path):
    texts = {"p1.txt": "Sáng 3/6/2025, tại Hà Nội, ông Lucas Moreau, Chủ tịch Tập đoàn Orion, cam kết đào tạo 1.000 kỹ "
                       "sư bán dẫn cho Việt Nam trong 5 năm tới.",
             "p2.txt": "Tập đoàn Orion cam kết sẽ đào tạo 1.000 kỹ sư bán dẫn cho Việt Nam trong 5 năm tới, theo thông "
                       "tin tại buổi làm việc sáng 3/6.",
             "p3.txt": "Tập đoàn Sao Mai cam kết sẽ đào tạo 1.000 kỹ sư bán dẫn cho Việt Nam trong 5 năm tới, theo "
                       "thông tin tại buổi làm việc sáng 3/6."}
    paths = _outlets(tmp_path, texts, "2025-06-03")
    for order in (paths, paths[::-1]):
        store = Store(db_url)
        ingest(order, store, pipeline)
        got = sorted(sorted(m["speaker"] for m in s["members"]) for s in st.all_stories(store, "statement"))
        assert got == [["Lucas Moreau", "Tập đoàn Orion"], ["Tập đoàn Sao Mai"]], got
        store.close()
        db_url = db_url.replace("kb.db", "kb2.db") if db_url.startswith("sqlite") else _fresh_pg()
