"""The timeline one period (a month or a year) at a time, so a page costs the same at any archive size."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hoptac.isodate import FIRST_YEAR, LAST_YEAR  # dates outside are misreadings: never on a timeline
from hoptac.kb import timeline
from hoptac.store import Store

_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2}))?")


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month, or a whole year when month is None."""

    year: int
    month: int | None = None

    @property
    def key(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.month:02d}/{self.year}"

    def bounds(self) -> tuple[str, str]:
        """date_from/date_to (ISO prefixes) holding it; a date known only to the year belongs to its January."""
        if self.month is None:
            return self.key, self.key
        return (f"{self.year}" if self.month == 1 else self.key), self.key

    def before(self) -> str:
        """The date_to of everything earlier."""
        if self.month is None:
            return f"{self.year - 1}"
        return f"{self.year - 1}-12" if self.month == 1 else f"{self.year}-{self.month - 1:02d}"

    def after(self) -> str:
        """The date_from of everything later."""
        if self.month is None or self.month == 12:
            return f"{self.year + 1}"
        return f"{self.year}-{self.month + 1:02d}"


def parse_period(value: str | None) -> Period | None:
    """'2024-12' or '2024' as a Period; None when empty, malformed or outside the plausible years."""
    m = _PERIOD.fullmatch((value or "").strip())
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    if not FIRST_YEAR <= year <= LAST_YEAR or (month is not None and not 1 <= month <= 12):
        return None
    return Period(year, month)


def period_of(iso: str, by_month: bool = True) -> Period:
    """The period an ISO date (any precision) falls in."""
    parts = iso.split("-")
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12 else 1
    return Period(int(iso[:4]), month if by_month else None)


def _later(a: str, b: str) -> str:
    """The later of two lower bounds (a longer prefix of the same date is the later one)."""
    return max(a, b)


def _earlier(a: str, b: str) -> str:
    """The earlier of two upper bounds; date_to keeps everything under it, so '2024-03' ends after '2024-03-10'."""
    return min(a + "~", b + "~")[:-1]


def window(store: Store, entity_id: int | None, topic: str | None, date_from: str | None, date_to: str | None,
           period: Period | None, limit: int, page_no: int = 1) -> dict[str, Any]:
    """The events a timeline page shows, newest first, and the neighbouring periods that hold any.

    Without a period, everything matching is shown when it fits on one page; otherwise the latest year or
    month that holds events. Each query is bounded by the page or the period, never by the archive.
    """
    lo = _later(date_from or str(FIRST_YEAR), str(FIRST_YEAR))
    hi = _earlier(date_to or str(LAST_YEAR), str(LAST_YEAR))
    if period is None:
        first = timeline(store, entity_id, lo, hi, limit + 1, topic, newest_first=True)
        if len(first) <= limit:
            return {"events": first, "period": None, "prev": None, "next": None, "more": False}
        # the latest year when it fits on a page, else the latest month; the neighbours keep that step
        year = period_of(first[0]["date"], by_month=False)
        y_lo, y_hi = year.bounds()
        in_year = timeline(store, entity_id, _later(lo, y_lo), _earlier(hi, y_hi), limit + 1, topic)
        period = year if len(in_year) <= limit else period_of(first[0]["date"])
    p_lo, p_hi = period.bounds()
    in_lo, in_hi = _later(lo, p_lo), _earlier(hi, p_hi)
    rows = timeline(store, entity_id, in_lo, in_hi, limit * page_no + 1, topic, newest_first=True)
    by_month = period.month is not None
    older = timeline(store, entity_id, lo, _earlier(hi, period.before()), 1, topic, newest_first=True)
    newer = timeline(store, entity_id, _later(lo, period.after()), hi, 1, topic)
    return {"events": rows[(page_no - 1) * limit:page_no * limit], "period": period,
            "more": len(rows) > page_no * limit,
            "prev": period_of(older[0]["date"], by_month) if older else None,
            "next": period_of(newer[0]["date"], by_month) if newer else None}
