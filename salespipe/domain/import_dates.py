"""Dates as CRM exports write them, with the day/month order decided per column from evidence.

Forms read: ISO dates and timestamps (with ``Z`` or an offset), numeric dates with ``/``, ``-``
or ``.`` in either order (``14.01.2020``, ``01/14/2020``, ``01-14-2020 3:05 PM``), year first
with slashes (``2020/01/14``), Excel serial numbers (``43844``, ``43844.5``), and dates with a
month name (``14-Jan-2020``, ``Jan 14, 2020``, ``14. Januar 2020``).

The day/month order of a numeric column is decided once, from all its values: a value with a
first part over 12 proves day-first, a second part over 12 proves month-first. A column with
proof both ways is refused; a column with no proof takes the order proved by the file's other
date columns, then the order given by ``--dayfirst``/``--monthfirst``; dotted dates
(``03.04.2026``) are day-first wherever they are written, as in every country that writes them.

A date without a time is taken at noon local time (a calendar day, whatever the zone); a time
without a zone is local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from salespipe.domain.errors import InvalidValue

_NUMERIC_RE = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?"
    r"(?:(?:[ T]+|,\s*)(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?\s*([aApP][mM])?)?\s*$"
)
_SERIAL_RE = re.compile(r"^\d{5}(?:\.\d+)?$")
_ISO_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials of 1955-01-01 .. 2118-12-31: a five-digit number in a date column.
SERIAL_RANGE = (20090, 80353)

GERMAN_MONTHS = {"januar": "January", "jänner": "January", "februar": "February", "märz": "March",
                 "maerz": "March", "mai": "May", "juni": "June", "juli": "July", "oktober": "October",
                 "dezember": "December", "janvier": "January", "février": "February", "fevrier": "February",
                 "mars": "March", "avril": "April", "juin": "June", "juillet": "July", "août": "August",
                 "aout": "August", "septembre": "September", "octobre": "October", "novembre": "November",
                 "décembre": "December", "decembre": "December", "enero": "January", "febrero": "February",
                 "marzo": "March", "abril": "April", "mayo": "May", "junio": "June", "julio": "July",
                 "agosto": "August", "septiembre": "September", "setiembre": "September",
                 "octubre": "October", "noviembre": "November", "diciembre": "December"}
_MONTH_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class DateEvidence:
    """What one column's values say about their form."""

    dayfirst: int = 0       # values whose first part is over 12
    monthfirst: int = 0     # values whose second part is over 12
    ambiguous: int = 0      # numeric a/b/y values that could be either
    dotted: int = 0
    other: int = 0          # ISO, serial, month names
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, value: str) -> None:
        m = _NUMERIC_RE.match(value)
        if not m or len(m.group(1)) == 4:
            self.other += 1
            return
        a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
        if sep == ".":
            self.dotted += 1
        if a > 12 >= b:
            self.dayfirst += 1
            self.examples.setdefault("dayfirst", value)
        elif b > 12 >= a:
            self.monthfirst += 1
            self.examples.setdefault("monthfirst", value)
        elif a != b and sep != ".":
            self.ambiguous += 1
            self.examples.setdefault("ambiguous", value)

    @property
    def order(self) -> str | None:
        """"dayfirst", "monthfirst", "mixed", "ambiguous" or None (no numeric dates)."""
        if self.dayfirst and self.monthfirst:
            return "mixed"
        if self.dayfirst:
            return "dayfirst"
        if self.monthfirst:
            return "monthfirst"
        if self.ambiguous:
            return "ambiguous"
        if self.dotted:
            return "dayfirst"  # dotted dates are day first wherever they are written
        return None

    def describe(self) -> str:
        if self.dayfirst and self.monthfirst:
            return (f"{_values(self.dayfirst)} {_prove(self.dayfirst)} day-first (e.g. {self.examples['dayfirst']!r}) and "
                    f"{self.monthfirst:,} month-first (e.g. {self.examples['monthfirst']!r})")
        if self.dayfirst:
            return f"{_values(self.dayfirst)} {_prove(self.dayfirst)} day-first (e.g. {self.examples['dayfirst']!r})"
        if self.monthfirst:
            return f"{_values(self.monthfirst)} {_prove(self.monthfirst)} month-first (e.g. {self.examples['monthfirst']!r})"
        if self.ambiguous:
            return f"{_values(self.ambiguous)} could be either (e.g. {self.examples['ambiguous']!r})"
        if self.dotted:
            return "dotted dates, day first as wherever they are written"
        return "no day/month question"


def _values(count: int) -> str:
    return f"{count:,} value" + ("s" if count != 1 else "")


def _prove(count: int) -> str:
    return "proves" if count == 1 else "prove"


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        yy = int(text)
        return 2000 + yy if yy < 70 else 1900 + yy
    raise ValueError(f"a year of {len(text)} digits")


@lru_cache(maxsize=16384)
def parse_import_datetime(value: str, dayfirst: bool | None, tz: Any) -> datetime:
    """A date or timestamp of an export -> aware datetime; ``dayfirst`` is the column's order
    (None: only values that prove their own order are read). Raises ``InvalidValue``."""
    text = value.strip()
    if _ISO_PREFIX_RE.match(text):
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(12), tzinfo=tz)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
        except ValueError:
            raise InvalidValue(f"invalid date {value!r}") from None
    m = _NUMERIC_RE.match(text)
    if m:
        a, sep, b, c, hh, mi, ss, ampm = m.groups()
        try:
            if len(a) == 4:
                year, month, day = int(a), int(b), int(c)
            else:
                first, second = int(a), int(b)
                if first > 12 and dayfirst is False or second > 12 and dayfirst is True:
                    raise InvalidValue(f"date {value!r} contradicts the column's order "
                                       f"({'day' if dayfirst else 'month'} first)")
                if first > 12 or (sep == "." and second <= 12):
                    order = True
                elif second > 12:
                    order = False
                elif first == second:
                    order = True
                elif dayfirst is None:
                    raise InvalidValue(f"ambiguous date {value!r}: pass --dayfirst or --monthfirst")
                else:
                    order = dayfirst
                day, month = (first, second) if order else (second, first)
                year = _year(c)
            if hh is None:
                return datetime(year, month, day, 12, tzinfo=tz)
            hour = int(hh)
            if ampm:
                if not 1 <= hour <= 12:
                    raise ValueError("hour out of range")
                hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
            return datetime(year, month, day, hour, int(mi), int(ss or 0), tzinfo=tz)
        except ValueError as exc:
            raise InvalidValue(f"invalid date {value!r}: {exc}") from None
    if _SERIAL_RE.match(text):
        serial = float(text)
        if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            raise InvalidValue(f"invalid date {value!r}: a number that is no Excel date of 1955-2118")
        whole = int(serial)
        day = EXCEL_EPOCH + timedelta(days=whole)
        if serial == whole:
            return datetime.combine(day, time(12), tzinfo=tz)
        seconds = round((serial - whole) * 86400)
        return datetime.combine(day, time(), tzinfo=tz) + timedelta(seconds=seconds)
    return _worded(text, value, tz)


def _worded(text: str, original: str, tz: Any) -> datetime:
    """``14-Jan-2020``, ``Jan 14, 2020``, ``14. Januar 2020`` (a year is required)."""
    if not re.search(r"\d{4}", text) or not re.search(r"[^\W\d_]", text):
        raise InvalidValue(f"invalid date {original!r}: expected a date such as 2026-11-26")
    from dateutil import parser

    english = _MONTH_WORD_RE.sub(lambda m: GERMAN_MONTHS.get(m.group(0).lower(), m.group(0)), text)
    try:
        a = parser.parse(english, default=datetime(1904, 1, 1, 0, 0, 0), dayfirst=True)
        b = parser.parse(english, default=datetime(1908, 2, 2, 1, 1, 1), dayfirst=True)
    except (ValueError, OverflowError, parser.ParserError):
        raise InvalidValue(f"invalid date {original!r}: expected a date such as 2026-11-26") from None
    if a.date() != b.date():
        raise InvalidValue(f"incomplete date {original!r}: give day, month and year")
    if a.hour != b.hour:  # no time given
        return datetime.combine(a.date(), time(12), tzinfo=tz)
    return a if a.tzinfo else a.replace(tzinfo=tz)


def is_date_like(value: str) -> bool:
    """Whether a cell reads as a date (for suggesting a column as a date field)."""
    text = value.strip()
    if _ISO_PREFIX_RE.match(text):
        return True
    m = _NUMERIC_RE.match(text)
    if m:
        return len(m.group(1)) == 4 or len(m.group(4)) in (2, 4)
    if _SERIAL_RE.match(text):
        return SERIAL_RANGE[0] <= float(text) <= SERIAL_RANGE[1]
    if re.search(r"\d{4}", text) and re.search(r"[^\W\d_]{3}", text) and len(text) <= 40:
        try:
            parse_import_datetime(text, True, None)
            return True
        except InvalidValue:
            return False
    return False
