"""Money: parsing what people type, and integer minor units (formatting for people is in
``domain.locale``).

Accepted input (see ``parse_money``): ``12000``, ``12000.50``, ``12.000,50 €``, ``€12,000.50``,
``$1,234``, ``EUR 950``, ``12k``, ``1.5m``, ``1'250.00``. A single separator followed by exactly
three digits (``1.234``, ``1,234``) is a thousands separator: three decimals are not a valid
amount in a currency with cents, so that is the only reading that makes money. Anything else that
could be read two ways (``0,500``), negative amounts, and more decimals than the currency has are
rejected with a message that quotes the input.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from salespipe.domain.errors import InvalidValue

SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW"}
# ISO 4217 minor unit digits where they differ from 2.
MINOR_DIGITS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "UGX": 0,
    "XOF": 0,
    "XAF": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
    "IQD": 3,
    "LYD": 3,
}
# Active ISO 4217 codes, so that "12 abc" is an error rather than a currency called ABC.
ISO_4217 = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
""".split()
)
MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mio": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
MAX_MINOR = 10**15
_TWO_DIGIT_FAST = frozenset(
    {"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN"}
)  # a quadrillion cents: far beyond any deal, far below SQLite's 2**63

_CODE_RE = re.compile(r"^([A-Za-z]{3})\s*(.*)$|^(.*?)\s*([A-Za-z]{3})$")
_NUMBER_RE = re.compile(r"^(\d[\d.,]*)([a-zA-Z]*)$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")


class Money(NamedTuple):
    minor: int
    currency: str


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency.upper(), 2)


def normalize_currency(code: str) -> str:
    code = code.strip()
    if code in SYMBOLS:
        return SYMBOLS[code]
    if code.upper() not in ISO_4217:
        raise InvalidValue(f"invalid currency {code!r}: use a three-letter ISO 4217 code such as EUR")
    return code.upper()


def _split_currency(text: str) -> tuple[str, str | None]:
    """Take a currency symbol or ISO code off either end of ``text``."""
    found: list[str] = []
    for symbol, code in SYMBOLS.items():
        if symbol in text:
            found.append(code)
            text = text.replace(symbol, " ")
    text = text.strip()
    m = _CODE_RE.match(text)
    if m:
        code = m.group(1) or m.group(4)
        rest = m.group(2) if m.group(1) else m.group(3)
        if code.upper() in ISO_4217:
            found.append(code.upper())
            text = rest.strip()
    if len(set(found)) > 1:
        raise InvalidValue("two currencies")
    return text, (found[0] if found else None)


def _check_groups(int_part: str, sep: str, original: str) -> str:
    groups = int_part.split(sep)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise InvalidValue(f"malformed amount {original!r}: misplaced {sep!r} thousands separator")
    return "".join(groups)


def parse_amount(text: str, *, decimal: str | None = None) -> tuple[Decimal, str | None]:
    """Parse ``text`` into a non-negative Decimal in major units and the currency it names."""
    original = text
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue("empty amount")
    try:
        body, currency = _split_currency(text.strip())
    except InvalidValue:
        raise InvalidValue(f"invalid amount {original!r}: it names two currencies") from None
    body = body.translate(_SPACES)
    if body.endswith((",-", ".-", ",--", ".--", ",—", ",–")):  # "12.000,-": no cents, as Germans write it
        body = body.rstrip("-—–")[:-1]
    if body.startswith("-") or body.startswith("(") or body.endswith("-"):
        raise InvalidValue(f"invalid amount {original!r}: amounts cannot be negative")
    body = body.lstrip("+")
    m = _NUMBER_RE.match(body)
    if not m:
        raise InvalidValue(f"invalid amount {original!r}: expected a number such as 12000, 12.000,50 or 12k")
    number, suffix = m.group(1), m.group(2).lower()
    if suffix and suffix not in MULTIPLIERS:
        raise InvalidValue(f"invalid amount {original!r}: unknown suffix {m.group(2)!r} (use k or m)")
    multiplier = MULTIPLIERS.get(suffix, 1)
    if number[-1] in ".,":
        raise InvalidValue(f"malformed amount {original!r}: ends with a separator")
    dots, commas = number.count("."), number.count(",")
    if decimal is not None:
        if decimal not in ".,":
            raise InvalidValue(f"invalid decimal separator {decimal!r}: use . or ,")
        thousands = "," if decimal == "." else "."
        if number.count(decimal) > 1:
            raise InvalidValue(f"malformed amount {original!r}: more than one decimal separator {decimal!r}")
        int_part, _, frac = number.partition(decimal)
        if thousands in frac:
            raise InvalidValue(f"malformed amount {original!r}: thousands separator after the decimal one")
        int_part = _check_groups(int_part, thousands, original) if thousands in int_part else int_part
    elif dots and commas:
        dec = "." if number.rfind(".") > number.rfind(",") else ","
        thousands = "," if dec == "." else "."
        if number.count(dec) > 1:
            raise InvalidValue(f"malformed amount {original!r}: separators in an impossible order")
        int_part, _, frac = number.partition(dec)
        int_part = _check_groups(int_part, thousands, original)
    elif dots + commas == 0:
        int_part, frac = number, ""
    else:
        sep = "." if dots else ","
        if dots + commas > 1:
            int_part, frac = _check_groups(number, sep, original), ""
        else:
            head, _, tail = number.partition(sep)
            if len(tail) == 3 and multiplier == 1:
                if head.startswith("0"):
                    raise InvalidValue(
                        f"ambiguous amount {original!r}: write {head}{sep}{tail[:2]} or {head}{tail} "
                        "without the separator"
                    )
                int_part, frac = _check_groups(number, sep, original), ""
            else:
                int_part, frac = head, tail
    try:
        value = Decimal(f"{int_part or '0'}.{frac or '0'}") * multiplier
    except InvalidOperation:
        raise InvalidValue(f"invalid amount {original!r}") from None
    return value, currency


_PLAIN_RE = re.compile(r"^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$")


def parse_money(text: str, *, default_currency: str = "EUR", decimal: str | None = None) -> Money:
    """Parse an amount as typed or imported into integer minor units and a currency.

    >>> parse_money("12.000,50 €")
    Money(minor=1200050, currency='EUR')
    """
    plain = _PLAIN_RE.match(text) if decimal != "," and isinstance(text, str) else None
    if plain and default_currency in _TWO_DIGIT_FAST:  # fast path for imports: 1234 or 1234.5
        whole, frac = plain.groups()
        return Money(int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0), default_currency)
    value, currency = parse_amount(text, decimal=decimal)
    currency = currency or normalize_currency(default_currency)
    scaled = value * (10 ** minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidValue(f"invalid amount {text!r}: {currency} has {minor_digits(currency)} decimal places")
    if scaled > MAX_MINOR:
        raise InvalidValue(f"invalid amount {text!r}: too large")
    return Money(int(scaled), currency)


def to_major(minor: int | float | None, currency: str) -> int | float | None:
    """Minor units to a JSON-friendly number in major units (``1200050`` -> ``12000.5``)."""
    if minor is None:
        return None
    digits = minor_digits(currency)
    if isinstance(minor, float):
        return round(minor / 10**digits, digits)
    if digits == 0:
        return int(minor)
    whole, rest = divmod(int(minor), 10**digits)
    return whole if rest == 0 else float(Decimal(int(minor)).scaleb(-digits))
