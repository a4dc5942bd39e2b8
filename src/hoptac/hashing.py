"""Content hashes that decide whether an article is already stored."""
from __future__ import annotations

import hashlib
import re

from hoptac.textnorm import fold

_NON_WORD = re.compile(r"[\W_]+")


def raw_hash(data: bytes | str) -> str:
    """Hash of the input as read, to skip unchanged inputs before any work."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def content_hash(text: str) -> str:
    """Hash of the clean body, blind to case, accents, spacing and punctuation."""
    return hashlib.sha256(_NON_WORD.sub(" ", fold(text)).strip().encode()).hexdigest()
