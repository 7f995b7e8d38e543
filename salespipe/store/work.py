"""Queries on ``activities`` and ``tasks``."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from salespipe.domain.models import Activity, ActivityKind, Task
from salespipe.store.open_pipeline import IN_PIPELINE, LAST_TOUCH, PARKED


def add_activity(conn: sqlite3.Connection, *, lead_id: int, kind: str, text: str, at: str, recorded_at: str) -> int:
    cursor = conn.execute(
        "INSERT INTO activities (lead_id, kind, text, at, recorded_at) VALUES (?, ?, ?, ?, ?)",
        (lead_id, kind, text, at, recorded_at),
    )
    return int(cursor.lastrowid or 0)


def activities(conn: sqlite3.Connection, lead_id: int) -> list[Activity]:
    rows = conn.execute(
        "SELECT id, lead_id, kind, text, at FROM activities WHERE lead_id = ? ORDER BY at, id", (lead_id,)
    )
    return [
        Activity(id=r["id"], lead_id=r["lead_id"], kind=ActivityKind(r["kind"]), text=r["text"], at=r["at"])
        for r in rows
    ]


def touch(conn: sqlite3.Connection, lead_id: int, at: str) -> None:
    """Move the lead's last touch forward to ``at`` (never back)."""
    conn.execute("UPDATE leads SET last_touch_at = max(coalesce(last_touch_at, ''), ?) WHERE id = ?", (at, lead_id))


def add_task(
    conn: sqlite3.Connection, *, lead_id: int, text: str, due_date: str, due_time: str | None, now: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO tasks (lead_id, text, due_date, due_time, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (lead_id, text, due_date, due_time, now, now),
    )
    return int(cursor.lastrowid or 0)


def _task(row: sqlite3.Row) -> Task:
    """A row as stored (checked on its way in): no validation on the way out."""
    data = {name: row[name] for name in Task._fields}
    data["due_date"] = date.fromisoformat(data["due_date"])
    return Task(**data)


def get_task(conn: sqlite3.Connection, task_id: int) -> Task | None:
    row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    return _task(row) if row else None


def update_task(conn: sqlite3.Connection, task_id: int, changes: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    conn.execute(f"UPDATE tasks SET {assignments} WHERE id = :_id", {**changes, "_id": task_id})


def delete_task(conn: sqlite3.Connection, task_id: int) -> None:
    conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))


def tasks_of(conn: sqlite3.Connection, lead_id: int) -> list[Task]:
    rows = conn.execute(
        "SELECT * FROM tasks WHERE lead_id = ? ORDER BY due_date, coalesce(due_time, '99:99'), id", (lead_id,)
    )
    return [_task(r) for r in rows]


def list_tasks(
    conn: sqlite3.Connection,
    *,
    include_done: bool,
    due_until: str | None,
    due_from: str | None = None,
    not_parked_on: str | None = None,
) -> list[tuple[Task, str, str]]:
    """Tasks with their lead's title and stage, soonest first; with ``not_parked_on`` (an ISO
    day) not those of deals parked on that day (``open_pipeline.PARKED``)."""
    where = ["1"] if include_done else ["t.done_at IS NULL"]
    params: list[Any] = []
    if not_parked_on is not None:
        where.append(f"NOT coalesce({PARKED}, 0)")
        params.append(not_parked_on)
    if due_until is not None:
        where.append("t.due_date <= ?")
        params.append(due_until)
    if due_from is not None:
        where.append("t.due_date >= ?")
        params.append(due_from)
    rows = conn.execute(
        f"""SELECT t.*, l.title AS lead_title, l.stage AS lead_stage FROM tasks t
            JOIN leads l ON l.id = t.lead_id LEFT JOIN stages s ON s.key = l.stage WHERE {" AND ".join(where)}
            ORDER BY t.due_date, coalesce(t.due_time, '99:99'), t.id""",
        params,
    ).fetchall()
    return [(_task(row), row["lead_title"], row["lead_stage"]) for row in rows]


def open_deals(conn: sqlite3.Connection, today: str, now_hm: str) -> list[dict[str, Any]]:
    """Every open deal not parked on ``today`` with what the agenda and the priority score need."""
    rows = conn.execute(
        f"""
        SELECT l.id, l.title, l.company, l.stage, l.value_minor, l.currency, l.expected_close,
               {LAST_TOUCH} AS last_touch_at, coalesce(s.rotting_days, 14) AS rotting_days,
               coalesce(l.value_minor, 0) * coalesce(l.probability, s.probability) / 100.0 AS weighted_minor,
               (SELECT count(*) FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL) AS open_tasks,
               EXISTS (SELECT 1 FROM tasks t WHERE t.lead_id = l.id AND t.done_at IS NULL
                       AND (t.due_date < ? OR (t.due_date = ? AND t.due_time < ?))) AS overdue_task,
               (SELECT count(*) FROM lead_criteria c WHERE c.lead_id = l.id) AS criteria_met
        FROM leads l JOIN stages s ON s.key = l.stage
        WHERE {IN_PIPELINE}
        """,
        (today, today, now_hm, today),
    ).fetchall()
    return [dict(r) for r in rows]


def priority_coefficients(conn: sqlite3.Connection) -> dict[str, float]:
    rows = conn.execute("SELECT key, value FROM settings WHERE key LIKE 'priority.%'")
    return {key.removeprefix("priority."): float(value) for key, value in rows}


def forget_criteria_but(conn: sqlite3.Connection, names: list[str]) -> None:
    """Drop the met criteria not among ``names`` (the criteria configured now)."""
    conn.execute(f"DELETE FROM lead_criteria WHERE criterion NOT IN ({', '.join('?' * len(names))})", names)


def criteria(conn: sqlite3.Connection) -> list[str]:
    row = conn.execute("SELECT value FROM settings WHERE key = 'criteria'").fetchone()
    return [c for c in (row[0] if row else "").split(",") if c]


def met_criteria(conn: sqlite3.Connection, lead_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT criterion FROM lead_criteria WHERE lead_id = ? ORDER BY met_at, criterion", (lead_id,)
        )
    ]


def check_criteria(conn: sqlite3.Connection, lead_id: int, names: list[str], at: str) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO lead_criteria (lead_id, criterion, met_at) VALUES (?, ?, ?)",
        [(lead_id, name, at) for name in names],
    )
