"""Syllable tokens of a sentence with the case facts the name finder needs."""
from __future__ import annotations

from dataclasses import dataclass

from hoptac.lexicon import tokens
from hoptac.models import Article, Sentence


@dataclass(slots=True)
class Tok:
    """One syllable or punctuation mark: offsets, lowercase form, surface, case and word id."""

    start: int
    end: int
    low: str
    text: str
    cap: bool  # starts with an uppercase letter
    upper: bool  # all letters uppercase, at least two (an acronym)
    word: int  # index of the underthesea word holding it
    alpha: bool


def sentence_tokens(a: Article, s: Sentence) -> list[Tok]:
    """Tokens of one sentence; syllables of one underthesea word share a word id (cached on the sentence)."""
    if s.toks is not None:
        return s.toks
    out: list[Tok] = []
    spans = s.words
    wi = 0
    for st, en, t in tokens(a.match[s.start:s.end]):
        st += s.start
        en += s.start
        while wi < len(spans) and spans[wi][1] <= st:
            wi += 1
        word = wi if wi < len(spans) and spans[wi][0] <= st else -1 - len(out)
        surf = a.text[st:en]
        letters = [c for c in surf if c.isalpha()]
        out.append(Tok(st, en, t.lower(), surf, surf[:1].isupper(),
                       len(letters) >= 2 and all(c.isupper() for c in letters), word, bool(letters)))
    s.toks = out
    return out


def key_of(toks: list[Tok], i: int, n: int) -> str:
    """The lexicon key of toks[i:i+n]."""
    return " ".join(t.low for t in toks[i:i + n])


def find_phrases(a: Article, si: int, table: dict[str, str], skip: list[tuple[int, int]],
                 prefix: tuple[frozenset[str], int]) -> list[tuple[int, int, str, str]]:
    """(start, end, value, previous token) of lexicon phrases in a sentence, aligned to word boundaries.

    "giao" in "giao thông" or "tiếp" in "tiếp tục" is not a match: the phrase must
    begin where underthesea's words do, and a one-syllable phrase end where they do.
    """
    toks = sentence_tokens(a, a.sentences[si])
    firsts, max_n = prefix
    out, i = [], 0
    while i < len(toks):
        hit = None
        if toks[i].low not in firsts:
            i += 1
            continue
        for n in range(min(max_n, len(toks) - i), 0, -1):
            k = " ".join(t.low for t in toks[i:i + n])
            if k not in table:
                continue
            j = i + n
            starts = i == 0 or toks[i - 1].word != toks[i].word
            ends = j >= len(toks) or toks[j].word != toks[j - 1].word
            # a phrase of two syllables or more may end inside a longer word: underthesea glues "cam kết mở"
            if starts and (ends or n >= 2):
                hit = (n, table[k])
                break
        if hit and not any(s <= toks[i].start < e for s, e in skip):
            out.append((toks[i].start, toks[i + hit[0] - 1].end, hit[1], toks[i - 1].low if i else ""))
            i += hit[0]
        else:
            i += 1
    return out
