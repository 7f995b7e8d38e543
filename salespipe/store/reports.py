"""Aggregate queries for reports. SQLite does the counting; Python gets one row per group.

Every query reads the pipeline through ``_state(conn, as_of)``: the ``leads`` table as it is now, or,
with ``as_of`` (UTC ISO text), each lead's stage as its events say it was at that moment.
Timestamps are ISO text; ``julianday()`` turns them into days.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from salespipe.store.db import plain_rows
from salespipe.store.open_pipeline import BACK_AT, BACK_BY, CLOSE_FROM, IN_PIPELINE, LAST_TOUCH

# Position given to won stages when ranking how far a deal got (beyond every open stage).
WON_RANK = 1_000_000
DEFAULT_ROTTING_DAYS = 14

_COLUMNS = (
    "id, title, company, value_minor, currency, probability, expected_close, created_at, "
    "created_estimated, source, owner, tags, fields, lost_reason, kind, nurture_until, "
    "referred_by_org_id, referred_by_person_id"
)


def _range(column: str, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    """``column`` in [since, until) as SQL, leaving out open ends (so indexes can be used)."""
    parts, params = [], []
    if since is not None:
        parts.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        parts.append(f"{column} < ?")
        params.append(until)
    return (" AND ".join(parts) or "1"), params


@contextmanager
def one_state(conn: sqlite3.Connection) -> Iterator[None]:
    """Read inside one transaction (a report's many queries see one state of the file); when
    the caller has one open already, inside that."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:  # SQLite may have rolled back already (disk full, interrupted)
            conn.execute("ROLLBACK")  # it only read (its temporary tables go with it)


def prepare(conn: sqlite3.Connection) -> None:
    """Before a report: read the file through a memory map (a report on a big pipeline reads
    most of it, and copying each page into SQLite's cache costs more than the queries: a third
    of ``report --as-of`` on 100k deals), and keep scratch tables in memory."""
    conn.execute("PRAGMA mmap_size = 1073741824")
    conn.execute("PRAGMA temp_store = MEMORY")


# As of a moment, the columns that may have been different then, and those the figures filter
# and sum on, are rebuilt into ``temp.leads_as_of`` (narrow rows, so scanning them is cheap);
# the text columns the lists show and a breakdown groups by are read from ``leads`` by id
# (``_state(..., shown=True)``), and only then.
_AS_OF_COLUMNS = (
    "id INTEGER PRIMARY KEY, stage TEXT, stage_entered_at TEXT, last_touch_at TEXT, closed_at TEXT, "
    "value_minor INTEGER, probability INTEGER, expected_close TEXT, nurture_until TEXT, currency TEXT, "
    "kind TEXT, created_at TEXT, created_estimated INTEGER, referred_by_org_id INTEGER, referred_by_person_id INTEGER"
)
_SHOWN = ("title", "company", "source", "owner", "tags", "fields", "lost_reason")
_AS_OF_STATE = "SELECT * FROM temp.leads_as_of"
_AS_OF_SHOWN = (
    "SELECT a.*, " + ", ".join(f"r.{c}" for c in _SHOWN) + " FROM temp.leads_as_of a JOIN leads r ON r.id = a.id"
)


def _state(conn: sqlite3.Connection, as_of: str | None, *, shown: bool = False) -> tuple[str, list[Any]]:
    """SQL for the leads with ``stage``, ``stage_entered_at`` and ``closed_at`` as of a moment,
    and their value, expected close date and probability as the history of estimates says they
    were then.

    As of a past moment, each lead's state is rebuilt from its events once per report, into a
    temporary table (in memory, never in the database file) that every section then reads:
    rebuilding it per query made ``report --as-of`` twenty times slower than the report. A lead
    counts when it was created by then and has an event by then; its stage is that of its newest
    event at its latest moment up to then (the greatest id among events sharing that moment).
    ``shown``: the query also reads the text columns (title, company, source, owner, tags, fields,
    lost reason), which as of a moment come from ``leads``; without it they are not there."""
    if as_of is None:
        return f"SELECT {_COLUMNS}, stage, stage_entered_at, last_touch_at, closed_at FROM leads", []
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS as_of_moment (at TEXT)")
    built = conn.execute("SELECT at FROM temp.as_of_moment").fetchone()
    if built is None or built[0] != as_of:
        conn.execute("DROP TABLE IF EXISTS temp.leads_as_of")
        conn.execute(f"CREATE TEMP TABLE leads_as_of ({_AS_OF_COLUMNS})")
        conn.execute(
            # per lead, its last event by then: one search of the (lead, moment) index, ties at
            # the latest moment going to the greatest id. In id order (the ORDER BY keeps SQLite
            # reading leads by id, not by creation: 2.5 times slower), so each row is appended.
            # A deal created straight into a closed stage (imported won or lost without a close
            # date) has no known close: its closed_at stays NULL as in leads, unless leads says
            # that creation was its close.
            """INSERT INTO temp.leads_as_of
               SELECT l.id, e.to_stage, e.at, e.at,
                      CASE WHEN st.kind != 'open' AND NOT (e.from_stage IS NULL AND l.closed_at IS NOT e.at)
                           THEN e.at END,
                      l.value_minor, l.probability, l.expected_close, l.nurture_until, l.currency,
                      l.kind, l.created_at, l.created_estimated, l.referred_by_org_id, l.referred_by_person_id
               FROM leads l
               JOIN stage_events e ON e.id = (
                   SELECT x.id FROM stage_events x WHERE x.lead_id = l.id AND x.at <= :m
                   ORDER BY x.at DESC, x.id DESC LIMIT 1)
               JOIN stages st ON st.key = e.to_stage
               WHERE l.created_at <= :m
               ORDER BY l.id""",
            {"m": as_of},
        )
        # the last touch is the later of the last event and the last activity by then: only the
        # leads with an activity by then are looked at again
        conn.execute(
            """UPDATE temp.leads_as_of SET last_touch_at = max(last_touch_at, (
                   SELECT max(a.at) FROM activities a WHERE a.lead_id = leads_as_of.id AND a.at <= :m))
               WHERE id IN (SELECT lead_id FROM activities WHERE at <= :m)""",
            {"m": as_of},
        )
        from salespipe.store.estimates import apply_as_of

        apply_as_of(conn, "temp.leads_as_of", as_of)  # values, close dates, probabilities as they were
        # the deals of a stage, and those closed in a period (won, lost, cycle, referrals), are a range
        conn.execute("CREATE INDEX temp.leads_as_of_stage ON leads_as_of (stage, closed_at)")
        conn.execute("DELETE FROM temp.as_of_moment")
        conn.execute("INSERT INTO temp.as_of_moment VALUES (?)", [as_of])
    return (_AS_OF_SHOWN if shown else _AS_OF_STATE), []


def open_by_stage(conn: sqlite3.Connection, currency: str, as_of: str | None, day: str) -> list[dict[str, Any]]:
    """Every stage in order with its open deals on ``day`` (ISO date; parked ones left out):
    count, value and weighted value (minor units)."""
    state, params = _state(conn, as_of)
    rows = conn.execute(
        f"""
        SELECT s.key, s.label, s.kind, s.probability, s.position, s.rotting_days,
               count(l.id) AS count,
               coalesce(sum(l.value_minor), 0) AS value_minor,
               coalesce(sum(l.value_minor * coalesce(l.probability, s.probability)), 0) / 100.0
                   AS weighted_minor
        FROM stages s
        LEFT JOIN ({state}) l ON l.stage = s.key AND {IN_PIPELINE} AND l.currency = ?
        GROUP BY s.key
        ORDER BY s.position
        """,
        [*params, day, currency],
    ).fetchall()
    return [dict(r) for r in rows]


def closed_between(
    conn: sqlite3.Connection, since: str | None, until: str | None, currency: str, as_of: str | None = None
) -> dict[str, int]:
    """Deals won/lost (as of) whose close falls in [since, until) (UTC ISO text; None = open);
    and of the won, the new business (kind ``new``; the rest is expansion)."""
    state, params = _state(conn, as_of)
    closed, closed_params = _range("l.closed_at", since, until)
    # a deal closed on an unknown date belongs to no period but "all"
    dated = "1" if since is None and until is None else f"l.closed_at IS NOT NULL AND {closed}"
    row = conn.execute(
        f"""
        SELECT
            coalesce(sum(s.kind = 'won'), 0) AS won_count,
            coalesce(sum(CASE WHEN s.kind = 'won' THEN l.value_minor END), 0) AS won_minor,
            coalesce(sum(s.kind = 'lost'), 0) AS lost_count,
            coalesce(sum(CASE WHEN s.kind = 'lost' THEN l.value_minor END), 0) AS lost_minor,
            coalesce(sum(s.kind = 'won' AND l.kind = 'new'), 0) AS won_new_count,
            coalesce(sum(CASE WHEN s.kind = 'won' AND l.kind = 'new' THEN l.value_minor END), 0) AS won_new_minor
        FROM ({state}) l JOIN stages s ON s.key = l.stage
        WHERE s.kind != 'open' AND l.currency = ? AND {dated}
        """,
        [*params, currency, *closed_params],
    ).fetchone()
    return dict(row)


def data_gaps(conn: sqlite3.Connection, currency: str) -> dict[str, int]:
    """Deals whose figures are incomplete: closed on a date nobody knows (left out of every
    period but ``all``, and of cycle and velocity), created on a stand-in date (left out of
    the cycle), and deals whose value is unknown (counted, not summed as 0)."""
    row = conn.execute(
        """
        SELECT coalesce(sum(s.kind = 'won' AND l.closed_at IS NULL), 0) AS won_without_close_date,
               coalesce(sum(s.kind = 'lost' AND l.closed_at IS NULL), 0) AS lost_without_close_date,
               coalesce(sum(s.kind != 'open' AND l.created_estimated = 1 AND l.closed_at IS NOT NULL), 0)
                   AS closed_without_created_date,
               coalesce(sum(l.value_minor IS NULL), 0) AS without_value
        FROM leads l JOIN stages s ON s.key = l.stage
        WHERE l.currency = ? AND (l.closed_at IS NULL OR l.created_estimated = 1 OR l.value_minor IS NULL)
        """,  # the deals idx_leads_data_gaps holds
        [currency],
    ).fetchone()
    return dict(row)


def won_cycle_days(
    conn: sqlite3.Connection, since: str | None, until: str | None, currency: str, as_of: str | None = None
) -> list[float]:
    """Days from creation to win for each deal won in [since, until), ascending."""
    state, params = _state(conn, as_of)
    closed, closed_params = _range("l.closed_at", since, until)
    rows = plain_rows(
        conn,
        f"""
        SELECT julianday(l.closed_at) - julianday(l.created_at) AS days
        FROM ({state}) l JOIN stages s ON s.key = l.stage
        WHERE s.kind = 'won' AND l.currency = ? AND l.closed_at IS NOT NULL AND {closed}
              AND l.created_estimated = 0
        ORDER BY days
        """,
        [*params, currency, *closed_params],
    )
    return [r[0] for r in rows]


def funnel_reach(
    conn: sqlite3.Connection, since: str | None, until: str | None, as_of: str | None = None
) -> dict[int, int]:
    """For deals created in [since, until): how many got at most as far as each rank.

    A deal's rank is the highest position among the open stages it ever entered, or ``WON_RANK``
    once it entered a won stage. Lost stages do not count as progress. The stage ranks go into
    a CASE (no join per event), and each deal's maximum is one indexed subquery.
    """
    ranks = [
        (key, WON_RANK if kind == "won" else (position if kind == "open" else 0))
        for key, kind, position in conn.execute("SELECT key, kind, position FROM stages")
    ]
    case = "CASE e.to_stage " + " ".join("WHEN ? THEN ?" for _ in ranks) + " ELSE 0 END"
    case_params = [v for pair in ranks for v in pair]
    created, params = _range("l.created_at", since, until)
    until_event = "AND e.at <= ?" if as_of is not None else ""
    rows = conn.execute(
        f"""
        WITH reach AS (
            SELECT (SELECT max({case}) FROM stage_events e WHERE e.lead_id = l.id {until_event}) AS rank
            FROM leads l WHERE {created}
        )
        SELECT rank, count(*) AS n FROM reach WHERE rank IS NOT NULL GROUP BY rank
        """,
        [*case_params, *([as_of] if as_of is not None else []), *params],
    ).fetchall()
    return {row["rank"]: row["n"] for row in rows}


def time_in_stage(
    conn: sqlite3.Connection, since: str | None, until: str | None, now: str, as_of: str | None, day: str
) -> list[tuple[str, int, float]]:
    """Stage visits: (stage, lead id, days spent there).

    Visits that ended in [since, until), plus, for deals still in an open stage, the time so
    far (to ``now``; not the deals parked on ``day``); a deal's time in a stage is the sum of its visits (``metrics``). Each
    event stores when the previous one happened (``prev_at``), so no window over the event log
    is needed, and summing in Python beats a GROUP BY plus a median window here.
    """
    state, params = _state(conn, as_of)
    ended, ended_params = _range("e.at", since, until)
    return plain_rows(
        conn,
        f"""
        SELECT e.from_stage, e.lead_id, julianday(e.at) - julianday(e.prev_at)
        FROM stage_events e
        WHERE e.from_stage IS NOT NULL AND {ended} AND e.at <= ?
        UNION ALL
        SELECT l.stage, l.id, julianday(?) - julianday(l.stage_entered_at)
        FROM ({state}) l JOIN stages s ON s.key = l.stage
        WHERE {IN_PIPELINE}
        """,
        [*ended_params, now, now, *params, day],
    )


def _top(
    conn: sqlite3.Connection,
    as_of: str | None,
    where: Callable[[str], str],
    params: list[Any],
    extra: str,
    extra_params: list[Any],
    limit: int | None,
) -> tuple[int, list[dict[str, Any]]]:
    """Count the rows of ``where`` (given the state's SQL, ``_state``), and return the ``limit``
    biggest by value with details.

    Counting and ranking read the covering stage index; only the rows shown touch the table
    (as of a moment, ``leads`` for their title and company). The rows shown are picked first
    (the LIMIT -1 keeps them a table of their own), so the details read only them.
    """
    state, state_params = _state(conn, as_of)
    shown, shown_params = _state(conn, as_of, shown=True)
    count = conn.execute(f"SELECT count(*) {where(state)}", [*state_params, *params]).fetchone()[0]
    top = f"""SELECT * FROM ({shown}) WHERE id IN (
                  SELECT l.id {where(state)} ORDER BY l.value_minor DESC, l.id LIMIT ?) LIMIT -1"""
    top_params = [*shown_params, *state_params, *params, -1 if limit is None else limit]
    rows = conn.execute(
        f"""SELECT l.id, l.title, l.company, l.stage, l.value_minor, l.currency, {extra}
            {where(top)} ORDER BY l.value_minor DESC, l.id""",
        [*extra_params, *top_params, *params],
    ).fetchall()
    return count, [dict(r) for r in rows]


def stale(
    conn: sqlite3.Connection, now: str, day: str, as_of: str | None = None, limit: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Open deals (not parked on ``day``) idle (no stage change, activity or completed task)
    longer than their stage's rotting days, by value."""
    # the threshold is worked out once per stage (the LIMIT keeps SQLite from working it out
    # again for each deal), so (stage, last_touch_at) is an index range on leads; a deal back
    # from nurture is idle from its day (store.open_pipeline.LAST_TOUCH)
    threshold = f"strftime('%Y-%m-%dT%H:%M:%SZ', julianday(?) - coalesce(s.rotting_days, {DEFAULT_ROTTING_DAYS}))"

    def where(state: str) -> str:
        return f"""FROM ({state}) l JOIN (SELECT *, {threshold} AS threshold FROM stages s LIMIT -1) s
                ON s.key = l.stage
            WHERE {IN_PIPELINE} AND l.last_touch_at < s.threshold
                  AND (l.nurture_until IS NULL OR {BACK_AT} < s.threshold)"""

    return _top(
        conn,
        as_of,
        where,
        [now, day],
        f"julianday(?) - julianday({LAST_TOUCH}) AS days_idle, "
        f"coalesce(s.rotting_days, {DEFAULT_ROTTING_DAYS}) AS rotting_days",
        [now],
        limit,
    )


def slipping(
    conn: sqlite3.Connection, day: str, as_of: str | None = None, limit: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Open deals whose expected close date was moved later (as the history of estimates says,
    up to ``as_of``) and is now later than first expected, by value: how many times, and the
    first date expected."""
    # only the deals with a change of their close date (an index range) are looked at
    pushed = """(SELECT c.lead_id,
                   (SELECT count(*) FROM estimate_history h
                    WHERE h.lead_id = c.lead_id AND h.field = 'expected_close' AND h.kind = 'change'
                      AND h.old_value IS NOT NULL AND h.new_value > h.old_value AND (? IS NULL OR h.at <= ?)) AS pushes,
                   (SELECT CASE WHEN f.kind = 'change' AND f.old_value IS NOT NULL THEN f.old_value
                                ELSE f.new_value END
                    FROM estimate_history f WHERE f.lead_id = c.lead_id AND f.field = 'expected_close'
                    ORDER BY f.at, f.id LIMIT 1) AS first
            FROM (SELECT DISTINCT lead_id FROM estimate_history
                  WHERE kind = 'change' AND field = 'expected_close') c)"""

    def where(state: str) -> str:
        return f"""FROM ({state}) l JOIN stages s ON s.key = l.stage JOIN {pushed} p ON p.lead_id = l.id
            WHERE {IN_PIPELINE} AND p.pushes > 0 AND l.expected_close > p.first"""

    return _top(
        conn,
        as_of,
        where,
        [as_of, as_of, day],
        "l.expected_close, p.pushes, p.first AS first_expected, "
        "julianday(l.expected_close) - julianday(p.first) AS days_pushed",
        [],
        limit,
    )


def past_close(
    conn: sqlite3.Connection, today: str, as_of: str | None = None, limit: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Open deals (not parked) whose expected close date is before ``today`` (ISO date), by value."""

    def where(state: str) -> str:
        return f"""FROM ({state}) l JOIN stages s ON s.key = l.stage
            WHERE {IN_PIPELINE} AND l.expected_close IS NOT NULL AND l.expected_close < ?"""

    return _top(
        conn,
        as_of,
        where,
        [today, today],
        "l.expected_close, julianday(?) - julianday(l.expected_close) AS days_late",
        [today],
        limit,
    )


def breakdown(
    conn: sqlite3.Connection, *, by: str, since: str | None, until: str | None, currency: str, as_of: str | None = None
) -> list[dict[str, Any]]:
    """Per group: deals created in the period; won, lost and won value of deals closed in it.

    ``by``: ``source``, ``tag`` (a deal counts in each of its tags), ``lost-reason``, ``stage``,
    ``company``, ``owner``, ``kind`` (new, upsell, cross-sell, renewal) or the name of a custom field.
    """
    state, params = _state(conn, as_of, shown=True)
    if by == "tag":
        source = f"({state}) l LEFT JOIN json_each(l.tags) AS t"
        group = "t.value"
    else:
        source = f"({state}) l"
        group = {
            "source": "l.source",
            "lost-reason": "l.lost_reason",
            "stage": "l.stage",
            "company": "l.company",
            "owner": "l.owner",
            "kind": "l.kind",
        }.get(by, "json_extract(l.fields, ?)")
    field_param = [] if by in BREAKDOWN_COLUMNS else ['$."' + by.replace('"', '""') + '"']
    rows = conn.execute(
        f"""
        SELECT {group} AS grp,
            coalesce(sum((? IS NULL OR l.created_at >= ?) AND (? IS NULL OR l.created_at < ?)), 0) AS deals,
            coalesce(sum(s.kind = 'won' AND (? IS NULL OR l.closed_at >= ?) AND (? IS NULL OR l.closed_at < ?)), 0) AS won,
            coalesce(sum(s.kind = 'lost' AND (? IS NULL OR l.closed_at >= ?) AND (? IS NULL OR l.closed_at < ?)), 0) AS lost,
            coalesce(sum(CASE WHEN s.kind = 'won' AND (? IS NULL OR l.closed_at >= ?)
                              AND (? IS NULL OR l.closed_at < ?) THEN l.value_minor END), 0) AS won_minor
        FROM {source} JOIN stages s ON s.key = l.stage
        WHERE l.currency = ?
        GROUP BY grp
        """,
        [*field_param, *([since, since, until, until] * 4), *params, currency],
    ).fetchall()
    return [dict(r) for r in rows]


BREAKDOWN_COLUMNS = ("source", "tag", "lost-reason", "stage", "company", "owner", "kind")


def has_custom_field(conn: sqlite3.Connection, name: str) -> bool:
    path = '$."' + name.replace('"', '""') + '"'
    return (
        conn.execute("SELECT 1 FROM leads WHERE json_extract(fields, ?) IS NOT NULL LIMIT 1", [path]).fetchone()
        is not None
    )


def custom_field_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT j.key FROM leads, json_each(leads.fields) j ORDER BY 1")]


def lead_to_win(conn: sqlite3.Connection, created_before: str, currency: str) -> dict[str, int]:
    """Deals created before a moment (closed cohorts), and how many of them are won now."""
    row = conn.execute(
        """SELECT count(*) AS created, coalesce(sum(s.kind = 'won'), 0) AS won,
                  coalesce(sum(s.kind = 'open'), 0) AS still_open
           FROM leads l JOIN stages s ON s.key = l.stage
           WHERE l.created_at < ? AND l.currency = ?""",
        (created_before, currency),
    ).fetchone()
    return dict(row)


def expected_to_close(
    conn: sqlite3.Connection, first_day: str, last_day: str, currency: str, day: str
) -> dict[str, float]:
    """Open deals back by ``day`` (``open_pipeline.BACK_BY``) whose close date lies in
    [first_day, last_day] (ISO dates): the expected one, but not before a parked deal is back
    (``open_pipeline.CLOSE_FROM``)."""
    row = conn.execute(
        f"""SELECT count(*) AS count, coalesce(sum(l.value_minor), 0) AS value_minor,
                  coalesce(sum(l.value_minor * coalesce(l.probability, s.probability)), 0) / 100.0
                      AS weighted_minor
           FROM leads l JOIN stages s ON s.key = l.stage
           WHERE {BACK_BY} AND l.currency = ? AND {CLOSE_FROM} BETWEEN ? AND ?""",
        (day, currency, first_day, last_day),
    ).fetchone()
    return dict(row)


def count_other_currency(conn: sqlite3.Connection, currency: str) -> int:
    return conn.execute("SELECT count(*) FROM leads WHERE currency != ?", (currency,)).fetchone()[0]
