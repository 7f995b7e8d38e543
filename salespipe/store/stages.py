"""Queries on the ``stages`` table and settings."""

from __future__ import annotations

import sqlite3

from salespipe.domain.models import Stage, StageKind, as_record


def all_stages(conn: sqlite3.Connection) -> list[Stage]:
    """The stages as stored (checked on their way in): no validation on the way out."""
    rows = conn.execute(
        "SELECT key, label, position, probability, kind, rotting_days, forecast_category, journey_phase "
        "FROM stages ORDER BY position"
    ).fetchall()
    return [
        Stage(key, label, position, probability, StageKind(kind), rotting_days, category, phase)
        for key, label, position, probability, kind, rotting_days, category, phase in rows
    ]


def insert(conn: sqlite3.Connection, stage: Stage) -> None:
    conn.execute(
        "INSERT INTO stages (key, label, position, probability, kind, rotting_days, forecast_category, journey_phase) "
        "VALUES (:key, :label, :position, :probability, :kind, :rotting_days, :forecast_category, :journey_phase)",
        as_record(stage),
    )


def update(conn: sqlite3.Connection, key: str, **changes: object) -> None:
    if changes:
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        conn.execute(f"UPDATE stages SET {assignments} WHERE key = :key", {**changes, "key": key})


def reorder(conn: sqlite3.Connection, keys_in_order: list[str]) -> None:
    """Give the stages positions 1..n in this order (positions are UNIQUE, so go via negatives)."""
    conn.executemany("UPDATE stages SET position = -position WHERE key = ?", [(k,) for k in keys_in_order])
    conn.executemany(
        "UPDATE stages SET position = ? WHERE key = ?",
        [(i + 1, key) for i, key in enumerate(keys_in_order)],
    )


def delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM stages WHERE key = ?", (key,))


def replace_all(conn: sqlite3.Connection, stages: list[Stage]) -> None:
    conn.execute("DELETE FROM stages")
    for stage in stages:
        insert(conn, stage)


def count_leads_in(conn: sqlite3.Connection, key: str) -> int:
    return conn.execute("SELECT count(*) FROM leads WHERE stage = ?", (key,)).fetchone()[0]


def get_setting(conn: sqlite3.Connection, key: str, default: str) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
