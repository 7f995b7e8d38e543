"""Automation: rules that create follow-up tasks when a deal is created, enters a stage or goes
stale. They run inside the transaction of the change that triggered them, so they are undone
with it. Imports and the demo do not fire rules (history is not a to-do list)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from salespipe.domain.dates import parse_when, utc_iso
from salespipe.domain.errors import InvalidValue, NotFound
from salespipe.store import rules as rule_store
from salespipe.store import work as work_store

TRIGGERS = ("enter", "create", "stale")


def add_rule(
    conn: sqlite3.Connection, *, trigger: str, stage: str | None, task_text: str, due: str, now: datetime
) -> dict[str, Any]:
    from salespipe.services.pipeline import pipeline

    if trigger not in TRIGGERS:
        raise InvalidValue(f"unknown trigger {trigger!r}; choose from: {', '.join(TRIGGERS)}")
    if trigger == "enter" and not stage:
        raise InvalidValue("--on-enter needs a stage")
    if stage:
        stage = pipeline(conn).get(stage).key
    if not task_text.strip():
        raise InvalidValue("the rule needs a --task text")
    # a due that does not parse is refused now, not when the rule fires; and it must count from
    # the event (+3d, friday): a fixed date would give every deal the same day
    later = now + timedelta(days=400)
    shift = (parse_when(due, now=later).at - parse_when(due, now=now).at).days
    if abs(shift - 400) > 31:  # moved with the event (give or take a month's end): relative
        raise InvalidValue(
            f"--due {due!r} is a fixed date; a rule's due counts from the event: +3d, +1w, tomorrow, friday"
        )
    rule_id = rule_store.add(conn, trigger=trigger, stage=stage, task_text=task_text.strip(), due=due, now=utc_iso(now))
    return next(r for r in rule_store.all_rules(conn) if r["id"] == rule_id)


def delete_rule(conn: sqlite3.Connection, rule_id: int) -> None:
    if not rule_store.delete(conn, rule_id):
        raise NotFound(f"no rule with id {rule_id} (salespipe rule list shows them)")


def _create_task(conn: sqlite3.Connection, rule: dict[str, Any], lead_id: int, at: datetime, now: datetime) -> int:
    when = parse_when(rule["due"], now=at.astimezone(now.tzinfo))
    local = when.at.astimezone(now.tzinfo)
    return work_store.add_task(
        conn,
        lead_id=lead_id,
        text=rule["task_text"],
        due_date=local.date().isoformat(),
        due_time=None if when.date_only else local.strftime("%H:%M"),
        now=utc_iso(now),
    )


def fire(conn: sqlite3.Connection, trigger: str, *, lead_id: int, stage: str, at: datetime, now: datetime) -> list[int]:
    """Create the tasks of the rules for a creation or a stage entry; due dates count from
    ``at`` (when it happened). Returns the new task ids.

    The after-sales check-in is the rules on entering a won stage (a new database has one, due
    in 30 days): for a deal whose organisation has a check-in cadence of its own (``org edit
    --checkin-days N``), their tasks are due N days after the win instead."""
    days = rule_store.checkin_days(conn, lead_id, stage) if trigger == "enter" else None
    return [
        _create_task(conn, {**rule, "due": f"+{days}d"} if days else rule, lead_id, at, now)
        for rule in rule_store.matching(conn, trigger, stage)
    ]


def fire_stale(conn: sqlite3.Connection, stale: list[dict[str, Any]], *, now: datetime) -> list[int]:
    """Stale rules: once per deal and idle spell (until the deal is touched again)."""
    created = []
    for deal in stale:
        for rule in rule_store.matching(conn, "stale", deal["stage"]):
            if rule_store.mark_run(conn, rule["id"], deal["id"], deal["last_touch_at"]):
                created.append(_create_task(conn, rule, deal["id"], now, now))
    return created


def list_rules(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return rule_store.all_rules(conn)
