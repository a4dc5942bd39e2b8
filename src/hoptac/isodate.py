"""ISO dates at the precision the text gives, with ISO 8601-2's unspecified year: "XXXX-10-29" is what an article
that never states the year says ("ngày 29/10"), where guessing one would invent a fact."""
from __future__ import annotations

from datetime import date

UNKNOWN_YEAR = "XXXX"
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a stored date outside these is a misreading ("31/12/9999"): not drawn or sorted


def year_known(value: str | None) -> bool:
    """A date whose year the text gives ("2025", "2025-09", "2025-09-23")."""
    return bool(value) and value[:4].isdigit()


def full_day(value: str | None) -> bool:
    """A day of a known year, "2025-09-23": what can be compared and counted in days."""
    return year_known(value) and len(value) == 10


def year_unknown(value: str | None) -> bool:
    """A day and month whose year the article never states ("XXXX-10-29")."""
    return bool(value) and value.startswith(UNKNOWN_YEAR + "-")


def month_day(value: str | None) -> str | None:
    """"10-29" of a day with or without its year."""
    return value[5:10] if value and len(value) == 10 else None


def as_day(value: str | None) -> date | None:
    """An ISO date at any precision (2025, 2025-09, 2025-09-23) as its first day; None when unreadable, absurd or
    of no known year."""
    if not value:
        return None
    parts = value.split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 1
        d = int(parts[2]) if len(parts) > 2 else 1
        day = date(y, m, d)
    except (ValueError, IndexError):
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def readable(value: str | None) -> bool:
    """A stored date that views may sort and draw by (readable, of a known year within FIRST_YEAR..LAST_YEAR)."""
    return as_day(value) is not None


def sort_key(value: str | None) -> str:
    """A date to sort by, newest first: a misread one ("9999-12-31") or one of no known year sorts with the
    undated, not on top."""
    return value if value and readable(value) else ""
