"""A real uvicorn server on a free loopback port, in a thread, for HTTP tests of the app."""
from __future__ import annotations

import socket
import threading
import time

import uvicorn


def serve(app) -> tuple[str, uvicorn.Server]:
    """Start the app; returns its base URL and the server (set should_exit to stop it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def serve_process(db):
    """`hoptac serve` over a SQLite file in its own process, on a free loopback port, once it answers."""
    import subprocess
    import sys

    import httpx
    import pytest

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "hoptac.cli", "--db", str(db), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("hoptac serve did not start: " + proc.stdout.read().decode(errors="replace"))
