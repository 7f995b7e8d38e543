"""Deal kinds, contract terms and renewals, and nurture (issue 13): pure rules, no I/O, no clock.

A deal is new business or an expansion of a customer's business: an upsell, a cross-sell or a
renewal. A won deal may carry a contract term in months; it then has a renewal deal whose
expected close is the end of the term (the won day plus the term, clamped to the month's last
day: won on 31 January with a term of one month ends on 28 or 29 February), with a task some
days ahead of that end.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from salespipe.domain.errors import InvalidValue

KINDS = ("new", "upsell", "cross-sell", "renewal")
EXPANSION_KINDS = ("upsell", "cross-sell", "renewal")  # revenue from customers already won
DEFAULT_KIND = "new"
MAX_TERM_MONTHS = 1200  # a hundred years: anything longer is a typing error
DEFAULT_RENEWAL_LEAD_DAYS = 60
MAX_RENEWAL_LEAD_DAYS = 3650
RENEWAL_TASK = "Renewal ahead: contract #{id} ends {end}"
NURTURE_TASK = "Nurture ended: follow up"

_MONTH_UNITS = frozenset(("m", "mo", "mon", "mos", "month", "months", "monat", "monate", "monaten", "mt", "mte"))
_YEAR_UNITS = frozenset(("y", "yr", "yrs", "year", "years", "j", "jahr", "jahre", "jahren"))
# other words for the kinds (imports, typing): squeezed (no spaces or hyphens), case-folded
_KIND_WORDS = {
    "crosssell": "cross-sell",
    "crossselling": "cross-sell",
    "upselling": "upsell",
    "upgrade": "upsell",
    "newbusiness": "new",
    "neugeschäft": "new",
    "neugeschaeft": "new",
    "neukunde": "new",
    "renew": "renewal",
    "verlängerung": "renewal",
    "verlaengerung": "renewal",
}
_TERM_RE = re.compile(r"([0-9]{1,6})\s*([^\W\d_]*)\.?")


def parse_kind(text: str) -> str:
    """``new``, ``upsell``, ``cross-sell`` or ``renewal`` (case and white space ignored; ``cross
    sell``, ``crosssell`` and ``cross_sell`` are ``cross-sell``)."""
    cleaned = re.sub(r"[\s_]+", "-", text.strip().casefold())
    cleaned = _KIND_WORDS.get(cleaned.replace("-", ""), cleaned)
    if cleaned not in KINDS:
        raise InvalidValue(f"unknown deal kind {text.strip()!r}; choose from: {', '.join(KINDS)}")
    return cleaned


def parse_term(text: str) -> int:
    """A contract term as typed -> whole months: ``12m``, ``12 months``, ``1y``, ``2 years``,
    ``24`` (a bare number is months), German ``12 Monate`` and ``2 Jahre`` too. At least one
    month, at most ``MAX_TERM_MONTHS``."""
    cleaned = text.strip().casefold()
    match = _TERM_RE.fullmatch(cleaned)
    if not match or (match.group(2) and match.group(2) not in _MONTH_UNITS | _YEAR_UNITS):
        raise InvalidValue(f"invalid term {text.strip()!r}: use months or years, like 12m, 24 months or 1y")
    number, unit = int(match.group(1)), match.group(2)
    months = number * 12 if unit in _YEAR_UNITS else number
    if months < 1:
        raise InvalidValue(f"invalid term {text.strip()!r}: a contract term is at least one month")
    if months > MAX_TERM_MONTHS:
        raise InvalidValue(f"invalid term {text.strip()!r}: at most {MAX_TERM_MONTHS // 12} years")
    return months


def term_text(months: int) -> str:
    """How a term is shown: ``2y`` for whole years, else ``18m``."""
    return f"{months // 12}y" if months % 12 == 0 else f"{months}m"


def term_end(won_on: date, months: int) -> date:
    """The last day a contract won on ``won_on`` runs for ``months``: when its renewal closes."""
    from dateutil.relativedelta import relativedelta  # not at the top: lead add starts without it

    return won_on + relativedelta(months=months)


def renewal_task_due(end: date, lead_days: int, today: date) -> date:
    """When the renewal's task is due: ``lead_days`` before the end, but not before ``today``
    (a term typed in late, or shorter than the lead time, makes the task due now)."""
    return max(end - timedelta(days=lead_days), today)


def parse_lead_days(text: str) -> int:
    """The setting ``renewal.lead_days``: whole days, 0 to ``MAX_RENEWAL_LEAD_DAYS``."""
    cleaned = text.strip()
    if not cleaned.isdigit() or not cleaned.isascii() or int(cleaned) > MAX_RENEWAL_LEAD_DAYS:
        raise InvalidValue(f"renewal.lead_days must be whole days from 0 to {MAX_RENEWAL_LEAD_DAYS}, not {text!r}")
    return int(cleaned)


def is_parked(nurture_until: date | str | None, today: date | str) -> bool:
    """A deal nurtured until a day is out of the pipeline before that day, back on it."""
    if nurture_until is None:
        return False
    return str(nurture_until) > str(today)


def check_nurture_until(until: date, today: date) -> None:
    if until <= today:
        raise InvalidValue(f"--until {until.isoformat()} is not in the future: nurture parks a deal until a later day")
