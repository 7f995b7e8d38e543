"""Models -> plain, JSON-ready records with stable keys (documented in the README)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salespipe.domain.money import to_major

if TYPE_CHECKING:
    from salespipe.domain.models import Lead, StageEvent

LEAD_KEYS = (
    "id", "title", "contact_name", "company", "email", "phone", "source", "owner", "stage", "value",
    "currency", "probability", "probability_override", "weighted_value", "expected_close",
    "tags", "fields", "lost_reason", "external_id", "created_at", "created_estimated", "updated_at", "closed_at",
    "stage_entered_at",
)


def lead_record(lead: Lead, probability: int) -> dict[str, Any]:
    record = {
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
        "weighted_value": (None if lead.value_minor is None
                           else to_major(round(lead.value_minor * probability / 100), lead.currency)),
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
    }
    assert tuple(record) == LEAD_KEYS
    return record


def event_record(event: StageEvent) -> dict[str, Any]:
    return {"id": event.id, "lead_id": event.lead_id, "from_stage": event.from_stage,
            "to_stage": event.to_stage, "at": event.at, "note": event.note}


def flatten_for_csv(record: dict[str, Any]) -> dict[str, Any]:
    """Lists become ``a;b``, dicts become ``key=value`` pairs joined by ``;``."""
    out = {}
    for key, value in record.items():
        if isinstance(value, list):
            out[key] = ";".join(str(v) for v in value)
        elif isinstance(value, dict):
            out[key] = ";".join(f"{k}={v}" for k, v in value.items())
        else:
            out[key] = "" if value is None else value
    return out
