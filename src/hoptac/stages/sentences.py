"""Sentences and words with underthesea, mapped back to character offsets."""
from __future__ import annotations

import re

from underthesea import sent_tokenize, word_tokenize

from hoptac.models import Article, Sentence

NAME = "sentences"
REQUIRES: list[str] = []
ASSIGNS = ["sentences"]

MAX_TOKENIZE = 3000  # longer "sentences" (tables, lists) are split on whitespace only
_PARA = re.compile(r"[^\n]+")
_WS_WORD = re.compile(r"\w+|[^\w\s]")
# underthesea splits a quotation or "..." into its own piece; these rejoin it to the sentence before.
_STARTS_LOWER = re.compile(r"^[\"“”'’)\]…,;:]*\s*[a-zà-ỹđ0-9]")


def _offsets(text: str, pieces: list[str], base: int) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        i = text.find(p, pos)
        if i < 0:  # the tokenizer changed the text; fall back to its first word
            head = p.split()[0]
            i = text.find(head, pos)
            if i < 0:
                continue
            j = i + len(head)
        else:
            j = i + len(p)
        spans.append((base + i, base + j))
        pos = j
    return spans


def _split(para: str) -> list[str]:
    if len(para) > 20000:  # linear fallback for pathological paragraphs
        return re.split(r"(?<=[.!?])\s+", para)
    return sent_tokenize(para)


def words(match: str, start: int, end: int, fixed: list[str] | None = None) -> list[tuple[int, int]]:
    """Word spans (absolute offsets) of match[start:end]; multi-syllable words are one span."""
    chunk = match[start:end]
    if len(chunk) > MAX_TOKENIZE:
        return [(start + m.start(), start + m.end()) for m in _WS_WORD.finditer(chunk)]
    try:
        toks = word_tokenize(chunk, fixed_words=fixed) if fixed else word_tokenize(chunk)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a panic in underthesea's Rust core (pyo3 PanicException is a BaseException)
        return [(start + m.start(), start + m.end()) for m in _WS_WORD.finditer(chunk)]
    return _offsets(chunk.lower(), [t.lower() for t in toks], start)


def run(a: Article, res) -> None:
    """Split each paragraph into sentences, then each sentence into words."""
    out: list[Sentence] = []
    for m in _PARA.finditer(a.text):
        spans = _offsets(m.group(0), _split(m.group(0)), m.start())
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and (_STARTS_LOWER.match(a.text[s:e]) or e - s < 3):
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        for s, e in merged:
            out.append(Sentence(s, e, a.text[s:e]))
    for s in out:
        s.words = words(a.match, s.start, s.end, res.fixed_words if res else None)
    a.sentences = out
