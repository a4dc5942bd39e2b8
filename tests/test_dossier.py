"""The partner dossier on SQLite and PostgreSQL: what was asked of a partner and what it promised, each with its
status and the trail of later reports; the CLI's Markdown, HTML and PDF; the web page, its downloads and the forms
that correct a link (kept when the articles are stored again); and the page in real Chromium.

The articles are written for these tests: an invented chip company (Tập đoàn Orbis) met by an invented minister,
asked to open a design centre and promising to train engineers; a later opening and a later progress report; and
a request to another invented company that must not appear in Orbis's dossier.
"""
from __future__ import annotations

import io
import re

import httpx
import pytest
from typer.testing import CliRunner

from hoptac.cli import app
from hoptac.dossier import dossier_data, parse_place
from hoptac.ingest import ingest
from hoptac.kb import resolve
from hoptac.store import Store

MEETING = ("title: Bộ trưởng tiếp Phó Chủ tịch Tập đoàn Orbis\nurl: https://baomot.example/orbis-gap\n"
           "date: 2024-03-12\n\nChiều 11/3, tại Hà Nội, Bộ trưởng Trần Minh Khoa tiếp ông Park Ji Sung, Phó Chủ tịch "
           "Tập đoàn Orbis. Bộ trưởng Trần Minh Khoa đề nghị Tập đoàn Orbis mở trung tâm nghiên cứu thiết kế chip tại "
           "Hà Nội trong năm 2024. Ông Park Ji Sung cam kết Tập đoàn Orbis sẽ đào tạo 1.000 kỹ sư thiết kế chip tại "
           "Việt Nam đến năm 2027.\n")
OPENING = ("title: Orbis khai trương trung tâm thiết kế chip\nurl: https://baohai.example/orbis-khai-truong\n"
           "date: 2024-10-20\n\nNgày 18/10, Tập đoàn Orbis đã khai trương trung tâm nghiên cứu thiết kế chip tại "
           "Hà Nội với 200 kỹ sư. Ông Park Ji Sung cho biết trung tâm sẽ hợp tác với các trường đại học.\n")
PROGRESS = ("title: Orbis đào tạo kỹ sư chip <script>alert(1)</script>\nurl: https://baoba.example/orbis-ky-su\n"
            "date: 2025-02-10\n\n"
            "Theo Tập đoàn Orbis, đến nay đã đào tạo 400 kỹ sư thiết kế chip tại Việt Nam, trong đó nhiều người làm "
            "việc tại trung tâm ở Hà Nội. Tập đoàn Orbis cũng tài trợ học bổng cho sinh viên.\n")
OTHER = ("title: Bộ trưởng làm việc với Lumen\nurl: https://baobon.example/lumen\ndate: 2024-05-02\n\n"
         "Bộ trưởng Trần Minh Khoa đề nghị Tập đoàn Lumen xây dựng nhà máy đóng gói chip tại Bắc Ninh.\n")

REQUEST = "mở trung tâm nghiên cứu thiết kế chip tại Hà Nội trong năm 2024"
PLEDGE = "Tập đoàn Orbis sẽ đào tạo 1.000 kỹ sư thiết kế chip tại Việt Nam đến năm 2027"


def write(folder, files: dict[str, str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / n) for n in files]


def articles(tmp_path) -> list[str]:
    return write(tmp_path / "orbis", {"a_meeting.txt": MEETING, "b_opening.txt": OPENING,
                                      "c_progress.txt": PROGRESS, "d_other.txt": OTHER})


def by_content(items: list[dict]) -> dict[str, dict]:
    return {i["content"]: i for i in items}


def trail(item: dict) -> list[tuple[str, str, str]]:
    return [(u["date"], u["status"], u["outlet"]) for u in item["updates"]]


def test_dossier_lists_the_request_with_status_and_trail(db_url, tmp_path, pipeline):
    store = Store(db_url)
    ingest(articles(tmp_path), store, pipeline)
    d = dossier_data(store, resolve(store, "Tập đoàn Orbis")["id"])
    asked = by_content(d["asked"])
    assert set(asked) == {REQUEST}  # the request to Lumen is not Orbis's
    req = asked[REQUEST]
    assert (req["speaker"], req["status"]) == ("Trần Minh Khoa", "implemented")
    assert trail(req) == [("2024-10-20", "implemented", "baohai.example")]
    promised = by_content(d["promised"])
    pledge = promised[PLEDGE]
    assert pledge["via"]["person"] == "Park Ji Sung" and pledge["via"]["title"] == "Phó Chủ tịch"  # through whom
    assert pledge["status"] == "in_progress"
    assert trail(pledge) == [("2024-10-20", "in_progress", "baohai.example"),
                             ("2025-02-10", "in_progress", "baoba.example")]
    # the status is read where the latest update says it
    assert pledge["status_at"] == {"doc_id": pledge["updates"][-1]["doc_id"],
                                   "sentence": pledge["updates"][-1]["sentence"]}
    (meeting,) = d["meetings"]
    assert meeting["date"] == "2024-03-11" and meeting["type"] == "meeting"
    assert {(p["name"], p["title"]) for p in meeting["participants"]} >= {("Trần Minh Khoa", "Bộ trưởng"),
                                                                          ("Park Ji Sung", "Phó Chủ tịch")}
    assert "Hà Nội" not in {p["name"] for p in meeting["participants"]}  # a place attends nothing
    assert [(p["name"], p["title"]) for p in d["people"]["partner"]] == [("Park Ji Sung", "Phó Chủ tịch")]
    assert [(p["name"], p["title"]) for p in d["people"]["counterparts"]] == [("Trần Minh Khoa", "Bộ trưởng")]
    target = next(f for f in d["figures"] if f["value"] == 1000)
    assert target["deadline"] == "2027"
    # every fact is cited to a sentence of an article known by title, outlet and date, never by its file
    assert {s["outlet"] for s in d["sources"]} >= {"baomot.example", "baohai.example", "baoba.example"}
    assert all(s["title"] and s["published"] and s["text"] for s in d["sources"])
    assert str(tmp_path) not in repr(d["sources"])
    store.close()


def test_cli_writes_markdown_html_and_pdf(sqlite_url, tmp_path, pipeline):
    from pypdf import PdfReader

    store = Store(sqlite_url)
    ingest(articles(tmp_path), store, pipeline)
    d = dossier_data(store, resolve(store, "Tập đoàn Orbis")["id"])
    store.close()
    opening = by_content(d["asked"])[REQUEST]["updates"][0]
    runner = CliRunner()
    md, html, pdf = tmp_path / "o.md", tmp_path / "o.html", tmp_path / "o.pdf"
    for fmt, out, lang in (("md", md, "vi"), ("html", html, "en"), ("pdf", pdf, "en")):
        res = runner.invoke(app, ["--db", sqlite_url, "dossier", "Tập đoàn Orbis", "--format", fmt, "--out", str(out),
                                  "--lang", lang])
        assert res.exit_code == 0, res.output
    text = md.read_text(encoding="utf-8")
    assert "# Hồ sơ đối tác: Tập đoàn Orbis" in text
    assert f"**{REQUEST}**" in text and "Tình trạng: **đã thực hiện**" in text
    assert "2024-10-20 · đã thực hiện" in text and "qua Park Ji Sung, Phó Chủ tịch" in text
    assert f"(/article/{opening['doc_id']}#s{opening['sentence']})" in text  # cited to the sentence
    assert "Orbis khai trương trung tâm thiết kế chip, baohai.example, 2024-10-20" in text
    assert str(tmp_path) not in text
    page = html.read_text(encoding="utf-8")
    assert "Partner dossier: Tập đoàn Orbis" in page and 'class="status st-implemented"' in page
    assert "<form" not in page and "/static/" not in page  # a file: no forms, its stylesheet inline
    got = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    got = " ".join(got.split())
    assert "Partner dossier: Tập đoàn Orbis" in got and "implemented" in got and "in progress" in got
    assert "baohai.example" in got
    res = runner.invoke(app, ["--db", sqlite_url, "dossier", "Tập đoàn Orbis", "--format", "pdf"])
    assert res.exit_code == 2 and "give --out" in res.output


def test_parse_place_reads_a_citation_link_or_a_number():
    assert parse_place("/article/12#s3") == (12, 3)
    assert parse_place("http://127.0.0.1:8000/article/7#s0") == (7, 0)
    assert parse_place("12", "§4") == (12, 3)
    for bad in (("abc", ""), ("12", ""), ("12", "0")):
        with pytest.raises(ValueError):
            parse_place(*bad)


@pytest.fixture
def web(db_url, tmp_path, pipeline):
    from hoptac.api import create_app
    from server import serve

    paths = articles(tmp_path)
    store = Store(db_url)
    ingest(paths, store, pipeline)
    eid = resolve(store, "Tập đoàn Orbis")["id"]
    store.close()
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client, db_url, eid, paths
    server.should_exit = True


def statuses(page: str) -> dict[str, str]:
    """Each pledge's content -> the status the page shows for it."""
    out = {}
    for block in re.findall(r'<article class="pledge".*?</article>', page, re.S):
        what = re.search(r'<p class="what">(.*?)<sup', block, re.S).group(1).strip()
        out[what] = re.search(r'<p class="now">.*?class="status st-(\w+)"', block, re.S).group(1)
    return out


def test_web_page_downloads_and_corrections_survive_reingest(web, pipeline):
    client, db_url, eid, paths = web
    assert f'href="/entity/{eid}/dossier"' in client.get(f"/entity/{eid}").text
    page = client.get(f"/entity/{eid}/dossier")
    assert page.status_code == 200
    assert statuses(page.text) == {REQUEST: "implemented", PLEDGE: "in_progress"}
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text  # a title is text
    # every status links to the sentence it is read from, and that sentence is on the article page
    for doc, sent in set(re.findall(r'class="status st-\w+" href="/article/(\d+)#s(\d+)"', page.text)):
        assert f'id="s{sent}"' in client.get(f"/article/{doc}").text
    assert client.get(f"/entity/{eid}/dossier", params={"lang": "en"}).text.count("What Vietnam asked") == 1
    md = client.get(f"/entity/{eid}/dossier.md")
    assert md.headers["content-type"].startswith("text/markdown") and REQUEST in md.text
    assert "<script>" not in md.text
    pdf = client.get(f"/entity/{eid}/dossier.pdf")
    assert pdf.content.startswith(b"%PDF") and 'filename="dossier-' in pdf.headers["content-disposition"]
    assert client.get("/entity/999999/dossier").status_code == 404

    links = re.findall(r'action="/lifecycle/link/(\d+)/(confirm|reject)"', page.text)
    store = Store(db_url)
    d = dossier_data(store, eid)
    store.close()
    req, pledge = by_content(d["asked"])[REQUEST], by_content(d["promised"])[PLEDGE]
    opening, progress = req["updates"][0], pledge["updates"][-1]
    assert (str(opening["link"]), "reject") in links and (str(progress["link"]), "confirm") in links
    # a form from another site changes nothing
    bad = client.post(f"/lifecycle/link/{opening['link']}/reject", data={"next": "/"},
                      headers={"Origin": "http://evil.example"})
    assert bad.status_code == 403
    here = f"/entity/{eid}/dossier"
    r = client.post(f"/lifecycle/link/{opening['link']}/reject", data={"next": here}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == here
    r = client.post(f"/lifecycle/link/{progress['link']}/confirm", data={"status": "implemented", "next": here},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/lifecycle/pledge/{req['id']}/add", data={
        "article": f"/article/{progress['doc_id']}#s{progress['sentence']}", "status": "in_progress", "next": here},
        follow_redirects=False)
    assert r.status_code == 303
    assert client.post(f"/lifecycle/pledge/{req['id']}/add", data={"article": "nothing"}).status_code == 400
    assert client.post("/lifecycle/link/999999/reject", data={}).status_code == 404
    want = {REQUEST: "in_progress", PLEDGE: "implemented"}
    assert statuses(client.get(here).text) == want
    assert "người dùng thêm" in client.get(here).text and "người dùng xác nhận" in client.get(here).text

    # every article stored again in a new version (other bytes, same source): the corrections hold
    for p in paths:
        with open(p, "a", encoding="utf-8") as f:
            f.write("Bài viết được cập nhật.\n")
    store = Store(db_url)
    assert ingest(paths, store, pipeline).updated == 4
    d = dossier_data(store, eid)
    store.close()
    assert {i["content"]: i["status"] for i in d["asked"] + d["promised"]} == want
    assert [u["outlet"] for u in by_content(d["asked"])[REQUEST]["updates"]] == ["baoba.example"]
    assert statuses(client.get(here).text) == want


# --- in real Chromium ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_site(tmp_path_factory, pipeline):
    """`hoptac serve` in its own process over a SQLite file holding the project's examples/."""
    import os
    import shutil

    from paths import EXAMPLES
    from server import serve_process

    if not os.path.exists(shutil.which("chromium") or "/usr/bin/chromium") and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    db = tmp_path_factory.mktemp("dossier-web") / "kb.db"
    s = Store(f"sqlite:///{db}")
    ingest([str(EXAMPLES)], s, pipeline)
    s.close()
    base, proc = serve_process(db)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_dossier_in_chromium(example_site, tmp_path):
    sync = pytest.importorskip("playwright.sync_api")
    from test_browser import CHROMIUM, FLAGS

    base = example_site
    shots = []
    with sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name in ("NVIDIA", "Qualcomm"):
            eid = httpx.get(base + "/api/entities", params={"q": name}).json()["items"][0]["id"]
            for width in (1280, 390):
                ctx = browser.new_context(viewport={"width": width, "height": 900})
                page = ctx.new_page()
                outside, errors = [], []
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                           else (outside.append(route.request.url), route.abort()))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{base}/entity/{eid}")
                page.click(f'a[href="/entity/{eid}/dossier"]')
                page.wait_for_load_state("networkidle")
                assert page.locator("h1").inner_text().endswith(name)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                shown = page.locator("a.status")
                hrefs = {shown.nth(i).get_attribute("href") for i in range(shown.count())}
                assert hrefs, f"the {name} dossier shows no status"
                assert page.locator(".status").count() == shown.count()  # every status is a link
                path = tmp_path / f"dossier-{name.lower()}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                shots.append(path)
                if width == 1280:  # each status's evidence sentence exists on its article page
                    for href in sorted(hrefs):
                        doc, sent = re.fullmatch(r"/article/(\d+)#s(\d+)", href).groups()
                        page.goto(base + href)
                        assert page.locator(f"#s{sent}").count() == 1, href
                assert not outside and not errors, (outside, errors)
                ctx.close()
        browser.close()
    for s in shots:
        print(f"screenshot: {s}")
    assert all(s.stat().st_size > 0 for s in shots)
