"""Dates as CRM exports write them, with the day/month order decided per column from evidence.

A single value is read by ``domain.date_text.read``, the reader the CLI uses too (same forms,
same rule for two- and three-digit years), without the relative words and without dates that
leave out the year: ISO dates and timestamps (with ``Z`` or an offset), numeric dates with ``/``,
``-`` or ``.`` in either order (``14.01.2020``, ``01/14/2020``, ``01-14-2020 3:05 PM``), year
first (``2020/01/14``) and dates with a month name (``14-Jan-2020``, ``Jan 14, 2020``, ``14.
Januar 2020``). This module adds Excel serial numbers (``43844``, ``43844.5``) and the order of
a column.

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

from salespipe.domain.date_text import numeric_parts, read
from salespipe.domain.errors import InvalidValue

_SERIAL_RE = re.compile(r"^[0-9]{5}(?:\.[0-9]+)?$")
_ISO_PREFIX_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")
EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials of 1955-01-01 .. 2118-12-31: a five-digit number in a date column.
SERIAL_RANGE = (20090, 80353)
IMPORT_HINT = "expected a date such as 2026-11-26, 26.11.2026 or 26 Nov 2026"


@dataclass
class DateEvidence:
    """What one column's values say about their form."""

    dayfirst: int = 0  # values whose first part is over 12
    monthfirst: int = 0  # values whose second part is over 12
    ambiguous: int = 0  # numeric a/b/y values that could be either
    dotted: int = 0
    other: int = 0  # ISO, serial, month names
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, value: str) -> None:
        parts = numeric_parts(value.strip())
        if not parts or len(parts[0]) == 4:
            self.other += 1
            return
        a, sep, b = int(parts[0]), parts[1], int(parts[2])
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
        """ "dayfirst", "monthfirst", "mixed", "ambiguous" or None (no numeric dates)."""
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
            return (
                f"{_values(self.dayfirst)} {_prove(self.dayfirst)} day-first (e.g. {self.examples['dayfirst']!r}) and "
                f"{self.monthfirst:,} month-first (e.g. {self.examples['monthfirst']!r})"
            )
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


@lru_cache(maxsize=16384)
def parse_import_datetime(value: str, dayfirst: bool | None, tz: Any) -> datetime:
    """A date or timestamp of an export -> aware datetime; ``dayfirst`` is the column's order
    (None: only values that prove their own order are read). Raises ``InvalidValue``."""
    text = value.strip()
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
    moment, date_only = read(
        text,
        now=None,
        dayfirst=dayfirst,
        hint=IMPORT_HINT,
        ambiguous="pass --dayfirst or --monthfirst",
        order_name="the column's order",
    )
    if date_only:
        return datetime.combine(moment.date(), time(12), tzinfo=tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def is_date_like(value: str) -> bool:
    """Whether a cell reads as a date (for suggesting a column as a date field). A numeric date
    with a three-digit year (``01.02.026``) counts: it is refused as a date, loudly, rather than
    kept as text."""
    text = value.strip()
    if _ISO_PREFIX_RE.match(text):
        return True
    parts = numeric_parts(text)
    if parts:
        return len(parts[0]) == 4 or len(parts[3]) in (2, 3, 4)
    if _SERIAL_RE.match(text):
        return SERIAL_RANGE[0] <= float(text) <= SERIAL_RANGE[1]
    if re.search(r"[0-9]{4}", text) and re.search(r"[^\W\d_]{3}", text) and len(text) <= 40:
        try:
            parse_import_datetime(text, True, None)
            return True
        except InvalidValue:
            return False
    return False
