"""ISO dates at the precision the text gives, with ISO 8601-2's unspecified year: "XXXX-10-29" is what an article
that never states the year says ("ngày 29/10"), where guessing one would invent a fact."""
from __future__ import annotations

UNKNOWN_YEAR = "XXXX"


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
