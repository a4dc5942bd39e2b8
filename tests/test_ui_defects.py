"""Issue 14, a new user's defects in the pages, each checked as that user met it (real database, real HTTP, Chromium)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy import select, update

from hoptac.api import create_app
from hoptac.ingest import ingest
from hoptac.report import briefing_md
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.tracker import DateFilterError, date_filter
from hoptac.web import number
from paths import EXAMPLES, SEEDS
from server import serve, serve_process
from test_web import entity_id

try:  # the same Chromium helpers as test_browser.py; without Playwright only the browser checks are skipped
    from test_browser import CHROMIUM, FLAGS, Page, browser  # noqa: F401  (browser is a fixture)
    HAVE_PLAYWRIGHT = True
except pytest.skip.Exception:
    HAVE_PLAYWRIGHT = False

NVIDIA_TITLE = "Chính phủ Việt Nam và Tập đoàn NVIDIA ký thỏa thuận thành lập hai trung tâm về AI"  # examples/01
HOSTILE_MD = {
    "url": "javascript:alert('url')",
    "title": "Tin [bấm](javascript:alert('title')) <b>nóng</b>",
    "published": "2025-10-03",
    "text": ("Sáng 3/10, tại Hà Nội, Tập đoàn NVIDIA cam kết đào tạo 700 kỹ sư <script>alert('md')</script> "
             "[ở đây](javascript:alert('link')) và <img src=x onerror=alert('img')> cho Việt Nam. "
             "Bộ trưởng đề nghị NVIDIA mở <a href=\"data:text/html,x\">trung tâm</a> thiết kế chip ![x](data:image/png,x)."),
}


def _store_with(db_url: str, pipeline, tmp_path, *paths: str) -> None:
    s = Store(db_url)
    ingest([str(SEEDS), *paths], s, pipeline)
    s.close()


@pytest.fixture
def web(db_url, pipeline, tmp_path):
    """The app over the seeds, two example articles with title, address and date, and an article full of markup."""
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE_MD, ensure_ascii=False) + "\n", encoding="utf-8")
    _store_with(db_url, pipeline, tmp_path, str(EXAMPLES / "01_nvidia_hop_tac_2024.txt"),
                str(EXAMPLES / "03_fpt_nvidia_ai_factory_2024.txt"), str(hostile))
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=120) as client:
        yield client
    server.should_exit = True


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


# 1. Figures on phones -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory, pipeline):
    """`hoptac serve` in its own process over the seeds and the NVIDIA/FPT example (which has figures)."""
    db = tmp_path_factory.mktemp("ui") / "kb.db"
    s = Store(f"sqlite:///{db}")
    ingest([str(SEEDS), str(EXAMPLES / "03_fpt_nvidia_ai_factory_2024.txt")], s, pipeline)
    s.close()
    base, proc = serve_process(db)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


needs_browser = pytest.mark.skipif(not HAVE_PLAYWRIGHT, reason="Playwright or Debian's chromium is not installed")


@needs_browser
def test_figures_rows_are_compact_cards_on_phones(browser, site):
    eid = httpx.get(site + "/api/entities", params={"q": "NVIDIA"}).json()["items"][0]["id"]
    for width in (390, 1280):
        tab = Page(browser, site, width)
        p = tab.page
        p.goto(f"{site}/entity/{eid}")
        figures = p.locator("section", has=p.locator("h2", has_text="Số liệu"))  # the entity's figures
        rows = figures.locator("table tbody tr")
        assert rows.count() >= 2
        heights = rows.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
        if width == 390:
            assert max(heights) < 200, heights  # was about 660 px: six squeezed columns, mostly blank
            # the value and its unit read together on the card's first line
            first = rows.first
            assert first.locator("td.value").bounding_box()["y"] == pytest.approx(
                first.locator("td.unit").bounding_box()["y"], abs=4)
        else:
            assert figures.locator("thead").is_visible()  # a real table on a desk
        tab.check_layout()
        tab.shot("entity-figures")
        tab.close()


# 2. Citations name the article, never a path ---------------------------------------------------------------------

def test_citations_show_title_outlet_and_date_never_paths(web, db_url):
    s = Store(db_url)
    with s.engine.connect() as c:
        paths = [p for p in c.execute(select(S.documents.c.source)).scalars() if not p.startswith("http")]
    s.close()
    assert any(p.endswith(".txt") for p in paths)
    eid = entity_id(web, "NVIDIA")
    pages = {"ask": web.get("/ask", params={"q": "Ai là Chủ tịch UBND Thành phố Hồ Chí Minh?"}).text,
             "ask-nearest": web.get("/ask", params={"q": "NVIDIA cam kết gì"}).text,
             "tracker": web.get("/tracker").text, "tracker-nvidia": web.get("/tracker", params={"entity": eid}).text,
             "briefing": web.get(f"/entity/{eid}/briefing").text, "briefing.md": web.get(f"/entity/{eid}/briefing.md").text,
             "entity": web.get(f"/entity/{eid}").text, "timeline": web.get("/timeline").text,
             "search": web.get("/search", params={"q": "nvidia"}).text}
    for name, text in pages.items():
        leaked = [p for p in paths if p in text or p.rsplit("/", 1)[-1] in text]
        assert not leaked, (name, leaked[:3])
        assert "/seeds/" not in text and ".txt" not in text, name
    # what a reader knows the article by: its title, its outlet (the address's site) and its date
    for name in ("briefing", "briefing.md", "tracker-nvidia", "entity"):
        assert NVIDIA_TITLE[:50] in pages[name] and "example.org" in pages[name] and "2024-12-06" in pages[name], name
    cited = re.search(r'<ol class="citations">(.*?)</ol>', pages["ask"], re.S).group(1)
    assert re.search(r'<a class="cite" href="/article/\d+#s\d+">[^<]{10,}</a>', cited)  # the article's first words
    doc = web.get("/article/" + re.search(r'href="/article/(\d+)#', cited).group(1)).text
    assert "<h1>" in doc and ".txt" not in doc.split("</h1>")[0] and "/seeds/" not in doc


# 3. PDF and Markdown from the briefing page ----------------------------------------------------------------------

def test_briefing_page_offers_the_cli_files(web, db_url):
    eid = entity_id(web, "NVIDIA")
    page = web.get(f"/entity/{eid}/briefing")
    links = {a.get("href") for t, a in _tags(page.text) if t == "a" and "download" in a}
    pdf_link = next(x for x in links if x.startswith(f"/entity/{eid}/briefing.pdf"))
    md_link = next(x for x in links if x.startswith(f"/entity/{eid}/briefing.md"))
    pdf = web.get(pdf_link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    assert re.match(r'attachment; filename="briefing-\d+-nvidia\.pdf"', pdf.headers["content-disposition"])
    md = web.get(md_link)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    s = Store(db_url)
    try:
        assert md.text == briefing_md(s, eid, "vi")  # the very file `hoptac report --format md` writes
    finally:
        s.close()
    assert web.get(f"/entity/{eid}/briefing.md", params={"lang": "en"}).text.startswith("# Briefing: NVIDIA")
    assert web.get("/entity/999999/briefing.pdf").status_code == 404
    assert web.get("/entity/999999/briefing.md").status_code == 404


def _tags(html: str):
    t = Tags()
    t.feed(html)
    return t.seen


# 4. Numbers grouped the reader's way -----------------------------------------------------------------------------

def test_number_filter_groups_by_language():
    assert number(30000, "vi") == "30.000" and number(30000, "en") == "30,000"
    assert number(200_000_000.0, "vi") == "200.000.000" and number(200_000_000.0, "en") == "200,000,000"
    assert number(1.8, "vi") == "1,8" and number(1.8, "en") == "1.8"
    assert number(1.2e12, "en") == "1,200,000,000,000"  # no "1.2e+12" for a sum in đồng
    assert number(None, "vi") == "" and number(7, "vi") == "7"


def test_figures_and_counts_use_vietnamese_grouping(web):
    eid = entity_id(web, "NVIDIA")
    vi = web.get(f"/entity/{eid}").text
    en = web.get(f"/entity/{eid}", params={"lang": "en"}).text
    values = lambda html: re.findall(r'<td class="num[^"]*">([^<]+)</td>', html)  # noqa: E731
    assert "200.000.000" in values(vi) and "30.000" in values(vi), values(vi)
    assert "200,000,000" in values(en) and "30,000" in values(en), values(en)
    assert not [v for v in values(vi) if "," in v]
    for path in (f"/entity/{eid}/briefing", f"/entity/{eid}/briefing.md"):
        assert "200.000.000" in web.get(path).text and "200,000,000" not in web.get(path).text, path
        assert "200,000,000" in web.get(path, params={"lang": "en"}).text, path


# 5. The timeline in periods --------------------------------------------------------------------------------------

@pytest.fixture
def busy(db_url, pipeline, tmp_path):
    """150 articles, two dated events each, over four years: more than one page of the timeline."""
    orgs = ["Intel", "Samsung", "Qualcomm", "FPT", "Viettel", "Marvell", "Synopsys", "Amkor"]
    lines = []
    for k in range(150):
        y, m, d = 2022 + k // 36, (k // 3) % 12 + 1, k % 27 + 1
        o = orgs[k % len(orgs)]
        text = (f"Sáng {d}/{m}/{y}, tại Hà Nội, Bộ trưởng Bộ Khoa học và Công nghệ Nguyễn Mạnh Hùng đã tiếp ông "
                f"Pat Gelsinger, Tổng Giám đốc Tập đoàn {o}. Hai bên ký thỏa thuận hợp tác về bán dẫn. "
                f"Ngày {d + 1}/{m}/{y}, Tập đoàn {o} khai trương nhà máy số {k} tại TP Hồ Chí Minh.")
        lines.append(json.dumps({"id": f"gen-{k}", "url": f"https://tin.example.vn/a/{k}", "title": f"Tin {k}",
                                 "published": f"{y}-{m:02d}-{d:02d}", "text": text}, ensure_ascii=False))
    path = tmp_path / "busy.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = Store(db_url)
    ingest([str(path)], s, pipeline)
    with s.engine.connect() as c:
        total = len(c.execute(select(S.events.c.id).where(S.events.c.date.is_not(None))).all())
    s.close()
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=120) as client:
        yield client, total
    server.should_exit = True


def _timeline_items(html: str) -> list[tuple[str, str, str]]:
    """(date, type, cited sentence) of each event listed."""
    body = re.search(r'<ul class="facts timeline-list">(.*?)</ul>', html, re.S).group(1)
    out = []
    for li in re.findall(r"<li>(.*?)</li>", body, re.S):
        out.append((re.search(r'<span class="date">([^<]*)</span>', li).group(1),
                    re.search(r'class="badge ev-([\w-]+)"', li).group(1), re.search(r'href="(/article/\d+#s\d+)"', li).group(1)))
    return out


def test_timeline_pages_through_time_by_period(busy):
    web, total = busy
    assert total > 150  # more than a page's worth
    first = web.get("/timeline")
    assert first.status_code == 200 and len(first.content) < 150_000, len(first.content)
    seen, url, periods = [], "/timeline", 0
    while url:
        html = web.get(url).text
        items = _timeline_items(html)
        assert 0 < len(items) <= 100
        seen += items
        periods += 1
        older = re.search(r'<a href="(/timeline\?[^"]*)" rel="prev">', html)
        url = older.group(1).replace("&amp;", "&") if older else None
        assert periods < 200
    assert periods > 3 and len(seen) == len(set(seen)) == total  # every event once, period by period
    dates = [d for d, _, _ in seen]
    assert dates == sorted(dates, reverse=True)
    back, url = _timeline_items(html), re.search(r'<a href="(/timeline\?[^"]*)" rel="next">', html).group(1)
    while url:  # and from the oldest back to the present
        html = web.get(url.replace("&amp;", "&")).text
        back += _timeline_items(html)
        newer = re.search(r'<a href="(/timeline\?[^"]*)" rel="next">', html)
        url = newer.group(1) if newer else None
        assert len(back) <= total
    assert sorted(back) == sorted(seen)
    month = web.get("/timeline", params={"period": "2022-03"}).text  # a month, whatever the default step
    assert '<span class="period">03/2022</span>' in month
    assert {d[:7] for d, _, _ in _timeline_items(month)} == {"2022-03"}
    assert re.search(r'href="/timeline\?period=2022-02" rel="prev"', month)
    assert re.search(r'href="/timeline\?period=2022-04" rel="next"', month)
    # filters carry over to the neighbours
    narrowed = web.get("/timeline", params={"entity": "Intel", "date_from": "01/01/2023"}).text
    for link in re.findall(r'href="(/timeline\?[^"]*)" rel="(?:prev|next)"', narrowed):
        assert "entity=Intel" in link and "date_from=01%2F01%2F2023" in link
    assert all(d >= "2023" for d, _, _ in _timeline_items(narrowed))


# 6. Date filters ---------------------------------------------------------------------------------------------------

def test_date_filter_reads_day_first_and_refuses_the_rest():
    assert date_filter("01/12/2024") == "2024-12-01" and date_filter("1/2/2024") == "2024-02-01"
    assert date_filter("12/2024") == "2024-12" and date_filter("2024") == "2024"
    assert date_filter("2024-12-01") == "2024-12-01" and date_filter(" ") is None
    for bad in ("2024-13-45", "31/02/2024", "hôm qua", "2024/12/01", "12/31/2024"):
        with pytest.raises(DateFilterError):
            date_filter(bad)


def test_pages_read_or_refuse_date_filters(web):
    same = web.get("/tracker", params={"date_from": "01/12/2024"}).text
    iso = web.get("/tracker", params={"date_from": "2024-12-01"}).text
    count = lambda html: re.search(r"<b>([\d.,]+)</b>", html).group(1)  # noqa: E731
    assert count(same) == count(iso) and 'value="01/12/2024"' in same
    for path, extra in (("/tracker", {}), ("/search", {"q": "nvidia"}), ("/timeline", {})):
        for bad in ("2024-13-45", "01/13/2024", "abc"):
            r = web.get(path, params={"date_from": bad, **extra})
            assert r.status_code == 400 and 'class="error" role="alert"' in r.text, (path, bad)
            assert "Ngày không hợp lệ" in r.text and bad in r.text, (path, bad)
            assert f'value="{bad}"' in r.text  # the form keeps what was typed, to correct it
        r = web.get(path, params={"date_from": "2025", "date_to": "2024", **extra})
        assert r.status_code == 400 and "ngày bắt đầu sau ngày kết thúc" in r.text, path
    en = web.get("/tracker", params={"date_to": "2024-13-45", "lang": "en"})
    assert en.status_code == 400 and "Not a valid date" in en.text
    assert web.get("/tracker.csv", params={"date_from": "2024-13-45"}).status_code == 400


# 7. The add page when done, and the English answers ---------------------------------------------------------------

def test_add_without_javascript_links_the_new_article(web):
    before = int(re.search(r'data-after="(\d+)"', web.get("/add").text).group(1))
    r = web.post("/add", files=[("files", ("zorvex.txt", "title: Zorvex mở trung tâm\n\nNgày 6/10/2025, Tập đoàn "
                                           "Zorvex ký thỏa thuận với NIC.".encode()))])
    assert r.status_code == 200
    link = re.search(r'<a href="/article/(\d+)">Zorvex mở trung tâm</a>', r.text)
    assert link, r.text[-2000:]
    jump = web.get("/add", params={"after": before}, follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"] == f"/article/{link.group(1)}"


def test_english_page_answers_in_english(web):
    web.cookies.set("lang", "en")
    unknown = web.get("/ask", params={"q": "Xyzzy Quuxvanh plorb?"}).text
    assert "Don&#39;t know" in unknown and "Không biết" not in unknown
    nearest = web.get("/ask", params={"q": "NVIDIA cam kết gì"}).text
    assert "Không tìm thấy câu trả lời" not in nearest and "Trả lời" not in nearest
    assert "no words to search" in web.get("/ask", params={"q": "??"}).text
    web.cookies.clear()
    assert "Không biết" in web.get("/ask", params={"q": "Xyzzy Quuxvanh plorb?"}).text


@needs_browser
def test_add_page_says_done_and_opens_the_new_article(browser, site, tmp_path):
    tab = Page(browser, site, 390)
    p = tab.page
    art = tmp_path / "Qwertyx.txt"
    art.write_text("title: Qwertyx khai trương văn phòng\n\nSáng 12/11/2025, tại Hà Nội, Tập đoàn Qwertyx cam kết "
                   "đầu tư 300 triệu USD vào Việt Nam.", encoding="utf-8")
    p.goto(site + "/add")
    p.set_input_files("input[type=file]", [str(art)])
    p.locator("#add-form button[type=submit]").click()
    p.wait_for_selector("#add-progress .done:not(:empty)")
    assert p.locator("#add-progress h2").inner_text().strip() == "Đã xong"  # not "Đang trích xuất 1 / 1"
    opened = p.locator("#add-progress .opened a")
    assert opened.is_visible()
    tab.check_layout()
    tab.shot("add-done")
    opened.click()
    p.wait_for_url(re.compile(r"/article/\d+$"))
    assert p.locator("h1").inner_text() == "Qwertyx khai trương văn phòng"
    tab.close()


# 8. Absurd stored dates ---------------------------------------------------------------------------------------------

def test_absurd_dates_never_break_pages_or_reports(web, db_url, tmp_path):
    eid = entity_id(web, "NVIDIA")
    s = Store(db_url)
    with s.engine.begin() as c:
        ev = c.execute(select(S.events.c.id).where(S.events.c.id.in_(
            select(S.event_participants.c.event_id).where(S.event_participants.c.entity_id == eid)))).scalars().all()
        assert len(ev) >= 2
        c.execute(update(S.events).where(S.events.c.id == ev[0]).values(date="9999-12-31"))
        c.execute(update(S.events).where(S.events.c.id == ev[1]).values(date="0001-01-01"))
        c.execute(update(S.statements).where(S.statements.c.addressee_entity_id == eid).values(date="9999-12-31"))
        c.execute(update(S.documents).values(published="9999-12-31"))
    s.close()
    for path in ("/timeline", f"/timeline?entity={eid}", "/timeline?period=9999-12", f"/entity/{eid}",
                 f"/entity/{eid}/briefing", f"/entity/{eid}/briefing.md", f"/entity/{eid}/briefing.pdf", "/tracker",
                 "/"):
        r = web.get(path)
        assert r.status_code == 200, (path, r.text[-500:])
    entity = web.get(f"/entity/{eid}").text
    chart = re.search(r'<svg class="timeline-chart".*?</svg>', entity, re.S).group(0)
    assert "9999" not in chart and "0001" not in chart  # drawn between real years only
    years = [int(y) for y in re.findall(r'class="tick"[^>]*>(?:\d\d/)?(\d{4})<', chart)]
    assert years and all(1900 <= y <= 2100 for y in years)
    assert "9999" not in web.get("/timeline").text  # no period, event or date of a year that will not come
    from typer.testing import CliRunner

    from hoptac.cli import app
    for fmt in ("md", "html"):
        out = tmp_path / f"b.{fmt}"
        res = CliRunner().invoke(app, ["--db", db_url, "report", "NVIDIA", "--format", fmt, "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert "NVIDIA" in out.read_text(encoding="utf-8")


# 9. The Markdown briefing is inert ---------------------------------------------------------------------------------

def test_markdown_briefing_is_safe_to_render(web):
    markdown_it = pytest.importorskip("markdown_it")
    eid = entity_id(web, "NVIDIA")
    md = web.get(f"/entity/{eid}/briefing.md").text
    assert "700 kỹ sư" in md  # the hostile article is in the briefing, as text
    assert "<script" not in md and "<img" not in md and "<b>" not in md and "<a href" not in md
    assert not re.search(r"(?<!\\)\]\((javascript|data):", md) and "<javascript:" not in md
    # the most permissive renderer: raw HTML on, every link scheme allowed
    renderer = markdown_it.MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True
    tags = _tags(renderer.render(md))
    assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object", "embed", "b")]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    hrefs = [a.get("href") or a.get("src") for t, a in tags if t in ("a", "img")]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert "example.org" in " ".join(hrefs)
