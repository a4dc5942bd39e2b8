"""Bytes to text: byte-order marks, UTF-8, Windows-1258 and the rest via charset-normalizer."""
from __future__ import annotations

import unicodedata

from charset_normalizer import from_bytes

from hoptac.models import Skipped

_MAGIC = [
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"RIFF", "audio or video (RIFF)"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"SQLite format 3", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "old Office document"),
]
_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]

# Letters of the Vietnamese alphabet with every diacritic, for judging a decoding.
_VI_LETTERS = set(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
)


def sniff_binary(data: bytes) -> str | None:
    """Name of the binary format the bytes start with, or None for text."""
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return None
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 100 + 1:
        if _utf16_without_bom(head):
            return None
        return "contains NUL bytes"
    return None


def _utf16_without_bom(head: bytes) -> bool:
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 50


def vietnamese_score(text: str) -> float:
    """Share of letters that belong to the Vietnamese alphabet (NFC)."""
    text = unicodedata.normalize("NFC", text[:20000]).lower()
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c in _VI_LETTERS for c in letters) / len(letters)


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a whole text file; raises Skipped with the reason when it cannot be read as text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise Skipped(source, f"invalid {enc.upper()} after its byte-order mark at byte {e.start}")
    if _utf16_without_bom(data[:8192]):
        enc = "utf-16-le" if data[1::2][:4096].count(0) > data[0::2][:4096].count(0) else "utf-16-be"
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    # Mostly valid UTF-8 with a few broken bytes is corruption, not another encoding.
    text = data.decode("utf-8", errors="replace")
    multibyte = sum(1 for b in data if b >= 0xC2 and b <= 0xF4)
    bad = text.count("\ufffd")
    if multibyte and bad * 20 < multibyte:
        raise Skipped(source, f"invalid UTF-8 at byte {utf8_error.start} "
                              f"({bad} broken sequence{'s' if bad > 1 else ''}); re-save the file as UTF-8")
    candidates: list[tuple[float, str, str]] = []
    for enc in ("cp1258", "windows-1252"):
        try:
            t = data.decode(enc)
            candidates.append((vietnamese_score(t), enc, t))
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            t = data.decode(best.encoding)
            candidates.append((vietnamese_score(t) + 0.001, best.encoding, t))
        except (UnicodeDecodeError, LookupError):
            pass
    if not candidates:
        raise Skipped(source, f"not valid UTF-8 (byte {utf8_error.start}) and no other encoding fits")
    score, enc, t = max(candidates, key=lambda c: c[0])
    if score < 0.9:
        raise Skipped(source, f"not valid UTF-8 (byte {utf8_error.start}); best guess {enc} does not give readable text")
    return t
