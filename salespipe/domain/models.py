"""The records of the domain as plain immutable records, and the check every write passes.

The records are typed named tuples: immutable like the frozen models they replace, with
attributes, ``_fields`` and ``as_record`` for JSON. (A frozen dataclass costs about 1 ms to
define at import, a named tuple a tenth of that; every command pays for these at start.)

Reading: ``store/`` builds the records straight from the rows, with no validation: what is
stored was checked on its way in, and the schema's CHECK constraints hold it.

Writing: ``validate(LeadFields, data)`` and ``validate(Stage, data)`` are the boundary. A plain
Python check (``_check_lead_fields``, ``_check_stage``) accepts only input it is sure of, and
gives exactly what pydantic would: text stripped of ASCII white space, non-empty and at most
``MAX_TEXT`` characters, whole numbers in range, a ``date``, tags without commas (repeats
dropped), and so on. Whatever it is not sure of (a value out of range, a wrong type, an e-mail
address without a dot, white space other than ASCII at either end) goes to the pydantic schema
of the same record in ``domain.validation``, which stays the authority: it words the rejection
(``describe_validation_error``), and when it accepts after all, its values are the ones used.
So pydantic is imported only when something is wrong or unusual, and an everyday command
(``lead add`` with valid input, ``lead list``, ``lead show``, ``today``) never pays the ~60 ms
it costs to load pydantic and build the schemas (issue 11). ``tests/test_models.py`` checks
that the plain check and the schemas agree, on hand-picked and generated input.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, NamedTuple, TypeVar

DEFAULT_ROTTING_DAYS = 14
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_TEXT = 2000
_STAGE_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_ASCII_SPACE = " \t\n\r\x0b\x0c"

R = TypeVar("R")


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Stage(NamedTuple):
    """One step of the pipeline."""

    key: str
    label: str
    position: int
    probability: int
    kind: StageKind = StageKind.OPEN
    rotting_days: int | None = None
    forecast_category: str | None = None  # commit, best-case, pipeline, omit; None: by its probability
    journey_phase: str | None = None  # awareness, interest, desire, action; None: by kind and probability

    @property
    def is_closed(self) -> bool:
        return self.kind is not StageKind.OPEN

    @property
    def rotting_threshold(self) -> int:
        return self.rotting_days or DEFAULT_ROTTING_DAYS


class LeadFields(NamedTuple):
    """The editable fields of a lead, as typed or imported. ``None`` means "not given"."""

    title: str | None = None
    contact_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    value_minor: int | None = None
    currency: str | None = None
    probability: int | None = None
    expected_close: date | None = None
    tags: list[str] | None = None
    fields: dict[str, str] | None = None
    external_id: str | None = None
    forecast_category: str | None = None  # the deal's own, overriding its stage's
    kind: str | None = None  # new, upsell, cross-sell, renewal (domain.deals.KINDS)
    term_months: int | None = None  # the contract term of a won deal
    referred_by_org_id: int | None = None  # who referred it: an organisation ...
    referred_by_person_id: int | None = None  # ... or a person (services.orgs.find_referrer)

    def given(self, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        """The fields given (not None), in declaration order."""
        return {
            name: value
            for name, value in zip(self._fields, self, strict=True)
            if value is not None and name not in exclude
        }


class Lead(NamedTuple):
    """A stored lead (deal): every column of its row (``store.leads`` builds it)."""

    id: int
    title: str
    contact_name: str | None
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    value_minor: int | None  # None: the value is unknown (not 0)
    currency: str
    probability: int | None  # the deal's own, overriding its stage's
    expected_close: date | None
    tags: list[str]
    fields: dict[str, Any]
    external_id: str | None
    stage: str
    owner: str | None
    created_estimated: int
    lost_reason: str | None
    created_at: str
    updated_at: str
    closed_at: str | None
    stage_entered_at: str
    last_touch_at: str | None
    forecast_category: str | None = None  # the deal's own (commit, best-case, pipeline, omit)
    kind: str = "new"  # new, upsell, cross-sell, renewal (domain.deals)
    term_months: int | None = None  # the contract term of a won deal
    renews_lead_id: int | None = None  # the deal a renewal continues
    nurture_until: date | None = None  # parked (out of the pipeline) before this day
    nurture_note: str | None = None
    org_id: int | None = None  # its organisation (linked by its company)
    person_id: int | None = None  # its contact person (linked by contact name / e-mail)
    referred_by_org_id: int | None = None  # the organisation that referred it
    referred_by_person_id: int | None = None  # or the person who did


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"


class Activity(NamedTuple):
    """A touchpoint logged on a deal."""

    id: int
    lead_id: int
    kind: ActivityKind
    text: str
    at: str


class Task(NamedTuple):
    """A next step: due on a day (optionally at a time), open until done."""

    id: int
    lead_id: int
    text: str
    due_date: date
    due_time: str | None
    done_at: str | None
    done_note: str | None
    created_at: str
    updated_at: str

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, now: datetime) -> bool:
        """Open and due before ``now`` (a task without a time is due at the end of its day)."""
        if not self.is_open:
            return False
        today, due = now.date().isoformat(), self.due_date.isoformat()
        return due < today or (due == today and self.due_time is not None and self.due_time < now.strftime("%H:%M"))


class StageEvent(NamedTuple):
    """ "Lead L entered stage ``to_stage`` at ``at`` (from ``from_stage``)". Append-only."""

    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    at: str
    note: str | None = None


def as_record(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record's fields as JSON-ready values (enums by value, dates as ISO text), in order."""
    out = {}
    for name, value in zip(obj._fields, obj, strict=True):
        if name in exclude:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


# Writing: the plain check, with pydantic behind it ----------------------------------------------


def validate(model: type[R], data: dict[str, Any]) -> R:
    """``data`` checked as ``model`` (``LeadFields`` or ``Stage``); ``InvalidValue`` in one
    readable line when it is wrong (see the module's docstring)."""
    checked = _CHECKS[model.__name__](data)
    if checked is None:  # not sure: pydantic decides, and words a rejection
        from salespipe.domain.validation import validate_with_schema

        checked = validate_with_schema(model.__name__, data)
    return model(**checked)


def _text(value: Any) -> str | None:
    """A non-empty text of at most ``MAX_TEXT`` characters, stripped; None when not sure.

    Only ASCII white space is stripped here: at either end, anything ``str.isspace`` calls white
    space is left to pydantic, whose idea of it differs from Python's (U+001C to U+001F)."""
    if type(value) is not str:
        return None
    text = value.strip(_ASCII_SPACE)
    if not text or len(text) > MAX_TEXT or text[0].isspace() or text[-1].isspace():
        return None
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return None
    return text


def _plain_str(value: Any) -> bool:
    if type(value) is not str:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole(value: Any, low: int | None = None, high: int | None = None) -> bool:
    return type(value) is int and (low is None or value >= low) and (high is None or value <= high)


FORECAST_CATEGORIES = ("commit", "best-case", "pipeline", "omit")  # domain.forecast.CATEGORIES
JOURNEY_PHASES = ("awareness", "interest", "desire", "action")  # domain.journey.PIPELINE_PHASES
DEAL_KINDS = ("new", "upsell", "cross-sell", "renewal")  # domain.deals.KINDS
_TEXT_FIELDS = frozenset(("title", "contact_name", "company", "email", "phone", "source", "external_id"))


def _check_lead_fields(data: dict[str, Any]) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            if name not in LeadFields._fields:
                return None
            out[name] = None
        elif name in _TEXT_FIELDS:
            text = _text(value)
            if text is None or (name == "email" and not EMAIL_RE.match(text)):
                return None
            out[name] = text
        elif name == "value_minor":
            if not _whole(value, 0):
                return None
            out[name] = value
        elif name == "probability":
            if not _whole(value, 0, 100):
                return None
            out[name] = value
        elif name == "currency":
            if not _plain_str(value) or not _CURRENCY_RE.fullmatch(value):
                return None
            out[name] = value
        elif name == "forecast_category":
            if value not in FORECAST_CATEGORIES:
                return None
            out[name] = value
        elif name == "kind":
            if value not in DEAL_KINDS:
                return None
            out[name] = value
        elif name == "term_months":
            if not _whole(value, 1, 1200):
                return None
            out[name] = value
        elif name in ("referred_by_org_id", "referred_by_person_id"):
            if not _whole(value, 1):
                return None
            out[name] = value
        elif name == "expected_close":
            if type(value) is not date:
                return None
            out[name] = value
        elif name == "tags":
            if type(value) is not list:
                return None
            tags: dict[str, None] = {}
            for item in value:
                tag = _text(item)
                if tag is None or "," in tag:
                    return None
                tags.setdefault(tag, None)
            out[name] = list(tags)
        elif name == "fields":
            if type(value) is not dict:
                return None
            custom: dict[str, str] = {}
            for key, item in value.items():
                cleaned = _text(key)
                if cleaned is None or not _plain_str(item):
                    return None
                custom[cleaned] = item
            out[name] = custom
        else:  # not a field of a lead
            return None
    return out


def _check_stage(data: dict[str, Any]) -> dict[str, Any] | None:
    if not data.keys() <= {
        "key",
        "label",
        "position",
        "probability",
        "kind",
        "rotting_days",
        "forecast_category",
        "journey_phase",
    }:
        return None  # pydantic ignores other keys; it is the one to decide
    key, label = data.get("key"), _text(data.get("label"))
    kind = data.get("kind", StageKind.OPEN)
    rotting = data.get("rotting_days")
    category = data.get("forecast_category")
    phase = data.get("journey_phase")
    if (
        not _plain_str(key)
        or not _STAGE_KEY_RE.fullmatch(str(key))
        or label is None
        or any(ord(c) < 32 or c == "\x7f" for c in label)
        or not _whole(data.get("position"))
        or not _whole(data.get("probability"), 0, 100)
        or not (rotting is None or _whole(rotting, 1))
        or not (category is None or category in FORECAST_CATEGORIES)
        or not (phase is None or phase in JOURNEY_PHASES)
    ):
        return None
    if not isinstance(kind, StageKind):
        if type(kind) is not str or kind not in StageKind._value2member_map_:
            return None
        kind = StageKind(kind)
    return {
        "key": key,
        "label": label,
        "position": data["position"],
        "probability": data["probability"],
        "kind": kind,
        "rotting_days": rotting,
        "forecast_category": category,
        "journey_phase": phase,
    }


_CHECKS = {"LeadFields": _check_lead_fields, "Stage": _check_stage}
