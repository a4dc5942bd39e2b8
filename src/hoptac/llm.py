"""Optional phrasing of answers by a language model the user runs (vLLM, llama.cpp server, ...).

Only used when HOPTAC_LLM_URL points at an OpenAI-compatible server; the model
sees the question, the rule-based answer and the cited sentences, nothing else,
and is told to answer from them only. Any failure keeps the rule-based answer.
Standard library HTTP, so no client package is needed.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from hoptac.ask import Answer

SYSTEM = ("Bạn là trợ lý phân tích. Chỉ trả lời bằng tiếng Việt, ngắn gọn, và CHỈ dựa trên các câu trích dẫn "
          "được cung cấp. Nếu các câu trích dẫn không chứa câu trả lời, hãy nói rằng không biết.")
TIMEOUT_S = 30


def rephrase(ans: Answer, url: str | None = None, model: str | None = None) -> Answer:
    """The answer phrased by the model from its citations; unchanged without a server or on error."""
    url = url or os.environ.get("HOPTAC_LLM_URL")
    if not url or not ans.citations:
        return ans
    endpoint = url.rstrip("/")
    if not endpoint.endswith("/chat/completions"):
        endpoint += "/v1/chat/completions" if not endpoint.endswith("/v1") else "/chat/completions"
    cited = "\n".join(f"[{i + 1}] ({c.source}) {c.text}" for i, c in enumerate(ans.citations))
    body = {
        "model": model or os.environ.get("HOPTAC_LLM_MODEL", "local"),
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Câu hỏi: {ans.q}\nCâu trả lời rút ra: {ans.answer}\n"
                                        f"Các câu trích dẫn:\n{cited}"},
        ],
    }
    req = urllib.request.Request(endpoint, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            data = json.loads(resp.read().decode("utf-8"))
        text = data["choices"][0]["message"]["content"].strip()
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError):
        return ans
    if not text:
        return ans
    return Answer(ans.q, text, ans.citations, ans.kind, ans.found)
