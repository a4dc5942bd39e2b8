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


def safe_url(url: str | None) -> str | None:
    """An article's original address only when it is http(s): javascript: and data: links never reach a page."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None
