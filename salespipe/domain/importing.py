"""CSV import mapping: which column is which field, which value is which stage, and one row
turned into a validated lead with its history. Pure functions; reading files is the service's.

Column names are compared after normalising (lower case, no spaces, ``_``, ``-``, ``.``):
``E-Mail-Adresse``, ``email`` and ``e_mail`` are one name. A column whose name is a field's
own name (``external_id``) wins over a synonym (``Id``); a second column for a field that is
already mapped is kept as a custom field.

History rules (what is assumed when dates are missing):

- An open deal gets one stage event: created in its stage, at its created date.
- A won or lost deal gets two: created in the first open stage at the created date, closed at
  the close date. Without a close date it is closed at the created date; without a created date
  it is created at the close date; with neither, both are the time of the import.
- An open deal's close date is its expected close date (an expected-close column wins); a
  closed deal without a close date column closes on its expected close date, and keeps an
  expected close date only from an expected-close column.
- A won or lost deal whose close date is before its created date (bulk-loaded CRM records carry
  the load date as created date) is created at the close date, with a warning for the row.
- A salespipe export carries a ``history`` column; its events are restored as they were.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from salespipe.domain.errors import InvalidValue
from salespipe.domain.models import LeadFields, Stage, StageKind, describe_validation_error
from salespipe.domain.money import normalize_currency, parse_money
from salespipe.domain.stages import Pipeline

# field -> header synonyms (normalised). The first entry is the field's own name.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("externalid", "id", "opportunityid", "dealid", "leadid", "recordid", "importid",
                    "crmid", "uid"),
    "title": ("title", "name", "fullname", "leadname", "dealname", "opportunityname", "opportunity",
              "deal", "lead", "contact", "kontakt"),
    "first_name": ("firstname", "vorname", "givenname", "prenom"),
    "last_name": ("lastname", "nachname", "surname", "familyname", "nom"),
    "contact_name": ("contactname", "contactperson", "ansprechpartner", "ansprechperson"),
    "company": ("company", "account", "accountname", "organization", "organisation", "firma",
                "unternehmen", "companyname", "enterprisename", "enterprise", "customer", "kunde",
                "organizationname", "firmenname", "societe"),
    "email": ("email", "emailaddress", "emailadresse", "mail", "mailadresse", "courriel"),
    "phone": ("phone", "telefon", "telephone", "phonenumber", "telefonnummer", "tel", "mobile",
              "mobilephone", "mobil", "handy", "fixedphone", "businessphone"),
    "source": ("source", "leadsource", "quelle", "channel", "kanal", "herkunft", "origin"),
    "stage": ("stage", "dealstage", "stagename", "phase", "status", "pipelinestage", "etape"),
    "value": ("value", "amount", "betrag", "wert", "closevalue", "dealvalue", "revenue",
              "opportunityamount", "volumen", "montant", "umsatz", "auftragswert"),
    "currency": ("currency", "currencycode", "currencyisocode", "wahrung", "währung", "devise"),
    "created": ("created", "createddate", "createdat", "createdon", "engagedate", "erstelltam",
                "erstellt", "datecreated", "creationdate", "angelegtam"),
    "close_date": ("closedate", "closingdate", "abschlussdatum", "closedat", "dateclosed",
                   "closedon", "wonon"),
    "expected_close": ("expectedclose", "expectedclosedate", "expectedclosingdate",
                       "erwartetesabschlussdatum", "zieldatum"),
    "probability": ("probability", "wahrscheinlichkeit", "probabilitypercent", "winprobability",
                    "probabilite"),
    "tags": ("tags", "tag", "labels", "schlagworte", "schlagwörter"),
    "lost_reason": ("lostreason", "lossreason", "reasonlost", "verlustgrund", "closedlostreason"),
    "history": ("history",),
}
FIELDS = tuple(SYNONYMS)
# Columns of a salespipe export that an import recomputes rather than stores.
EXPORT_DERIVED = {"id", "updatedat"}
CUSTOM_PREFIX = "field:"

STAGE_SYNONYMS: dict[StageKind, tuple[str, ...]] = {
    StageKind.WON: ("won", "closed won", "closedwon", "closed-won", "closed - won", "gewonnen",
                    "abgeschlossen gewonnen", "win", "gagné", "gagnee"),
    StageKind.LOST: ("lost", "closed lost", "closedlost", "closed-lost", "closed - lost", "verloren",
                     "abgeschlossen verloren", "loss", "perdu"),
}
_UNQUOTE_RE = re.compile(r"^'[=+\-@\t\r]")


def normalise(header: str) -> str:
    return re.sub(r"[\s_\-.:/()#]+", "", header.strip().lstrip("\ufeff").lower())


@dataclass
class Mapping:
    """Which column feeds which field; the rest are custom fields or ignored."""

    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    extras: list[tuple[int, str]] = field(default_factory=list)  # custom fields
    ignored: list[str] = field(default_factory=list)

    def describe(self) -> list[dict[str, str]]:
        by_index = {i: f for f, i in self.columns.items()}
        extras = dict(self.extras)
        rows = []
        for i, header in enumerate(self.headers):
            if i in by_index:
                rows.append({"column": header, "field": by_index[i]})
            elif i in extras:
                rows.append({"column": header, "field": f"{CUSTOM_PREFIX}{extras[i]}"})
            else:
                rows.append({"column": header, "field": ""})
        return rows


def build_mapping(headers: list[str], overrides: list[str], *, drop_extra: bool = False) -> Mapping:
    """Map columns to fields by name; ``overrides`` are ``"CSV column=field"`` (empty = ignore)."""
    mapping = Mapping(headers=list(headers))
    seen: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = normalise(header)
        if not key:
            continue
        if key in seen:
            raise InvalidValue(f"the header names column {header!r} twice (columns {seen[key] + 1} and {i + 1})")
        seen[key] = i
    forced: dict[int, str | None] = {}
    for item in overrides:
        column, sep, target = item.partition("=")
        if not sep:
            raise InvalidValue(f"invalid --map {item!r}: use \"CSV column=field\" (or \"CSV column=\" to ignore)")
        index = seen.get(normalise(column))
        if index is None:
            raise InvalidValue(f"--map {item!r}: no column {column.strip()!r}; columns: {', '.join(headers)}")
        target = target.strip()
        if target and not target.startswith(CUSTOM_PREFIX) and target not in FIELDS:
            raise InvalidValue(f"--map {item!r}: unknown field {target!r}; fields: {', '.join(FIELDS)} "
                               f"or {CUSTOM_PREFIX}NAME")
        forced[index] = target or None
    taken: dict[str, int] = {}
    for index, target in forced.items():
        if target and not target.startswith(CUSTOM_PREFIX):
            if target in taken:
                raise InvalidValue(f"--map gives field {target!r} two columns")
            taken[target] = index
    is_export = "history" in seen
    # pass 1: a column named exactly as a field (names[0]); pass 2: synonyms in the order listed
    for exact in (True, False):
        for fld, names in SYNONYMS.items():
            if fld in taken:
                continue
            for name in names[:1] if exact else names[1:]:
                index = seen.get(name)
                if index is not None and index not in forced and index not in taken.values():
                    taken[fld] = index
                    break
    mapping.columns = taken
    for i, header in enumerate(headers):
        if i in taken.values():
            continue
        target = forced.get(i, "") if i in forced else ""
        if i in forced and target is None:
            mapping.ignored.append(header)
        elif target and target.startswith(CUSTOM_PREFIX):
            mapping.extras.append((i, target[len(CUSTOM_PREFIX):]))
        elif is_export and normalise(header) in EXPORT_DERIVED:
            mapping.ignored.append(header)
        elif drop_extra or not header.strip():
            mapping.ignored.append(header)
        else:
            name = header.strip()
            mapping.extras.append((i, name[len(CUSTOM_PREFIX):] if name.startswith(CUSTOM_PREFIX) else name))
    return mapping


class StageResolver:
    """Stage cell -> stage: key or label (any case), won/lost synonyms, then ``--stage-map``."""

    def __init__(self, pipeline: Pipeline, stage_map: list[str]):
        self.pipeline = pipeline
        self.lookup: dict[str, Stage] = {}
        for stage in pipeline.stages:
            self.lookup[stage.key.lower()] = stage
            self.lookup[stage.label.lower()] = stage
        for kind, names in STAGE_SYNONYMS.items():
            stage = next((s for s in pipeline.stages if s.kind is kind), None)
            if stage:
                for name in names:
                    self.lookup.setdefault(name, stage)
        for item in stage_map:
            value, sep, key = item.rpartition("=")
            if not sep or not value.strip():
                raise InvalidValue(f"invalid --stage-map {item!r}: use \"CSV value=stage\"")
            self.lookup[value.strip().lower()] = pipeline.get(key.strip())
        self.first = pipeline.first_open()

    def resolve(self, value: str | None) -> Stage:
        if value is None:
            return self.first
        stage = self.lookup.get(value.strip().lower())
        if stage is None:
            raise InvalidValue(
                f"unknown stage {value!r} (map it with --stage-map \"{value}=STAGE\"; stages: "
                f"{', '.join(self.pipeline.keys())})"
            )
        return stage


# Dates ----------------------------------------------------------------------------------------
_SLASH_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_DOT_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


def slash_order_evidence(value: str) -> str | None:
    """``"dayfirst"``/``"monthfirst"`` when a slashed date proves the order, ``"ambiguous"``
    when it could be either, None when it is not a slashed date."""
    m = _SLASH_RE.match(value)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    if a > 12 >= b:
        return "dayfirst"
    if b > 12 >= a:
        return "monthfirst"
    return "ambiguous" if a != b else None


@lru_cache(maxsize=8192)
def parse_import_datetime(value: str, dayfirst: bool | None, tz: Any) -> datetime:
    """A date or timestamp as CRM exports write them -> aware datetime.

    ISO first (fast), then ``DD.MM.YYYY``, then ``DD/MM`` or ``MM/DD`` as decided for the file,
    then dateutil. Dates without a time are taken as noon local time; times without a zone as
    local time.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(12), tzinfo=tz)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    except ValueError:
        pass
    m = _DOT_RE.match(text)
    order = "dayfirst"
    if not m:
        m = _SLASH_RE.match(text)
        if m:
            evidence = slash_order_evidence(text)
            if dayfirst is None and evidence == "ambiguous":
                raise InvalidValue(f"ambiguous date {value!r}: pass --dayfirst or --monthfirst")
            order = "dayfirst" if (dayfirst if dayfirst is not None else evidence != "monthfirst") else "monthfirst"
    if m:
        a, b, y, hh, mm, ss = m.groups()
        d, mo = (a, b) if order == "dayfirst" else (b, a)
        year = int(y) + (2000 if len(y) == 2 else 0)
        try:
            moment = datetime(year, int(mo), int(d), int(hh or 12), int(mm or 0), int(ss or 0), tzinfo=tz)
        except ValueError as exc:
            raise InvalidValue(f"invalid date {value!r}: {exc}") from None
        return moment
    from salespipe.domain.dates import parse_when

    now = datetime.now(timezone.utc).astimezone(tz)
    if not re.search(r"\d{4}", text):
        raise InvalidValue(f"invalid date {value!r}: expected a date with a year, e.g. 2026-11-26")
    return parse_when(text, now=now, dayfirst=dayfirst).at


def parse_probability(value: str) -> int:
    text = value.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise InvalidValue(f"invalid probability {value!r}: expected 0 to 100") from None
    if not 0 <= number <= 100:
        raise InvalidValue(f"invalid probability {value!r}: expected 0 to 100")
    return round(number)


def unquote(cell: str) -> str:
    """Undo the formula neutralising of salespipe's own CSV export (``'=x`` -> ``=x``)."""
    return cell[1:] if _UNQUOTE_RE.match(cell) else cell


@dataclass
class ImportRow:
    """One valid row: the lead's fields and its stage events ``(from, to, at, note)``."""

    fields: LeadFields
    stage: Stage
    events: list[tuple[str | None, str, datetime, str | None]]
    lost_reason: str | None
    external_id: str | None
    email: str | None
    warning: str | None = None


@dataclass
class RowContext:
    mapping: Mapping
    stages: StageResolver
    default_currency: str
    now: datetime
    decimal: str | None = None
    dayfirst: bool | None = None


def convert_row(cells: list[str], ctx: RowContext) -> ImportRow:
    """One CSV row -> ``ImportRow``, or ``InvalidValue`` naming the offending value.

    On the import's hot path: a 100,000-row file calls this 100,000 times.
    """
    width = len(ctx.mapping.headers)
    n = len(cells)
    if n > width and any(c.strip() for c in cells[width:]):
        raise InvalidValue(f"{n} cells but the header has {width} columns")
    values: dict[str, str] = {}
    for name, index in ctx.mapping.columns.items():
        if index < n:
            value = cells[index].strip()
            if value:
                values[name] = unquote(value) if value[0] == "'" else value
    cell = values.get

    tz = ctx.now.tzinfo
    currency = cell("currency")
    currency = normalize_currency(currency) if currency else ctx.default_currency
    data: dict[str, Any] = {
        "contact_name": cell("contact_name"), "company": cell("company"), "email": cell("email"),
        "phone": cell("phone"), "source": cell("source"), "external_id": cell("external_id"),
        "currency": currency,
    }
    first, last = cell("first_name"), cell("last_name")
    person = " ".join(p for p in (first, last) if p) or None
    title = cell("title")
    if title and first and not last and "last_name" not in ctx.mapping.columns:
        person, title = f"{first} {title}", None  # "name" beside "first name" is the surname
    data["contact_name"] = data["contact_name"] or person
    data["title"] = (title or person or data["company"] or data["contact_name"] or data["email"]
                     or data["external_id"])
    if not data["title"]:
        raise InvalidValue("no name: the row has no name, company, contact, e-mail or id")
    value = cell("value")
    if value is not None:
        money = parse_money(value, default_currency=currency, decimal=ctx.decimal)
        data["value_minor"], data["currency"] = money.minor, money.currency
    probability = cell("probability")
    if probability is not None:
        data["probability"] = parse_probability(probability)
    tags = cell("tags")
    if tags:
        data["tags"] = [t.strip() for t in re.split(r"[;,|]", tags) if t.strip()]
    custom = {}
    for index, name in ctx.mapping.extras:
        if index < n:
            value = cells[index].strip()
            if value:
                custom[name] = unquote(value) if value[0] == "'" else value
    if custom:
        data["fields"] = custom
    stage = ctx.stages.resolve(cell("stage"))
    created_text, expected_text = cell("created"), cell("expected_close")
    close_text = cell("close_date") or expected_text
    created = parse_import_datetime(created_text, ctx.dayfirst, tz) if created_text else None
    closed = parse_import_datetime(close_text, ctx.dayfirst, tz) if close_text else None
    warning = None
    if created and closed and closed < created and stage.is_closed:
        # CRMs stamp records loaded in bulk with the load date; a deal cannot close before it
        # was created, so the close date wins and the row says so.
        warning = f"close date {close_text!r} is before the created date {created_text!r}; created set to the close date"
        created = closed
    # a closed deal's expected close date only ever comes from an expected-close column
    expected = closed if not stage.is_closed else None
    if expected_text and (stage.is_closed or expected_text != close_text):
        expected = parse_import_datetime(expected_text, ctx.dayfirst, tz)
    if expected is not None:
        data["expected_close"] = (expected if expected.tzinfo is tz else expected.astimezone(tz)).date()
    history = cell("history")
    if history:
        events = parse_history(history, ctx.stages.pipeline)
        stage = ctx.stages.pipeline.get(events[-1][1])
    elif stage.is_closed:
        start = created or closed or ctx.now
        end = closed or created or ctx.now
        events = [(None, ctx.stages.first.key, start, None), (ctx.stages.first.key, stage.key, end, None)]
    else:
        events = [(None, stage.key, created or ctx.now, None)]
    try:
        fields = LeadFields.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise InvalidValue(describe_validation_error(exc)) from None
    lost_reason = cell("lost_reason") if stage.kind is StageKind.LOST else None
    return ImportRow(fields, stage, events, lost_reason, fields.external_id,
                     fields.email.lower() if fields.email else None, warning)


def parse_history(text: str, pipeline: Pipeline) -> list[tuple[str | None, str, datetime, str | None]]:
    """The ``history`` cell of a salespipe export: ``[[to_stage, at, note], ...]`` in order."""
    try:
        items = json.loads(text)
        events: list[tuple[str | None, str, datetime, str | None]] = []
        previous: str | None = None
        for to_stage, at, note in items:
            stage = pipeline.get(to_stage).key
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
            if events and moment < events[-1][2]:
                raise InvalidValue(f"history is out of order at {at!r}")
            events.append((previous, stage, moment, note))
            previous = stage
    except (ValueError, TypeError) as exc:
        raise InvalidValue(f"invalid history {text[:60]!r}: {exc}") from None
    if not events:
        raise InvalidValue("empty history")
    return events
