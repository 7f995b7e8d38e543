"""The facts of the customer journey (``domain.journey``), read set-based: a few grouped
queries for all organisations at once (or one), never one query per organisation.

A stage's phase is passed in (``phases``: stage key -> phase, the effective ones of
``domain.journey.stage_phase``) as a small table of values, so the rule stays in the domain.
The retention and advocacy facts come from the surveys table and the referral columns of the
leads where the database has them (``has_surveys``, ``has_referrals``: looked up once a call).
Times are returned as stored (ISO 8601 UTC); the service makes local days of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any


def has_surveys(conn: sqlite3.Connection) -> bool:
    """Whether the database has the surveys table (issue 13, item 4)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'surveys'").fetchone() is not None


def has_referrals(conn: sqlite3.Connection) -> bool:
    """Whether leads record who referred them (issue 13, item 5)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(leads)")}
    return {"referred_by_org_id", "referred_by_person_id"} <= columns


def _phase_table(phases: Mapping[str, str]) -> tuple[str, list[str]]:
    """``phase_of(key, phase)`` as a common table expression, and its parameters."""
    if not phases:
        return "phase_of(key, phase) AS (SELECT NULL, NULL WHERE 0)", []
    values = ", ".join("(?, ?)" for _ in phases)
    return f"phase_of(key, phase) AS (VALUES {values})", [x for item in phases.items() for x in item]


def _scope(org_id: int | None, until: str | None, *, at: str, org: str = "l.org_id") -> tuple[str, list[Any]]:
    clauses: list[str] = [f"{org} IS NOT NULL"]
    params: list[Any] = []
    if org_id is not None:
        clauses.append(f"{org} = ?")
        params.append(org_id)
    if until is not None:
        clauses.append(f"{at} <= ?")
        params.append(until)
    return " AND ".join(clauses), params


def org_facts(
    conn: sqlite3.Connection, phases: Mapping[str, str], *, org_id: int | None = None, until: str | None = None
) -> dict[int, dict[str, Any]]:
    """Per organisation with any fact (all, or ``org_id``), up to ``until`` (ISO UTC, inclusive):
    ``reached`` {phase: first time any of its deals entered a stage of it}, ``first_won`` (first
    time one of its deals entered a won stage), ``bought_again`` (the same for its deals of a kind
    other than new), and where the database has them ``first_survey``, ``latest_score``,
    ``latest_score_at`` and ``first_referral`` (the creation of the first lead it or one of its
    people referred)."""
    out: dict[int, dict[str, Any]] = {}

    def entry(org: int) -> dict[str, Any]:
        return out.setdefault(org, {"reached": {}})

    cte, cte_params = _phase_table(phases)
    where, params = _scope(org_id, until, at="e.at")
    for org, phase, first in conn.execute(
        f"WITH {cte} SELECT l.org_id, p.phase, min(e.at) FROM stage_events e JOIN leads l ON l.id = e.lead_id "
        f"JOIN phase_of p ON p.key = e.to_stage WHERE {where} GROUP BY l.org_id, p.phase",
        [*cte_params, *params],
    ):
        entry(org)["reached"][phase] = first
    for org, first_won, bought_again in conn.execute(
        "SELECT l.org_id, min(e.at), min(CASE WHEN l.kind != 'new' THEN e.at END) FROM stage_events e "
        "JOIN leads l ON l.id = e.lead_id JOIN stages s ON s.key = e.to_stage AND s.kind = 'won' "
        f"WHERE {where} GROUP BY l.org_id",
        params,
    ):
        entry(org).update(first_won=first_won, bought_again=bought_again)
    if has_surveys(conn):
        where, params = _scope(org_id, until, at="at", org="org_id")
        for org, first, score, latest in conn.execute(
            "SELECT org_id, first, score, at FROM (SELECT org_id, score, at, min(at) OVER (PARTITION BY org_id) AS "
            "first, row_number() OVER (PARTITION BY org_id ORDER BY at DESC, id DESC) AS newest "
            f"FROM surveys WHERE {where}) WHERE newest = 1",
            params,
        ):
            entry(org).update(first_survey=first, latest_score=score, latest_score_at=latest)
    if has_referrals(conn):
        by_org, params_org = _scope(org_id, until, at="created_at", org="referred_by_org_id")
        by_person, params_person = _scope(org_id, until, at="l.created_at", org="p.org_id")
        for org, first in conn.execute(
            f"SELECT org, min(at) FROM (SELECT referred_by_org_id AS org, created_at AS at FROM leads WHERE {by_org} "
            "UNION ALL SELECT p.org_id, l.created_at FROM leads l JOIN people p ON p.id = l.referred_by_person_id "
            f"WHERE {by_person}) GROUP BY org",
            [*params_org, *params_person],
        ):
            entry(org)["first_referral"] = first
    return out


def org_count(conn: sqlite3.Connection, until: str | None = None) -> int:
    """How many organisations there are (made by ``until``, when given)."""
    if until is None:
        return int(conn.execute("SELECT count(*) FROM orgs").fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM orgs WHERE created_at <= ?", (until,)).fetchone()[0])


def deal_reach(
    conn: sqlite3.Connection, phases: Mapping[str, str], org_id: int, *, until: str | None = None
) -> list[dict[str, Any]]:
    """The organisation's deals (id, title, stage, kind) with ``reached`` {phase: first time the
    deal entered a stage of it} and ``won`` (the first time it entered a won stage)."""
    deals = {
        row[0]: {"id": row[0], "title": row[1], "stage": row[2], "kind": row[3], "reached": {}, "won": None}
        for row in conn.execute("SELECT id, title, stage, kind FROM leads WHERE org_id = ? ORDER BY id", (org_id,))
    }
    if not deals:
        return []
    cte, cte_params = _phase_table(phases)
    bound, bound_params = ("AND e.at <= ?", [until]) if until is not None else ("", [])
    for lead_id, phase, first, won in conn.execute(
        f"WITH {cte} SELECT e.lead_id, p.phase, min(e.at), min(CASE WHEN s.kind = 'won' THEN e.at END) "
        "FROM stage_events e JOIN leads l ON l.id = e.lead_id JOIN phase_of p ON p.key = e.to_stage "
        f"JOIN stages s ON s.key = e.to_stage WHERE l.org_id = ? {bound} GROUP BY e.lead_id, p.phase",
        [*cte_params, org_id, *bound_params],
    ):
        deal = deals[lead_id]
        deal["reached"][phase] = first
        if won is not None and (deal["won"] is None or won < deal["won"]):
            deal["won"] = won
    return list(deals.values())


def referred_leads(conn: sqlite3.Connection, org_id: int, *, until: str | None = None) -> list[dict[str, Any]]:
    """The leads the organisation or one of its people referred (id, title, stage, created_at);
    none where the database does not record referrals."""
    if not has_referrals(conn):
        return []
    bound, params = ("AND l.created_at <= ?", [until]) if until is not None else ("", [])
    rows = conn.execute(
        "SELECT l.id, l.title, l.stage, l.created_at FROM leads l LEFT JOIN people p ON p.id = l.referred_by_person_id "
        f"WHERE (l.referred_by_org_id = ? OR p.org_id = ?) {bound} ORDER BY l.created_at, l.id",
        [org_id, org_id, *params],
    )
    return [{"id": r[0], "title": r[1], "stage": r[2], "created_at": r[3]} for r in rows]
