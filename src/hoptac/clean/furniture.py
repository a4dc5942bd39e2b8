"""Site furniture of scraped Vietnamese news pages, recognised by general patterns.

Each rule names a kind of furniture (bylines, captions, related-article
blocks...); none names a string of a particular article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from hoptac.models import Removed
from hoptac.textnorm import fold

from .header import parse_published

_END_PUNCT = tuple(".!?…:;\"”)»")
_DATE_TIME = r"\d{1,2}/\d{1,2}/\d{4}(?:\s*[,|-]?\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*\(?GMT[+\-]\d+\)?)?"
_WEEKDAY = r"(?:(?:Thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|Chủ\s+nhật)\s*,?\s*)?"
BYLINE = re.compile(rf"^(?P<author>[^\W\d_][\w .'\-]{{1,40}}?)\s*[-|,]?\s+{_WEEKDAY}(?P<date>{_DATE_TIME})$")
DATELINE = re.compile(rf"^{_WEEKDAY}(?P<date>{_DATE_TIME})$", re.I)
CAPTION = re.compile(r"(?:^|[\s.\-–—(])\(?\s*(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Photo|Video)\s*:\s*[^.!?]{1,80}\)?\s*\.?$")
CAPTION_ONLY = re.compile(r"^\(?(?:Ảnh minh họa|Ảnh minh hoạ|Ảnh tư liệu|Ảnh chụp màn hình)\)?\.?$", re.I)
IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|bmp|avif)$", re.I)
COMMENTS = re.compile(r"^\(?\d+\)?\s*(?:Bình luận|bình luận|comments?)$", re.I)
FOOTER = re.compile(r"^(?:POWERED BY\b|Copyright\b|©|Bản quyền thuộc\b|Ghi rõ nguồn\b)", re.I)
DOMAIN = re.compile(r"^(?:Theo\s+)?[\w\-]+(?:\.[\w\-]+)*\.(?:vn|com|net|org|info)(?:\.vn)?$", re.I)
SOCIAL = re.compile(r"^(?:Chia sẻ|Share|Tweet|Like|Theo dõi|Follow|In bài|Gửi bài|Lưu|Tags?|Từ khóa|Từ khoá)\s*:?(?:\s.*)?$", re.I)
# Headings that open a block of other stories; everything from there on is not the article.
TAIL_HEADINGS = [
    "bài liên quan", "tin liên quan", "sự kiện nổi bật", "đừng bỏ lỡ", "mới nhất", "tin mới nhất",
    "xem thêm", "đọc thêm", "tin cùng chuyên mục", "cùng chuyên mục", "tin khác", "tin mới",
    "nổi bật", "có thể bạn quan tâm", "bạn có thể quan tâm", "đọc nhiều", "xem nhiều",
    "tin nổi bật", "bài viết liên quan", "các tin khác", "tin đã đưa", "ý kiến bạn đọc",
    "bình luận", "gửi bình luận", "chủ đề", "tin tiêu điểm", "tiêu điểm",
]
_TAIL_KEYS = sorted({fold(h) for h in TAIL_HEADINGS}, key=len, reverse=True)


@dataclass(slots=True)
class Cleaned:
    """The outcome of cleaning one body."""

    lines: list[str]
    removed: list[Removed] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    author: str | None = None


def _is_tail_heading(line: str) -> bool:
    if len(line) > 60 or line.endswith(tuple(".!?,;")):
        return False
    f = fold(line)
    return any(f == k or f.startswith(k + " ") for k in _TAIL_KEYS)


def _is_sentence(line: str) -> bool:
    return line.rstrip().endswith(_END_PUNCT)


def _norm_line(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def clean_lines(text: str, title: str | None = None) -> Cleaned:
    """Drop furniture line by line; find title, byline date and author on the way."""
    lines = [_norm_line(x) for x in text.split("\n")]
    lines = [x for x in lines if x]
    out = Cleaned([])
    drop = out.removed.append

    # 1. The byline (author + timestamp, or a bare timestamp) splits the page head from the body.
    byline_at = None
    for i, line in enumerate(lines[:12]):
        m = BYLINE.match(line) or DATELINE.match(line)
        if m:
            byline_at = i
            out.published = parse_published(m.group("date"))
            author = m.groupdict().get("author")
            drop(Removed(line, "byline"))
            if author:
                out.author = author.strip()
            elif i > 0 and _looks_like_name(lines[i - 1]):
                out.author = lines[i - 1]
                drop(Removed(lines[i - 1], "byline"))
                lines[i - 1] = ""
            lines[i] = ""
            break
    head_end = byline_at if byline_at is not None else 0
    if byline_at is not None:
        # a short unpunctuated line right after the byline is the section the site filed it under
        for j in range(byline_at + 1, min(byline_at + 3, len(lines))):
            if lines[j] and not _is_sentence(lines[j]) and len(lines[j].split()) <= 6:
                drop(Removed(lines[j], "section label"))
                lines[j] = ""
            elif lines[j]:
                break
        # Page head: the last unpunctuated line before the byline is the title; short ones are section labels.
        head = [(j, ln) for j, ln in enumerate(lines[:head_end]) if ln]
        cands = [(j, ln) for j, ln in head if not _is_sentence(ln)]
        if cands and not title:
            j, ln = cands[-1]
            title = ln
        for j, ln in head:
            if ln == title:
                drop(Removed(ln, "title"))
                lines[j] = ""
            elif not _is_sentence(ln) and len(ln.split()) <= 6:
                drop(Removed(ln, "section label"))
                lines[j] = ""
    elif not title and len(lines) > 1:
        first = lines[0]
        if not _is_sentence(first) and 3 <= len(first.split()) <= 40:
            title = first
            drop(Removed(first, "title"))
            lines[0] = ""
    elif title and lines and _norm_line(lines[0]) == _norm_line(title):
        drop(Removed(lines[0], "title"))
        lines[0] = ""
    out.title = title

    # 2. A tail block of other stories: cut from its heading to the end.
    body_seen = 0
    cut = None
    for i, line in enumerate(lines):
        if not line:
            continue
        if body_seen >= 2 and _is_tail_heading(line):
            cut = i
            break
        if _is_sentence(line) and len(line) > 60:
            body_seen += 1
    if cut is not None:
        tail = [ln for ln in lines[cut:] if ln]
        drop(Removed("\n".join(tail), "related-article block"))
        lines = lines[:cut]

    # 3. Line rules.
    seen: set[str] = set()
    title_key = fold(title) if title else None
    for line in lines:
        if not line:
            continue
        reason = None
        if IMAGE_FILE.match(line):
            reason = "image file name"
        elif CAPTION.search(line) or CAPTION_ONLY.match(line):
            reason = "photo caption"
        elif COMMENTS.match(line):
            reason = "comment counter"
        elif FOOTER.match(line):
            reason = "site footer"
        elif DOMAIN.match(line):
            reason = "source credit"
        elif SOCIAL.match(line) and len(line) < 80 and not _is_sentence(line):
            reason = "share or tag bar"
        elif title_key and fold(line) == title_key:
            reason = "repeated title"
        elif fold(line) in seen:
            reason = "repeated paragraph"
        if reason:
            drop(Removed(line, reason))
            continue
        seen.add(fold(line))
        out.lines.append(line)
    # A trailing short unpunctuated line after the last sentence is a leftover label.
    while out.lines and not _is_sentence(out.lines[-1]) and len(out.lines[-1].split()) <= 4 and len(out.lines) > 1:
        drop(Removed(out.lines.pop(), "trailing label"))
    return out


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not _is_sentence(line)
