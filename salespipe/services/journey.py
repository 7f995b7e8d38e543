"""The customer journey (issue 13, item 7): how many organisations are in each phase, and one
organisation's path through the phases with its deals. The rules are ``domain.journey``'s; the
facts come from ``store.journey``, in local days."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, tzinfo
from typing import Any

from salespipe.domain import journey
from salespipe.domain.dates import from_iso, utc_iso
from salespipe.services.pipeline import pipeline
from salespipe.store import journey as store


def stage_phases(conn: sqlite3.Connection) -> dict[str, str]:
    """Each stage's effective journey phase (lost stages have none and are left out)."""
    out = {}
    for s in pipeline(conn).stages:
        phase = journey.stage_phase(s.kind.value, s.probability, s.journey_phase)
        if phase is not None:
            out[s.key] = phase
    return out


def _day(text: str | None, tz: tzinfo | None) -> date | None:
    """A stored time (ISO 8601 UTC, or a plain day) as the local day it fell on."""
    if text is None:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return from_iso(text).astimezone(tz).date()


def _bounds(now: datetime, as_of: date | None) -> tuple[date, str | None]:
    """The day the journey is told for, and the last moment counted (None: everything so far)."""
    if as_of is None or as_of >= now.date():
        return now.date(), None
    return as_of, utc_iso(datetime.combine(as_of, time(23, 59, 59), tzinfo=now.tzinfo))


def _facts(row: dict[str, Any], tz: tzinfo | None) -> journey.OrgFacts:
    return journey.OrgFacts(
        reached={phase: d for phase, at in row["reached"].items() if (d := _day(at, tz)) is not None},
        first_won=_day(row.get("first_won"), tz),
        bought_again=_day(row.get("bought_again"), tz),
        first_survey=_day(row.get("first_survey"), tz),
        latest_score=row.get("latest_score"),
        latest_score_on=_day(row.get("latest_score_at"), tz),
        first_referral=_day(row.get("first_referral"), tz),
    )


def overview(conn: sqlite3.Connection, *, now: datetime, as_of: date | None = None) -> dict[str, Any]:
    """``journey``: how many organisations are in each phase on the day (``phases``, all six in
    order), how many there are, and how many are in none (``outside``: no deal yet, or only
    deals lost before they entered a stage of any phase)."""
    today, until = _bounds(now, as_of)
    facts = store.org_facts(conn, stage_phases(conn), until=until)
    phases = [journey.phase_on(_facts(row, now.tzinfo), today) for row in facts.values()]
    total = max(store.org_count(conn, until), len(facts))
    return {
        "as_of": today.isoformat(),
        "organisations": total,
        "outside": total - sum(1 for p in phases if p is not None),
        "phases": journey.counts(phases),
    }


def org_path(conn: sqlite3.Connection, ref: str, *, now: datetime, as_of: date | None = None) -> dict[str, Any]:
    """``journey ORG``: the organisation's phase on the day, each phase with the day it was
    reached (null: not yet) and the deals that took it there: for awareness to action the deals
    that reached it (or a later one: a deal that skipped a stage has passed it), for retention
    its deals of another kind than new that were won, for advocacy the leads it referred."""
    from salespipe.services.orgs import find_org

    org = find_org(conn, ref)
    today, until = _bounds(now, as_of)
    tz = now.tzinfo
    phases = stage_phases(conn)
    row = store.org_facts(conn, phases, org_id=org["id"], until=until).get(org["id"], {"reached": {}})
    facts = _facts(row, tz)
    days = {p: d for p, d in journey.path(facts).items() if d <= today}
    members: dict[str, list[dict[str, Any]]] = {p: [] for p in journey.PHASES}
    for deal in store.deal_reach(conn, phases, org["id"], until=until):
        own = journey.OrgFacts(
            reached={p: d for p, at in deal["reached"].items() if (d := _day(at, tz)) is not None},
            first_won=_day(deal["won"], tz),
        )
        summary = {"id": deal["id"], "title": deal["title"], "stage": deal["stage"], "kind": deal["kind"]}
        for phase in journey.path(own):
            if phase in journey.PIPELINE_PHASES:
                members[phase].append(summary)
        if deal["won"] is not None and deal["kind"] != "new":
            members["retention"].append(summary)
    for lead in store.referred_leads(conn, org["id"], until=until):
        members["advocacy"].append({"id": lead["id"], "title": lead["title"], "stage": lead["stage"], "kind": None})
    return {
        "org": {"id": org["id"], "name": org["name"]},
        "as_of": today.isoformat(),
        "phase": journey.phase_on(facts, today),
        "path": [
            {"phase": p, "reached_on": days[p].isoformat() if p in days else None, "deals": members[p]}
            for p in journey.PHASES
        ],
        "customer_since": facts.first_won.isoformat() if facts.first_won and facts.first_won <= today else None,
        "latest_score": facts.latest_score if facts.latest_score_on and facts.latest_score_on <= today else None,
    }
