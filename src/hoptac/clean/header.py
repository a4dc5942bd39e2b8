"""Metadata at the top of a text file: `date 2025-09-23 <first sentence>` or `key: value` lines."""
from __future__ import annotations

import re
from datetime import date

import dateparser

HEADER_KEYS = {
    "source": "source", "nguồn": "source", "url": "url", "link": "url", "title": "title",
    "tiêu đề": "title", "date": "date", "published": "date", "ngày": "date", "author": "author",
    "tác giả": "author", "id": "id",
}
_INLINE = re.compile(r"^\s*date[:\s]\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:[T ][\d:.+\-Z]*)?[ \t]*(.*)$", re.I)
_KV = re.compile(r"^\s*([A-Za-zÀ-ỹ ]{2,12})\s*:\s*(.*?)\s*$")


def split_header(text: str) -> tuple[dict[str, str], str, str]:
    """(metadata, body, the header text removed) from a text file's content."""
    lines = text.split("\n")
    first_content = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first_content is None:
        return {}, text, ""
    m = _INLINE.match(lines[first_content])
    if m:
        rest = m.group(2)
        removed = lines[first_content][: len(lines[first_content]) - len(rest)] if rest else lines[first_content]
        body = "\n".join([rest] + lines[first_content + 1:]) if rest else "\n".join(lines[first_content + 1:])
        return {"date": m.group(1)}, body, removed.strip()
    meta: dict[str, str] = {}
    i = first_content
    while i < len(lines) and lines[i].strip():
        kv = _KV.match(lines[i])
        if not kv or kv.group(1).strip().lower() not in HEADER_KEYS:
            return {}, text, ""
        meta[HEADER_KEYS[kv.group(1).strip().lower()]] = kv.group(2)
        i += 1
    if not meta or i >= len(lines):
        return {}, text, ""
    return meta, "\n".join(lines[i + 1:]), "\n".join(lines[first_content:i])


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")


def parse_published(value: str | None) -> str | None:
    """A publication date as YYYY-MM-DD, or None when it cannot be read with confidence."""
    if not value:
        return None
    value = value.strip()
    for rx, order in ((_ISO, "ymd"), (_DMY, "dmy")):
        m = rx.search(value)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                return None
    if re.fullmatch(r"\d{4}", value):
        return None
    parsed = dateparser.parse(value, languages=["vi", "en"],
                              settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date().isoformat() if parsed else None
