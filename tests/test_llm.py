"""The optional language-model path against a real local HTTP server; the system works without it."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hoptac.ask import Answer, Citation
from hoptac.llm import rephrase


class FakeModel(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeModel.seen.append({"path": self.path, "body": body})
        out = json.dumps({"choices": [{"message": {"content": "Theo trích dẫn [1]: 50.000 kỹ sư."}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = HTTPServer(("127.0.0.1", 0), FakeModel)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


ANS = Answer("Bao nhiêu kỹ sư?", "50.000 kỹ sư", [Citation("a.txt", "Mục tiêu đào tạo 50.000 kỹ sư.")], "how_many")


def test_model_phrases_from_citations_only(server):
    FakeModel.seen.clear()
    out = rephrase(ANS, url=server)
    assert out.answer == "Theo trích dẫn [1]: 50.000 kỹ sư." and out.citations == ANS.citations
    req = FakeModel.seen[0]
    assert req["path"] == "/v1/chat/completions"
    user = req["body"]["messages"][-1]["content"]
    assert "Mục tiêu đào tạo 50.000 kỹ sư." in user and "CHỈ" in req["body"]["messages"][0]["content"]


def test_without_server_or_on_error_the_rule_answer_stays(monkeypatch):
    monkeypatch.delenv("HOPTAC_LLM_URL", raising=False)
    assert rephrase(ANS) is ANS
    assert rephrase(ANS, url="http://127.0.0.1:9").answer == "50.000 kỹ sư"  # nothing listens there
