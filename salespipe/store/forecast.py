"""Queries for the forecast: the open deals, what was won in a period, and the history the
probabilities and close dates are learned from."""

from __future__ import annotations

import sqlite3
from typing import Any


def open_deals(conn: sqlite3.Connection, currency: str) -> list[tuple[Any, ...]]:
    """Every open deal in ``currency``: (id, value_minor, probability override, stage,
    expected_close, stage_entered_at), from the covering stage index alone (in its order: by
    stage, then last touch)."""
    return conn.execute(
        """SELECT l.id, l.value_minor, l.probability, l.stage, l.expected_close, l.stage_entered_at
           FROM stages s JOIN leads l ON l.stage = s.key
           WHERE s.kind = 'open' AND l.currency = ?""",
        (currency,),
    ).fetchall()


def own_categories(conn: sqlite3.Connection) -> dict[int, str]:
    """The deals with a forecast category of their own (a partial index holds just them)."""
    return dict(conn.execute("SELECT id, forecast_category FROM leads WHERE forecast_category IS NOT NULL"))


def open_in_other_currencies(conn: sqlite3.Connection, currency: str) -> int:
    """How many open deals are in another currency than ``currency`` (not converted)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM stages s JOIN leads l ON l.stage = s.key WHERE s.kind = 'open' AND l.currency != ?",
            (currency,),
        ).fetchone()[0]
    )


def won_between(
    conn: sqlite3.Connection, since: str | None, until: str | None, currency: str
) -> list[tuple[str, int | None]]:
    """(closed_at, value_minor) of the deals won in [since, until) (UTC ISO text)."""
    return conn.execute(
        """SELECT l.closed_at, l.value_minor FROM leads l JOIN stages s ON s.key = l.stage
           WHERE s.kind = 'won' AND l.currency = ? AND l.closed_at >= ? AND l.closed_at < ?""",
        (currency, since, until),
    ).fetchall()


def closed_history(conn: sqlite3.Connection, before: str, limit: int) -> list[tuple[Any, ...]]:
    """The stage events of the ``limit`` deals closed most recently up to ``before`` (deals
    closed on a date nobody recorded are left out: when they closed is not known), by deal
    and time: (lead_id, from_stage, to_stage, at). A deal is closed while ``closed_at`` is set."""
    return conn.execute(
        """SELECT e.lead_id, e.from_stage, e.to_stage, e.at
           FROM (SELECT id FROM leads WHERE closed_at IS NOT NULL AND closed_at <= ?
                 ORDER BY closed_at DESC LIMIT ?) c
           JOIN stage_events e ON e.lead_id = c.id
           ORDER BY e.lead_id, e.at, e.id""",
        (before, limit),
    ).fetchall()
