"""How numbers, money and dates are written for people, in the pipeline's language.

English keeps what salespipe always wrote: ``12,000.50``, ``€12,000.50``, ISO dates
(``2026-11-27``). German writes ``12.000,50``, ``12.000,50 €`` and ``27.11.2026``. JSON and CSV
never go through here: they keep machine formats in every language.

``Locale`` bundles the language with the pipeline's stage labels, so that a view needs one
argument to speak the pipeline's language. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import minor_digits

LANGS = ("en", "de")
DEFAULT_LANG = "en"
_UNKNOWN = "–"  # an unknown amount, which is not 0

# Where the symbol goes differs by language; codes without a symbol follow the number.
DISPLAY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def check_lang(lang: str) -> str:
    """``lang`` as stored (``en`` or ``de``), or an error naming the valid ones."""
    cleaned = (lang or "").strip().lower()
    if cleaned not in LANGS:
        raise InvalidValue(f"unknown language {lang!r}; choose from: {', '.join(LANGS)}")
    return cleaned


def _separators(lang: str) -> tuple[str, str]:
    """(thousands, decimal) separators."""
    return (".", ",") if lang == "de" else (",", ".")


def _group(text: str, lang: str) -> str:
    """``text`` as Python's ``{:,.Nf}`` writes it, with the language's separators."""
    if lang != "de":
        return text
    swap: dict[str, str | int | None] = {",": ".", ".": ","}
    return text.translate(str.maketrans(swap))


def format_number(value: int | float | Decimal, lang: str = DEFAULT_LANG, *, decimals: int | None = 0) -> str:
    """A count or figure: ``format_number(7270, "de")`` -> ``'7.270'``; ``decimals=None`` shows
    as many decimals as the value has (at most 6, trailing zeros dropped: ``12.5`` -> ``12,5``
    in German)."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if decimals is None:
        number = number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
        places = max(-number.as_tuple().exponent, 0)  # type: ignore[operator]
    else:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        places = decimals
    if number == 0:
        number = abs(number)  # no "-0"
    return _group(f"{number:,.{places}f}", lang)


def format_percent(value: int | float, lang: str = DEFAULT_LANG, *, decimals: int = 0) -> str:
    """A percentage given in points (``40`` -> ``40%``, German ``40 %``)."""
    text = format_number(value, lang, decimals=decimals)
    return f"{text} %" if lang == "de" else f"{text}%"


def format_fraction(fraction: float | None, lang: str = DEFAULT_LANG, *, na: str = "n/a") -> str:
    """A rate 0..1 as a whole percentage; ``None`` (no denominator) is ``na``."""
    return na if fraction is None else format_percent(fraction * 100, lang)


def format_money(
    minor: int | float | None, currency: str, lang: str = DEFAULT_LANG, *, cents: bool | None = None
) -> str:
    """Minor units for people: ``format_money(1200050, "EUR", "en")`` -> ``'€12,000.50'``, in
    German ``'12.000,50 €'``. ``cents=False`` rounds to whole units; ``cents=None`` shows the
    minor units only when there are any. ``None`` (unknown) is a dash, never 0."""
    if minor is None:
        return _UNKNOWN
    digits = minor_digits(currency)
    value = Decimal(str(minor)) if isinstance(minor, float) else Decimal(minor)
    value = value.scaleb(-digits) if digits else value
    show_cents = digits > 0 and (cents if cents is not None else value != value.to_integral_value())
    text = format_number(value, lang, decimals=digits if show_cents else 0)
    symbol = DISPLAY_SYMBOLS.get(currency)
    if lang == "de":
        return f"{text} {symbol or currency}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def format_major(
    value: int | float | None, currency: str, lang: str = DEFAULT_LANG, *, cents: bool | None = None
) -> str:
    """Like ``format_money`` for a major-unit number as found in ``--json`` output."""
    if value is None:
        return _UNKNOWN
    minor = Decimal(str(value)).scaleb(minor_digits(currency)).to_integral_value(ROUND_HALF_UP)
    return format_money(int(minor), currency, lang, cents=cents)


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def format_date(value: date | str | None, lang: str = DEFAULT_LANG) -> str:
    """A day: ISO ``2026-11-27`` in English (as always), ``27.11.2026`` in German. Takes a date or
    ISO text; ``None`` is empty."""
    if value is None or value == "":
        return ""
    day = _as_date(value)
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}" if lang == "de" else day.isoformat()


def format_datetime(moment: datetime, lang: str = DEFAULT_LANG, *, seconds: bool = False) -> str:
    """A moment, to the minute (or second), as the clock on the wall shows it: ``2026-11-27
    14:30`` / ``27.11.2026 14:30``. The caller converts it to the zone it wants shown."""
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{format_date(moment.date(), lang)} {clock}"


class Locale(NamedTuple):
    """The pipeline's language and stage labels, for the views."""

    lang: str = DEFAULT_LANG
    stage_labels: Mapping[str, str] = MappingProxyType({})  # none: stages show by their keys

    def stage(self, key: str | None) -> str:
        """A stage's label (its key if the pipeline no longer has it)."""
        if key is None:
            return ""
        return self.stage_labels.get(key, key)

    def number(self, value: int | float, *, decimals: int | None = 0) -> str:
        return format_number(value, self.lang, decimals=decimals)

    def money(self, minor: int | float | None, currency: str, *, cents: bool | None = None) -> str:
        return format_money(minor, currency, self.lang, cents=cents)

    def major(self, value: int | float | None, currency: str, *, cents: bool | None = None) -> str:
        return format_major(value, currency, self.lang, cents=cents)

    def percent(self, points: int | float) -> str:
        return format_percent(points, self.lang)

    def date(self, value: date | str | None) -> str:
        return format_date(value, self.lang)

    def datetime(self, moment: datetime) -> str:
        return format_datetime(moment, self.lang)


ENGLISH = Locale()


# Spreadsheets ----------------------------------------------------------------------------------
# What a spreadsheet in the language's locale reads as a number or a date when it opens a CSV
# file: no thousands separators (Excel would read "1.234" as a date in some locales), the
# decimal mark of the language, and days as that locale writes them.


def spreadsheet_number(value: int | float | Decimal, lang: str = DEFAULT_LANG, *, decimals: int | None = None) -> str:
    """``12000.5`` -> ``12000.50`` (``decimals=2``) or ``12000,50`` in German; no grouping."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    return text.replace(".", ",") if lang == "de" else text


def spreadsheet_moment(iso: str, lang: str = DEFAULT_LANG) -> str:
    """A stored UTC timestamp (``2026-11-26T10:00:00Z``) as a spreadsheet reads a date and time:
    ``26.11.2026 10:00:00`` in German, ``2026-11-26 10:00:00`` in English (still UTC)."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return format_datetime(moment, lang, seconds=True)
