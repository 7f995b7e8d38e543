"""The daily agenda (`salespipe today`) and the priority score behind it (`salespipe why`)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from salespipe.domain import priority
from salespipe.domain.dates import days_between
from salespipe.domain.money import to_major
from salespipe.services.pipeline import get_lead
from salespipe.services.work import is_overdue, list_tasks
from salespipe.store import stages as stage_store
from salespipe.store import work as work_store

if TYPE_CHECKING:
    from salespipe.domain.records import Today, TodayDeal, TodayTask, Why


def _is_stale(deal: dict[str, Any], now: datetime) -> bool:
    """No stage change, activity or completed task for longer than the stage's rotting days."""
    return bool(deal["last_touch_at"]) and days_between(deal["last_touch_at"], now) > deal["rotting_days"]


def _deals(conn: sqlite3.Connection, now: datetime) -> list[dict[str, Any]]:
    deals = work_store.open_deals(conn, now.date().isoformat(), now.strftime("%H:%M"))
    coefficients = work_store.priority_coefficients(conn)
    max_weighted = max((d["weighted_minor"] for d in deals), default=0.0)
    n_criteria = len(work_store.criteria(conn))
    for deal in deals:
        deal["criteria_total"] = n_criteria
        deal["terms"] = priority.terms(deal, now=now, max_weighted=max_weighted, coefficients=coefficients)
        deal["priority"] = priority.score(deal["terms"])
    return deals


def _deal_json(deal: dict[str, Any]) -> TodayDeal:
    return {
        "id": deal["id"],
        "title": deal["title"],
        "company": deal["company"],
        "stage": deal["stage"],
        "value": to_major(deal["value_minor"], deal["currency"]),
        "currency": deal["currency"],
        "expected_close": deal["expected_close"],
        "priority": deal["priority"],
    }


def _task_json(task: Any, title: str) -> TodayTask:
    return {
        "id": task.id,
        "lead_id": task.lead_id,
        "lead_title": title,
        "text": task.text,
        "due_date": task.due_date.isoformat(),
        "due_time": task.due_time,
    }


def today(conn: sqlite3.Connection, *, now: datetime, limit: int = 10) -> Today:
    """Overdue tasks, tasks due today, deals with no next step, stale deals, deals closing this
    week or past their expected close, and the open deals to work first, by priority."""
    tasks = list_tasks(conn, view="today", now=now, parked=False)  # a parked deal is out of today
    overdue = [_task_json(t, title) for t, title, _ in tasks if is_overdue(t, now)]
    due_today = [_task_json(t, title) for t, title, _ in tasks if not is_overdue(t, now)]
    deals = _deals(conn, now)
    by_priority = sorted(deals, key=lambda d: (-d["priority"], d["id"]))
    week_end = (now.date() + timedelta(days=6 - now.weekday())).isoformat()
    stale = [d for d in by_priority if _is_stale(d, now)]
    return {
        "date": now.date().isoformat(),
        "overdue_tasks": overdue,
        "due_today": due_today,
        "no_next_step": [_deal_json(d) for d in by_priority if not d["open_tasks"]],
        "stale": [_deal_json(d) for d in stale],
        "closing": [
            _deal_json(d)
            for d in sorted(
                (d for d in deals if d["expected_close"] and d["expected_close"] <= week_end),
                key=lambda d: (d["expected_close"], d["id"]),
            )
        ],
        "work_first": [_deal_json(d) for d in by_priority[:limit]],
    }


def why(conn: sqlite3.Connection, lead_id: int, *, now: datetime) -> Why:
    """Each term of a deal's priority score, its coefficient and its contribution."""
    lead = get_lead(conn, lead_id)
    deals = _deals(conn, now)
    deal = next((d for d in deals if d["id"] == lead.id), None)
    if deal is None:
        from salespipe.domain.deals import is_parked
        from salespipe.domain.errors import InvalidValue

        if lead.closed_at is None and is_parked(lead.nurture_until, now.date()):
            assert lead.nurture_until is not None
            raise InvalidValue(
                f"lead #{lead_id} is nurtured until {lead.nurture_until.isoformat()}: out of the pipeline, with no "
                f"priority, until it is back in its stage on that day (or now with: salespipe nurture {lead_id} --end)"
            )
        raise InvalidValue(f"lead #{lead_id} is closed ({lead.stage}); only open deals have a priority")
    rank = sorted(deals, key=lambda d: (-d["priority"], d["id"])).index(deal) + 1
    return {
        "id": lead.id,
        "title": lead.title,
        "priority": deal["priority"],
        "rank": rank,
        "open_deals": len(deals),
        "terms": [
            {
                "term": t.name,
                "value": t.value,
                "coefficient": t.coefficient,
                "contribution": t.contribution,
                "reason": t.reason,
            }
            for t in deal["terms"]
        ],
    }


def priority_map(conn: sqlite3.Connection, *, now: datetime) -> dict[int, float]:
    """Lead id -> priority, for `lead list --sort priority`."""
    return {d["id"]: d["priority"] for d in _deals(conn, now)}


def set_coefficient(conn: sqlite3.Connection, term: str, weight: str) -> dict[str, float]:
    value = priority.check_coefficient(term, weight)
    stage_store.set_setting(conn, f"priority.{term}", repr(value))
    return coefficients(conn)


def coefficients(conn: sqlite3.Connection) -> dict[str, float]:
    return {**priority.DEFAULT_COEFFICIENTS, **work_store.priority_coefficients(conn)}


def has_stale_rules(conn: sqlite3.Connection) -> bool:
    """Whether any rule fires on stale deals (what ``today`` would run)."""
    from salespipe.store import rules as rule_store

    return any(rule["trigger"] == "stale" for rule in rule_store.all_rules(conn))


def run_stale_rules(conn: sqlite3.Connection, *, now: datetime) -> int:
    """Fire the stale rules for deals idle past their stage's rotting days; returns how many
    tasks they created (each rule fires once per deal and idle spell)."""
    from salespipe.services.rules import fire_stale

    deals = work_store.open_deals(conn, now.date().isoformat(), now.strftime("%H:%M"))
    return len(fire_stale(conn, [d for d in deals if _is_stale(d, now)], now=now))
