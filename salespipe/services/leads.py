"""Lead use cases: add, edit, delete, list, show, and every stage change."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

from salespipe.domain.dates import When, from_iso, utc_iso
from salespipe.domain.errors import IllegalTransition, InvalidValue
from salespipe.domain.models import Activity, Lead, LeadFields, StageEvent, StageKind, Task
from salespipe.domain.stages import Pipeline, Transition, check_transition
from salespipe.services.pipeline import default_currency, get_lead, new_lead_currency, pipeline
from salespipe.store import leads as lead_store
from salespipe.store.leads import SORTS as SORTS  # what lead list --sort accepts


def add_lead(
    conn: sqlite3.Connection,
    fields: LeadFields,
    *,
    now: datetime,
    stage: str | None = None,
    at: When | None = None,
    note: str | None = None,
    lost_reason: str | None = None,
    fire_rules: bool = True,
    currency: str | None = None,
) -> Lead:
    """Create a lead and its first stage event (``--at`` back-dates both), and fire the rules
    for creation and for entering its first stage. A lead whose ``fields`` name no currency is
    in ``currency`` (``add_from_input`` passes the config file's), else in the database's."""
    if not fields.title:
        raise InvalidValue("a lead needs a name")
    pipe = pipeline(conn)
    target = pipe.get(stage) if stage else pipe.first_open()
    moment = at.at if at else now
    _not_in_future(moment, now)
    when = utc_iso(moment)
    record: dict[str, Any] = fields.given()
    record.setdefault("currency", currency or default_currency(conn))
    record.update(
        stage=target.key,
        created_at=when,
        updated_at=utc_iso(now),
        stage_entered_at=when,
        last_touch_at=when,
        closed_at=when if target.is_closed else None,
        lost_reason=lost_reason if target.kind is StageKind.LOST else None,
    )
    if fields.external_id and lead_store.find_duplicate(conn, email=None, external_id=fields.external_id):
        raise InvalidValue(f"a lead with external id {fields.external_id!r} exists already")
    lead_id = lead_store.insert(conn, record, is_open=not target.is_closed)
    lead_store.add_event(
        conn,
        lead_id=lead_id,
        from_stage=None,
        to_stage=target.key,
        at=when,
        prev_at=None,
        note=note,
        recorded_at=utc_iso(now),
    )
    if fire_rules:
        from salespipe.services import rules

        rules.fire(conn, "create", lead_id=lead_id, stage=target.key, at=moment, now=now)
        rules.fire(conn, "enter", lead_id=lead_id, stage=target.key, at=moment, now=now)
    return get_lead(conn, lead_id)


class Added(NamedTuple):
    lead: Lead  # the new lead, or the open one it repeats when skipped
    probability: int
    added: bool
    duplicate: tuple[Lead, str] | None  # an open lead with the same e-mail (or name and company), and which
    tasks_created: list[Task]
    kind_reason: str | None = None  # why the kind was proposed (not given): "Acme is a customer"


def add_from_input(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    on_duplicate: str = "add",
    stage: str | None = None,
    at: When | None = None,
    note: str | None = None,
    **typed: Any,
) -> Added:
    """``lead add``: the options as typed (``referrer``: a ``services.customers.Referrer``; a
    lead without a source is then a referral) -> the lead, checked against the open leads first
    (``on_duplicate``: add anyway, skip, or fail with a Conflict). A value typed without a
    currency, and a lead without a value, are in ``new_lead_currency`` (the config file's, else
    the pipeline's)."""
    from salespipe.domain.errors import Conflict
    from salespipe.store import work as work_store

    new_currency = new_lead_currency(conn).value
    referrer = typed.pop("referrer", None)
    if referrer is not None and typed.get("source") is None:
        typed["source"] = "referral"
    fields = fields_from_input(now=now, default_currency=new_currency, **typed)
    kind_reason = None
    if referrer is not None:
        fields = fields._replace(referred_by_org_id=referrer.org_id, referred_by_person_id=referrer.person_id)
    if fields.kind is None:
        kind, kind_reason = proposed_kind(conn, fields.company)
        fields = fields._replace(kind=kind)
    duplicate = open_duplicate(conn, fields)
    if duplicate and on_duplicate == "fail":
        other, by = duplicate
        raise Conflict(
            f"open lead #{other.id} {other.title!r} ({other.stage}) has the same {by}; "
            "nothing added (--on-duplicate add adds it anyway)"
        )
    if duplicate and on_duplicate == "skip":
        return Added(duplicate[0], probability_of(conn, duplicate[0]), False, duplicate, [])
    lead = add_lead(conn, fields, now=now, stage=stage, at=at, note=note, currency=new_currency)
    created = work_store.tasks_of(conn, lead.id)  # a new lead's tasks are its rules'
    return Added(lead, probability_of(conn, lead), True, duplicate, created, kind_reason)


def proposed_kind(conn: sqlite3.Connection, company: str | None) -> tuple[str, str | None]:
    """A new deal's kind when ``--kind`` is not given (``lead add``), and why: ``upsell`` when
    its company is an organisation (matched as ``lead add`` links it) that is a customer already
    (a deal of it is won), else ``new`` (no reason). An import keeps ``new`` unless a kind
    column says otherwise: a file of history has its deals' kinds as they were."""
    from salespipe.domain.deals import DEFAULT_KIND
    from salespipe.store import orgs as org_store

    if not company or not company.strip():
        return DEFAULT_KIND, None
    org_id = org_store.match_org(conn, company.strip())
    if org_id is None or not org_store.is_customer(conn, org_id):
        return DEFAULT_KIND, None
    org = org_store.get_org(conn, org_id) or {"name": company}
    return "upsell", f"{org['name']} is a customer"


def edit_lead(
    conn: sqlite3.Connection,
    lead_id: int,
    fields: LeadFields,
    *,
    now: datetime,
    clear: Collection[str] = (),
    untag: Collection[str] = (),
    unset_fields: Collection[str] = (),
) -> Lead:
    """Change a lead's fields. Tags given are added, ``untag`` removes; custom fields merge."""
    lead = get_lead(conn, lead_id)
    changes: dict[str, Any] = fields.given(exclude=("tags", "fields"))
    for name in clear:
        changes[name] = None
    if fields.external_id and fields.external_id != lead.external_id:
        other = lead_store.find_duplicate(conn, email=None, external_id=fields.external_id)
        if other and other != lead_id:
            raise InvalidValue(f"lead #{other} has external id {fields.external_id!r} already")
    if fields.tags or untag:
        missing = [t for t in untag if t not in lead.tags]
        if missing:
            raise InvalidValue(f"lead #{lead_id} has no tag {missing[0]!r} (tags: {', '.join(lead.tags) or 'none'})")
        tags = [t for t in lead.tags if t not in untag]
        changes["tags"] = tags + [t for t in fields.tags or [] if t not in tags]
    if fields.fields or unset_fields:
        missing = [k for k in unset_fields if k not in lead.fields]
        if missing:
            raise InvalidValue(f"lead #{lead_id} has no field {missing[0]!r}")
        custom = {k: v for k, v in lead.fields.items() if k not in unset_fields}
        custom.update(fields.fields or {})
        changes["fields"] = custom
    if not changes:
        raise InvalidValue("nothing to change: give at least one option (see salespipe lead edit --help)")
    current = lead._asdict() if hasattr(lead, "_asdict") else {}
    changes = {k: v for k, v in changes.items() if k not in current or current[k] != v}
    if not changes:  # the values given are the ones it has: nothing is written, nothing to undo
        return lead
    changes["updated_at"] = utc_iso(now)
    lead_store.update(conn, lead_id, changes)
    return get_lead(conn, lead_id)


# What `lead edit --clear` accepts, and the field each empties.
CLEARABLE = {
    "company": "company",
    "contact": "contact_name",
    "email": "email",
    "phone": "phone",
    "source": "source",
    "probability": "probability",
    "close-date": "expected_close",
    "external-id": "external_id",
    "forecast": "forecast_category",
    "term": "term_months",
    "referred-by": "referred_by_org_id",  # and referred_by_person_id
}


class Edited(NamedTuple):
    before: Lead
    after: Lead
    probability_before: int
    probability_after: int


def edit_from_input(
    conn: sqlite3.Connection,
    lead_id: int,
    *,
    now: datetime,
    clear: Collection[str] = (),
    untag: Collection[str] = (),
    fields: Collection[str] = (),
    **typed: Any,
) -> Edited:
    """``lead edit``: the options as typed (``fields`` as KEY=VALUE, KEY= removes) -> the lead
    before and after. An amount without a currency is in the deal's own currency."""
    for item in clear:
        if item not in CLEARABLE:
            raise InvalidValue(f"cannot clear {item!r}; choose from: {', '.join(CLEARABLE)}")
    for option, name in (
        ("close_date", "close-date"),
        ("probability", "probability"),
        ("forecast", "forecast"),
        ("term", "term"),
        ("referrer", "referred-by"),
    ):
        if typed.get(option) is not None and name in clear:
            raise InvalidValue(f"--{name} and --clear {name} contradict each other: give one")
    cleared = {CLEARABLE[c] for c in clear} | ({"referred_by_person_id"} if "referred-by" in clear else set())
    before = get_lead(conn, lead_id)
    if typed.get("forecast") is not None and pipeline(conn).get(before.stage).is_closed:
        raise InvalidValue(
            f"lead #{lead_id} is closed ({before.stage}): a forecast category is for open deals "
            f"(salespipe reopen {lead_id} first)"
        )
    probability_before = probability_of(conn, before)
    referrer = typed.pop("referrer", None)
    parsed = fields_from_input(
        now=now, default_currency=before.currency, fields=[f for f in fields if not f.endswith("=")], **typed
    )
    if referrer is not None:  # the one it names, the other column emptied; a lead without a source: referral
        parsed = parsed._replace(referred_by_org_id=referrer.org_id, referred_by_person_id=referrer.person_id)
        cleared |= {"referred_by_person_id" if referrer.org_id else "referred_by_org_id"}
        if parsed.source is None and (before.source is None or "source" in clear):
            parsed = parsed._replace(source="referral")
            cleared.discard("source")
    after = edit_lead(
        conn,
        lead_id,
        parsed,
        now=now,
        clear=cleared,
        untag=untag,
        unset_fields=[f[:-1].strip() for f in fields if f.endswith("=")],
    )
    return Edited(before, after, probability_before, probability_of(conn, after))


def delete_lead(conn: sqlite3.Connection, lead_id: int) -> Lead:
    lead = get_lead(conn, lead_id)
    lead_store.delete(conn, lead_id)
    return lead


class StageChange(NamedTuple):
    lead: Lead
    transition: Transition
    tasks_created: tuple[int, ...] = ()  # by the rules for entering the stage


def change_stage(
    conn: sqlite3.Connection,
    lead_id: int,
    *,
    now: datetime,
    to: str | None = None,
    verb: str | None = None,
    kind: StageKind | None = None,
    reopen: bool = False,
    at: When | None = None,
    note: str | None = None,
    value_minor: int | None = None,
    currency: str | None = None,
    reason: str | None = None,
    fire_rules: bool = True,
    back: bool = False,
) -> StageChange:
    """Move a lead to a stage (by key, by pipeline verb, by kind won/lost, or back by reopening).
    A pipeline verb never moves a deal backwards unless ``back`` (``move`` may).

    Writes exactly one stage event. A date-only ``--at`` on the same day as the previous event
    is taken as the previous event's time rather than rejected as "earlier".
    """
    lead = get_lead(conn, lead_id)
    pipe = pipeline(conn)
    current = pipe.get(lead.stage)
    last = lead_store.last_event(conn, lead_id)
    last_at = from_iso(last.at) if last else from_iso(lead.created_at)
    if reopen:
        previous = last.from_stage if last and last.from_stage else None
        target = pipe.by_key.get(previous) if previous else None
        if target is None or target.is_closed:
            target = pipe.first_open()
    elif verb:
        target = pipe.for_verb(verb)
        if not back and not current.is_closed and not target.is_closed and target.position < current.position:
            raise IllegalTransition(
                f"lead #{lead_id} is in {current.key!r}, past {target.key!r}: '{verb}' would move it back; "
                f"salespipe {verb} {lead_id} --back (or salespipe move {lead_id} {target.key}) if you mean it"
            )
    elif kind:
        target = pipe.first_of(kind)
    elif to:
        target = pipe.get(to)
    else:  # pragma: no cover - the CLI always gives one
        raise InvalidValue("no target stage")
    moment = at.at if at else now
    _not_in_future(moment, now)
    if at and at.date_only and moment < last_at and moment.date() == last_at.astimezone(moment.tzinfo).date():
        moment = last_at
    transition = check_transition(
        lead_id=lead_id, current=current, target=target, at=moment, last_event_at=last_at, reopen=reopen
    )
    if reason is not None and not reason.strip():
        raise InvalidValue("--reason is empty")
    if reason is not None and target.kind is not StageKind.LOST:
        raise IllegalTransition("--reason is for closing a deal as lost")
    when = utc_iso(moment)
    changes: dict[str, Any] = {
        "stage": target.key,
        "stage_entered_at": when,
        "last_touch_at": max(when, lead.last_touch_at or when),
        "updated_at": utc_iso(now),
        "closed_at": when if target.is_closed else None,
        "lost_reason": reason if target.kind is StageKind.LOST else None,
    }
    if value_minor is not None:
        changes["value_minor"] = value_minor
    if currency is not None:
        changes["currency"] = currency
    if (target.is_closed or current.is_closed) and (lead.nurture_until is not None or lead.nurture_note is not None):
        # a closed deal is not parked, and a reopened one is back in its stage, not in a park
        # (the park date's end goes into the history of estimates: as-of figures see it)
        changes["nurture_until"] = None
        changes["nurture_note"] = None
    lead_store.update(conn, lead_id, changes, source="move")
    lead_store.add_event(
        conn,
        lead_id=lead_id,
        from_stage=current.key,
        to_stage=target.key,
        at=when,
        prev_at=last.at if last else lead.created_at,
        note=note,
        recorded_at=utc_iso(now),
    )
    created: list[int] = []
    if fire_rules:
        from salespipe.services import rules

        created = rules.fire(conn, "enter", lead_id=lead_id, stage=target.key, at=moment, now=now)
    return StageChange(get_lead(conn, lead_id), transition, tuple(created))


class LeadRow(NamedTuple):
    lead: Lead
    probability: int
    priority: float | None = None  # the score, when the listing is sorted by it


def list_leads(conn: sqlite3.Connection, *, now: datetime | None = None, **filters: Any) -> list[LeadRow]:
    """Leads matching ``filters``; ``sort="priority"`` ranks open deals by their priority score
    (closed deals, which have none, come last)."""
    pipe = pipeline(conn)
    filters["stages"] = [pipe.get(k).key for k in filters.get("stages", ())]
    if filters.get("status") == "nurtured":
        from salespipe.services import clock

        filters["day"] = (now or clock.now()).date().isoformat()
    if filters.get("sort") == "priority":
        from salespipe.services import clock
        from salespipe.services.agenda import priority_map

        scores = priority_map(conn, now=now or clock.now())
        limit = filters.pop("limit", None)
        rows = lead_store.search(conn, **{**filters, "sort": "stage"})
        rows.sort(key=lambda r: (-scores.get(r[0].id, float("-inf")), r[0].id))
        return [LeadRow(lead, p, scores.get(lead.id)) for lead, p in rows[:limit]]
    return [LeadRow(lead, p) for lead, p in lead_store.search(conn, **filters)]


def _not_in_future(moment: datetime, now: datetime) -> None:
    """A stage change (a lead's creation too) is recorded when it has happened."""
    if moment > now:
        raise InvalidValue(
            f"--at {moment.astimezone(now.tzinfo).isoformat(timespec='minutes')} is in the "
            "future: a stage change is recorded when it has happened"
        )


def open_duplicate(conn: sqlite3.Connection, fields: LeadFields) -> tuple[Lead, str] | None:
    """An open lead that ``fields`` would repeat, and why: the same e-mail (Unicode case
    folded), else the same name and company."""
    from salespipe.domain.keys import email_key, name_key

    found = lead_store.open_duplicate(
        conn, email_key=email_key(fields.email), name_key=name_key(fields.title, fields.company)
    )
    if found is None:
        return None
    lead_id, by = found
    return get_lead(conn, lead_id), by


def probability_of(conn: sqlite3.Connection, lead: Lead) -> int:
    """The win probability that applies: a closed deal's outcome (won 100 %, lost 0 %, whatever
    override it had while open), else the deal's own, else its stage's."""
    stage = pipeline(conn).by_key.get(lead.stage)
    if stage is not None and stage.kind is StageKind.WON:
        return 100
    if stage is not None and stage.kind is StageKind.LOST:
        return 0
    if lead.probability is not None:
        return lead.probability
    return stage.probability if stage else 0


class LeadCard(NamedTuple):
    lead: Lead
    probability: int
    events: list[StageEvent]
    pipeline: Pipeline
    activities: list[Activity]
    tasks: list[Task]
    estimates: list[dict[str, Any]] = []  # the history of its value, close date, probability, category
    org: dict[str, Any] | None = None  # {id, name} of its organisation
    person: dict[str, Any] | None = None  # {id, name} of its contact person


def show_lead(conn: sqlite3.Connection, lead_id: int) -> LeadCard:
    from salespipe.store import estimates as estimates_store
    from salespipe.store import work as work_store

    lead = get_lead(conn, lead_id)
    return LeadCard(
        lead,
        probability_of(conn, lead),
        lead_store.events(conn, lead_id),
        pipeline(conn),
        work_store.activities(conn, lead_id),
        work_store.tasks_of(conn, lead_id),
        estimates_store.of_lead(conn, lead_id),
        *_links(conn, lead),
    )


def _links(conn: sqlite3.Connection, lead: Lead) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    from salespipe.store import orgs as org_store

    org = org_store.get_org(conn, lead.org_id) if lead.org_id else None
    person = org_store.get_person(conn, lead.person_id) if lead.person_id else None
    return (
        {"id": org["id"], "name": org["name"]} if org else None,
        {"id": person["id"], "name": person["name"]} if person else None,
    )


def fields_from_input(
    *,
    now: datetime,
    default_currency: str,
    title: str | None = None,
    contact_name: str | None = None,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    probability: int | None = None,
    close_date: str | None = None,
    tags: list[str] | None = None,
    fields: list[str] | None = None,
    external_id: str | None = None,
    forecast: str | None = None,
    kind: str | None = None,
    term: str | None = None,
    decimal: str | None = None,
    dayfirst: bool | None = None,
) -> LeadFields:
    """Text as typed (or imported) -> validated ``LeadFields``; each problem names its input."""
    from salespipe.domain.dates import parse_date
    from salespipe.domain.models import validate
    from salespipe.domain.money import normalize_currency, parse_money

    data: dict[str, Any] = {
        "title": title,
        "contact_name": contact_name,
        "company": company,
        "email": email,
        "phone": phone,
        "source": source,
        "probability": probability,
        "external_id": external_id,
    }
    if currency is not None:
        data["currency"] = normalize_currency(currency)
    if value is not None:
        money = parse_money(value, default_currency=data.get("currency") or default_currency, decimal=decimal)
        if data.get("currency") and money.currency != data["currency"]:
            raise InvalidValue(f"value {value!r} is in {money.currency} but --currency is {data['currency']}")
        data["value_minor"], data["currency"] = money.minor, money.currency
    if close_date is not None:
        data["expected_close"] = parse_date(close_date, now=now, dayfirst=dayfirst)
    if forecast is not None:
        from salespipe.domain.forecast import parse_category

        data["forecast_category"] = parse_category(forecast)
    if kind is not None:
        from salespipe.domain.deals import parse_kind

        data["kind"] = parse_kind(kind)
    if term is not None:
        from salespipe.domain.deals import parse_term

        data["term_months"] = parse_term(term)
    if tags:
        data["tags"] = [t for tag in tags for t in [tag.strip()] if t]
    if fields:
        custom: dict[str, str] = {}
        for item in fields:
            key, sep, val = item.partition("=")
            if not sep or not key.strip():
                raise InvalidValue(f"invalid --field {item!r}: use key=value")
            custom[key.strip()] = val
        data["fields"] = custom
    return validate(LeadFields, {k: v for k, v in data.items() if v is not None})
