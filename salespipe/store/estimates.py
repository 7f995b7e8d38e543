"""The history of estimates (``estimate_history``): every change of a deal's value (and of its
currency), expected close date, probability override and forecast category, with its time.
Append-only: rows are written as the leads change (``store.leads``), and go only with their lead
(delete, erase) or with the change that wrote them (undo).

A row is a ``change`` (from ``old_value`` to ``new_value``) or a ``set`` (the value as first
known, no old one: a new deal's expected close date, an imported open deal's, and the open
deals' when the history began). So the value of a field at a moment is the newest row's new
value up to then; before the first row, a change's old value (a set's new value is all that
is known); without rows, the lead's value now.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from salespipe.store.db import plain_rows

# leads column -> field name in the history. A change of both currency and value in one edit
# writes the currency's row just before the value's (``render.records.estimate_records`` relies
# on it to show the value's old amount in the old currency and its new one in the new).
FIELDS = {
    "currency": "currency",  # what the value is an amount of (recorded since m020)
    "value_minor": "value",
    "expected_close": "expected_close",
    "probability": "probability",
    "forecast_category": "forecast_category",
    "nurture_until": "nurture_until",  # the day a parked deal is back (NULL: not parked)
}


def record_changes(
    conn: sqlite3.Connection, lead_id: int, before: dict[str, Any], after: dict[str, Any], *, at: str, source: str
) -> None:
    """A ``change`` row for each tracked column whose stored value differs (values as stored)."""
    rows = [
        (lead_id, FIELDS[column], before[column], after[column], at, source)
        for column in FIELDS
        if column in after and column in before and before[column] != after[column]
    ]
    conn.executemany(
        "INSERT INTO estimate_history (lead_id, field, kind, old_value, new_value, at, source) "
        "VALUES (?, ?, 'change', ?, ?, ?, ?)",
        rows,
    )


def record_close_date(conn: sqlite3.Connection, lead_id: int, expected_close: str, *, at: str, source: str) -> None:
    """A new deal's expected close date, as first known (what its close is measured against)."""
    conn.execute(
        "INSERT INTO estimate_history (lead_id, field, kind, new_value, at, source) "
        "VALUES (?, 'expected_close', 'set', ?, ?, ?)",
        (lead_id, expected_close, at, source),
    )


def record_close_dates(conn: sqlite3.Connection, first_id: int, end_id: int, *, at: str, source: str) -> None:
    """The expected close dates of the open deals with ids in [first_id, end_id) (an import's
    new leads), as first known, in one statement."""
    conn.execute(
        "INSERT INTO estimate_history (lead_id, field, kind, new_value, at, source) "
        "SELECT l.id, 'expected_close', 'set', l.expected_close, ?, ? FROM leads l JOIN stages s ON s.key = l.stage "
        "WHERE l.id >= ? AND l.id < ? AND s.kind = 'open' AND l.expected_close IS NOT NULL",
        (at, source, first_id, end_id),
    )


def of_lead(conn: sqlite3.Connection, lead_id: int) -> list[dict[str, Any]]:
    """A lead's history, oldest first."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, field, kind, old_value, new_value, at, source FROM estimate_history WHERE lead_id = ? "
            "ORDER BY at, id",
            (lead_id,),
        )
    ]


def close_dates_of_closed(conn: sqlite3.Connection, before: str, limit: int) -> list[tuple[Any, ...]]:
    """For the ``limit`` deals closed most recently up to ``before`` (those ``forecast.closed_history``
    reads): their expected close date rows written up to their close, by deal and time:
    (lead_id, closed_at, kind, old_value, new_value)."""
    return plain_rows(
        conn,
        """SELECT h.lead_id, c.closed_at, h.kind, h.old_value, h.new_value
           FROM (SELECT id, closed_at FROM leads WHERE closed_at IS NOT NULL AND closed_at <= ?
                 ORDER BY closed_at DESC, id DESC LIMIT ?) c
           JOIN estimate_history h ON h.lead_id = c.id AND h.field = 'expected_close' AND h.at <= c.closed_at
           ORDER BY h.lead_id, h.at, h.id""",
        (before, limit),
    )


def apply_as_of(conn: sqlite3.Connection, table: str, as_of: str) -> None:
    """Set each field of the history (``FIELDS``) but the forecast category (the as-of state does
    not carry it) of the leads in ``table`` (a temporary copy, ``id`` per lead) to what it was
    at ``as_of``: the newest row up to then, else the first row's old value (a set row's new
    value). Only leads with a change of that field are touched: the others have the value they
    were first known with.

    Each value is one search of the (lead, field, moment) index, whose order is the rows' (at,
    id) order, for the newest row by then, and only without one a second for the first row (one
    ``ORDER BY`` over both cases sorted each lead's rows: a third of ``report --as-of``'s state
    on a pipeline with a long history)."""
    for column, field in FIELDS.items():
        if column == "forecast_category":
            continue
        conn.execute(
            f"""UPDATE {table} SET {column} = (
                    SELECT v FROM (SELECT h.new_value AS v FROM estimate_history h
                                   WHERE h.lead_id = {table}.id AND h.field = :f AND h.at <= :m
                                   ORDER BY h.at DESC, h.id DESC LIMIT 1)
                    UNION ALL
                    SELECT v FROM (SELECT CASE WHEN h.kind = 'set' THEN h.new_value ELSE h.old_value END AS v
                                   FROM estimate_history h WHERE h.lead_id = {table}.id AND h.field = :f
                                   ORDER BY h.at, h.id LIMIT 1)
                    LIMIT 1)
                WHERE id IN (SELECT lead_id FROM estimate_history WHERE kind = 'change' AND field = :f)""",
            {"m": as_of, "f": field},
        )
