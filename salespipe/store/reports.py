"""Aggregate queries for reports. SQLite does the counting; Python gets one row per group."""

from __future__ import annotations

import sqlite3
from typing import Any

# Position given to won stages when ranking how far a deal got (beyond every open stage).
WON_RANK = 1_000_000


def open_by_stage(conn: sqlite3.Connection, currency: str) -> list[dict[str, Any]]:
    """Every stage in order with its open deals: count, value and weighted value (minor units)."""
    rows = conn.execute(
        """
        SELECT s.key, s.label, s.kind, s.probability, s.position,
               count(l.id) AS count,
               coalesce(sum(l.value_minor), 0) AS value_minor,
               coalesce(sum(l.value_minor * coalesce(l.probability, s.probability)), 0) / 100.0
                   AS weighted_minor
        FROM stages s
        LEFT JOIN leads l ON l.stage = s.key AND l.currency = ?
        GROUP BY s.key
        ORDER BY s.position
        """,
        (currency,),
    ).fetchall()
    return [dict(r) for r in rows]


def closed_between(conn: sqlite3.Connection, since: str | None, until: str | None,
                   currency: str) -> dict[str, int]:
    """Deals now won/lost whose close falls in [since, until) (UTC ISO text; None = open end)."""
    row = conn.execute(
        """
        SELECT
            coalesce(sum(s.kind = 'won'), 0) AS won_count,
            coalesce(sum(CASE WHEN s.kind = 'won' THEN l.value_minor END), 0) AS won_minor,
            coalesce(sum(s.kind = 'lost'), 0) AS lost_count,
            coalesce(sum(CASE WHEN s.kind = 'lost' THEN l.value_minor END), 0) AS lost_minor
        FROM leads l JOIN stages s ON s.key = l.stage
        WHERE s.kind != 'open' AND l.currency = ?
          AND (? IS NULL OR l.closed_at >= ?) AND (? IS NULL OR l.closed_at < ?)
        """,
        (currency, since, since, until, until),
    ).fetchone()
    return dict(row)


def funnel_reach(conn: sqlite3.Connection, since: str | None, until: str | None) -> dict[int, int]:
    """For deals created in [since, until): how many got at most as far as each rank.

    A deal's rank is the highest position among the open stages it ever entered, or ``WON_RANK``
    once it entered a won stage. Lost stages do not count as progress.
    """
    rows = conn.execute(
        f"""
        WITH reach AS (
            SELECT e.lead_id,
                   max(CASE s.kind WHEN 'won' THEN {WON_RANK}
                                   WHEN 'open' THEN s.position ELSE 0 END) AS rank
            FROM leads l
            JOIN stage_events e ON e.lead_id = l.id
            JOIN stages s ON s.key = e.to_stage
            WHERE (? IS NULL OR l.created_at >= ?) AND (? IS NULL OR l.created_at < ?)
            GROUP BY e.lead_id
        )
        SELECT rank, count(*) AS n FROM reach GROUP BY rank
        """,
        (since, since, until, until),
    ).fetchall()
    return {row["rank"]: row["n"] for row in rows}


def count_other_currency(conn: sqlite3.Connection, currency: str) -> int:
    return conn.execute("SELECT count(*) FROM leads WHERE currency != ?", (currency,)).fetchone()[0]
