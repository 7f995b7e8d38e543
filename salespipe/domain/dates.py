"""Dates and times: what a rep types, and how it is stored.

``parse_when`` reads one date or time as a person writes it, in English or German: ISO
(``2026-11-26``, ``2026-11-26 14:30``, ``2026-11-26T14:30:00Z``), numeric (``26.11.2026``,
``11/26/2026``), with a month name (``Dec 31``, ``31. Dezember 2026``), without a year
(``31.12.``), relative (``today``, ``morgen``, ``übermorgen``, ``friday``, ``nächsten Freitag``,
``+3d``, ``end of month``), and with a time (``Fri 9am``, ``morgen 14 Uhr``). The reading itself
is ``domain.date_text.read``, shared with the import; its docstring has the whole grammar, the
rule for two-digit years and the direction rule: a value without a year or a bare weekday name
is completed forwards for a field about the future (``past=False``, the default: due dates,
close dates) and backwards for one about the past (``past=True``: ``--at``, report dates).

A value without a time of day is a *date*. When a point in time is needed (``--at``), a date
means noon local time that day, except today, which means now. Everything is stored as ISO 8601
UTC text (``2026-11-26T11:00:00Z``), which sorts chronologically as text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from salespipe.domain.date_text import WEEKDAYS, add, end_of, read
from salespipe.domain.errors import InvalidValue

__all__ = [
    "WEEKDAYS",
    "When",
    "end_of",
    "parse_when",
    "parse_date",
    "utc_iso",
    "from_iso",
    "days_between",
    "Period",
    "parse_period",
    "period_bounds",
    "target_period_bounds",
    "periods_containing",
    "PERIODS",
]


# The years a date typed on the command line (and a period) may fall in.
YEARS = (1900, 9998)


class When(NamedTuple):
    """A parsed moment: an aware datetime, and whether the text named only a date."""

    at: datetime
    date_only: bool


@lru_cache(maxsize=8192)
def utc_iso(moment: datetime) -> str:
    """Aware datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` (the storage format). Cached: imports repeat
    the same dates many times."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def from_iso(text: str) -> datetime:
    """Stored text -> aware datetime (UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def days_between(earlier: str | datetime, later: str | datetime) -> float:
    """Fractional days from one stored timestamp (or datetime) to another."""
    a = from_iso(earlier) if isinstance(earlier, str) else earlier
    b = from_iso(later) if isinstance(later, str) else later
    return (b - a).total_seconds() / 86400


def utc_day_bounds(since: date | None, until: date | None, tz: tzinfo | None) -> tuple[str | None, str | None]:
    """Inclusive local days -> half-open UTC text bounds [since 00:00, until + 1 00:00) (None:
    open)."""
    lo = utc_iso(datetime.combine(since, time(), tzinfo=tz)) if since else None
    hi = utc_iso(datetime.combine(until + timedelta(days=1), time(), tzinfo=tz)) if until else None
    return lo, hi


def parse_when(text: str, *, now: datetime, dayfirst: bool | None = None, past: bool = False) -> When:
    """Parse a date or time as a rep types it, relative to ``now`` (an aware local datetime).
    ``past``: the field is about the past, so ``friday`` and ``31.12.`` mean the last such day."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue("empty date")
    moment, date_only = read(text, now=now, dayfirst=dayfirst, past=past)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        # beyond, a day's neighbours cannot be computed: the next day (an all-day calendar
        # event's end), the moment in UTC, a year of time-zone rules around it
        raise InvalidValue(f"invalid date {text!r}: give a date from {YEARS[0]} to {YEARS[1]}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
        moment = moment.astimezone(now.tzinfo) if now.tzinfo else moment
    if date_only:
        return When(_at_noon(moment.date(), now), True)
    return When(moment, False)


def _at_noon(day: date, now: datetime) -> datetime:
    if day == now.date():
        return now
    return datetime.combine(day, time(12), tzinfo=now.tzinfo)


def parse_date(text: str, *, now: datetime, dayfirst: bool | None = None, past: bool = False) -> date:
    """Parse a calendar date (an expected close date, a task's due day; with ``past``, a
    report's ``--since``/``--until``/``--as-of``)."""
    when = parse_when(text, now=now, dayfirst=dayfirst, past=past)
    return when.at.astimezone(now.tzinfo).date() if now.tzinfo else when.at.date()


# Periods: one reader for `report --period` and `target set/show --period` -------------------

PERIODS = (
    "this-month",
    "last-month",
    "this-quarter",
    "last-quarter",
    "this-year",
    "last-year",
    "last-30-days",
    "last-90-days",
    "all",
)
PERIOD_FORMS = (
    "this-month, last-month, next-month, this-quarter, last-quarter, next-quarter, this-year, last-year, "
    "next-year, last-N-days (last-30-days), all, a month (2026-11), a quarter (2026-Q4) or a year (2026)"
)
TARGET_FORMS = (
    "use a month (2026-11), a quarter (2026-Q4), a year (2026), this-month, this-quarter, "
    "this-year, last-month, last-quarter, last-year, next-month, next-quarter or next-year"
)


class UnknownPeriod(InvalidValue):
    """A period that cannot be read; ``reason`` is why, when there is more to say than "unknown"."""

    def __init__(self, text: str, reason: str | None = None):
        super().__init__(
            f"unknown period {text!r}: {reason}" if reason else f"unknown period {text!r}; use {PERIOD_FORMS}"
        )
        self.reason = reason


class Period(NamedTuple):
    """A named period. ``calendar`` is the month, quarter or year it is (``2026-11``,
    ``2026-Q4``, ``2026``): what a target can be set for; None for rolling days and ``all``."""

    name: str
    since: date | None
    until: date | None
    calendar: str | None


def _calendar_period(unit: str, first: date) -> Period:
    if unit == "month":
        name = f"{first.year}-{first.month:02d}"
    elif unit == "quarter":
        name = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    else:
        name = str(first.year)
    return Period(name, first, end_of(unit, first), name)


def parse_period(text: str, today: date) -> Period:
    """``this-quarter``, ``last-month``, ``next-month``, ``last-30-days``, ``all``, ``2026-11``, ``2026-Q4``,
    ``2026`` -> a ``Period`` with inclusive bounds (``all``: none). The words keep their name
    (``this-quarter``); calendar forms are normalised (``2026-q4`` -> ``2026-Q4``)."""
    value = re.sub(r"[\s_]+", "-", text.strip().lower())
    if value == "all":
        return Period("all", None, None, None)
    m = re.fullmatch(r"(this|last|next)-(month|quarter|year)", value)
    if m:
        unit = m.group(2)
        first = {
            "month": today.replace(day=1),
            "quarter": date(today.year, (today.month - 1) // 3 * 3 + 1, 1),
            "year": date(today.year, 1, 1),
        }[unit]
        if m.group(1) != "this":
            step = (3 if unit == "quarter" else 1) * (-1 if m.group(1) == "last" else 1)
            first = add(first, {"month": "months", "quarter": "months", "year": "years"}[unit], step)
        return Period(value, first, end_of(unit, first), _calendar_period(unit, first).name)
    m = re.fullmatch(r"last-([0-9]{1,5})-days?", value)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 36600:
            raise UnknownPeriod(text, "last-N-days takes N from 1 to 36600")
        return Period(f"last-{n}-days", today - timedelta(days=n - 1), today, None)
    m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{1,2})|-?q([1-4]))?", value)
    if m:
        year = int(m.group(1))
        if not YEARS[0] <= year <= YEARS[1]:
            raise UnknownPeriod(text, f"a year from {YEARS[0]} to {YEARS[1]}")
        if m.group(2) is not None:
            if not 1 <= int(m.group(2)) <= 12:
                raise UnknownPeriod(text, f"there is no month {int(m.group(2))}")
            return _calendar_period("month", date(year, int(m.group(2)), 1))
        if m.group(3) is not None:
            return _calendar_period("quarter", date(year, (int(m.group(3)) - 1) * 3 + 1, 1))
        return _calendar_period("year", date(year, 1, 1))
    raise UnknownPeriod(text)


def period_bounds(name: str, today: date) -> tuple[date | None, date | None]:
    """Named period -> inclusive (since, until) dates; ``all`` -> (None, None)."""
    period = parse_period(name, today)
    return period.since, period.until


def target_period_bounds(text: str, today: date) -> tuple[str, date, date]:
    """A target's period: ``2026-11`` / ``2026-Q4`` / ``2026``, or the words ``report --period``
    takes that name one (``this-quarter``, ``last-month``) -> (its name, first day, last day)."""
    try:
        period = parse_period(text, today)
    except UnknownPeriod as exc:
        raise InvalidValue(f"invalid target period {text!r}: {exc.reason or TARGET_FORMS}") from None
    if period.calendar is None or period.since is None or period.until is None:
        raise InvalidValue(
            f"invalid target period {text!r}: a target is for a month, a quarter or a year; " + TARGET_FORMS
        )
    return period.calendar, period.since, period.until


def periods_containing(day: date) -> list[str]:
    """The month, quarter and year a day falls in, most specific first."""
    return [f"{day.year}-{day.month:02d}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year)]
