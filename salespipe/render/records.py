"""Models -> plain, JSON-ready records with stable keys (documented in the README)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from salespipe.domain.money import to_major

if TYPE_CHECKING:
    from salespipe.domain.models import Lead, StageEvent
    from salespipe.domain.records import EventRecord, FieldChange, LeadRecord

LEAD_KEYS = (
    "id",
    "title",
    "contact_name",
    "company",
    "email",
    "phone",
    "source",
    "owner",
    "stage",
    "value",
    "currency",
    "probability",
    "probability_override",
    "weighted_value",
    "expected_close",
    "tags",
    "fields",
    "lost_reason",
    "external_id",
    "created_at",
    "created_estimated",
    "updated_at",
    "closed_at",
    "stage_entered_at",
    "forecast_override",
    "kind",
    "term_months",
    "renews_lead_id",
    "nurture_until",
    "nurture_note",
    "org_id",
    "person_id",
    "referred_by_org_id",
    "referred_by_person_id",
)


def lead_record(lead: Lead, probability: int) -> LeadRecord:
    record: LeadRecord = {
        "id": lead.id,
        "title": lead.title,
        "contact_name": lead.contact_name,
        "company": lead.company,
        "email": lead.email,
        "phone": lead.phone,
        "source": lead.source,
        "owner": lead.owner,
        "stage": lead.stage,
        "value": to_major(lead.value_minor, lead.currency),
        "currency": lead.currency,
        "probability": probability,
        "probability_override": lead.probability,
        "weighted_value": (
            None if lead.value_minor is None else to_major(round(lead.value_minor * probability / 100), lead.currency)
        ),
        "expected_close": lead.expected_close.isoformat() if lead.expected_close else None,
        "tags": lead.tags,
        "fields": lead.fields,
        "lost_reason": lead.lost_reason,
        "external_id": lead.external_id,
        "created_at": lead.created_at,
        "created_estimated": bool(lead.created_estimated),
        "updated_at": lead.updated_at,
        "closed_at": lead.closed_at,
        "stage_entered_at": lead.stage_entered_at,
        "forecast_override": lead.forecast_category,
        "kind": lead.kind,
        "term_months": lead.term_months,
        "renews_lead_id": lead.renews_lead_id,
        "nurture_until": lead.nurture_until.isoformat() if lead.nurture_until else None,
        "nurture_note": lead.nurture_note,
        "org_id": lead.org_id,
        "person_id": lead.person_id,
        "referred_by_org_id": lead.referred_by_org_id,
        "referred_by_person_id": lead.referred_by_person_id,
    }
    assert tuple(record) == LEAD_KEYS
    return record


def estimate_records(rows: Sequence[Mapping[str, Any]], currency: str) -> list[dict[str, Any]]:
    """A deal's history of estimates (oldest first, each row with its ``id``) as `lead show
    --json` prints it: ``field``, ``from`` and ``to`` (a value in major units, a currency, a
    date, a probability, a category; ``from`` null for the value as first known), ``at`` and
    ``source`` (add, edit, move, import, start, nurture).

    A value is an amount of the currency the deal had then: ``currency`` (today's) unless the
    history holds currency changes. An edit of both writes the currency's row just before the
    value's (``store.estimates.FIELDS``), so that value's old amount is shown in the old
    currency and its new one in the new."""
    changes = [r for r in rows if r["field"] == "currency" and r["kind"] == "change"]
    held = changes[0]["old_value"] if changes and changes[0]["old_value"] else currency  # before any change
    last: Mapping[str, Any] | None = None  # the newest currency change so far
    out = []
    for row in rows:
        if row["field"] == "currency" and row["kind"] == "change":
            last, held = row, row["new_value"] or held
        before = last["old_value"] or held if last is not None and last["id"] == row["id"] - 1 else held
        money = row["field"] == "value"
        old, new = row["old_value"], row["new_value"]
        out.append(
            {
                "field": row["field"],
                "from": to_major(old, before) if money and old is not None else old,
                "to": to_major(new, held) if money and new is not None else new,
                "at": row["at"],
                "source": row["source"],
            }
        )
    return out


def event_record(event: StageEvent) -> EventRecord:
    return {
        "id": event.id,
        "lead_id": event.lead_id,
        "from_stage": event.from_stage,
        "to_stage": event.to_stage,
        "at": event.at,
        "note": event.note,
    }


def flatten_for_csv(record: Mapping[str, Any]) -> dict[str, Any]:
    """Lists become ``a;b``, dicts become ``key=value`` pairs joined by ``;``; a list whose
    items hold ``;``, ``|`` or ``,`` (as the export's tags) or a dict whose keys or values hold
    ``;`` or ``=`` is written as JSON instead, so that the cell reads back as it was."""
    import json

    out = {}
    for key, value in record.items():
        if isinstance(value, list):
            items = [str(v) for v in value]
            odd = any(c in item for item in items for c in ";|,")
            out[key] = json.dumps(items, ensure_ascii=False) if odd else ";".join(items)
        elif isinstance(value, dict):
            pairs = [(str(k), str(v)) for k, v in value.items()]
            odd = any(c in text for pair in pairs for text in pair for c in ";=")
            out[key] = json.dumps(dict(pairs), ensure_ascii=False) if odd else ";".join(f"{k}={v}" for k, v in pairs)
        else:
            out[key] = "" if value is None else value
    return out


# What `lead edit` reports: each field that changed, from -> to (timestamps left out).
_NOT_EDITS = ("updated_at", "weighted_value")


def lead_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    return [
        {"field": key, "from": before[key], "to": after[key]}
        for key in LEAD_KEYS
        if key not in _NOT_EDITS and before[key] != after[key]
    ]


def edited_record(edited: Any) -> dict[str, Any]:
    """The lead after the edit, with ``changes``: ``[{field, from, to}]``."""
    before = lead_record(edited.before, edited.probability_before)
    after = lead_record(edited.after, edited.probability_after)
    return {**after, "changes": lead_changes(before, after)}


# How `lead edit` names a field (the option that sets it).
_FIELD_WORDS = {
    "title": "name",
    "contact_name": "contact",
    "expected_close": "close date",
    "fields": "custom fields",
    "external_id": "external id",
    "lost_reason": "lost reason",
    "value": "value",
    "forecast_override": "forecast category",
    "term_months": "term (months)",
    "nurture_until": "nurtured until",
    "nurture_note": "nurture note",
    "renews_lead_id": "renews",
    "org_id": "organisation id",
    "person_id": "person id",
    "referred_by_org_id": "referred by organisation",
    "referred_by_person_id": "referred by person",
}


def edited_message(edited: Any) -> str:
    from salespipe.domain.locale import format_major

    record = edited_record(edited)

    def shown(value: Any, field: str = "") -> str:
        if field == "value" and value is not None:
            return format_major(value, record["currency"])
        if value is None or value == [] or value == {}:
            return "(empty)"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}={v}" for k, v in value.items())
        return str(value)

    changed = [
        c
        for c in record["changes"]
        if c["field"] != "probability_override" or not any(o["field"] == "probability" for o in record["changes"])
    ]
    lines = [f"Updated lead #{record['id']} {record['title']}:"]
    for c in changed:
        line = f"  {_FIELD_WORDS.get(c['field'], c['field'])}: {shown(c['from'], c['field'])} -> {shown(c['to'], c['field'])}"
        lines.append(line.replace("\n", "\n      "))
    if not changed:
        lines = [f"Lead #{record['id']} {record['title']}: nothing changed (the values given are the ones it had)."]
    return "\n".join(lines)
