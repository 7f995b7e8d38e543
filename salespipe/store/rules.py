"""Queries on ``rules`` and ``rule_runs``."""

from __future__ import annotations

import sqlite3
from typing import Any


def add(conn: sqlite3.Connection, *, trigger: str, stage: str | None, task_text: str, due: str, now: str) -> int:
    cursor = conn.execute(
        "INSERT INTO rules (trigger, stage, task_text, due, created_at) VALUES (?, ?, ?, ?, ?)",
        (trigger, stage, task_text, due, now),
    )
    return int(cursor.lastrowid or 0)


def all_rules(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM rules ORDER BY id")]


def matching(conn: sqlite3.Connection, trigger: str, stage: str | None) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM rules WHERE trigger = ? AND (stage IS NULL OR stage = ?) ORDER BY id", (trigger, stage)
    )
    return [dict(r) for r in rows]


def delete(conn: sqlite3.Connection, rule_id: int) -> bool:
    return conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,)).rowcount > 0


def mark_run(conn: sqlite3.Connection, rule_id: int, lead_id: int, marker: str) -> bool:
    """Record a stale rule's firing; False when it has fired for this idle spell already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO rule_runs (rule_id, lead_id, marker) VALUES (?, ?, ?)", (rule_id, lead_id, marker)
    )
    return cursor.rowcount > 0


def checkin_days(conn: sqlite3.Connection, lead_id: int, stage: str | None) -> int | None:
    """The check-in cadence of the deal's organisation when ``stage`` is a won stage (else None)."""
    row = conn.execute(
        "SELECT o.checkin_days FROM leads l JOIN orgs o ON o.id = l.org_id JOIN stages s ON s.key = ? "
        "WHERE l.id = ? AND s.kind = 'won'",
        (stage, lead_id),
    ).fetchone()
    return row[0] if row else None
