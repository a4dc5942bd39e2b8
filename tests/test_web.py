"""The web pages over real HTTP with a real database: content, filters, CSV, language, escaping, limits, reports."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import httpx
import pytest
from pypdf import PdfReader

from hoptac.api import create_app
from hoptac.ingest import ingest
from hoptac.store import Store
from hoptac.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES
from paths import SEEDS
from server import serve

HOSTILE = {
    "url": "javascript:alert(document.cookie)",
    "title": "Tin <script>alert('title')</script> nóng",
    "published": "2025-10-01",
    "text": ("Sáng 1/10, tại Hà Nội, Tập đoàn NVIDIA cam kết đào tạo 500 kỹ sư <script>alert('body')</script> "
             "cho Việt Nam. Bộ trưởng đề nghị <img src=x onerror=alert('img')> NVIDIA mở trung tâm "
             "<a href=\"javascript:alert('link')\">tại đây</a> trong năm 2026."),
}


class Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


@pytest.fixture
def web(db_url, pipeline, tmp_path):
    s = Store(db_url)
    ingest([str(SEEDS)], s, pipeline)
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    ingest([str(hostile)], s, pipeline)
    s.close()
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client
    server.should_exit = True


def entity_id(web, name: str) -> int:
    return web.get("/api/entities", params={"q": name}).json()["items"][0]["id"]


def test_home_shows_counts_latest_facts_and_partners(web):
    r = web.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Đề nghị và cam kết mới nhất" in r.text and "Sự kiện mới nhất" in r.text
    stats = web.get("/api/stats").json()
    assert f"<b>{stats['documents']}</b>" in r.text
    assert 'href="/entity/' in r.text and 'href="/article/' in r.text
    assert "NVIDIA" in r.text  # the most active partner of the seeds


def test_search_without_diacritics_highlights(web):
    r = web.get("/search", params={"q": "hoa lac"})
    assert r.status_code == 200
    assert "<mark>Hòa Lạc</mark>" in r.text
    assert re.search(r'href="/article/\d+#s\d+"', r.text)
    none = web.get("/search", params={"q": "hoa lac", "date_from": "2099-01-01"})
    assert "Không tìm thấy kết quả" in none.text
    bad = web.get("/search", params={"q": "?!"})
    assert bad.status_code == 400 and 'class="error"' in bad.text


def test_ask_cites_sentences_linked_to_articles(web):
    r = web.get("/ask", params={"q": "Ai là Chủ tịch UBND Thành phố Hồ Chí Minh?"})
    assert r.status_code == 200 and "Nguyễn Văn Được" in r.text
    link = re.search(r'href="(/article/\d+#s(\d+))"', r.text)
    assert link
    art = web.get(link.group(1).split("#")[0])
    assert f'id="s{link.group(2)}"' in art.text


def test_entity_page_profile_requests_graph(web):
    eid = entity_id(web, "NVIDIA")
    r = web.get(f"/entity/{eid}")
    assert r.status_code == 200 and "<h1>NVIDIA" in r.text
    assert "Tập đoàn NVIDIA" in r.text  # an alias
    assert "Đề nghị gửi tới" in r.text and 'data-kind="request"' in r.text
    graph = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', r.text, re.S)
                       .group(1))
    assert graph["nodes"][0]["name"] == "NVIDIA" and len(graph["nodes"]) > 3 and graph["links"]
    assert "<svg" in r.text  # the timeline chart
    dung = web.get(f"/entity/{entity_id(web, 'Nguyễn Chí Dũng')}").text
    assert dung.index("Bộ trưởng") < dung.index("Phó Thủ tướng")  # titles over time, in date order


def test_tracker_filters_sorts_and_exports(web):
    eid = entity_id(web, "NVIDIA")
    r = web.get("/tracker", params={"kind": "request", "addressee": "NVIDIA"})
    assert r.status_code == 200
    n = int(re.search(r"<b>([\d,]+)</b> kết quả", r.text).group(1).replace(",", ""))
    api_total = web.get("/api/statements", params={"kind": "request", "addressee": eid}).json()["total"]
    assert n == api_total >= 7
    assert r.text.count('class="badge k-request"') == n and "k-commitment" not in r.text
    asc = web.get("/tracker", params={"sort": "date", "order": "asc"}).text
    dates = re.findall(r'<td class="date" data-label="Ngày">([\d-]+)</td>', asc)
    assert dates == sorted(dates) and dates
    words = web.get("/tracker", params={"q": "tri tue nhan tao", "kind": "request"}).text
    found = int(re.search(r"<b>([\d,]+)</b> kết quả", words).group(1))
    assert 0 < found < n + 50 and words.count("<mark") == 0 and "k-commitment" not in words
    assert web.get("/tracker", params={"q": "?!"}).status_code == 400
    out = web.get("/tracker.csv", params={"kind": "request", "addressee": "NVIDIA"})
    assert out.status_code == 200 and out.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(out.text.lstrip("\ufeff"))))
    assert len(rows) == n and all(r["kind"] == "request" and r["addressee"] == "NVIDIA" for r in rows)
    assert all(r["evidence"] and r["source"] for r in rows)


def test_csv_defuses_formulas(web):
    text = "Ngày 2/10, Tập đoàn Intel cam kết =HYPERLINK(\"http://x\") đầu tư 1 tỷ USD vào Việt Nam."
    assert web.post("/api/ingest", json={"text": text, "title": "CSV", "date": "2025-10-02"}).json()["stored"] == 1
    rows = list(csv.reader(io.StringIO(web.get("/tracker.csv", params={"q": "hyperlink"}).text)))
    cells = [c for row in rows[1:] for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]  # no cell a spreadsheet would run
    assert all(not c.startswith("/tmp/") for c in cells)  # pasted text is named, not a temp path


def test_timeline_filters_by_entity_and_topic(web):
    eid = entity_id(web, "NVIDIA")
    r = web.get("/timeline", params={"entity": "NVIDIA"})
    assert r.status_code == 200 and "<svg" in r.text
    n = int(re.search(r"<b>(\d+)</b> sự kiện", r.text).group(1))
    assert n == len(web.get("/api/events", params={"entity": eid}).json()["items"]) > 0
    assert "<b>0</b>" in web.get("/timeline", params={"entity": "NVIDIA", "date_from": "2099"}).text
    assert "Không tìm thấy" in web.get("/timeline", params={"entity": "Không Có Ai Tên Này"}).text
    assert web.get("/timeline", params={"topic": "semiconductors"}).status_code == 200


def test_article_page_marks_facts_and_shows_removed(web):
    docs = web.get("/api/documents", params={"limit": 50}).json()["items"]
    doc = next(d for d in docs if d["source"].endswith(".txt"))
    full = web.get(f"/api/documents/{doc['id']}").json()
    r = web.get(f"/article/{doc['id']}")
    assert r.status_code == 200
    assert r.text.count('class="sent" id="s') >= len(full["sentences"])
    assert 'class="ent ent-PER" href="/entity/' in r.text
    assert '<mark class="st st-' in r.text
    if full["removed"]:
        assert '<details class="removed">' in r.text
    assert web.get("/article/999999").status_code == 404


def test_untrusted_text_is_escaped_everywhere(web):
    doc = next(d for d in web.get("/api/documents", params={"limit": 50}).json()["items"]
               if d["title"] and "script" in d["title"])
    pages = [f"/article/{doc['id']}", "/search?q=dao+tao+500+ky+su", "/tracker?q=trung+tam", "/",
             f"/entity/{entity_id(web, 'NVIDIA')}", f"/entity/{entity_id(web, 'NVIDIA')}/briefing",
             "/timeline", "/ask?q=NVIDIA+cam+kết+gì"]
    for path in pages:
        r = web.get(path)
        assert r.status_code == 200, path
        html = r.text
        tags = Tags()
        tags.feed(html)
        assert not [a for _, attrs in tags.seen for a, _ in attrs if a.startswith("on")], path
        assert not [t for t, _ in tags.seen if t in ("img", "iframe", "object", "embed")], path
        scripts = [dict(a).get("src") for t, a in tags.seen if t == "script" and dict(a).get("type") != "application/json"]
        assert all(src and src.startswith("/static/") for src in scripts), path
        links = [v for _, attrs in tags.seen for a, v in attrs if a in ("href", "src", "action")]
        assert not [v for v in links if v and v.strip().lower().startswith(("javascript:", "data:"))], path
        assert "default-src 'self'" in r.headers["content-security-policy"], path
    art = web.get(f"/article/{doc['id']}").text
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in art
    assert "javascript:alert(document.cookie)" in art  # shown as text, never as a link
    assert re.search(r"onerror=alert\(&#39;img&#39;\)", art) and "<img" not in art


def test_language_switch(web):
    r = web.get("/lang/en", params={"next": "/tracker"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tracker"
    assert "lang=en" in r.headers["set-cookie"]
    en = web.get("/tracker").text  # the client keeps the cookie, as a browser does
    assert "Requests &amp; commitments" in en and '<html lang="en">' in en
    assert "Tiếng Việt" in en
    web.cookies.clear()
    assert "Đề nghị &amp; cam kết" in web.get("/tracker").text
    evil = web.get("/lang/en", params={"next": "//evil.example/x"}, follow_redirects=False)
    assert evil.headers["location"] == "/"


def test_add_page_paste_and_upload(web):
    assert 'enctype="multipart/form-data"' in web.get("/add").text
    before = web.get("/api/stats").json()["documents"]
    r = web.post("/add", data={"text": "Chiều 5/10, tại TP Hồ Chí Minh, Tập đoàn Qualcomm cam kết mở trung tâm "
                                       "nghiên cứu AI thứ hai tại Việt Nam.", "title": "Qualcomm", "date": "2025-10-05"})
    assert r.status_code == 200 and "1 bài mới" in r.text
    r = web.post("/add", files=[("files", ("a.txt", "Ngày 6/10, Tập đoàn Arm ký thỏa thuận với NIC.".encode())),
                                ("files", ("bad.bin", b"\x00\x01\x02" * 100))])
    assert r.status_code == 200 and "1 bài mới" in r.text and "bad.bin" in r.text and 'class="failed"' in r.text
    assert web.get("/api/stats").json()["documents"] == before + 2
    empty = web.post("/add", data={"text": "  "})
    assert empty.status_code == 400 and "nothing to add" in empty.text


def test_upload_limits_have_clear_errors(web):
    many = [("files", (f"f{i}.txt", b"x")) for i in range(MAX_UPLOAD_FILES + 1)]
    r = web.post("/add", files=many)
    assert r.status_code == 413 and f"at most {MAX_UPLOAD_FILES} files" in r.text
    big = web.post("/api/ingest", files=[("files", ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 1)))])
    assert big.status_code == 413 and "big.txt: larger than" in big.json()["error"]


def test_cross_site_posts_are_refused(web):
    r = web.post("/add", data={"text": "Tập đoàn Intel cam kết."}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = web.post("/api/ingest", json={"text": "Tập đoàn Intel cam kết."}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_writes_need_the_token_off_loopback(db_url):
    base, server = serve(create_app(db_url, token="s3cret", loopback=False))
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            assert 'name="token"' in c.get("/add").text
            data = {"text": "Ngày 7/10, Tập đoàn Samsung cam kết mở rộng nhà máy tại Bắc Ninh."}
            assert c.post("/add", data=data).status_code == 401
            assert c.post("/add", data={**data, "token": "s3cret"}).status_code == 200
    finally:
        server.should_exit = True


def test_errors_are_pages_for_people_and_json_for_programs(web):
    r = web.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and "Lỗi 404" in r.text
    assert web.get("/entity/abc").status_code == 400
    assert web.get("/api/no/such").json()["error"]


def test_static_files_are_local(web):
    d3 = web.get("/static/vendor/d3.js")
    assert d3.status_code == 200 and "d3" in d3.text[:2000]
    for path in ("/", "/entity/1", "/tracker", "/search?q=ai"):
        html = web.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://dantri', "")), path


def test_briefing_page_and_report_formats(web, db_url, tmp_path):
    eid = entity_id(web, "NVIDIA")
    r = web.get(f"/entity/{eid}/briefing")
    assert r.status_code == 200 and "Bản tóm tắt: NVIDIA" in r.text
    assert "Đề nghị còn mở (chưa có tin về bước thực hiện)" in r.text and "<svg" in r.text
    cites = set(re.findall(r'href="#c(\d+)"', r.text))
    notes = set(re.findall(r'<li id="c(\d+)">', r.text))
    assert cites and cites == notes  # every fact cited, every note used
    hoptac = [sys.executable, "-m", "hoptac.cli", "--db", db_url, "report", "NVIDIA"]
    md = subprocess.run(hoptac + ["--format", "md"], capture_output=True, text=True, timeout=120)
    assert md.returncode == 0 and md.stdout.startswith("# Bản tóm tắt: NVIDIA") and "| đề nghị |" in md.stdout
    html = tmp_path / "b.html"
    out = subprocess.run(hoptac + ["--format", "html", "--lang", "en", "--out", str(html)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "Briefing: NVIDIA" in html.read_text(encoding="utf-8")
    assert "<style>" in html.read_text(encoding="utf-8")  # standalone: no stylesheet to fetch
    pdf = tmp_path / "b.pdf"
    out = subprocess.run(hoptac + ["--format", "pdf", "--out", str(pdf)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    reader = PdfReader(str(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2 and "Bản tóm tắt: NVIDIA" in text and "Đề nghị còn mở (chưa có tin về bước thực hiện)" in text
    bad = subprocess.run(hoptac + ["--format", "pdf"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--out" in bad.stderr


def test_a_day_of_unknown_year_reads_as_such_in_both_languages(db_url, pipeline, tmp_path):
    """An article with no year anywhere: its "ngày 14/5" is stored as XXXX-05-14 and shown as 14/5, year unknown,
    on the entity page, never as a raw code or a guessed year; it stays off the dated timeline."""
    path = tmp_path / "noyear.txt"
    path.write_text("Ngày 14/5, Bộ trưởng Lê Văn Tùng đã tiếp ông Kim Min Ho, Chủ tịch Tập đoàn Hanbit, tại Hà Nội.\n",
                    encoding="utf-8")
    s = Store(db_url)
    ingest([str(path)], s, pipeline)
    s.close()
    base, server = serve(create_app(db_url))
    try:
        with httpx.Client(base_url=base, timeout=60) as web:
            eid = entity_id(web, "Lê Văn Tùng")
            vi = web.get(f"/entity/{eid}").text
            assert "14/5 (chưa rõ năm)" in vi and "XXXX" not in vi
            en = web.get(f"/entity/{eid}", params={"lang": "en"}).text
            assert "14/5 (year unknown)" in en
            assert "XXXX" not in web.get("/timeline").text
    finally:
        server.should_exit = True
