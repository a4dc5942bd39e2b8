"""Where an article came from, shared by citations and stories: users see an outlet, never a server path."""
from __future__ import annotations

from urllib.parse import urlsplit


def host(url: str | None, source: str | None = None) -> str | None:
    """The site an article came from (its address's host, without www.); None for a file or a paste."""
    for v in (url, source):
        parts = urlsplit((v or "").strip())
        if parts.scheme in ("http", "https") and parts.hostname:
            return parts.hostname.removeprefix("www.")
    return None
