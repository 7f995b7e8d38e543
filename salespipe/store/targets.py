"""Queries on ``targets``."""

from __future__ import annotations

import sqlite3
from typing import Any


def upsert(
    conn: sqlite3.Connection, *, period: str, amount_minor: int, currency: str, deals: int | None, updated_at: str
) -> None:
    conn.execute(
        "INSERT INTO targets (period, amount_minor, currency, deals, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(period) DO UPDATE SET amount_minor = excluded.amount_minor, "
        "currency = excluded.currency, deals = excluded.deals, updated_at = excluded.updated_at",
        (period, amount_minor, currency, deals, updated_at),
    )


def get(conn: sqlite3.Connection, period: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM targets WHERE period = ?", (period,)).fetchone()
    return dict(row) if row else None


def all_targets(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM targets ORDER BY period")]


def delete(conn: sqlite3.Connection, period: str) -> bool:
    return conn.execute("DELETE FROM targets WHERE period = ?", (period,)).rowcount > 0
