"""Dates and times: what a rep types, and how it is stored.

``parse_when`` understands (case-insensitive, English and a little German):

- ISO dates and times: ``2026-11-26``, ``2026-11-26 14:30``, ``2026-11-26T14:30:00Z``
- German and US style: ``26.11.2026`` (day first), ``11/26/2026`` (month first when the day is
  above 12; ``03/04/2026`` is ambiguous unless the caller decides with ``dayfirst``)
- ``now``, ``today``, ``yesterday``, ``tomorrow`` (``heute``, ``gestern``, ``morgen``)
- weekday names, ``next friday``: the next such day strictly after today; ``last friday``: the
  latest one strictly before today
- ``next week`` / ``next month`` / ``next year``: the same day one week / month / year ahead
- offsets: ``+3d``, ``-2w``, ``+1m`` (months), ``+1y``, ``in 3 days``, ``2 weeks ago``
- ``end of week`` (Sunday), ``end of month``, ``end of quarter``, ``end of year``
- any of the relative days above with a time: ``tomorrow 14:00``, ``friday 9:30``
- anything else ``dateutil`` reads unambiguously, e.g. ``26 Nov 2026`` or ``Nov 26, 2026``

A value without a time of day is a *date*. When a point in time is needed (``--at``), a date
means noon local time that day, except today, which means now. Everything is stored as ISO 8601
UTC text (``2026-11-26T11:00:00Z``), which sorts chronologically as text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from salespipe.domain.errors import InvalidValue

WEEKDAYS = {
    "monday": 0, "mon": 0, "montag": 0, "tuesday": 1, "tue": 1, "tues": 1, "dienstag": 1,
    "wednesday": 2, "wed": 2, "mittwoch": 2, "thursday": 3, "thu": 3, "thurs": 3, "donnerstag": 3,
    "friday": 4, "fri": 4, "freitag": 4, "saturday": 5, "sat": 5, "samstag": 5,
    "sunday": 6, "sun": 6, "sonntag": 6,
}
_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "week": "weeks",
          "weeks": "weeks", "m": "months", "month": "months", "months": "months",
          "y": "years", "year": "years", "years": "years", "h": "hours", "hour": "hours",
          "hours": "hours"}
_OFFSET_RE = re.compile(r"^([+-])\s*(\d+)\s*([a-z]+)$")
_IN_RE = re.compile(r"^in\s+(\d+)\s+([a-z]+)$")
_AGO_RE = re.compile(r"^(\d+)\s+([a-z]+)\s+ago$")
_DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASHED_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRAILING_TIME_RE = re.compile(r"^(.*\S)\s+(\d{1,2}):(\d{2})$")


class When(NamedTuple):
    """A parsed moment: an aware datetime, and whether the text named only a date."""

    at: datetime
    date_only: bool


@lru_cache(maxsize=8192)
def utc_iso(moment: datetime) -> str:
    """Aware datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` (the storage format). Cached: imports repeat
    the same dates many times."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def from_iso(text: str) -> datetime:
    """Stored text -> aware datetime (UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def days_between(earlier: str | datetime, later: str | datetime) -> float:
    """Fractional days from one stored timestamp (or datetime) to another."""
    a = from_iso(earlier) if isinstance(earlier, str) else earlier
    b = from_iso(later) if isinstance(later, str) else later
    return (b - a).total_seconds() / 86400


def _add(base: date, unit: str, n: int) -> date:
    if unit == "days":
        return base + timedelta(days=n)
    if unit == "weeks":
        return base + timedelta(weeks=n)
    from dateutil.relativedelta import relativedelta

    return base + relativedelta(**{unit: n})


def end_of(unit: str, today: date) -> date:
    if unit == "week":
        return today + timedelta(days=6 - today.weekday())
    if unit == "month":
        nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if unit == "quarter":
        q_end_month = ((today.month - 1) // 3 + 1) * 3
        return end_of("month", date(today.year, q_end_month, 1))
    if unit == "year":
        return date(today.year, 12, 31)
    raise InvalidValue(f"unknown period {unit!r}")


def _relative_date(text: str, today: date) -> date | None:
    """Relative words and offsets -> a date, or None when ``text`` is not relative."""
    if text in ("today", "heute"):
        return today
    if text in ("yesterday", "gestern"):
        return today - timedelta(days=1)
    if text in ("tomorrow", "morgen"):
        return today + timedelta(days=1)
    words = text.split()
    if len(words) == 2 and words[0] == "next" and words[1] in ("week", "month", "year"):
        return _add(today, words[1] + "s", 1)
    if len(words) == 3 and words[:2] == ["end", "of"]:
        return end_of(words[2], today)
    if text in ("eow", "eom", "eoq", "eoy"):
        return end_of({"w": "week", "m": "month", "q": "quarter", "y": "year"}[text[2]], today)
    if len(words) <= 2 and words[-1] in WEEKDAYS and (len(words) == 1 or words[0] in ("next", "last")):
        target = WEEKDAYS[words[-1]]
        if words[0] == "last":
            return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    for regex, sign in ((_OFFSET_RE, None), (_IN_RE, 1), (_AGO_RE, -1)):
        m = regex.match(text)
        if m:
            if sign is None:
                sign_s, n, unit = m.groups()
                sign = -1 if sign_s == "-" else 1
            else:
                n, unit = m.groups()
            if unit not in _UNITS or _UNITS[unit] == "hours":
                return None
            return _add(today, _UNITS[unit], sign * int(n))
    return None


def _numeric(text: str, dayfirst: bool | None) -> tuple[datetime, bool] | None:
    m = _DOTTED_RE.match(text)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
    else:
        m = _SLASHED_RE.match(text)
        if not m:
            return None
        a, b, y, hh, mm, ss = m.groups()
        if dayfirst is None:
            if int(a) > 12 >= int(b):
                dayfirst = True
            elif int(b) > 12 >= int(a):
                dayfirst = False
            elif a == b:
                dayfirst = True
            else:
                raise InvalidValue(
                    f"ambiguous date {text!r}: day/month order unclear; write it as YYYY-MM-DD"
                )
        d, mo = (a, b) if dayfirst else (b, a)
    year = int(y) + (2000 if len(y) == 2 else 0)
    try:
        moment = datetime(year, int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError as exc:
        raise InvalidValue(f"invalid date {text!r}: {exc}") from None
    return moment, hh is None


def parse_when(text: str, *, now: datetime, dayfirst: bool | None = None) -> When:
    """Parse a date or time as a rep types it, relative to ``now`` (an aware local datetime)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue("empty date")
    raw = text
    text = " ".join(text.strip().lower().split())
    today = now.date()
    if text in ("now", "jetzt"):
        return When(now, False)
    m = _OFFSET_RE.match(text)
    if m and _UNITS.get(m.group(3)) == "hours":
        hours = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
        return When(now + timedelta(hours=hours), False)
    clock = _TRAILING_TIME_RE.match(text)
    try:
        rel = _relative_date(clock.group(1) if clock else text, today)
    except (ValueError, OverflowError):
        raise InvalidValue(f"invalid date {raw!r}: out of range") from None
    if rel is not None and clock:  # "tomorrow 14:00", "friday 9:30"
        hour, minute = int(clock.group(2)), int(clock.group(3))
        if hour > 23 or minute > 59:
            raise InvalidValue(f"invalid time in {raw!r}")
        return When(datetime.combine(rel, time(hour, minute), tzinfo=now.tzinfo), False)
    if rel is not None:
        return When(_at_noon(rel, now), True)
    numeric = _numeric(text, dayfirst)
    if numeric is None:
        numeric = _iso(text)
    if numeric is None:
        numeric = _dateutil(raw, now, dayfirst)
    moment, date_only = numeric
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


def _iso(text: str) -> tuple[datetime, bool] | None:
    if _ISO_DATE_RE.match(text):
        try:
            return datetime.combine(date.fromisoformat(text), time()), True
        except ValueError as exc:
            raise InvalidValue(f"invalid date {text!r}: {exc}") from None
    if re.match(r"^\d{4}-\d{2}-\d{2}[t ]\d", text):
        try:
            return datetime.fromisoformat(text.upper().replace("Z", "+00:00")), False
        except ValueError as exc:
            raise InvalidValue(f"invalid date {text!r}: {exc}") from None
    return None


def _dateutil(raw: str, now: datetime, dayfirst: bool | None) -> tuple[datetime, bool]:
    from dateutil import parser

    text = raw.strip()
    if not re.search(r"[a-zA-Z]", text) or not re.search(r"\d", text):
        # Pure numbers ("20261126", "12") and pure words are too easy to misread.
        raise InvalidValue(
            f"invalid date {raw!r}: use YYYY-MM-DD, DD.MM.YYYY, today, friday, +3d or end of month"
        )
    try:
        sentinel_a = parser.parse(text, default=datetime(1904, 1, 1, 0, 0, 0), dayfirst=bool(dayfirst))
        sentinel_b = parser.parse(text, default=datetime(1908, 2, 2, 1, 1, 1), dayfirst=bool(dayfirst))
    except (ValueError, OverflowError, parser.ParserError):
        raise InvalidValue(
            f"invalid date {raw!r}: use YYYY-MM-DD, DD.MM.YYYY, today, friday, +3d or end of month"
        ) from None
    if sentinel_a.date() != sentinel_b.date():
        raise InvalidValue(f"incomplete date {raw!r}: give day, month and year")
    has_time = sentinel_a.hour == sentinel_b.hour
    return sentinel_a, not has_time


def parse_date(text: str, *, now: datetime, dayfirst: bool | None = None) -> date:
    """Parse a calendar date (an expected close date, a task's due day)."""
    when = parse_when(text, now=now, dayfirst=dayfirst)
    return when.at.astimezone(now.tzinfo).date() if now.tzinfo else when.at.date()


# Periods for reports ------------------------------------------------------------------------

PERIODS = ("this-month", "last-month", "this-quarter", "last-quarter", "this-year", "last-year",
           "last-30-days", "last-90-days", "all")


def period_bounds(name: str, today: date) -> tuple[date | None, date | None]:
    """Named period -> inclusive (since, until) dates; ``all`` -> (None, None)."""
    if name == "all":
        return None, None
    if name == "this-month":
        return today.replace(day=1), end_of("month", today)
    if name == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name in ("this-quarter", "last-quarter"):
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        if name == "last-quarter":
            start = _add(start, "months", -3)
        return start, end_of("quarter", start)
    if name == "this-year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if name == "last-year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if name.startswith("last-") and name.endswith("-days"):
        n = int(name[5:-5])
        return today - timedelta(days=n - 1), today
    raise InvalidValue(f"unknown period {name!r}; choose from: {', '.join(PERIODS)}")


def target_period_bounds(text: str) -> tuple[str, date, date]:
    """``2026-11`` / ``2026-Q4`` / ``2026`` -> (normalised name, first day, last day)."""
    value = text.strip().upper()
    if re.match(r"\d{4}", value) and not 1900 <= int(value[:4]) <= 9998:
        raise InvalidValue(f"invalid target period {text!r}: a year from 1900 to 9998")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if m and 1 <= int(m.group(2)) <= 12:
        first = date(int(m.group(1)), int(m.group(2)), 1)
        return f"{first.year}-{first.month:02d}", first, end_of("month", first)
    m = re.fullmatch(r"(\d{4})-?Q([1-4])", value)
    if m:
        first = date(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 1)
        return f"{first.year}-Q{m.group(2)}", first, end_of("quarter", first)
    if re.fullmatch(r"\d{4}", value):
        return value, date(int(value), 1, 1), date(int(value), 12, 31)
    raise InvalidValue(f"invalid target period {text!r}: use a month (2026-11), a quarter (2026-Q4) or a year (2026)")


def periods_containing(day: date) -> list[str]:
    """The month, quarter and year a day falls in, most specific first."""
    return [f"{day.year}-{day.month:02d}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year)]
