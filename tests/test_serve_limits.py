"""`hoptac serve` against slow clients (issue 14): a thousand half-open connections do not take the server."""
from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> int:
    try:
        return urllib.request.urlopen(url, timeout=timeout).status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return 0


def test_slow_clients_are_dropped_and_the_server_answers_again(tmp_path):
    port = _free_port()
    env = {**os.environ, "HOPTAC_DB": f"sqlite:///{tmp_path / 's.db'}"}
    # the server gets the usual 1,024 descriptors, as on a default Debian login
    proc = subprocess.Popen([sys.executable, "-m", "hoptac.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024)))
    base = f"http://127.0.0.1:{port}/api/stats"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    idle = []
    try:
        deadline = time.monotonic() + 30
        while _get(base, 2) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(1100):  # more half-open connections than the server has descriptors
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the head never ends
                idle.append(s)
            except OSError:
                pass
        # within the head deadline (10 s) and asyncio's back-off after running out of descriptors, it answers
        deadline = time.monotonic() + 40
        code = 0
        while code != 200 and time.monotonic() < deadline:
            code = _get(base, 3)
            time.sleep(0.5)
        assert code == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        for s in idle:
            s.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
