"""Queries for the forecast: the open deals, what was won in a period, and the history the
probabilities and close dates are learned from."""

from __future__ import annotations

import sqlite3
from typing import Any

from salespipe.store.db import plain_rows
from salespipe.store.open_pipeline import BACK_BY


def open_deals(conn: sqlite3.Connection, currency: str, day: str) -> list[tuple[Any, ...]]:
    """Every open deal in ``currency`` back by ``day`` (not parked, or parked until ``day`` or
    earlier: ``open_pipeline.BACK_BY``): (id, value_minor, probability override, stage,
    expected_close, stage_entered_at, nurture_until), in stage order."""
    return plain_rows(
        conn,
        f"""SELECT l.id, l.value_minor, l.probability, l.stage, l.expected_close, l.stage_entered_at,
                  l.nurture_until
           FROM stages s JOIN leads l ON l.stage = s.key
           WHERE {BACK_BY} AND l.currency = ?""",
        (day, currency),
    )


def own_categories(conn: sqlite3.Connection) -> dict[int, str]:
    """The deals with a forecast category of their own (a partial index holds just them)."""
    return dict(conn.execute("SELECT id, forecast_category FROM leads WHERE forecast_category IS NOT NULL"))


def open_in_other_currencies(conn: sqlite3.Connection, currency: str, day: str) -> int:
    """How many open deals (back by ``day``, as ``open_deals``) are in another currency than ``currency``."""
    return int(
        conn.execute(
            f"SELECT count(*) FROM stages s JOIN leads l ON l.stage = s.key WHERE {BACK_BY} AND l.currency != ?",
            (day, currency),
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
    return plain_rows(
        conn,
        # the deals as a list the (lead, moment, id) event index is searched with: its order is
        # the one asked for, so the events are not sorted again
        """WITH c AS MATERIALIZED (SELECT id FROM leads WHERE closed_at IS NOT NULL AND closed_at <= ?
                                   ORDER BY closed_at DESC, id DESC LIMIT ?)
           SELECT e.lead_id, e.from_stage, e.to_stage, e.at FROM stage_events e
           WHERE e.lead_id IN c
           ORDER BY e.lead_id, e.at, e.id""",
        (before, limit),
    )


# As of a past moment (the backtest): the pipeline rebuilt from the events and the history of
# estimates by ``reports._state`` into ``temp.leads_as_of``, and what was known then.


def prepare(conn: sqlite3.Connection) -> None:
    """Before a backtest: read the file as a report does (``reports.prepare``)."""
    from salespipe.store.reports import prepare as prepare_report

    prepare_report(conn)


def open_deals_as_of(conn: sqlite3.Connection, as_of: str, currency: str, day: str) -> list[tuple[Any, ...]]:
    """``open_deals`` as of ``as_of``: (id, value_minor, probability override, stage,
    expected_close, stage_entered_at, nurture_until) of the deals open then and back by ``day``
    (as ``open_deals``), with the values of then."""
    from salespipe.store.reports import _state

    _state(conn, as_of)
    return conn.execute(
        f"""SELECT l.id, l.value_minor, l.probability, l.stage, l.expected_close, l.stage_entered_at,
                  l.nurture_until
           FROM temp.leads_as_of l JOIN stages s ON s.key = l.stage
           WHERE {BACK_BY} AND l.currency = ? ORDER BY l.id""",
        (day, currency),
    ).fetchall()


def own_categories_as_of(conn: sqlite3.Connection, as_of: str) -> dict[int, str]:
    """The deals' own forecast categories as of ``as_of``: the newest recorded change up to
    then, else the first change's old value; a deal without recorded changes has its own now."""
    rows = conn.execute(
        """SELECT l.id, CASE WHEN l.id IN (SELECT lead_id FROM estimate_history WHERE field = 'forecast_category')
                  THEN (SELECT CASE WHEN h.at <= :m OR h.kind = 'set' THEN h.new_value ELSE h.old_value END
                        FROM estimate_history h WHERE h.lead_id = l.id AND h.field = 'forecast_category'
                        ORDER BY h.at <= :m DESC, CASE WHEN h.at <= :m THEN h.at END DESC, h.at,
                                 CASE WHEN h.at <= :m THEN -h.id ELSE h.id END
                        LIMIT 1)
                  ELSE l.forecast_category END
           FROM leads l
           WHERE l.forecast_category IS NOT NULL
              OR l.id IN (SELECT lead_id FROM estimate_history WHERE field = 'forecast_category')""",
        {"m": as_of},
    )
    return {lead_id: category for lead_id, category in rows if category}


def closed_history_as_of(conn: sqlite3.Connection, as_of: str, limit: int) -> list[tuple[Any, ...]]:
    """``closed_history`` as it was at ``as_of``: the events up to then of the ``limit`` deals
    most recently closed by then (``temp.leads_as_of``, built by ``open_deals_as_of``)."""
    return conn.execute(
        """SELECT e.lead_id, e.from_stage, e.to_stage, e.at
           FROM (SELECT id FROM temp.leads_as_of WHERE closed_at IS NOT NULL
                 ORDER BY closed_at DESC, id DESC LIMIT ?) c
           JOIN stage_events e ON e.lead_id = c.id AND e.at <= ?
           ORDER BY e.lead_id, e.at, e.id""",
        (limit, as_of),
    ).fetchall()


def close_dates_of_closed_as_of(conn: sqlite3.Connection, limit: int) -> list[tuple[Any, ...]]:
    """``estimates.close_dates_of_closed`` for the deals ``closed_history_as_of`` reads."""
    return conn.execute(
        """SELECT h.lead_id, c.closed_at, h.kind, h.old_value, h.new_value
           FROM (SELECT id, closed_at FROM temp.leads_as_of WHERE closed_at IS NOT NULL
                 ORDER BY closed_at DESC, id DESC LIMIT ?) c
           JOIN estimate_history h ON h.lead_id = c.id AND h.field = 'expected_close' AND h.at <= c.closed_at
           ORDER BY h.lead_id, h.at, h.id""",
        (limit,),
    ).fetchall()


def won_deals_between(conn: sqlite3.Connection, since: str, until: str, currency: str) -> list[tuple[Any, ...]]:
    """(id, value_minor) of the deals won in [since, until) as the pipeline is now."""
    return conn.execute(
        """SELECT l.id, l.value_minor FROM leads l JOIN stages s ON s.key = l.stage
           WHERE s.kind = 'won' AND l.currency = ? AND l.closed_at >= ? AND l.closed_at < ?""",
        (currency, since, until),
    ).fetchall()


def lost_with_zero_value(conn: sqlite3.Connection, ids: list[int]) -> int:
    """How many of ``ids`` were lost with a value of 0 that no recorded change set: a value
    known only at the close (an import such as Maven's gives lost deals 0)."""
    if not ids:
        return 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS backtest_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.backtest_ids")
    conn.executemany("INSERT OR IGNORE INTO temp.backtest_ids VALUES (?)", [(i,) for i in ids])
    return int(
        conn.execute(
            """SELECT count(*) FROM temp.backtest_ids b JOIN leads l ON l.id = b.id JOIN stages s ON s.key = l.stage
               WHERE s.kind = 'lost' AND l.value_minor = 0
                 AND NOT EXISTS (SELECT 1 FROM estimate_history h WHERE h.lead_id = l.id AND h.field = 'value')"""
        ).fetchone()[0]
    )
