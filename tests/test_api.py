"""The REST API served by a real uvicorn server, over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import httpx
import pytest

from hoptac.api import create_app
from hoptac.ingest import ingest
from hoptac.store import Store
from paths import SEEDS
from server import serve


@pytest.fixture
def api(db_url, pipeline):
    s = Store(db_url)
    ingest([str(SEEDS)], s, pipeline)
    s.close()
    base, server = serve(create_app(db_url))
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client
    server.should_exit = True


def test_read_endpoints(api):
    assert api.get("/api/stats").json()["documents"] == 5
    assert "/api/search" in api.get("/openapi.json").json()["paths"]
    docs = api.get("/api/documents", params={"limit": 2}).json()
    assert docs["total"] == 5 and len(docs["items"]) == 2
    doc = api.get(f"/api/documents/{docs['items'][0]['id']}").json()
    assert doc["text"] and doc["sentences"] and "statements" in doc
    ents = api.get("/api/entities", params={"q": "nvidia"}).json()["items"]
    assert ents and ents[0]["name"] == "NVIDIA"
    prof = api.get(f"/api/entities/{ents[0]['id']}").json()
    assert prof["statements_received"] and prof["events"]
    assert api.get("/api/events").json()["items"]
    reqs = api.get("/api/statements", params={"kind": "request", "addressee": ents[0]["id"]}).json()
    assert reqs["total"] >= 7 and all(r["kind"] == "request" for r in reqs["items"])
    assert api.get("/api/figures", params={"unit": "USD"}).json()["items"]
    csv = api.get("/api/export/statements.csv")
    assert csv.status_code == 200 and csv.text.startswith("id,doc_id")


def test_search_and_ask(api):
    hits = api.get("/api/search", params={"q": "hoa lac"}).json()["items"]
    assert hits and "Hòa Lạc" in hits[0]["text"] and hits[0]["highlights"]
    ans = api.get("/api/ask", params={"q": "Ai là Chủ tịch UBND Thành phố Hồ Chí Minh?"}).json()
    assert "Nguyễn Văn Được" in ans["answer"] and ans["citations"]


def test_errors_are_json_with_status(api):
    r = api.get("/api/documents/999999")
    assert r.status_code == 404 and "999999" in r.json()["error"]
    assert api.get("/api/entities/999999").status_code == 404
    assert api.get("/api/documents", params={"limit": 0}).status_code == 400
    r = api.get("/api/search", params={"q": "?!"})
    assert r.status_code == 400 and r.json()["error"]
    assert api.get("/api/search", params={"q": "x" * 6000}).status_code == 422
    assert api.get("/api/export/passwords.csv").status_code == 404


def test_ingest_paste_and_upload(api):
    text = "Sáng 3/3, tại Đà Nẵng, Tập đoàn Synopsys cam kết đào tạo 1.000 kỹ sư thiết kế vi mạch cho Việt Nam."
    r = api.post("/api/ingest", json={"text": text, "title": "Synopsys", "date": "2025-03-03"})
    assert r.status_code == 200 and r.json()["stored"] == 1
    up = api.post("/api/ingest", files=[("files", ("a.txt", "title: A\n\n" + text.replace("Đà Nẵng", "Huế"), "text/plain")),
                                        ("files", ("empty.txt", b"", "text/plain"))])
    body = up.json()
    assert body["stored"] == 1 and body["failed"] == [{"source": "empty.txt", "reason": "empty file"}]
    assert api.get("/api/stats").json()["documents"] == 7
    assert api.post("/api/ingest", json={"nothing": 1}).status_code == 400


def test_writes_need_a_token_off_loopback(db_url):
    base, server = serve(create_app(db_url, token="s3cret", loopback=False))
    with httpx.Client(base_url=base, timeout=60) as c:
        assert c.post("/api/ingest", json={"text": "Một bài viết ngắn về hợp tác bán dẫn."}).status_code == 401
        ok = c.post("/api/ingest", json={"text": "Một bài viết ngắn về hợp tác bán dẫn với đối tác Nhật Bản."},
                    headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert c.get("/api/stats").status_code == 200  # reading needs no token
    server.should_exit = True
    base, server = serve(create_app(db_url, token="", loopback=False))
    with httpx.Client(base_url=base, timeout=60) as c:
        assert c.post("/api/ingest", json={"text": "abc"}).status_code == 403
    server.should_exit = True
