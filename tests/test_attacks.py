"""Issue 14: what an attacker tried against a private copy, replayed over real HTTP on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from hoptac.api import create_app
from hoptac.export import export
from hoptac.ingest import ingest, ingest_raw
from hoptac.inputs import read_inputs
from hoptac.options import Options
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.uploads import MAX_UPLOAD_BYTES
from paths import SEEDS
from server import serve

GOOD = "Sáng 12/3, tại Hà Nội, Bộ trưởng Nguyễn Văn An đề nghị Tập đoàn FPT đào tạo 1.000 kỹ sư bán dẫn."
DEEP = "[" * 100_000 + "]" * 100_000


def article(n: int | str) -> str:
    """A short article of its own (distinct text: never a duplicate of another test's)."""
    return f"Ngày 2/10, tại Hà Nội, Tập đoàn Intel cam kết đầu tư {n} triệu USD vào dự án bán dẫn số {n} tại Việt Nam."


def _database(kind: str, tmp_path_factory) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.db'}"
    from conftest import _pg_database
    return _pg_database()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request, tmp_path_factory, pipeline):
    """The default server (loopback, no token) over the seed articles; yields (client, database URL)."""
    url = _database(request.param, tmp_path_factory)
    s = Store(url)
    ingest([str(SEEDS)], s, pipeline)
    s.close()
    base, server = serve(create_app(url))
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client, url
    server.should_exit = True


def documents(url: str) -> list[dict]:
    s = Store(url)
    with s.engine.connect() as c:
        rows = [dict(r) for r in c.execute(select(S.documents.c.id, S.documents.c.source, S.documents.c.title,
                                                  S.documents.c.published, S.documents.c.text)).mappings()]
    s.close()
    return rows


def raw_http(base: str, head: bytes, parts, wait: float = 20) -> tuple[int, bytes]:
    """Send a request's head and some body parts over a socket, never finishing the body; the status and body
    that come back. A server that reads to the end of the body before answering never answers here."""
    u = urlsplit(base)
    sock = socket.create_connection((u.hostname, u.port), timeout=wait)
    try:
        sock.sendall(head)
        for part in parts:
            try:
                sock.sendall(part)
            except OSError:  # the server answered and closed: what we did not send was refused
                break
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
                got = sock.recv(65536)
                if not got:
                    break
                data += got
        except socket.timeout:
            pass
    finally:
        sock.close()
    if not data:
        return 0, b""
    return int(data.split(b" ", 2)[1]), data.split(b"\r\n\r\n", 1)[1]


def _length(data: bytes) -> int:
    m = re.search(rb"content-length: *(\d+)", data.split(b"\r\n\r\n", 1)[0], re.I)
    return int(m.group(1)) if m else 1 << 30


def head(method: str, path: str, base: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {urlsplit(base).netloc}", "Connection: close",
             *[f"{k}: {v}" for k, v in headers.items()]]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


# 1. Body limits hold while the body is read.

def test_json_body_is_refused_at_its_limit_not_after_it(site):
    client, _ = site
    base = str(client.base_url)
    mb = b"x" * 1_000_000
    # A declared 138 MB paste: refused before a byte of it is read.
    status, body = raw_http(base, head("POST", "/api/ingest", base, {"Content-Type": "application/json",
                                                                     "Content-Length": "138000000"}), [b'{"text": "'])
    assert status == 413 and "over 20 MB" in json.loads(body)["error"]
    # The same sent in chunks, with no length declared: refused once it passes the limit, the rest never read.
    parts = [chunk(b'{"text": "')] + [chunk(mb)] * (MAX_UPLOAD_BYTES // 1_000_000 + 2)
    status, body = raw_http(base, head("POST", "/api/ingest", base, {"Content-Type": "application/json",
                                                                     "Transfer-Encoding": "chunked"}), parts)
    assert status == 413 and "over 20 MB" in json.loads(body)["error"]


def test_uploads_are_refused_while_they_arrive(site):
    client, _ = site
    base = str(client.base_url)
    b = "hoptacboundary"
    hdr = {"Content-Type": f"multipart/form-data; boundary={b}", "Transfer-Encoding": "chunked"}
    part = f'--{b}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'.encode()
    # A 1 GB file: refused once it passes 20 MB, the 980 MB after that never sent.
    parts = [chunk(part)] + [chunk(b"a" * 1_000_000)] * (MAX_UPLOAD_BYTES // 1_000_000 + 2)
    status, body = raw_http(base, head("POST", "/api/ingest", base, hdr), parts)
    assert status == 413 and "big.txt: larger than 20 MB" in json.loads(body)["error"]
    # The 51st file is refused when it starts, not after the upload ends.
    small = [chunk(f'--{b}\r\nContent-Disposition: form-data; name="files"; filename="f{i}.txt"\r\n\r\nx\r\n'
                   .encode()) for i in range(51)]
    status, body = raw_http(base, head("POST", "/api/ingest", base, hdr), small)
    assert status == 413 and "at most 50 files" in json.loads(body)["error"]
    # A whole upload over the limit, with its length declared, refused at once (the /add form too).
    for path in ("/api/ingest", "/add"):
        declared = {"Content-Type": hdr["Content-Type"], "Content-Length": str(10**9)}
        status, body = raw_http(base, head("POST", path, base, declared), [part])
        assert status == 413, path
    # Within the limits an upload works as before.
    r = client.post("/api/ingest", files=[("files", ("ok.txt", article(101).encode()))])
    assert r.status_code == 200 and r.json()["stored"] == 1


# 2. JSON nested 100,000 deep: one clear error for that record, the rest stored.

def test_deeply_nested_json_is_one_error_and_the_rest_goes_on(site, tmp_path):
    client, url = site
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "deep-1", "text": article(201)}, ensure_ascii=False) + "\n" + DEEP + "\n"
                     + json.dumps({"id": "deep-3", "text": article(202)}, ensure_ascii=False) + "\n", encoding="utf-8")
    whole = tmp_path / "deep.json"
    whole.write_text(DEEP, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "hoptac.cli", "--db", url, "ingest", "-q", str(batch), str(whole)],
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 1 and "Traceback" not in cli.stderr
    errors = [x for x in cli.stderr.splitlines() if x.startswith("hoptac: ")]
    assert errors == [f"hoptac: {batch}:2: JSON nested too deeply to read",
                      f"hoptac: {whole}: JSON nested too deeply to read"]
    assert "stored 2," in cli.stderr
    up = client.post("/api/ingest", files=[("files", ("b.jsonl", batch.read_bytes().replace(b"20", b"21")))])
    assert up.status_code == 200 and up.json()["stored"] == 2
    assert up.json()["failed"] == [{"source": "b.jsonl:2", "reason": "JSON nested too deeply to read"}]
    r = client.post("/api/ingest", content=DEEP.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]
    page = client.post("/add", files=[("files", ("c.jsonl", batch.read_bytes().replace(b"20", b"22")))])
    assert page.status_code == 200 and "nested too deeply" in page.text


# 3. An oversized JSON Lines line: one error, right line numbers after it, nothing of it stored.

def test_an_oversized_line_smuggles_nothing(site, tmp_path, pipeline):
    _, url = site
    opts = Options(max_bytes=1000)
    smuggled = json.dumps({"id": "smuggled", "text": article("smuggled")}, ensure_ascii=False)
    lines = [json.dumps({"id": "line-1", "text": article(301)}, ensure_ascii=False),
             "A" * 1001 + smuggled,  # the tail starts where the old reader cut the line
             "B" * 3500,  # three limits' worth: was four errors
             "not json",
             json.dumps({"id": "line-5", "text": article(302)}, ensure_ascii=False)]
    f = tmp_path / "long.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = list(read_inputs([str(f)], opts))
    failed = [(g.source, g.reason) for g in got if not hasattr(g, "body")]
    assert failed == [(f"{f}:2", "line too long (over 0 MB)"), (f"{f}:3", "line too long (over 0 MB)"),
                      (f"{f}:4", "invalid JSON (Expecting value at column 1)")]
    store = Store(url)
    rep = ingest_raw(read_inputs([str(f)], opts), store, pipeline)
    store.close()
    assert rep.stored == 2 and len(rep.failed) == 3
    assert not [d for d in documents(url) if "smuggled" in d["source"] or "smuggled" in d["text"]]


# 4. DNS rebinding: the default loopback server answers only to its own names.

def test_host_header_must_name_this_server(site, monkeypatch):
    client, url = site
    before = len(documents(url))
    evil = {"Host": "evil.example", "Origin": "http://evil.example"}
    r = client.post("/api/ingest", json={"text": article(401)}, headers=evil)
    assert r.status_code == 400 and "evil.example" in r.json()["error"]
    page = client.get("/", headers={"Host": "evil.example:8000"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert len(documents(url)) == before
    port = urlsplit(str(client.base_url)).port
    assert client.get("/api/stats", headers={"Host": f"localhost:{port}"}).status_code == 200
    monkeypatch.setenv("HOPTAC_ALLOWED_HOSTS", "kb.example, other.example")
    base, server = serve(create_app(url))
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            assert c.get("/api/stats", headers={"Host": "kb.example"}).status_code == 200
            assert c.get("/api/stats", headers={"Host": "evil.example"}).status_code == 400
            assert c.get("/api/stats").status_code == 200
    finally:
        server.should_exit = True


# 5. CSV exports are defused like the tracker's.

FORMULAS = ("=", "+", "-", "@", "\t", "\r")


def test_every_csv_export_is_defused(site, tmp_path):
    client, url = site
    r = client.post("/api/ingest", json={"text": article(501), "title": '=HYPERLINK("http://x","y")',
                                         "source": "@SUM(1+1)"})
    assert r.status_code == 200 and r.json()["stored"] == 1
    client.post("/api/ingest", json={"text": article(502), "title": "\t+cmd|' /C calc'!A0", "source": "-2+3"})
    rows = list(csv.reader(io.StringIO(client.get("/api/export/documents.csv").text)))
    cells = [c for row in rows[1:] for c in row]
    assert any("HYPERLINK" in c for c in cells) and any("SUM(1+1)" in c for c in cells)
    assert not [c for c in cells if c.startswith(FORMULAS)]
    assert all(row[0].isdigit() for row in rows[1:])  # numbers stay numbers
    store = Store(url)
    export(store, tmp_path / "out", ("csv",))
    store.close()
    for f in (tmp_path / "out").glob("*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            cells = [c for row in list(csv.reader(fh))[1:] for c in row]
        assert not [c for c in cells if c.startswith(FORMULAS)], f.name
    docs = (tmp_path / "out" / "documents.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in docs and "'@SUM(1+1)" in docs


# 6. The API reference is served without anything from elsewhere.

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, dict]] = []
        self.inline_script = False

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.seen and self.seen[-1][0] == "script" and data.strip():
            self.inline_script = True


def test_api_reference_is_local_and_under_the_csp(site):
    client, _ = site
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    tags = Tags()
    tags.feed(r.text)
    urls = [v for _, a in tags.seen for k, v in a.items() if k in ("src", "href") and v]
    assert urls and all(u.startswith(("/", "#")) and not u.startswith("//") for u in urls), urls
    assert not tags.inline_script and not re.search(r"https?://(?!127\.0\.0\.1)", r.text.replace("http://x", ""))
    for path in client.get("/openapi.json").json()["paths"]:
        assert f"{path}</code>" in r.text.replace("&#x27;", "'"), path
    assert "limit" in r.text and "date_from" in r.text and "multipart/form-data" in r.text
    redoc = client.get("/redoc", follow_redirects=False)
    assert redoc.status_code in (301, 404) and "cdn" not in redoc.text.lower()
    if redoc.status_code == 301:
        assert redoc.headers["location"] == "/docs"


# 7. NUL characters: stripped from text at input, from parameters at the door, on both stores.

def test_nul_characters_never_reach_the_database(site, tmp_path, pipeline):
    client, url = site
    f = tmp_path / "nul.jsonl"
    nul = {"id": "nul-1", "title": "Tiêu\u0000 đề", "text": article(701).replace("Intel", "In\u0000tel")}
    f.write_text(json.dumps(nul, ensure_ascii=False) + "\n"
                 + json.dumps({"id": "nul-2", "text": article(702)}, ensure_ascii=False) + "\n", encoding="utf-8")
    txt = tmp_path / "nul.txt"
    txt.write_bytes(article(703).encode() + b"\x00 " + article(704).encode())
    store = Store(url)
    rep = ingest([str(f), str(txt)], store, pipeline)
    store.close()
    assert rep.stored == 3 and not rep.failed
    r = client.post("/api/ingest", json={"text": article(705) + "\u0000", "title": "Dán\u0000", "source": "a\u0000b"})
    assert r.status_code == 200 and r.json()["stored"] == 1
    up = client.post("/api/ingest", files=[("files", ("tên\u0000tệp.txt", article(706).encode()))])
    assert up.status_code == 200 and up.json()["stored"] == 1
    assert not [d for d in documents(url) if "\x00" in "".join(str(v) for v in d.values())]
    for path in ("/api/search?q=intel%00", "/api/documents?source=%00", "/api/statements?q=%00dao+tao",
                 "/api/entities?q=nvidia%00", "/search?q=%00intel", "/tracker?speaker=%00"):
        assert client.get(path).status_code == 200, path
    out = client.get("/tracker.csv?kind=request%00")
    assert out.status_code == 200 and len(out.text.strip().splitlines()) > 1


# 8. Numbers past 2^63 or 4,300 digits: 422 JSON for the API, a page for people.

def test_out_of_range_numbers_are_refused_clearly(site):
    client, _ = site
    big, huge = str(2**64), "9" * 5000
    for path, params in [(f"/api/documents/{big}", {}), (f"/api/documents/{huge}", {}),
                         (f"/api/entities/{big}", {}), ("/api/documents", {"offset": big}),
                         ("/api/documents", {"limit": huge}), ("/api/entities", {"offset": big}),
                         ("/api/events", {"entity": big}), ("/api/statements", {"entity": big}),
                         ("/api/statements", {"speaker": huge}), ("/api/statements", {"addressee": "²"}),
                         ("/api/search", {"q": "intel", "entity": big}), ("/api/figures", {"offset": huge})]:
        r = client.get(path, params=params)
        assert r.status_code == 422 and r.json()["error"], (path, params)
    for path in (f"/entity/{big}", f"/article/{big}", f"/entity/{big}/briefing"):
        r = client.get(path)
        assert r.status_code in (400, 404) and r.headers["content-type"].startswith("text/html"), path
    assert client.get("/api/documents", params={"offset": 2**63 - 1}).json()["items"] == []


# 9. A non-ASCII token is refused (401), never a 500; a non-ASCII token that is right is accepted.

def test_non_ascii_tokens(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    base, server = serve(create_app(url, token="mật-khẩu", loopback=False))
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            for given in ("Bearer é".encode(), "Bearer mật".encode(), b"Bearer \xff\xfe"):
                r = c.post("/api/ingest", json={"text": article(901)}, headers={"Authorization": given})
                assert r.status_code == 401 and r.json()["error"], given
            ok = c.post("/api/ingest", json={"text": article(902)},
                        headers={"Authorization": "Bearer mật-khẩu".encode()})
            assert ok.status_code == 200 and ok.json()["stored"] == 1
    finally:
        server.should_exit = True


# 10. A read-only store: a clear 503 at once, not a 500 after 15 s of retries.

@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def read_only_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "kb.db"
        Store(f"sqlite:///{path}").close()
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    from conftest import _pg_database
    url = _pg_database()
    Store(url).close()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" SET default_transaction_read_only = on'))
    admin.dispose()
    return url


def test_read_only_store_answers_503_at_once(read_only_url):
    base, server = serve(create_app(read_only_url))
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            t0 = time.monotonic()
            r = c.post("/api/ingest", json={"text": article(1001)})
            assert r.status_code == 503 and "read-only" in r.json()["error"]
            page = c.post("/add", data={"text": article(1002)})
            assert page.status_code == 503 and "read-only" in page.text
            assert time.monotonic() - t0 < 5
            assert c.get("/api/stats").status_code == 200  # reading goes on
    finally:
        server.should_exit = True


# 11. A form-encoded POST to the JSON API: 415, not a 500.

def test_form_encoded_ingest_is_415(site):
    client, _ = site
    r = client.post("/api/ingest", data={"text": article(1101)})
    assert r.status_code == 415 and "multipart/form-data or JSON" in r.json()["error"]
    r = client.post("/api/ingest", content=b"just text", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


# 12. Types and publication dates of a pasted article are checked.

def test_pasted_article_types_and_dates(site):
    client, url = site
    before = len(documents(url))
    for body in ({"text": 12345}, {"text": ["a", "b"]}, {"text": {"a": 1}}, {"text": article(1201), "title": 5},
                 {"text": article(1202), "date": "9999-01-01"}, {"text": article(1203), "date": "1800-01-01"},
                 {"text": article(1204), "date": "2024-13-45"}, {"text": article(1205), "date": 2024}):
        r = client.post("/api/ingest", json=body)
        assert r.status_code == 422 and r.json()["error"], body
    assert len(documents(url)) == before
    r = client.post("/api/ingest", json={"text": article(1206), "date": "01/12/2024", "title": "Ngày Việt"})
    assert r.status_code == 200 and r.json()["stored"] == 1
    assert [d["published"] for d in documents(url) if d["title"] == "Ngày Việt"] == ["2024-12-01"]


# 13. Bidi and control characters are stripped from upload names.

def test_upload_names_lose_bidi_and_control_characters(site):
    client, url = site
    b = "hoptacboundary"
    body = "".join(f'--{b}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n{content}\r\n'
                   for name, content in (("hoá đơn\u202egpj\u200b\u0007.txt", article(1301)),
                                         ("tr\u2066ống\u202d\u001b.txt", ""))) + f"--{b}--\r\n"
    r = client.post("/api/ingest", content=body.encode(),
                    headers={"Content-Type": f"multipart/form-data; boundary={b}"})
    assert r.status_code == 200 and r.json()["stored"] == 1
    assert r.json()["failed"] == [{"source": "trống.txt", "reason": "empty file"}]
    assert [d["source"] for d in documents(url) if "gpj" in d["source"]] == ["upload/hoá đơngpj.txt"]


# 14. Date filters: dd/mm/yyyy and ISO, 422 with a clear message otherwise.

def test_date_filters(site):
    client, _ = site
    for path in ("/api/documents", "/api/statements", "/api/events", "/api/search"):
        q = {"q": "nvidia"} if path == "/api/search" else {}
        for good in ("01/12/2024", "2024-12-01", "2024-12", "2024"):
            r = client.get(path, params={**q, "date_from": good})
            assert r.status_code == 200, (path, good)
        for bad in ("2024-13-45", "32/01/2024", "yesterday", "2024-02-30"):
            r = client.get(path, params={**q, "date_to": bad})
            assert r.status_code == 422 and bad in r.json()["error"], (path, bad)
    same = [client.get("/api/documents", params={"date_from": v, "limit": 500}).json()["total"]
            for v in ("01/12/2024", "2024-12-01")]
    assert same[0] == same[1]
