"""The raw document every reader produces."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawDoc:
    """One input document before cleaning: decoded text or HTML plus known metadata."""

    source: str
    body: str
    kind: str  # text | html
    meta: dict[str, str] = field(default_factory=dict)
    raw_hash: str = ""
