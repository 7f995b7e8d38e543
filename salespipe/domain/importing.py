"""One CSV row, read by the import plan, turned into a validated lead with its history. Pure
functions; reading files is the service's (``services.importer``), the plan is
``import_plan``, the names are ``import_vocabulary``.

Outcome of a row (open, won or lost): a status column (``Status`` open/won/lost, ``Won`` and
``Closed`` yes/no) decides where there is one, and wins over the stage column; the stage column
then names the stage the deal was in when it closed. Without a status, the stage decides.

History rules (what is assumed when dates are missing):

- An open deal gets one stage event: created in its stage, at its created date (the time of
  the import when the row has none, as for a plain lead list).
- A won or lost deal gets two: created in its last open stage (the stage column, else the
  first stage) at the created date, closed at the close date. The close date is the close-date
  column, else the won-time or lost-time column, else the last-modified column (the documented
  fallback; the summary counts those rows).
- A closed deal with no close date at all gets **no invented one**: it is created directly in
  its won or lost stage, ``closed_at`` stays empty, and it is left out of the figures that
  need a date (won and lost per period, sales cycle, velocity); the report says how many.
- A closed deal without a created date is created at its close date, marked
  ``created_estimated`` and left out of the sales cycle.
- A close date on the same calendar day as the creation but earlier in the day (midnight
  stamps) is that day: the deal closes at its creation, with no warning. A close date on an
  earlier day than the creation (bulk-loaded CRM records carry the load date) makes the deal
  created at its close date, with a warning for the row.
- A salespipe export carries a ``history`` column; its events are restored as they were.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salespipe.domain.errors import InvalidValue, SalespipeError
from salespipe.domain.import_columns import fold
from salespipe.domain.import_dates import parse_import_datetime
from salespipe.domain.import_plan import Plan, StageResolver, status_kind
from salespipe.domain.import_vocabulary import (
    CURRENCY_NAMES,
    DEFAULT_CURRENCY_IDS,
    FALSE_WORDS,
    FIXED_BASIS_WORDS,
    PERIOD_BASIS_WORDS,
    PERIOD_WORDS,
    TRUE_WORDS,
)
from salespipe.domain.keys import email_key
from salespipe.domain.models import EMAIL_RE, MAX_TEXT, Stage, StageKind
from salespipe.domain.money import MAX_MINOR, normalize_currency, parse_money

MAX_CELL_CHARS = 1_000_000
MAX_HISTORY_EVENTS = 5_000
_UNQUOTE_RE = re.compile(r"^''?[=+\-@\t\r]")  # "'=x" and "''=x" (what "'=x" exports as)


_GROUP_RE = re.compile(r"^[^:]{1,60}:\s.*\(\d[\d,.]*\)$")  # "Stage: Prospecting (2)"
_TOTAL_RE = re.compile(
    r"^(sub-?total|grand totals?|totals?|summe|zwischensumme|gesamt(summe)?|sous-total|"
    r"total g[ée]n[ée]ral|total general)\s*(:|\(\d[\d,.]*\))?\s*$",
    re.IGNORECASE,
)
_GRAND_TOTAL_RE = re.compile(r"^grand totals? \(\d[\d,.]* records?\)$", re.IGNORECASE)


def is_report_summary(cells: list[str]) -> bool:
    """A grouping or total line of a CRM report ("Stage: Prospecting (2)", "Subtotal",
    "Grand Totals (5 records)"), not a deal. On the hot path: a data row costs one failed match."""
    for cell in cells:
        if cell and not cell.isspace():
            first = cell.strip()
            break
    else:
        return False
    if _TOTAL_RE.match(first):
        return True
    if first[-1] != ")":  # the grouping and "grand totals (n records)" lines end so
        return False
    filled = sum(1 for c in cells if c and not c.isspace())
    return bool(filled == 1 and _GROUP_RE.match(first)) or bool(filled <= 3 and _GRAND_TOTAL_RE.match(first))


def unquote(cell: str) -> str:
    """Undo the formula neutralising of salespipe's own CSV export (``'=x`` -> ``=x``,
    ``''=x`` -> ``'=x``)."""
    return cell[1:] if _UNQUOTE_RE.match(cell) else cell


MAX_REPORTED_REJECTS = 1000  # rejects, warnings and repeats listed in an import's summary


@dataclass
class Reject:
    """A line of the file and what is wrong with it (or the warning it gets)."""

    line: int
    error: str


@dataclass
class ImportRow:
    """One valid row: the lead's fields and its stage events ``(from, to, at, note)``."""

    fields: RowFields
    stage: Stage
    events: list[tuple[str | None, str, datetime, str | None]]
    lost_reason: str | None
    external_id: str | None
    email_key: str | None  # the e-mail, case-folded (keys.email_key): what duplicates compare
    owner: str | None = None
    warning: str | None = None
    closed_known: bool = True  # False: a closed deal whose close date nobody knows
    created_estimated: bool = False
    close_from: str | None = None  # the column the close date came from, when not close_date
    created_given: bool = True
    currency_implied: bool = False  # no currency cell, no amount: the database's default stands in


@dataclass
class RowContext:
    plan: Plan
    stages: StageResolver
    default_currency: str
    now: datetime
    nulls: frozenset[str]
    orders: dict[str, bool | None] = field(default_factory=dict)  # date field -> dayfirst
    converter: RowConverter | None = None  # built at the first row

    def __post_init__(self) -> None:
        from salespipe.domain.import_plan import DATE_FIELDS

        self.orders = {name: self.plan.dayfirst(name) for name in DATE_FIELDS}


def _tags(text: str) -> list[str]:
    """``a;b|c`` or ``a, b``; a JSON list (salespipe's export, when a tag holds a separator)."""
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(t, str) for t in items):
            return list(dict.fromkeys(t.strip() for t in items if t.strip()))
    if text.startswith('"'):  # Mailchimp's TAGS: "Newsletter","Webinar 2024"
        items = next(csv.reader([text], skipinitialspace=True))
        return list(dict.fromkeys(t.strip() for t in items if t.strip()))
    return list(dict.fromkeys(t.strip() for t in re.split(r"[;,|]", text) if t.strip()))


def _currency(text: str) -> str:
    named = CURRENCY_NAMES.get(fold(text))
    return named or normalize_currency(text)


def _without_period(amount: str) -> str:
    if not amount[-1:].isalpha() and amount[-1:] != ".":  # the usual case, on the hot path
        return amount
    lowered = amount.rstrip().lower()
    for word in PERIOD_WORDS:
        if lowered.endswith(word) and len(lowered) > len(word):
            return amount.rstrip()[: -len(word)]
    return amount


_DURATION_RE = re.compile(r"^\d+(?:[.,]\d{1,2})?$")


def whole_value(minor: int, basis: str | None, duration: str | None, amount: str) -> int:
    """A deal's whole value, in minor units, from an amount that is a price per period of its
    duration basis (Capsule's value with durationBasis and duration, Insightly's BID_AMOUNT with
    BID_TYPE and BID_DURATION): ``minor`` x duration for a period (hour ... year), ``minor`` as it
    is when the basis says fixed (a duration beside it is no factor). Nothing is guessed: a
    period without a duration, a duration without a basis, an unknown basis or a duration that is
    no positive number raise ``InvalidValue``."""
    if basis is None:
        if duration is None:
            return minor
        raise InvalidValue(
            f"a duration of {duration!r} but no duration basis: is the value {amount!r} per hour, day, week, "
            "month, quarter or year, or fixed?"
        )
    folded = fold(basis)
    if folded in FIXED_BASIS_WORDS:
        return minor
    unit = PERIOD_BASIS_WORDS.get(folded)
    if unit is None:
        raise InvalidValue(f"unknown duration basis {basis!r}: expected fixed, hour, day, week, month, quarter or year")
    if duration is None:
        raise InvalidValue(
            f"the value {amount!r} is per {unit} and the duration is empty: the deal's whole value "
            "(value x duration) is unknown"
        )
    if not _DURATION_RE.match(duration):
        raise InvalidValue(f"invalid duration {duration!r}: expected a number of {unit}s such as 12")
    periods = Decimal(duration.replace(",", "."))
    if periods <= 0:
        raise InvalidValue(f"invalid duration {duration!r}: expected a number of {unit}s above 0")
    whole = int((Decimal(minor) * periods).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(whole) > MAX_MINOR:
        raise InvalidValue(f"the value {amount!r} x {duration} {unit}s is too large")
    return whole


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    folded = fold(value)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise InvalidValue(f"invalid yes/no value {value!r}")


def _outcome(cell: Any, stage_value: str | None, ctx: RowContext) -> tuple[Stage | None, StageKind | None]:
    """(stage the stage column names, kind the status columns decide)."""
    kind = None
    status = cell("status")
    if status is not None:
        kind = status_kind(status)
        if kind is None:
            raise InvalidValue(f"unknown status {status!r}: expected open, won or lost")
    stage = None
    if stage_value is not None:
        stage, _ = ctx.stages.lookup(stage_value)
        if stage is None and kind not in (StageKind.WON, StageKind.LOST):
            raise InvalidValue(
                f'unknown stage {stage_value!r} (map it with --stage-map "{stage_value}=STAGE"; '
                f"stages: {', '.join(ctx.stages.pipeline.keys())})"
            )
    closed, won = _bool(cell("is_closed")), _bool(cell("is_won"))
    if kind is None and _bool(cell("active")) is False and (stage is None or not stage.is_closed):
        kind = StageKind.LOST  # Odoo archives the opportunities it marks lost
    if kind is None and (closed is not None or won is not None):
        if won:
            kind = StageKind.WON
        elif closed is False:
            kind = StageKind.OPEN
        elif closed and won is False:
            kind = StageKind.LOST
        elif closed:
            if stage is None or not stage.is_closed:
                raise InvalidValue("the deal is closed but neither a status nor the stage says won or lost")
            kind = stage.kind
    return stage, kind


def convert_row(cells: list[str], ctx: RowContext) -> ImportRow:
    """One CSV row -> ``ImportRow``, or ``InvalidValue`` naming the offending value (through the
    context's ``RowConverter``, built at the first call)."""
    converter = ctx.converter
    if converter is None:
        converter = ctx.converter = RowConverter(ctx)
    return converter(cells)


DATE_CACHE_MAX = 50_000  # distinct values kept per date column (memory stays flat on 1M rows)


class RowConverter:
    """The plan, turned once per file into what each row needs: the mapped columns as (field,
    index) pairs, which of the optional columns exist at all, and a cache per date column so a
    date is parsed once per distinct value (files repeat them).

    On the import's hot path: a 100,000-row file calls it 100,000 times."""

    def __init__(self, ctx: RowContext):
        plan = ctx.plan
        self.ctx = ctx
        self.plan = plan
        self.width = len(plan.headers)
        self.columns = tuple(plan.columns.items())
        self.extras = tuple(plan.extras)
        self.nulls = ctx.nulls
        self.tz = ctx.now.tzinfo
        self.now = ctx.now
        self.stages = ctx.stages
        self.pipeline = ctx.stages.pipeline
        mapped = plan.columns
        # the status-like columns: without any, the stage column alone decides
        self.has_outcome = any(f in mapped for f in ("status", "is_closed", "is_won", "active"))
        self.has_names = "first_name" in mapped or "last_name" in mapped
        self.last_name_mapped = "last_name" in mapped
        self.title_is_person = plan.title_names_person()  # "Full Name": the contact's name too
        self.orders = ctx.orders
        self.per_period = plan.value_per_period
        # the basis and the duration are kept as custom fields too, beside the value they made
        self.kept = tuple((f, plan.headers[mapped[f]]) for f in ("duration_basis", "duration") if f in mapped)
        self.date_cache: dict[str, dict[str, datetime | str]] = {name: {} for name in ctx.orders}

    def date(self, name: str, text: str) -> datetime:
        """``parse_import_datetime`` of a cell of date column ``name``, once per distinct text."""
        cache = self.date_cache[name]
        hit = cache.get(text)
        if hit is None:
            try:
                hit = parse_import_datetime(text, self.orders[name], self.tz)
            except InvalidValue as exc:
                hit = str(exc)
            if len(cache) >= DATE_CACHE_MAX:
                cache.clear()
            cache[text] = hit
        if isinstance(hit, str):
            raise InvalidValue(hit)
        return hit

    def __call__(self, cells: list[str]) -> ImportRow:
        plan = self.plan
        width = self.width
        n = len(cells)
        if n > width and any(c.strip() for c in cells[width:]):
            raise InvalidValue(f"{n} cells but the header has {width} columns")
        nulls = self.nulls
        values: dict[str, str] = {}
        for name, index in self.columns:
            if index < n:
                value = cells[index].strip()
                if value and value not in nulls:
                    if len(value) > MAX_CELL_CHARS:
                        raise InvalidValue(
                            f"the {name} cell holds {len(value):,} characters (at most {MAX_CELL_CHARS:,})"
                        )
                    values[name] = unquote(value) if value[0] == "'" else value
        cell = values.get

        currency = cell("currency")
        currency = (
            _currency(currency) if currency and currency not in DEFAULT_CURRENCY_IDS else self.ctx.default_currency
        )
        company, email = cell("company"), cell("email")
        contact = cell("contact_name")
        external_id = cell("external_id")
        title = cell("title")
        if self.title_is_person:
            contact = title
        if self.has_names:
            first, last = cell("first_name"), cell("last_name")
            person = " ".join(p for p in (first, last) if p) or None
            if title and first and not last and not self.last_name_mapped:
                person, title = f"{first} {title}", None  # "name" beside "first name" is the surname
            contact = contact or person
        else:
            person = None
        title = title or person or company or contact or email
        if title and len(values) < 2 and title.isdigit():
            raise InvalidValue(f"no name: the row holds only the number {title!r} (a junk line?)")
        if not title:
            # A deal known only by its id is still a deal when the row says more about it (a
            # stage, a value, dates); a lone number on a junk line is not.
            if external_id and len(values) >= 3:
                title = external_id
            else:
                raise InvalidValue("no name: the row has no name, company, contact or e-mail")
        fields = RowFields(title, contact, company, email, cell("phone"), cell("source"), external_id, currency)
        amount = cell("value")
        if amount is not None:
            money = parse_money(_without_period(amount), default_currency=currency, decimal=plan.decimal)
            fields.value_minor, fields.currency = money.minor, money.currency
            if self.per_period:
                fields.value_minor = whole_value(money.minor, cell("duration_basis"), cell("duration"), amount)
        probability = cell("probability")
        if probability is not None:
            fields.probability = parse_probability(probability)
        tags = cell("tags")
        if tags:
            fields.tags = _tags(tags)
        kind = cell("kind")
        if kind is not None:
            from salespipe.domain.deals import parse_kind

            fields.kind = parse_kind(kind)
        term = cell("term")
        if term is not None:
            from salespipe.domain.deals import parse_term

            fields.term_months = parse_term(term)
        if self.extras:
            custom = {}
            exact = plan.is_export  # salespipe's own export: custom values as they were, spaces and all
            for index, name in self.extras:
                if index < n:
                    extra = cells[index] if exact else cells[index].strip()
                    if extra.strip() and extra not in nulls:
                        if len(extra) > MAX_CELL_CHARS:
                            raise InvalidValue(
                                f"the {name!r} cell holds {len(extra):,} characters (at most {MAX_CELL_CHARS:,})"
                            )
                        custom[name] = unquote(extra) if extra[0] == "'" else extra
            if custom:
                fields.fields = custom
        for name, header in self.kept:
            kept = cell(name)
            if kept is not None:
                fields.fields = {**(fields.fields or {}), header: kept}

        stages = self.stages
        stage_value = cell("stage")
        if self.has_outcome:
            row_stage, kind = _outcome(cell, stage_value, self.ctx)
        else:
            kind = None
            row_stage = None
            if stage_value is not None:
                row_stage = stages.lookup(stage_value)[0]
                if row_stage is None:
                    raise InvalidValue(
                        f'unknown stage {stage_value!r} (map it with --stage-map "{stage_value}=STAGE"; '
                        f"stages: {', '.join(self.pipeline.keys())})"
                    )
        if kind is None:
            stage = row_stage or stages.first
        elif kind is StageKind.OPEN:
            if row_stage is not None and row_stage.is_closed:
                raise InvalidValue(f"the status says open but the stage {stage_value!r} is closed")
            stage = row_stage or stages.first
        else:
            if row_stage is not None and row_stage.kind is kind:
                stage = row_stage
            else:
                closing = stages.won if kind is StageKind.WON else stages.lost
                if closing is None:
                    raise InvalidValue(f"the pipeline has no {kind.value} stage")
                stage = closing
        is_closed = stage.kind is not StageKind.OPEN
        before_close = row_stage if row_stage is not None and row_stage.kind is StageKind.OPEN else stages.first
        text = cell("created")
        created = self.date("created", text) if text else None
        close_from = None
        text = cell("close_date")
        closed = self.date("close_date", text) if text else None
        if closed is None and is_closed:
            for fallback in ("won_time" if stage.kind is StageKind.WON else "lost_time", "modified"):
                text = cell(fallback)
                if text:
                    closed, close_from = self.date(fallback, text), fallback
                    break
        warning = None
        if created and closed and is_closed and closed < created:
            tz = self.tz
            if closed.astimezone(tz).date() >= created.astimezone(tz).date() or closed.date() == created.date():
                closed = created  # stamped at midnight of the same day
            else:
                # CRMs stamp records loaded in bulk with the load date; a deal cannot close
                # before it was created, so the close date wins and the row says so.
                warning = (
                    f"close date {closed.date().isoformat()} is before the created date "
                    f"{created.date().isoformat()}; created set to the close date"
                )
                created = closed
        expected = None
        expected_text = cell("expected_close")
        if expected_text:
            expected = self.date("expected_close", expected_text)
        elif not is_closed and closed is not None:
            expected = closed  # an open deal's close date is when it is expected to close
        if expected is not None:
            fields.expected_close = expected.date()  # the calendar day as the file writes it
        now = self.now
        if created is not None and created > now:
            created = _not_future(created, now)
        if closed is not None and is_closed and closed > now:
            closed = _not_future(closed, now)
        created_estimated = False
        closed_known = True
        history = cell("history")
        if history:
            events = parse_history(history, self.pipeline)
            stage = self.pipeline.get(events[-1][1])
            # salespipe's export writes closed_at empty for a deal closed on an unknown date
            at = plan.export_closed_at
            closed_known = not (stage.is_closed and at is not None and at < n and not cells[at].strip())
        elif is_closed:
            if closed is None:
                closed_known = False
                created_estimated = created is None
                events = [(None, stage.key, created or now, None)]
            else:
                created_estimated = created is None
                events = [
                    (None, before_close.key, created or closed, None),
                    (before_close.key, stage.key, closed, None),
                ]
        else:
            events = [(None, stage.key, created or now, None)]
        _check_fields(fields)
        lost_reason = cell("lost_reason")
        if lost_reason is not None and stage.kind is not StageKind.LOST:
            # not lost (a Dynamics "Status Reason" of an open deal): kept, not dropped
            fields.fields = {**(fields.fields or {}), plan.headers[plan.columns["lost_reason"]]: lost_reason}
            lost_reason = None
        return ImportRow(
            fields,
            stage,
            events,
            lost_reason,
            fields.external_id,
            email_key(fields.email),
            cell("owner"),
            warning,
            closed_known,
            created_estimated,
            close_from,
            created is not None,
            cell("currency") is None and amount is None,
        )


def _not_future(moment: datetime | None, now: datetime) -> datetime | None:
    """A date later today is now (a date-only value means noon); a later day is refused."""
    if moment is None or moment <= now:
        return moment
    if moment.astimezone(now.tzinfo).date() > now.date():
        raise InvalidValue(f"the date {moment.date().isoformat()} is in the future")
    return now


_TEXT_KEYS = ("title", "contact_name", "company", "email", "phone", "source", "external_id")


@dataclass(slots=True)
class RowFields:
    """A row's lead fields, plain (the same names as ``LeadFields``); None = not in the row."""

    title: str | None = None
    contact_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    external_id: str | None = None
    currency: str | None = None
    value_minor: int | None = None
    probability: int | None = None
    expected_close: date | None = None
    tags: list[str] | None = None
    fields: dict[str, str] | None = None
    kind: str | None = None  # new, upsell, cross-sell, renewal
    term_months: int | None = None  # a won deal's contract term

    def given(self) -> dict[str, Any]:
        """The scalar fields the row has (not tags and custom fields)."""
        return {
            k: getattr(self, k) for k in self.__slots__ if k not in ("tags", "fields") and getattr(self, k) is not None
        }


def _check_fields(fields: RowFields) -> None:
    """The row's fields, checked as ``LeadFields`` would check them, without building a
    validated model per row (the import's hot path): cells are stripped and non-empty, amounts,
    currencies and probabilities come from their parsers, so lengths and the e-mail remain."""
    for key in _TEXT_KEYS:
        value = getattr(fields, key)
        if value is not None and len(value) > MAX_TEXT:
            raise InvalidValue(f"invalid {key} {value[:40]!r}...: at most {MAX_TEXT:,} characters")
    email = fields.email
    if email is not None and not EMAIL_RE.match(email):
        raise InvalidValue(f"invalid e-mail address {email!r}")
    for name in fields.fields or ():
        if len(name) > MAX_TEXT:
            raise InvalidValue(f"invalid field name {name[:40]!r}...: at most {MAX_TEXT:,} characters")


def parse_probability(value: str) -> int:
    text = value.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise InvalidValue(f"invalid probability {value!r}: expected 0 to 100") from None
    if 0 < number < 1 and "." in text:
        number *= 100  # a fraction: 0.25 is 25 %
    if not 0 <= number <= 100:
        raise InvalidValue(f"invalid probability {value!r}: expected 0 to 100")
    return round(number)


def parse_history(text: str, pipeline: Any) -> list[tuple[str | None, str, datetime, str | None]]:
    """The ``history`` cell of a salespipe export: ``[[to_stage, at, note], ...]`` in order."""
    try:
        items = json.loads(text)
        if not isinstance(items, list):
            raise InvalidValue("invalid history: expected a list of [stage, at, note]")
        if len(items) > MAX_HISTORY_EVENTS:
            raise InvalidValue(f"history has {len(items):,} events (at most {MAX_HISTORY_EVENTS:,})")
        events: list[tuple[str | None, str, datetime, str | None]] = []
        previous: str | None = None
        for to_stage, at, note in items:
            try:
                stage = pipeline.get(to_stage).key
            except SalespipeError:
                raise InvalidValue(f"history names unknown stage {to_stage!r}") from None
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
            if events and moment < events[-1][2]:
                raise InvalidValue(f"history is out of order at {at!r}")
            events.append((previous, stage, moment, note))
            previous = stage
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidValue(f"invalid history {text[:60]!r}: {exc}") from None
    if not events:
        raise InvalidValue("empty history")
    return events
