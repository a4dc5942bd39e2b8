"""What became of each pledge, on SQLite and PostgreSQL: links found at ingest in either order, never to an earlier
article, and users' corrections kept when the articles are stored again.

The articles are written for these tests: an invented company's promise and target, a later opening, a later
progress figure, and an opening reported before the promise.
"""
from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from hoptac import lifecycle as lc
from hoptac import lifecycle_view as view
from hoptac.cli import app
from hoptac.ingest import ingest
from hoptac.store import Store

PROMISE = ("date: 2023-03-10\nurl: https://baomot.example/hanbit-cam-ket\n\nChiều 9/3, tại Hà Nội, Bộ trưởng Lê Văn "
           "Tùng tiếp ông Kim Min Ho, Chủ tịch Tập đoàn Hanbit. Ông Kim Min Ho cam kết Tập đoàn Hanbit sẽ xây dựng nhà "
           "máy sản xuất pin lithium tại tỉnh Bắc Ninh trong năm 2024. Tập đoàn Hanbit đặt mục tiêu đào tạo 2.000 kỹ "
           "sư vật liệu tại Việt Nam đến năm 2026.\n")
OPENING = ("date: {date}\nurl: https://baohai.example/hanbit-khanh-thanh\n\nNgày 18/9, Tập đoàn Hanbit đã khánh thành "
           "nhà máy sản xuất pin lithium tại tỉnh Bắc Ninh với tổng vốn 300 triệu USD. Ông Kim Min Ho cho biết nhà máy "
           "sẽ tạo việc làm cho địa phương.\n")
PROGRESS = ("date: 2025-01-15\nurl: https://baoba.example/hanbit-ky-su\n\nTheo Tập đoàn Hanbit, đến nay đã đào tạo 800 "
            "kỹ sư vật liệu tại Việt Nam, trong đó nhiều người làm việc tại nhà máy ở Bắc Ninh. Tập đoàn Hanbit cũng "
            "tài trợ học bổng cho sinh viên.\n")


def write(tmp_path, files: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, text in files.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        out[name] = str(p)
    return out


def chains(store) -> set[tuple[str, str, str, str]]:
    """(pledge content, later article, its status, current status): comparable across stores and orders."""
    return {(ch["pledge"]["content"], u["source"].rsplit("/", 1)[-1], u["status"], ch["status"])
            for ch in view.chains(store) for u in ch["updates"]}


EXPECTED = {
    ("Tập đoàn Hanbit sẽ xây dựng nhà máy sản xuất pin lithium tại tỉnh Bắc Ninh trong năm 2024", "b_opening.txt",
     "implemented", "implemented"),
    ("đào tạo 2.000 kỹ sư vật liệu tại Việt Nam đến năm 2026", "c_progress.txt", "in_progress", "in_progress"),
}


def test_later_reports_link_with_their_status(db_url, tmp_path, pipeline):
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20"),
                             "c_progress.txt": PROGRESS})
    store = Store(db_url)
    ingest([paths["a_promise.txt"], paths["b_opening.txt"], paths["c_progress.txt"]], store, pipeline)
    assert chains(store) == EXPECTED
    store.close()


def test_the_later_article_first_gives_the_same_links(db_url, tmp_path, pipeline):
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20"),
                             "c_progress.txt": PROGRESS})
    store = Store(db_url)
    for name in ("c_progress.txt", "b_opening.txt", "a_promise.txt"):  # one at a time: the pledge arrives last
        ingest([paths[name]], store, pipeline)
    assert chains(store) == EXPECTED
    assert lc.rebuild(store) == 2  # the whole store linked again gives the same
    assert chains(store) == EXPECTED
    store.close()


def test_no_link_to_an_article_published_before_the_pledge(sqlite_url, tmp_path, pipeline):
    (tmp_path / "early").mkdir()
    early = write(tmp_path / "early", {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2023-01-05")})
    store = Store(sqlite_url)
    ingest(list(early.values()), store, pipeline)
    assert chains(store) == set()
    with store.engine.connect() as c:
        assert c.execute(select(lc.links.c.id)).first() is None
    store.close()
    # the same report dated after the promise is linked: the date alone kept them apart
    (tmp_path / "late").mkdir()
    late = write(tmp_path / "late", {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20")})
    store = Store(f"sqlite:///{tmp_path / 'late.db'}")
    ingest(list(late.values()), store, pipeline)
    assert {x[1] for x in chains(store)} == {"b_opening.txt"}
    store.close()


def test_corrections_survive_reingest(db_url, tmp_path, pipeline):
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20"),
                             "c_progress.txt": PROGRESS})
    store = Store(db_url)
    ingest(list(paths.values()), store, pipeline)
    by_target = {u["source"].rsplit("/", 1)[-1]: (ch, u) for ch in view.chains(store) for u in ch["updates"]}
    plant, opened = by_target["b_opening.txt"]
    target, progress = by_target["c_progress.txt"]
    lc.reject(store, opened["link"])  # the opening is said not to report on the promise
    lc.confirm(store, progress["link"], "implemented")  # the progress report is right, and the user judges it done
    lc.add(store, plant["pledge"]["id"], progress["doc_id"], 1, "in_progress")  # the rules missed this one
    want = {(plant["pledge"]["content"], "c_progress.txt", "in_progress"),
            (target["pledge"]["content"], "c_progress.txt", "implemented")}
    assert {(a, b, c) for a, b, c, _ in chains(store)} == want
    # every article stored again in a new version (other bytes, same source): the corrections hold
    for name, p in paths.items():
        with open(p, "a", encoding="utf-8") as f:
            f.write("Bài viết được cập nhật.\n")
    rep = ingest(list(paths.values()), store, pipeline)
    assert rep.updated == 3
    assert {(a, b, c) for a, b, c, _ in chains(store)} == want
    origins = {u["origin"] for ch in view.chains(store) for u in ch["updates"]}
    assert origins == {"added", "confirmed"}
    store.close()


def test_cli_lifecycle_json_and_link_commands(sqlite_url, tmp_path, pipeline):
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20")})
    runner = CliRunner()
    res = runner.invoke(app, ["--db", sqlite_url, "ingest", *paths.values()])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", sqlite_url, "lifecycle", "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
    assert len(lines) == 1
    obj = lines[0]
    assert set(obj) == {"pledge", "status", "updates"} and obj["status"] == "implemented"
    assert set(obj["pledge"]) == {"source", "kind", "speaker", "addressee", "content", "date", "evidence"}
    assert obj["updates"][0]["source"].endswith("b_opening.txt") and obj["updates"][0]["date"] == "2024-09-20"
    store = Store(sqlite_url)
    link_id = next(u["link"] for ch in view.chains(store) for u in ch["updates"])
    store.close()
    res = runner.invoke(app, ["--db", sqlite_url, "link", "reject", str(link_id)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", sqlite_url, "lifecycle", "--json"])
    assert res.stdout.strip() == ""
    res = runner.invoke(app, ["--db", sqlite_url, "link", "confirm", "9999"])
    assert res.exit_code == 1 and "no link 9999" in res.output


def test_tracker_status_column_filter_and_sort(db_url, tmp_path, pipeline):
    from hoptac import tracker
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20")})
    store = Store(db_url)
    ingest(list(paths.values()), store, pipeline)
    _, done = tracker.rows(store, tracker.TrackerFilters(status="implemented"))
    assert [(r["content"], r["status"], r["updated"]) for r in done] == [
        ("Tập đoàn Hanbit sẽ xây dựng nhà máy sản xuất pin lithium tại tỉnh Bắc Ninh trong năm 2024", "implemented",
         "2024-09-20")]
    _, still = tracker.rows(store, tracker.TrackerFilters(status="open"))
    assert "đào tạo 2.000 kỹ sư vật liệu tại Việt Nam đến năm 2026" in {r["content"] for r in still}
    assert {r["status"] for r in still} == {"open"} and done[0]["content"] not in {r["content"] for r in still}
    _, by_update = tracker.rows(store, tracker.TrackerFilters(), sort="updated", desc=True)
    assert by_update[0]["status"] == "implemented" and by_update[-1]["updated"] is None
    csv_text = "".join(tracker.to_csv(tracker.iter_rows(store, tracker.TrackerFilters(status="in_progress"))))
    assert csv_text.splitlines()[0].endswith("status,updated") and len(csv_text.splitlines()) == 1
    store.close()


def test_tracker_page_shows_and_filters_status(sqlite_url, tmp_path, pipeline):
    import httpx

    from hoptac.api import create_app
    from server import serve
    paths = write(tmp_path, {"a_promise.txt": PROMISE, "b_opening.txt": OPENING.format(date="2024-09-20")})
    store = Store(sqlite_url)
    ingest(list(paths.values()), store, pipeline)
    store.close()
    base, server = serve(create_app(sqlite_url))
    try:
        with httpx.Client(base_url=base, timeout=60) as web:
            r = web.get("/tracker", params={"status": "implemented"})
            assert r.status_code == 200 and "pin lithium" in r.text and "đã thực hiện" in r.text
            assert "kỹ sư vật liệu" not in r.text and "2024-09-20" in r.text
            r = web.get("/tracker", params={"status": "open", "lang": "en"})
            assert "kỹ sư vật liệu" in r.text and "pin lithium tại tỉnh Bắc Ninh trong năm 2024" not in r.text
    finally:
        server.should_exit = True


def test_an_activity_within_a_named_plan_reports_the_plan_under_way(db_url, tmp_path, pipeline):
    """A later seminar "trong khuôn khổ" the plan an earlier article announced is that plan under way; "trong
    khuôn khổ chuyến thăm" (during a visit) says nothing of any plan."""
    from hoptac import lifecycle_match as M

    assert M.status_of("Hội thảo nằm trong khuôn khổ Chương trình phát triển nhân lực vi mạch quốc gia.") == \
        "in_progress"
    assert M.status_of("Trong khuôn khổ chuyến thăm, hai bên trao đổi về vi mạch.") is None
    files = write(tmp_path, {
        "a_plan.txt": "date: 2024-03-10\nurl: https://baomot.example/chuong-trinh\n\nNgày 9/3/2024, Bộ trưởng Lê Văn "
                      "Tùng ký quyết định ban hành Chương trình phát triển nhân lực vi mạch quốc gia đến năm 2030. Theo "
                      "đó, Bộ Khoa học và Công nghệ sẽ đào tạo 5.000 kỹ sư thiết kế vi mạch.\n",
        "b_seminar.txt": "date: 2024-06-20\nurl: https://baohai.example/hoi-thao\n\nNgày 19/6, hội thảo về thiết kế "
                         "chip được tổ chức tại Đà Nẵng. Sự kiện nằm trong khuôn khổ Chương trình phát triển nhân lực "
                         "vi mạch quốc gia do Bộ Khoa học và Công nghệ chủ trì.\n"})
    store = Store(db_url)
    ingest([files["a_plan.txt"], files["b_seminar.txt"]], store, pipeline)
    got = {(u["source"].rsplit("/", 1)[-1], u["status"]) for ch in view.chains(store) for u in ch["updates"]}
    assert got == {("b_seminar.txt", "in_progress")}, got
    store.close()


PLAN = ("date: 2024-03-12\nurl: https://baomot.example/de-an\n\nNgày 10/3/2024, Thủ tướng Lê Văn Tùng ký quyết định phê "
        "duyệt Đề án phát triển nhân lực thiết kế vi mạch quốc gia. Theo đó, Bộ Khoa học và Công nghệ sẽ đào tạo 5.000 "
        "kỹ sư thiết kế vi mạch đến năm 2030.\n")


def test_a_later_sentence_citing_the_plan_by_name_and_date_reports_on_it(db_url, tmp_path, pipeline):
    """No status word, but the plan's name, the day it was approved and its party: in an article reporting a
    happening the plan is under way; without the date, nothing ties the sentence to it."""
    files = write(tmp_path, {
        "a_plan.txt": PLAN,
        "b_course.txt": "date: 2024-06-20\nurl: https://baohai.example/khoa-hoc\n\nNgày 19/6, Trường Đại học Bình Minh "
                        "mở lớp học thiết kế chip cho 40 sinh viên. Lớp học là một hoạt động của Đề án phát "
                        "triển nhân lực thiết kế vi mạch quốc gia do Bộ Khoa học và Công nghệ chủ trì, được phê duyệt "
                        "ngày 10/3/2024.\n",
        "c_talk.txt": "date: 2024-07-02\nurl: https://baoba.example/toa-dam\n\nCác chuyên gia nhắc tới Đề án phát triển "
                      "nhân lực thiết kế vi mạch quốc gia của Bộ Khoa học và Công nghệ khi bàn về thị trường lao động.\n"})
    store = Store(db_url)
    ingest([files["b_course.txt"], files["c_talk.txt"], files["a_plan.txt"]], store, pipeline)  # later ones first
    got = {(u["source"].rsplit("/", 1)[-1], u["status"]) for ch in view.chains(store) for u in ch["updates"]}
    assert ("c_talk.txt", "in_progress") not in got and not any(s == "c_talk.txt" for s, _ in got)
    assert ("b_course.txt", "in_progress") in got, got
    store.close()


def test_status_words_of_production_progress_repetition_and_withdrawal():
    from hoptac import lifecycle_match as M

    assert M.status_of("Nhà máy của Tập đoàn Hanbit chính thức đi vào vận hành từ tháng 5.") == "implemented"
    assert M.status_of("Lô pin đầu tiên đã xuất xưởng tại Bắc Ninh.") == "implemented"
    assert M.status_of("Dự án đang thi công phần móng.") == "in_progress"
    assert M.status_of("Tập đoàn Hanbit tiếp tục khẳng định cam kết với Việt Nam.") == "reaffirmed"
    assert M.status_of("Tập đoàn Hanbit quyết định rút vốn khỏi dự án.") == "dropped"
    assert M.status_of("Hai bên cam kết chấm dứt tình trạng ùn tắc.") is None  # to end a problem: no pledge dropped
