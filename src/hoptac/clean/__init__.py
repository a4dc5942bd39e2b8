"""From a raw input to an Article with a clean body, a title and a publication date."""
from __future__ import annotations

import re

import trafilatura

from hoptac.inputs.raw import RawDoc
from hoptac.inputs.decode import vietnamese_score
from hoptac.models import Article, Removed, Skipped
from hoptac.options import Options
from hoptac.textnorm import nfc, tone_normalize

from .furniture import clean_lines
from .header import parse_published, split_header

_VI_MARKS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýõãĩũ]", re.I)


def detect_language(text: str) -> str:
    """'vi' when the text is Vietnamese, 'en' for unaccented Latin text, else 'und'."""
    sample = text[:5000]
    letters = sum(c.isalpha() for c in sample)
    if not letters:
        return "und"
    marks = len(_VI_MARKS.findall(sample))
    if marks / letters > 0.04 and vietnamese_score(sample) > 0.9:
        return "vi"
    if sum(c.isascii() for c in sample if c.isalpha()) / letters > 0.97:
        return "en"
    return "und"


MIN_HTML_WORDS = 15  # less than this is a menu or an error page, not an article


def _from_html(raw: RawDoc) -> tuple[str, dict[str, str]]:
    doc = trafilatura.bare_extraction(raw.body, url=raw.meta.get("url"), with_metadata=True,
                                      include_comments=False, include_tables=True)
    text = (doc.text or "") if doc is not None else ""
    if len(text.split()) < MIN_HTML_WORDS:
        raise Skipped(raw.source, "HTML page has no article text")
    meta = {k: v for k, v in (("title", doc.title), ("author", doc.author), ("date", doc.date),
                              ("url", doc.url)) if v}
    return text, meta


def build_article(raw: RawDoc, opts: Options) -> Article:
    """Clean one raw document; raises Skipped when nothing of an article is left."""
    meta = dict(raw.meta)
    removed: list[Removed] = []
    if raw.kind == "html":
        body, html_meta = _from_html(raw)
        for k, v in html_meta.items():
            meta.setdefault(k, v)
        body = nfc(body)
    else:
        body = nfc(raw.body.replace("\r\n", "\n").replace("\r", "\n"))
        header, body, header_text = split_header(body)
        if header_text:
            removed.append(Removed(header_text, "metadata header"))
        for k, v in header.items():
            meta.setdefault(k, v)
    title = nfc(meta["title"]).strip() if meta.get("title") else None
    cleaned = clean_lines(body, title)
    removed.extend(cleaned.removed)
    text = "\n\n".join(cleaned.lines)
    if not text.strip():
        raise Skipped(raw.source, "no article text left after removing site furniture")
    published = parse_published(meta.get("date")) or cleaned.published
    art = Article(
        source=raw.source, raw=raw.body, title=cleaned.title or title, published=published,
        author=meta.get("author") or cleaned.author, url=meta.get("url"),
        language=detect_language(text), text=text, match=tone_normalize(text), removed=removed,
        meta=meta,
    )
    return art
