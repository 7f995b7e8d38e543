"""The pydantic schemas of what is written: the authority on a valid lead or stage, and the
wording of a rejection.

Imported only when the plain check in ``domain.models`` is not sure of an input (something is
wrong, or unusual): an everyday command never loads pydantic. See ``domain.models``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from salespipe.domain.models import EMAIL_RE, MAX_TEXT, StageKind

StageKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
# a name shown in tables and messages (a stage label): one line, no tabs or other controls
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00-\x1f\x7f]*$")
]
Category = Literal["commit", "best-case", "pipeline", "omit"]  # models.FORECAST_CATEGORIES
JourneyPhase = Literal["awareness", "interest", "desire", "action"]  # models.JOURNEY_PHASES


class StageSchema(BaseModel):
    """One step of the pipeline (``models.Stage``)."""

    model_config = ConfigDict(frozen=True)

    key: StageKey
    label: Label
    position: int
    probability: int = Field(ge=0, le=100)
    kind: StageKind = StageKind.OPEN
    rotting_days: int | None = Field(default=None, ge=1)
    forecast_category: Category | None = None
    journey_phase: JourneyPhase | None = None


class LeadFieldsSchema(BaseModel):
    """The editable fields of a lead (``models.LeadFields``). ``None`` means "not given"."""

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
    forecast_category: Category | None = None
    kind: Literal["new", "upsell", "cross-sell", "renewal"] | None = None
    term_months: int | None = Field(default=None, ge=1, le=1200)
    referred_by_org_id: int | None = Field(default=None, ge=1)
    referred_by_person_id: int | None = Field(default=None, ge=1)

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


SCHEMAS: dict[str, type[BaseModel]] = {"Stage": StageSchema, "LeadFields": LeadFieldsSchema}


def validate_with_schema(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate ``data`` as the schema of record ``name``: the validated values (every field),
    or ``InvalidValue`` with pydantic's report in one readable line."""
    from salespipe.domain.errors import InvalidValue

    try:
        model = SCHEMAS[name].model_validate(data)
    except ValidationError as exc:
        raise InvalidValue(describe_validation_error(exc)) from None
    return {key: getattr(model, key) for key in type(model).model_fields}


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
_PATTERNS = {
    "currency": "a three-letter code such as EUR",
    "stage": "lower-case letters, digits, - and _",
    "key": "lower-case letters, digits, - and _",
    "label": "one line of text, without tabs",
}


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
