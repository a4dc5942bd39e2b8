"""One options object shared by the CLI, the API and the library."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DB = "sqlite:///hoptac.db"


def db_url(value: str | None = None) -> str:
    """The store URL from --db, HOPTAC_DB or the default; a bare path means SQLite."""
    url = value or os.environ.get("HOPTAC_DB") or DEFAULT_DB
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@dataclass(slots=True)
class Options:
    """Knobs of reading, cleaning and extraction."""

    max_bytes: int = 20_000_000  # one document (a file, or one JSON record)
    max_chars: int = 400_000  # text beyond this is not analysed (still stored)
    # Lexicon names and titles as underthesea fixed_words: word_tokenize's cost grows linearly with the list
    # (641 words: 2.3x slower) and the shared gold and questions score the same without it, so it is opt-in.
    fixed_words: bool = False
    # The learned classifiers of hoptac/learned/ (statements, events); False runs the rules alone.
    learned: bool = True
