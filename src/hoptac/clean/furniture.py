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
_TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?"
_STAMP_LABEL = r"(?:Cập nhật|Đăng|Ngày đăng|Ngày cập nhật|Thời gian|Xuất bản|Published|Updated|Posted)(?:\s+(?:lúc|vào|ngày))?"
# A timestamp with a label, the time first or a dashed weekday ("Cập nhật lúc: Thứ hai - 04/03/2024 08:15",
# "07:40 12/03/2024", "16:05 - 18/01/2024"), at most a few words of page tools after it ("Cỡ chữ").
STAMP_LINE = re.compile(rf"^(?:{_STAMP_LABEL}\s*:?\s*)?(?:{_TIME}\s*[-|,]?\s*)?{_WEEKDAY}(?:-\s*)?"
                        rf"(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}})(?:\s*[-|,]?\s*{_TIME})?(?:\s*\(?GMT[+\-]\d+\)?)?"
                        rf"(?:\s+[^\W\d_]+){{0,3}}$", re.I)
# A headline with the timestamp on its own line's end ("<headline> 14/05/2025 09:30").
TITLE_STAMP = re.compile(rf"^(?P<title>\S.{{14,}}?[^\d\s/,:])\s+(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}})(?:\s*[-|,]?\s*{_TIME})?$")
BYLINE = re.compile(rf"^(?P<author>[^\W\d_][\w .'\-]{{1,40}}?)\s*[-|,]?\s+{_WEEKDAY}(?P<date>{_DATE_TIME})$")
DATELINE = re.compile(rf"^{_WEEKDAY}(?P<date>{_DATE_TIME})$", re.I)
CAPTION = re.compile(r"(?:^|[\s.\-–—(])\(?\s*(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Photo|Video)\s*:\s*"
                     r"(?:[^.!?]|\.(?=\S)){1,80}\)?\s*\.?$|\s[-–]\s*Ảnh\s*\d+\s*\.?$")
# Credits in parentheses, any case: "(Nguồn: Bộ Công Thương)", "(ảnh: T.L)", "(Số liệu: GSO)"; a line ending
# with "Nguồn: X" (an unpunctuated caption's credit).
CREDIT = re.compile(r"\((?:Nguồn|Ảnh|Số liệu|Đồ họa|Đồ hoạ|Clip|Video|Biểu đồ)\s*:\s*[^()]{1,80}\)\s*\.?", re.I)
CREDIT_END = re.compile(r"(?:^|[\s.])Nguồn\s*:\s*[^.!?]{1,60}$")
# A photographer's or reporter's signature: two to four short capitalised names joined by "-" ("Tên Tên - Tên").
SIGNATURE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\w.]*(?:\s+[A-ZĐÀ-Ỹ][\w.]*){0,3})(?:\s*[-–]\s*[A-ZĐÀ-Ỹ][\w.]*(?:\s+[A-ZĐÀ-Ỹ][\w.]*){0,3}){1,3}$")
BREADCRUMB = re.compile(r"^Trang chủ(?:\W|(?=[A-ZĐÀ-Ỹ]))")
OUTLET_TAG = re.compile(r"^[A-ZĐ0-9]{3,10}$")  # an outlet's tag alone on a line ("VNAO")
LIST_ITEM = re.compile(r"^(?:[-•+–*]|\d{1,2}[.)]|[a-zđ]\))\s")
PAGE_TOOLS = re.compile(r"^(?:Cỡ chữ|Nghe bài|Nghe đọc|In trang)$", re.I)
# The rating widget under an article: what follows it is the page's other stories.
END_WIDGET = re.compile(r"^(?:Bài viết hay\?|Hãy đánh giá bài viết|Đánh giá bài viết|user image$)", re.I)
# Photo captions that open with a camera's view of the scene ("Quang cảnh lễ ký kết.", "Toàn cảnh phiên họp").
CAPTION_OPENER = re.compile(r"^(?:Quang cảnh|Toàn cảnh|Phối cảnh|Cận cảnh|Chụp ảnh lưu niệm|Các đại biểu chụp ảnh|"
                            r"Đại biểu chụp ảnh|Các đại biểu tham dự|Đại biểu tham dự)\b")
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
    if lines and not title:
        m = TITLE_STAMP.match(lines[0])
        if m and parse_published(m.group("date")) and not _is_sentence(m.group("title")):
            out.published = parse_published(m.group("date"))
            title = m.group("title")
            drop(Removed(lines[0], "title and timestamp"))
            lines[0] = ""
    for i, line in enumerate(lines[:12]):
        if out.published:
            break
        m = BYLINE.match(line) or DATELINE.match(line) or (STAMP_LINE.match(line) if i < 5 else None)
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
        if (body_seen >= 2 and _is_tail_heading(line)) or (body_seen >= 1 and END_WIDGET.match(line)):
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
    last = next((ln for ln in reversed(lines) if ln), None)  # a cut excerpt ends mid-sentence: keep it
    for line in lines:
        if not line:
            continue
        reason = None
        if IMAGE_FILE.match(line):
            reason = "image file name"
        elif CAPTION.search(line) or CAPTION_ONLY.match(line) or (CREDIT_END.search(line) and not _is_sentence(line)):
            reason = "photo caption"
        elif SIGNATURE.match(line) and len(line) < 60 and not _is_sentence(line):
            reason = "signature"
        elif BREADCRUMB.match(line) or PAGE_TOOLS.match(line) or OUTLET_TAG.match(line):
            reason = "page tools"
        elif _is_masthead(line):
            reason = "masthead"
        elif CAPTION_OPENER.match(line) and len(line.split()) <= 15:
            reason = "photo caption"
        elif out.lines and line is not last and _is_caption_like(line):
            reason = "caption or link"
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
        credit = CREDIT.search(line)
        if credit:
            drop(Removed(credit.group(0).strip(), "credit"))
            line = (line[:credit.start()].rstrip() + " " + line[credit.end():].lstrip()).strip()
            if not line:
                continue
        out.lines.append(line)
    # A trailing short unpunctuated line after the last sentence is a leftover label.
    while out.lines and not _is_sentence(out.lines[-1]) and len(out.lines[-1].split()) <= 4 and len(out.lines) > 1:
        drop(Removed(out.lines.pop(), "trailing label"))
    return out


def _is_caption_like(line: str) -> bool:
    """A line of a few words with no sentence end, inside the body: a photo caption, a link to another story or
    a subheading; none of them states a fact of the article in a sentence."""
    n = len(line.split())
    return 3 <= n <= 35 and not _is_sentence(line) and not LIST_ITEM.match(line) and not line.endswith(",")


def _is_masthead(line: str) -> bool:
    """A line in capitals only, of several words and no sentence: the site's name or motto."""
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) >= 3 and len(letters) >= 10 and all(c.isupper() for c in letters) and not _is_sentence(line)


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not _is_sentence(line)
