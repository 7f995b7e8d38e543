"""One date value as a person or a file writes it: the single reader behind the CLI's dates
(``domain.dates.parse_when``) and the import's (``domain.import_dates``, which adds Excel serials
and the per-column day/month order on top).

What it reads (case-insensitive; English and German, month names also in French and Spanish as
CRM exports write them; umlauts or not: ``März``, ``Maerz``, ``Marz``):

- ISO dates and timestamps: ``2026-12-31``, ``2026-12-31 14:30``, ``2026-12-31T14:30:00Z``
- numeric dates: ``31.12.2026`` (dots: always day first), ``12/31/2026``, ``31-12-2026`` (slashes
  and dashes: the order a part over 12 proves, else the order the caller gives, else refused),
  ``2026/12/31`` (year first)
- day and month name: ``31 Dec 2026``, ``Dec 31, 2026``, ``31. Dezember 2026``, ``December 31st``,
  ``14-Jan-2020``; a leading weekday (``Fri, 31 Dec 2026``) must be that date's weekday
- without a year (only when the caller gives ``now``): ``31.12.``, ``Dec 31``, ``31. Dezember``
- with ``now``: ``today``/``heute``, ``tomorrow``/``morgen``, ``übermorgen``, ``yesterday``/
  ``gestern``, ``vorgestern``, weekday names (``friday``, ``Fr``, ``nächsten Freitag``, ``last
  friday``), ``next week``/``nächste Woche``, offsets (``+3d``, ``-2w``, ``+1m``, ``+4h``, ``in 3
  days``, ``in 3 Tagen``, ``2 weeks ago``, ``vor 2 Wochen``), ``end of month``/``Monatsende``
- any of these with a time after it: ``14:30``, ``9.30``, ``9am``, ``2:30 pm``, ``14 Uhr``,
  ``um 14 Uhr``, ``at 3pm`` (``Fri 9am``, ``morgen 14 Uhr``, ``31.12. 18:00``)

**Years.** Four digits as written. Two digits follow one pivot: ``00``–``69`` are 2000–2069,
``70``–``99`` are 1970–1999 (``1.2.26`` is 2026, ``1.2.75`` is 1975). Any other number of
digits (``01.02.026``) is refused.

**Direction.** A value that leaves something out (a weekday name without ``next``/``last``, a day
and month without a year) is completed in the direction of the field: forwards for the fields
about the future (a task's due date, a snooze, an expected close date, a rule's due), backwards
for the fields about the past (``--at``, a report's ``--since``/``--until``/``--as-of``). A
weekday name is the nearest such day strictly after (before) today, so ``friday`` on a Friday is
a week ahead, as ``today`` names today, unless it comes with a time on the field's side of now
(``Fri 9am`` as ``--at`` on a Friday afternoon is this morning, as a due date on a Friday
morning it is today); a day and month is the nearest such date on or after
(on or before) today, so ``31.12.`` on 31 December is today. ``29.02.`` is the next (last)
29 February, however far.

Nothing is guessed: an impossible date (``31.02.``), an impossible time (``Fri 25:00``), an
unclear day/month order or a weekday that does not fit the date is a one-line
``InvalidValue`` that quotes the value and shows what would be accepted.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from salespipe.domain.errors import InvalidValue

HINT = "use e.g. 2026-12-31, 31.12.2026, 31.12., Dec 31, 31. Dezember, Fri 9am, morgen 14 Uhr, +3d"
TIME_HINT = "use e.g. friday 14:30, Fri 9am, morgen 14 Uhr, 31.12. 18:00"
ORDER_HINT = "write it as YYYY-MM-DD or DD.MM.YYYY"
PIVOT = 70  # two-digit years: 00-69 -> 2000-2069, 70-99 -> 1970-1999


def full_year(digits: str, raw: str, hint: str = HINT) -> int:
    """The one rule for a written year: four digits as written; two digits by ``PIVOT``; any
    other number of digits refused."""
    if len(digits) == 4 and digits.isascii() and digits.isdigit() and int(digits) >= 1:
        return int(digits)
    if len(digits) == 2 and digits.isascii() and digits.isdigit():
        yy = int(digits)
        return 2000 + yy if yy < PIVOT else 1900 + yy
    raise InvalidValue(
        f"invalid date {raw!r}: a year has four digits, or two (00-69: 20xx, 70-99: 19xx), not {digits!r}; {hint}"
    )


# Words -----------------------------------------------------------------------------------------


def _spellings(word: str) -> set[str]:
    """``märz`` -> märz, maerz, marz: the ways a keyboard without umlauts writes it."""
    out = {word}
    if any(c in word for c in "äöü"):
        digraphs: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue"}
        out.add(word.translate(str.maketrans(digraphs)))
        out.add(word.translate(str.maketrans("äöü", "aou")))
    return out


def _table(groups: dict[int, str]) -> dict[str, int]:
    return {
        spelling: number for number, words in groups.items() for word in words.split() for spelling in _spellings(word)
    }


def _words(text: str) -> frozenset[str]:
    return frozenset(s for word in text.split() for s in _spellings(word))


MONTHS = _table(
    {
        1: "january jan januar jänner janvier enero",
        2: "february feb februar feber février fevrier febrero",
        3: "march mar märz mär mrz mars marzo",
        4: "april apr avril abril",
        5: "may mai mayo",
        6: "june jun juni juin junio",
        7: "july jul juli juillet julio",
        8: "august aug août aout agosto",
        9: "september sep sept septembre septiembre setiembre",
        10: "october oct oktober okt octobre octubre",
        11: "november nov novembre noviembre",
        12: "december dec dezember dez décembre decembre diciembre",
    }
)
WEEKDAYS = _table(
    {
        0: "monday mon montag mo",
        1: "tuesday tue tues dienstag di",
        2: "wednesday wed mittwoch mi",
        3: "thursday thu thur thurs donnerstag do",
        4: "friday fri freitag fr",
        5: "saturday sat samstag sonnabend sa",
        6: "sunday sun sonntag so",
    }
)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NEXT = _words("next nächsten nächster nächste nächstes kommenden kommender kommende kommendes")
_LAST = _words("last letzten letzter letzte letztes vergangenen vergangener vergangene vorigen voriger vorige previous")
_ON = _words("am on")  # "am Freitag", "on friday"
_DAYS = {
    **dict.fromkeys(("today", "heute"), 0),
    **dict.fromkeys(("tomorrow", "morgen"), 1),
    **dict.fromkeys(("yesterday", "gestern"), -1),
    "vorgestern": -2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "day before yesterday": -2,
    "the day before yesterday": -2,
    **dict.fromkeys(_spellings("übermorgen"), 2),
}
_UNITS = {
    **dict.fromkeys(("d", "day", "days", "tag", "tage", "tagen"), "days"),
    **dict.fromkeys(("w", "week", "weeks", "woche", "wochen"), "weeks"),
    **dict.fromkeys(("m", "month", "months", "monat", "monate", "monaten"), "months"),
    **dict.fromkeys(("y", "year", "years", "jahr", "jahre", "jahren"), "years"),
    **dict.fromkeys(("h", "hour", "hours", "stunde", "stunden"), "hours"),
}
_END_OF = {
    **{f"end of {u}": u for u in ("week", "month", "quarter", "year")},
    "eow": "week",
    "eom": "month",
    "eoq": "quarter",
    "eoy": "year",
    "ende der woche": "week",
    "ende des monats": "month",
    "monatsende": "month",
    "ende des quartals": "quarter",
    "quartalsende": "quarter",
    "ende des jahres": "year",
    "jahresende": "year",
}
_FILLER = frozenset(("the", "of", "den", "der"))

_OFFSET_RE = re.compile(r"^([+-])\s*([0-9]{1,9})\s*([a-z]+)$")
_IN_RE = re.compile(r"^in\s+([0-9]{1,9})\s+([a-z]+)$")
_AGO_RE = re.compile(r"^(?:([0-9]{1,9})\s+([a-z]+)\s+ago|vor\s+([0-9]{1,9})\s+([a-z]+))$")
_ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[tT ][0-9]")
_CLOCK_RE = re.compile(
    r"^(?P<rest>.*?)(?:^|[\s,]+|(?<=[0-9])t)(?:(?:um|at|@|gegen)\s*)?"
    r"(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-9]{2})(?:[:.](?P<s>[0-9]{2})(?:[.,][0-9]+)?)?)?"
    r"\s*(?P<suffix>a\.?m\.?|p\.?m\.?|uhr)?$"
)
_NUMERIC_RE = re.compile(r"^([0-9]{1,4})([./-])([0-9]{1,2})\2([0-9]{1,4})\.?$")
_NUMERIC_TIME_RE = re.compile(  # _NUMERIC_RE, then a time with minutes as _CLOCK_RE reads it
    r"^([0-9]{1,4})([./-])([0-9]{1,2})\2([0-9]{1,4})\.?"
    r"(?:(?:[\s,]+|(?<=[0-9])t)(?P<h>[0-9]{1,2})[:.](?P<m>[0-9]{2})(?:[:.](?P<s>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"\s*(?P<suffix>a\.?m\.?|p\.?m\.?|uhr)?)?$"
)
_DAY_MONTH_RE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.?$")
_ORDINAL_RE = re.compile(r"^([0-9]{1,2})(?:st|nd|rd|th)$")
_NUMBER_RE = re.compile(r"^[0-9]+$")
_SQUEEZE_RE = re.compile(r"\.\s+(?=[0-9])")


def normalize(text: str) -> str:
    """Composed Unicode (``März`` typed on a Mac), case folded, single spaces."""
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _bad(raw: str, why: str, hint: str) -> InvalidValue:
    return InvalidValue(f"invalid date {raw!r}: {why}; {hint}")


# Calendar arithmetic ---------------------------------------------------------------------------


def add(base: date, unit: str, n: int) -> date:
    """``base`` plus ``n`` days, weeks, months or years (months clamp: 31 Jan + 1 month = 28 Feb)."""
    if unit == "days":
        return base + timedelta(days=n)
    if unit == "weeks":
        return base + timedelta(weeks=n)
    from dateutil.relativedelta import relativedelta

    return base + (relativedelta(months=n) if unit == "months" else relativedelta(years=n))


def end_of(unit: str, today: date) -> date:
    if unit == "week":
        return today + timedelta(days=6 - today.weekday())
    if unit == "month":
        return date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    if unit == "quarter":
        q_end_month = ((today.month - 1) // 3 + 1) * 3
        return end_of("month", date(today.year, q_end_month, 1))
    if unit == "year":
        return date(today.year, 12, 31)
    raise InvalidValue(f"unknown period {unit!r}")


def _weekday(target: int, today: date, backwards: bool) -> date:
    """The nearest ``target`` weekday strictly after (before) ``today``."""
    if backwards:
        return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)
    return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)


def _month_day(month: int, day: int, today: date, backwards: bool, raw: str, hint: str) -> date:
    """The nearest ``day``.``month``. on or after (on or before) ``today``."""
    if not 1 <= day <= (29 if month == 2 else calendar.monthrange(2001, month)[1]):
        raise _bad(raw, f"day {day} is out of range for {MONTH_NAMES[month - 1]}", hint)
    step = -1 if backwards else 1
    year = today.year
    for _ in range(9):  # 29 February comes back within 8 years
        if day <= calendar.monthrange(year, month)[1] and 1 <= year <= 9999:
            candidate = date(year, month, day)
            if (candidate <= today) if backwards else (candidate >= today):
                return candidate
        year += step
    raise _bad(raw, "out of range", hint)


def _valid(year: int, month: int, day: int, raw: str, hint: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        raise _bad(raw, f"there is no month {month}", hint)
    if not 1 <= year <= 9999:
        raise _bad(raw, f"year {year} is out of range", hint)
    raise _bad(raw, f"day {day} is out of range for {MONTH_NAMES[month - 1]} {year}", hint)


# Times -----------------------------------------------------------------------------------------


def split_clock(text: str, raw: str, *, hint: str = TIME_HINT) -> tuple[str, time | None]:
    """``normalized text`` -> (the date part, the time of day at its end or None). A trailing
    number counts as a time only after a date part and with minutes (``9:30``, ``9.30``) or a
    suffix (``9am``, ``14 Uhr``). An impossible time (``25:00``, ``13pm``) is refused, except
    with a dot, where it is no time at all (``Fr 31.12`` is a date)."""
    if " " not in text and "," not in text and "t" not in text:
        return text, None  # no room for a time after a date: the common case of an import
    m = _CLOCK_RE.match(text)
    if not m or not m.group("rest").strip(" ,"):
        return text, None
    clock = _clock(m, text, raw, hint)
    return (text, None) if clock is None else (m.group("rest").strip(" ,"), clock)


def _clock(m: re.Match[str], text: str, raw: str, hint: str) -> time | None:
    """The time of a match with groups h, m, s and suffix; None when it is no time (no minutes
    and no suffix, or an impossible one written with a dot); an impossible time is refused."""
    if m.group("m") is None and m.group("suffix") is None:
        return None
    hour, minute, second = int(m.group("h")), int(m.group("m") or 0), int(m.group("s") or 0)
    suffix = (m.group("suffix") or "").replace(".", "")
    dotted = not suffix and text[m.end("h")] == "."
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise InvalidValue(f"invalid time in {raw!r}: with am/pm the hour goes from 1 to 12; {hint}")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        if dotted:
            return None
        raise InvalidValue(f"invalid time in {raw!r}: the hour goes from 0 to 23; {hint}")
    if minute > 59 or second > 59:
        if dotted:
            return None
        raise InvalidValue(f"invalid time in {raw!r}: minutes and seconds go from 0 to 59; {hint}")
    return time(hour, minute, second)


# Dates -----------------------------------------------------------------------------------------


def numeric_parts(text: str) -> tuple[str, str, str, str] | None:
    """(first, separator, second, third) of a numeric date such as ``14.01.2020`` or
    ``01/14/2020 3:05 PM`` (any time after it is left aside), else None. For the import's
    per-column evidence; reading goes through ``read``."""
    m = _NUMERIC_RE.match(text)
    if m is None:
        try:
            rest, _ = split_clock(normalize(text), text)
        except InvalidValue:
            return None
        m = _NUMERIC_RE.match(rest)
    return (m.group(1), m.group(2), m.group(3), m.group(4)) if m else None


def _numeric(m: re.Match[str], raw: str, dayfirst: bool | None, hint: str, ambiguous: str, order_name: str) -> date:
    a, sep, b, c = m.group(1, 2, 3, 4)
    if len(a) == 4:
        if len(c) > 2:
            raise _bad(raw, "year first means YYYY-MM-DD", hint)
        return _valid(int(a), int(b), int(c), raw, hint)
    if len(a) == 3:
        raise _bad(raw, "a year has four digits", hint)
    year = full_year(c, raw, hint)
    first, second = int(a), int(b)
    if dayfirst is not None and (first > 12 and dayfirst is False or second > 12 and dayfirst is True and sep != "."):
        raise InvalidValue(f"date {raw!r} contradicts {order_name} ({'day' if dayfirst else 'month'} first)")
    if sep == ".":  # dotted dates are day first wherever they are written
        order = True
    elif first > 12:
        order = True
    elif second > 12:
        order = False
    elif first == second:
        order = True
    elif dayfirst is None:
        raise InvalidValue(f"ambiguous date {raw!r}: day/month order unclear; {ambiguous}")
    else:
        order = dayfirst
    day, month = (first, second) if order else (second, first)
    return _valid(year, month, day, raw, hint)


def _worded(text: str, raw: str, today: date | None, backwards: bool, hint: str) -> date | None:
    """``31 Dec 2026``, ``Dec 31, 2026``, ``31. Dezember``, ``December 31st``, ``14-Jan-2020``;
    None when ``text`` is not of that shape."""
    month: int | None = None
    shape = ""  # M month, D ordinal day (31st), N number
    numbers: list[str] = []
    for token in re.split(r"[\s,./-]+", text):
        if not token or token in _FILLER:
            continue
        if token in MONTHS and month is None:
            month = MONTHS[token]
            shape += "M"
        elif m := _ORDINAL_RE.match(token):
            numbers.append(m.group(1))
            shape += "D"
        elif _NUMBER_RE.match(token):
            numbers.append(token)
            shape += "N"
        else:
            return None
    if month is None:
        return None
    if shape == "M" or (shape in ("MN", "NM") and len(numbers[0]) == 4):  # "Nov 2026"
        raise InvalidValue(f"incomplete date {raw!r}: give day, month and year; {hint}")
    year_text: str | None
    if shape in ("NM", "DM", "MN", "MD"):
        day_text, year_text = numbers[0], None
    elif shape in ("DMN", "MDN", "MNN") or (shape == "NMN" and len(numbers[0]) <= 2):
        day_text, year_text = numbers
    elif shape in ("NMN", "NMD") and len(numbers[0]) >= 3:  # 2026 Dec 31
        year_text, day_text = numbers
    else:
        return None
    if len(day_text) > 2 or int(day_text) == 0:
        raise _bad(raw, f"{day_text} is no day of a month", hint)
    if year_text is not None:
        return _valid(full_year(year_text, raw, hint), month, int(day_text), raw, hint)
    if today is None:
        raise InvalidValue(f"incomplete date {raw!r}: give the year; {hint}")
    return _month_day(month, int(day_text), today, backwards, raw, hint)


def _relative(text: str, today: date, backwards: bool) -> date | None:
    """Relative words and offsets -> a date, or None when ``text`` is none of them."""
    if text in _DAYS:
        return today + timedelta(days=_DAYS[text])
    if text in _END_OF:
        return end_of(_END_OF[text], today)
    words = [w[:-1] if w.endswith(".") else w for w in text.split()]
    if (
        len(words) == 2
        and (words[0] in _NEXT or words[0] in _LAST)
        and _UNITS.get(words[1]) in ("weeks", "months", "years")
    ):
        return add(today, _UNITS[words[1]], 1 if words[0] in _NEXT else -1)
    if words and words[0] in _ON:
        words = words[1:]
    if 1 <= len(words) <= 2 and words[-1] in WEEKDAYS:
        if len(words) == 1:
            return _weekday(WEEKDAYS[words[0]], today, backwards)
        if words[0] in _NEXT or words[0] in _LAST:
            return _weekday(WEEKDAYS[words[1]], today, words[0] in _LAST)
        return None
    offset = _offset(text)
    if offset is None or offset[1] == "hours":
        return None
    return add(today, offset[1], offset[0])


def _offset(text: str) -> tuple[int, str] | None:
    """``+3d``, ``-2w``, ``in 3 days``, ``2 weeks ago``, ``vor 2 Wochen``, ``+4h`` -> (signed
    count, unit), else None."""
    for regex in (_OFFSET_RE, _IN_RE, _AGO_RE):
        m = regex.match(text)
        if m:
            groups = [g for g in m.groups() if g is not None]
            if regex is _OFFSET_RE:
                sign, n, unit = (-1 if groups[0] == "-" else 1), groups[1], groups[2]
            else:
                sign, (n, unit) = (1 if regex is _IN_RE else -1), groups
            return (sign * int(n), _UNITS[unit]) if unit in _UNITS else None
    return None


def _iso(text: str) -> tuple[datetime, bool] | None:
    """An ISO date or timestamp (with ``Z`` or an offset), or None (then the other forms try)."""
    if _ISO_DATE_RE.match(text):
        try:
            return datetime.combine(date.fromisoformat(text), time()), True
        except ValueError:
            return None  # 2026-13-45: the numeric reader says what is wrong
    if _ISO_TIME_RE.match(text):
        try:
            return datetime.fromisoformat(text.upper().replace("Z", "+00:00")), False
        except ValueError:
            return None
    return None


def _dateutil(raw: str, dayfirst: bool | None, hint: str, ambiguous: str) -> tuple[datetime, bool]:
    """The last resort, for full dates with a month name and a four-digit year in other
    shapes (``Thu, 26 Nov 2026 10:00:00 +0000``): read only when every reading agrees."""
    text = raw.strip()
    if not re.search(r"[0-9]{4}", text) or not re.search(r"[^\W\d_]", text):
        raise _bad(raw, "not a date salespipe reads", hint)
    import warnings

    from dateutil import parser

    readings = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an unknown time zone name is an error, not dropped
            for first in (True, False) if dayfirst is None else (dayfirst,):
                for default in (datetime(1904, 1, 1, 0, 0, 0), datetime(1908, 2, 2, 1, 1, 1)):
                    readings.append(parser.parse(text, default=default, dayfirst=first))
    except (ValueError, OverflowError, TypeError, Warning, parser.ParserError):
        raise _bad(raw, "not a date salespipe reads", hint) from None
    if len({r.date() for r in readings[:2]}) > 1:
        raise InvalidValue(f"incomplete date {raw!r}: give day, month and year; {hint}")
    if len({(r.date(), r.utcoffset()) for r in readings[::2]}) > 1:
        raise InvalidValue(f"ambiguous date {raw!r}: day/month order unclear; {ambiguous}")
    first_reading = readings[0]
    return first_reading, first_reading.hour != readings[1].hour  # no time given: defaults differ


def read(
    text: str,
    *,
    now: datetime | None,
    dayfirst: bool | None = None,
    past: bool = False,
    hint: str = HINT,
    ambiguous: str = ORDER_HINT,
    order_name: str = "the order given",
) -> tuple[datetime, bool]:
    """One written date or time -> (moment, date_only). The moment is naive (local time)
    unless the text carries an offset, or is ``now``-based (``now``, ``+4h``); with a
    date-only value it is that day at midnight. ``now`` (an aware local datetime) enables
    the relative words and dates without a year; ``past`` completes those backwards (see the
    module's docstring). ``dayfirst`` decides ``03/04/2026``-style dates (None: refused)."""
    raw = text
    time_hint = TIME_HINT if hint == HINT else hint
    iso = _iso(text.strip())
    if iso is not None:
        return iso
    norm = normalize(text)
    if not norm:
        raise InvalidValue("empty date")
    if now is not None:
        if norm in ("now", "jetzt"):
            return now, False
        offset = _offset(norm)
        if offset is not None and offset[1] == "hours":
            try:
                return now + timedelta(hours=offset[0]), False
            except OverflowError:
                raise _bad(raw, "out of range", hint) from None
    fast = _NUMERIC_TIME_RE.match(norm)  # the shape of most exports, without the general search
    if fast:
        clock = _clock(fast, norm, raw, time_hint) if fast.group("h") else None
        if clock is not None or not fast.group("h"):
            numeric = _numeric(fast, raw, dayfirst, hint, ambiguous, order_name)
            return datetime.combine(numeric, clock or time()), clock is None
    rest, clock = split_clock(norm, raw, hint=time_hint)
    day: date | None = None
    today = now.date() if now is not None else None
    if today is not None:
        try:
            day = _relative(rest, today, past)
        except (ValueError, OverflowError):
            raise _bad(raw, "out of range", hint) from None
        if (
            day is not None
            and clock is not None
            and now is not None
            and rest.strip(" .,") in WEEKDAYS
            and WEEKDAYS[rest.strip(" .,")] == today.weekday()
        ):
            # today's weekday with a time: today, when that time is on the field's side of now
            # ("Fri 9am" for --at on a Friday afternoon is this morning)
            moment = datetime.combine(today, clock)
            if (moment <= now.replace(tzinfo=None)) if past else (moment > now.replace(tzinfo=None)):
                day = today
    if day is None:
        day = _day(
            rest, raw, dayfirst=dayfirst, today=today, past=past, hint=hint, ambiguous=ambiguous, order_name=order_name
        )
    if day is not None:
        return datetime.combine(day, clock or time()), clock is None
    bare = _CLOCK_RE.match(norm)
    if bare and not bare.group("rest") and (bare.group("m") or bare.group("suffix")):
        raise _bad(raw, "a time needs a day, e.g. today 14:30 or morgen 9 Uhr", hint)
    return _dateutil(raw, dayfirst, hint, ambiguous)


def _day(
    text: str,
    raw: str,
    *,
    dayfirst: bool | None,
    today: date | None,
    past: bool,
    hint: str,
    ambiguous: str,
    order_name: str,
) -> date | None:
    """The date part without relative words: numeric, day and month, worded, each with an
    optional weekday before it that must fit; None when it is none of these shapes."""
    weekday: int | None = None
    while True:  # "Fri, 31 Dec 2026", "am Freitag, den 31.12.", "on 31 Dec"
        first, _, rest = text.partition(" ")
        word = first.rstrip(".,")
        if not rest or not (word in _ON or word in _FILLER or (word in WEEKDAYS and weekday is None)):
            break
        if word in WEEKDAYS:
            weekday = WEEKDAYS[word]
        text = rest.lstrip(" ,")
    squeezed = _SQUEEZE_RE.sub(".", text) if ". " in text else text  # "31. 12. 2026"
    found: date | None
    if m := _NUMERIC_RE.match(squeezed):
        found = _numeric(m, raw, dayfirst, hint, ambiguous, order_name)
    elif m := _DAY_MONTH_RE.match(squeezed):
        day, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise _bad(raw, f"there is no month {month}", hint)
        if today is None:
            raise InvalidValue(f"incomplete date {raw!r}: give the year; {hint}")
        found = _month_day(month, day, today, past, raw, hint)
    else:
        found = _worded(text, raw, today, past, hint)
    if found is not None and weekday is not None and found.weekday() != weekday:
        raise _bad(
            raw, f"{found.day} {MONTH_NAMES[found.month - 1]} {found.year} is a {DAY_NAMES[found.weekday()]}", hint
        )
    return found
