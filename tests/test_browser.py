"""End to end in real Chromium (Debian's), as a person would use the pages, with screenshots at 1280 and 390 px."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

from hoptac.ingest import ingest
from hoptac.store import Store
from server import serve_process
from paths import SEEDS

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
WIDTHS = (1280, 390)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory, pipeline):
    """`hoptac serve` in its own process over a SQLite file holding the seed articles."""
    db = tmp_path_factory.mktemp("web") / "kb.db"
    s = Store(f"sqlite:///{db}")
    ingest([str(SEEDS)], s, pipeline)
    s.close()
    base, proc = serve_process(db)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Page:
    """A browser tab that refuses every request leaving this machine and records console errors."""

    def __init__(self, browser, base: str, width: int):
        self.base = base
        self.width = width
        self.ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        self.page = self.ctx.new_page()
        self.external: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}-{self.width}.png"), full_page=True)

    def check_layout(self) -> None:
        """Nothing wider than the window; no two blocks of the page (or nav links) drawn over each other."""
        p = self.page
        assert p.evaluate("document.documentElement.scrollWidth") <= self.width, p.url
        overlaps = p.evaluate("""() => {
            const groups = [document.querySelectorAll('main > *'), document.querySelectorAll('header nav a'),
                            document.querySelectorAll('.filters > *'), document.querySelectorAll('.counts > *')];
            const bad = [];
            for (const g of groups) {
              const boxes = [...g].filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()]);
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const [a, r] = boxes[i], [b, s] = boxes[j];
                const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
                const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
                if (w > 2 && h > 2) bad.push(a.tagName + '.' + a.className + ' / ' + b.tagName + '.' + b.className);
              }
            }
            return bad;
        }""")
        assert not overlaps, (p.url, overlaps)

    def close(self) -> None:
        assert not self.external, f"requests left the machine: {self.external}"
        assert not self.errors, f"browser errors: {self.errors}"
        self.ctx.close()


@pytest.fixture(params=WIDTHS)
def tab(request, browser, site):
    t = Page(browser, site, request.param)
    yield t
    t.close()


def test_every_page_fits_and_looks_right(tab, site):
    eid = httpx.get(site + "/api/entities", params={"q": "NVIDIA"}).json()["items"][0]["id"]
    doc = httpx.get(site + "/api/documents", params={"limit": 1}).json()["items"][0]["id"]
    for name, path in [("home", "/"), ("search", "/search?q=nvidia"), ("ask", "/ask?q=NVIDIA+cam+kết+gì"),
                       ("entities", "/entities"), ("entity", f"/entity/{eid}"), ("tracker", "/tracker"),
                       ("timeline", "/timeline"), ("article", f"/article/{doc}"), ("add", "/add"),
                       ("briefing", f"/entity/{eid}/briefing")]:
        tab.page.goto(site + path)
        tab.page.wait_for_load_state("networkidle")
        tab.check_layout()
        tab.shot(name)


def test_search_without_diacritics_then_open_the_article(tab, site):
    p = tab.page
    p.goto(site + "/")
    p.fill("form.searchbar input[name=q]", "hoa lac")
    p.press("form.searchbar input[name=q]", "Enter")
    p.wait_for_url(re.compile(r"/search\?q=hoa\+lac"))
    first = p.locator("li.hit").first
    assert first.locator("mark").first.inner_text() == "Hòa Lạc"
    tab.shot("search-hoa-lac")
    first.locator("a.hit-title").click()
    p.wait_for_url(re.compile(r"/article/\d+#s\d+"))
    target = p.locator(".sent:target")
    assert "Hòa Lạc" in target.inner_text()
    tab.check_layout()
    tab.shot("article-from-search")


def test_open_an_entity_and_its_graph(tab, site):
    p = tab.page
    p.goto(site + "/entities?q=nvidia")
    p.get_by_role("link", name="NVIDIA", exact=True).first.click()
    p.wait_for_url(re.compile(r"/entity/\d+$"))
    assert p.locator("h1").inner_text().startswith("NVIDIA")
    p.wait_for_selector("#graph[data-ready] svg circle")
    assert p.locator("#graph svg circle").count() >= 4  # d3, served locally, drew the related entities
    rows = p.locator("#received tbody tr[data-kind]")
    total = rows.count()
    assert total >= 7
    p.select_option("[data-for=received] select.kind-filter", "commitment")
    visible = p.locator("#received tbody tr[data-kind]:visible")
    assert visible.count() < total and all(k == "commitment" for k in visible.evaluate_all(
        "rs => rs.map(r => r.dataset.kind)"))
    tab.check_layout()
    tab.shot("entity-nvidia")


def test_filter_sort_and_export_the_tracker(tab, site):
    p = tab.page
    p.goto(site + "/tracker")
    p.select_option("select[name=kind]", "request")
    p.fill("input[name=addressee]", "NVIDIA")
    p.locator(".filters button[type=submit]").click()
    p.wait_for_url(re.compile(r"kind=request"))
    badges = p.locator("table.tracker tbody .badge").all_inner_texts()
    assert len(badges) >= 7 and set(badges) == {"đề nghị"}
    count = int(re.search(r"([\d,]+)", p.locator(".summary b").inner_text()).group(1).replace(",", ""))
    assert count == len(badges)
    if tab.width >= 1000:  # the header row is hidden on phones, where rows become cards
        p.locator("th a", has_text="Ngày").click()
        p.wait_for_url(re.compile(r"sort=date"))
        assert "kind=request" in p.url
    with p.expect_download() as dl:
        p.locator("a.button", has_text="CSV").click()
    lines = Path(dl.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,story,date,") and len(lines) >= count + 1  # every report of each story
    tab.check_layout()
    tab.shot("tracker-requests-to-nvidia")


def test_ask_then_follow_a_citation(tab, site):
    p = tab.page
    p.goto(site + "/ask")
    p.fill("input[name=q]", "Ai là Chủ tịch UBND Thành phố Hồ Chí Minh?")
    p.press("input[name=q]", "Enter")
    p.wait_for_selector(".answer-text")
    assert "Nguyễn Văn Được" in p.locator(".answer-text").inner_text()
    tab.shot("ask")
    cited = p.locator("ol.citations q").first.inner_text()
    p.locator("ol.citations a.cite").first.click()
    p.wait_for_url(re.compile(r"/article/\d+#s\d+"))
    assert p.locator(".sent:target").inner_text().strip() == cited.strip()
    tab.shot("citation-in-article")


def test_upload_an_article_and_see_it_appear(tab, site, tmp_path):
    p = tab.page
    word = f"Zorvex{tab.width}"
    art = tmp_path / f"{word}.txt"
    art.write_text(f"Sáng 12/11, tại Hà Nội, Tập đoàn {word} cam kết đầu tư 300 triệu USD xây dựng trung tâm "
                   "thiết kế chip tại Việt Nam và đào tạo 2.000 kỹ sư.", encoding="utf-8")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)  # an image named .txt
    p.goto(site + "/add")
    p.set_input_files("input[type=file]", [str(art), str(junk)])
    p.locator("#add-form button[type=submit]").click()
    p.wait_for_selector("#add-progress .done:not(:empty)")
    items = p.locator("#add-progress li")
    assert "đã lưu" in items.nth(0).inner_text() and "stored" in items.nth(0).get_attribute("class")
    assert "lỗi" in items.nth(1).inner_text() and "binary" in items.nth(1).inner_text()
    tab.check_layout()
    tab.shot("add-progress")
    p.goto(site + "/search?q=" + word.lower())
    assert p.locator("li.hit").count() == 1
    p.goto(site + "/")
    assert word in p.locator("body").inner_text()  # its commitment is among the latest


def test_switch_to_english_and_back(tab, site):
    p = tab.page
    p.goto(site + "/tracker")
    p.locator("a.lang").click()
    p.wait_for_url(re.compile(r"/tracker$"))
    assert p.locator("h1").inner_text() == "Requests & commitments"
    tab.shot("tracker-english")
    p.locator("a.lang").click()
    assert p.locator("h1").inner_text() == "Đề nghị & cam kết"
