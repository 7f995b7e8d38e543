"""A stage change as the stage verbs ask for it, with everything it did: the tasks its rules
created, the open tasks it closed (or left open) when the deal closed, the criteria recorded."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from salespipe.domain.dates import When
from salespipe.domain.models import Lead, Task
from salespipe.domain.stages import Transition
from salespipe.services import deals, leads, work
from salespipe.services.pipeline import get_lead, pipeline


@dataclass(frozen=True)
class Moved:
    lead: Lead
    probability: int
    transition: Transition
    tasks_created: list[Task] = field(default_factory=list)
    tasks_closed: list[Task] = field(default_factory=list)
    tasks_left_open: list[Task] = field(default_factory=list)
    criteria_met: list[str] = field(default_factory=list)
    renewal: Any = None  # services.deals.Renewal: the renewal a deal won with a term brings


def tasks_open_on_close(conn: sqlite3.Connection, lead_id: int, *, closing: bool) -> list[Task]:
    """The open tasks a closing move would leave behind (asked about before the move)."""
    return work.open_tasks(conn, get_lead(conn, lead_id).id) if closing else []


def is_qualified_already(conn: sqlite3.Connection, lead_id: int, *, back: bool) -> bool:
    """``qualify --check`` on a deal at or past qualification only records the criteria."""
    pipe = pipeline(conn)
    current = pipe.get(get_lead(conn, lead_id).stage)
    return not back and current.position >= pipe.for_verb("qualify").position and not current.is_closed


def move_lead(
    conn: sqlite3.Connection,
    lead_id: int,
    *,
    now: datetime,
    at: When | None = None,
    note: str | None = None,
    value: str | None = None,
    criteria: Sequence[str] = (),
    close_tasks: bool = False,
    **target: Any,
) -> Moved:
    """One stage change (one stage event), with the value and criteria given beside it; when
    the deal closes, its open tasks are marked done if ``close_tasks``."""
    value_minor = currency = None
    if value is not None:
        fields = leads.fields_from_input(now=now, default_currency=get_lead(conn, lead_id).currency, value=value)
        value_minor, currency = fields.value_minor, fields.currency
    met = work.check_criteria(conn, lead_id, list(criteria), now=now) if criteria else []
    open_before = work.open_tasks(conn, lead_id)
    change = leads.change_stage(
        conn, lead_id, now=now, at=at, note=note, value_minor=value_minor, currency=currency, **target
    )
    closed: list[Task] = []
    left: list[Task] = []
    if pipeline(conn).get(change.lead.stage).is_closed:
        if close_tasks:
            closed = [work.complete_task(conn, t.id, note="deal closed", now=now) for t in open_before]
        else:
            left = open_before
    created = [work.get_task(conn, task_id) for task_id in change.tasks_created]
    renewal = deals.ensure_renewal(conn, lead_id, now=now)  # won with a term: its renewal
    lead = get_lead(conn, lead_id) if renewal else change.lead
    return Moved(lead, leads.probability_of(conn, lead), change.transition, created, closed, left, met, renewal)
