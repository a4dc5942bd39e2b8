"""The store's last guard on dates: a value outside a plausible range is not a fact and is kept as null."""
from __future__ import annotations

import re
from datetime import date

from hoptac.isodate import year_unknown

EARLIEST_YEAR = 1900
AHEAD_YEARS = 30  # a date may lie this far after the publication (or today, when that is unknown)
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _parts(value: str) -> tuple[int, ...] | None:
    """(year[, month[, day]]) of an ISO date at any precision ("2025", "2025-09", "2025-09-23", "2025-Q3")."""
    m = _ISO.match(value)
    if m is None:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def limit(published: str | None, today: date | None = None) -> tuple[int, int, int]:
    """The latest plausible date: publication (else today) plus AHEAD_YEARS."""
    base = _parts(published) if published else None
    if base is None:
        t = today or date.today()
        base = (t.year, t.month, t.day)
    month = base[1] if len(base) > 1 else 12  # a bare year allows its whole last year
    day = base[2] if len(base) > 2 else 31
    return (base[0] + AHEAD_YEARS, month, day)


def plausible(value: str | None, latest: tuple[int, int, int]) -> str | None:
    """value when it is a date from EARLIEST_YEAR to `latest` (compared at the value's precision), else None."""
    if not value:
        return None
    if year_unknown(value):
        return value if _parts("2000" + value[4:]) and len(value) == 10 else None
    parts = _parts(value)
    if parts is None or parts[0] < EARLIEST_YEAR:
        return None
    if parts > latest[:len(parts)]:
        return None
    return value


def plausible_published(value: str | None, today: date | None = None) -> str | None:
    """A publication date from EARLIEST_YEAR to today plus AHEAD_YEARS, else None."""
    return plausible(value, limit(None, today))
