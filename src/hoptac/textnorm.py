"""Unicode and Vietnamese spelling normalization that never changes string length.

Written by hand because no maintained library normalizes tone placement
(hoà/hòa, thuỷ/thủy) without re-tokenizing the text, and every fact keeps
character offsets: `tone_normalize` and `fold` map NFC text one character to
one character, so offsets found on the normalized copy hold for the original.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}


def _split(ch: str) -> tuple[str, str]:
    """A precomposed vowel as (vowel without tone, tone mark or '')."""
    d = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in d if c in _TONES)
    base = "".join(c for c in d if c not in _TONES)
    return unicodedata.normalize("NFC", base), tone


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


# A syllable ending in oa / oe / uy, not after q (in "qu" the u is a consonant).
_OLD_STYLE = re.compile(
    r"(?<![qQ\w])([^\W\d_]*?)([oOuU])([aAeEyY\u00C0-\u1EF9])(?![^\W\d_])"
)
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}


def _fix(m: re.Match[str]) -> str:
    head, first, second = m.group(1), m.group(2), m.group(3)
    if head[-1:].lower() == "q":
        return m.group(0)
    b2, t2 = _split(second)
    if not t2 or (first.lower(), b2.lower()) not in _PAIRS:
        return m.group(0)
    return head + _with_tone(first, t2) + b2


_ANY_SECOND = re.compile(r"[oOuU][\u00C0-\u1EF9]")


def tone_normalize(text: str) -> str:
    """Put tone marks where official Vietnamese spelling does (hoà -> hòa, thuỷ -> thủy)."""
    if not _ANY_SECOND.search(text):
        return text
    return _OLD_STYLE.sub(_fix, text)


def nfc(text: str) -> str:
    """NFC form with control characters (except newline and tab) removed."""
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub("", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")


def _build_fold() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x00C0, 0x1F00):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[cp] = base.lower()
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


_FOLD = _build_fold()


def fold(text: str) -> str:
    """Lowercase without diacritics, đ folded to d; same length as NFC input."""
    return text.translate(_FOLD).lower()


_WS = re.compile(r"\s+")


def key(text: str) -> str:
    """A matching key: folded, tone-insensitive, punctuation and spaces collapsed."""
    k = fold(text)
    k = re.sub(r"[^\w&]+", " ", k)
    return _WS.sub(" ", k).strip()


def match_form(text: str) -> str:
    """Casefolded, tone-normalized form for case-insensitive, accent-aware matching."""
    return tone_normalize(text).lower()
