"""Stored forecasts (``forecast_snapshots``): `forecast snapshot` writes them, `forecast
accuracy` reads them (the only SQL of that feature)."""

from __future__ import annotations

import sqlite3
from typing import Any

COLUMNS = (
    "taken_on",
    "taken_at",
    "period_label",
    "period_start",
    "period_end",
    "currency",
    "probabilities",
    "runs",
    "seed",
    "p10_minor",
    "p50_minor",
    "p90_minor",
    "weighted_minor",
    "commit_minor",
    "best_case_minor",
    "pipeline_minor",
    "won_count",
    "won_minor",
    "target_minor",
    "p_hit_target",
)


def save(conn: sqlite3.Connection, row: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    """Store a snapshot; one taken the same day for the same period and currency is replaced
    (updated in place, so undo brings it back). Returns (id, the replaced row or None)."""
    old = conn.execute(
        "SELECT * FROM forecast_snapshots WHERE taken_on = ? AND period_start = ? AND period_end = ? AND currency = ?",
        (row["taken_on"], row["period_start"], row["period_end"], row["currency"]),
    ).fetchone()
    values = [row[c] for c in COLUMNS]
    if old is not None:
        assignments = ", ".join(f"{c} = ?" for c in COLUMNS)
        conn.execute(f"UPDATE forecast_snapshots SET {assignments} WHERE id = ?", (*values, old["id"]))
        return int(old["id"]), dict(old)
    cursor = conn.execute(
        f"INSERT INTO forecast_snapshots ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})", values
    )
    return int(cursor.lastrowid or 0), None


def all_in(conn: sqlite3.Connection, currency: str) -> list[dict[str, Any]]:
    """The snapshots in ``currency``, by period, then by the day they were taken."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT * FROM forecast_snapshots WHERE currency = ? ORDER BY period_start, period_end, taken_on, id",
            (currency,),
        )
    ]


def count_in_other_currencies(conn: sqlite3.Connection, currency: str) -> int:
    return int(conn.execute("SELECT count(*) FROM forecast_snapshots WHERE currency != ?", (currency,)).fetchone()[0])
