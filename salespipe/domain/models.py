"""Pydantic models: every record is validated here, at the boundary, before it is stored."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from salespipe.domain.errors import InvalidValue

DEFAULT_ROTTING_DAYS = 14
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_TEXT = 2000
StageKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Stage(BaseModel):
    """One step of the pipeline."""

    model_config = ConfigDict(frozen=True)

    key: StageKey
    label: Text
    position: int
    probability: int = Field(ge=0, le=100)
    kind: StageKind = StageKind.OPEN
    rotting_days: int | None = Field(default=None, ge=1)

    @property
    def is_closed(self) -> bool:
        return self.kind is not StageKind.OPEN

    @property
    def rotting_threshold(self) -> int:
        return self.rotting_days or DEFAULT_ROTTING_DAYS


class LeadFields(BaseModel):
    """The editable fields of a lead, as typed or imported. ``None`` means "not given"."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = None
    contact_name: Text | None = None
    company: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    source: Text | None = None
    value_minor: int | None = Field(default=None, ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    probability: int | None = Field(default=None, ge=0, le=100)
    expected_close: date | None = None
    tags: list[Text] | None = None
    fields: dict[Text, str] | None = None
    external_id: Text | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not EMAIL_RE.match(value):
            raise ValueError(f"invalid e-mail address {value!r}")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        seen: dict[str, None] = {}
        for tag in value:
            if "," in tag:
                raise ValueError(f"invalid tag {tag!r}: tags cannot contain commas")
            seen.setdefault(tag, None)
        return list(seen)


class Lead(LeadFields):
    """A stored lead (deal)."""

    model_config = ConfigDict(extra="ignore")

    id: int
    title: Text
    stage: StageKey
    value_minor: int | None = None  # None: the value is unknown (not 0)
    currency: str = "EUR"
    owner: str | None = None
    created_estimated: int = 0
    tags: list[str] = []
    fields: dict[str, Any] = {}
    lost_reason: str | None = None
    created_at: str
    updated_at: str
    closed_at: str | None = None
    stage_entered_at: str
    last_touch_at: str | None = None


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"


class Activity(BaseModel):
    """A touchpoint logged on a deal."""

    id: int
    lead_id: int
    kind: ActivityKind
    text: str
    at: str


class Task(BaseModel):
    """A next step: due on a day (optionally at a time), open until done."""

    id: int
    lead_id: int
    text: str
    due_date: date
    due_time: str | None = None
    done_at: str | None = None
    done_note: str | None = None
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


class StageEvent(BaseModel):
    """"Lead L entered stage ``to_stage`` at ``at`` (from ``from_stage``)". Append-only."""

    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    at: str
    note: str | None = None


def validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """Validate ``data`` as ``model``; turn pydantic's report into one readable line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidValue(describe_validation_error(exc)) from None


# pydantic's error types in words a person uses (no library jargon in any message)
_PLAIN_WORDS = {
    "string_too_short": "it is empty",
    "string_too_long": "it is longer than {max_length} characters",
    "greater_than_equal": "it must be at least {ge}",
    "less_than_equal": "it must be at most {le}",
    "int_parsing": "it must be a whole number",
    "int_type": "it must be a whole number",
    "string_pattern_mismatch": "it must be {what}",
    "date_from_datetime_parsing": "it must be a date such as 2026-11-26",
    "date_parsing": "it must be a date such as 2026-11-26",
    "missing": "it is missing",
}
_PATTERNS = {"currency": "a three-letter code such as EUR", "stage": "lower-case letters, digits, - and _"}


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "value"
        msg = err["msg"].removeprefix("Value error, ")
        if "invalid e-mail" in msg or "invalid tag" in msg:
            parts.append(msg)
            continue
        template = _PLAIN_WORDS.get(err["type"])
        if template:
            context = {**(err.get("ctx") or {}), "what": _PATTERNS.get(field.split(".")[-1], "in the expected form")}
            msg = template.format(**context)
        parts.append(f"invalid {field.replace('_', ' ')} {err.get('input')!r}: {msg}")
    return "; ".join(parts)
