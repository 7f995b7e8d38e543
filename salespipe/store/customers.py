"""Queries on customers (organisations with a won deal), ``surveys`` and referrals.

The figures of a customer are read in a few grouped queries (its won deals, its open tasks,
its survey answers, the deals it referred) and put together in ``services.customers``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from salespipe.store.db import plain_rows


def customers(conn: sqlite3.Connection, currency: str) -> list[dict[str, Any]]:
    """The organisations with at least one won deal: the first and latest win, the won deals
    (all currencies) and their value in ``currency`` (the others counted apart), and the latest
    touch of any of its deals (stage change, activity, done task)."""
    rows = conn.execute(
        """
        SELECT o.id AS org_id, o.name AS org, o.checkin_days,
               min(CASE WHEN s.kind = 'won' THEN l.closed_at END) AS first_won_at,
               max(CASE WHEN s.kind = 'won' THEN l.closed_at END) AS last_won_at,
               count(CASE WHEN s.kind = 'won' THEN 1 END) AS deals_won,
               coalesce(sum(CASE WHEN s.kind = 'won' AND l.currency = :cur THEN l.value_minor END), 0)
                   AS lifetime_minor,
               count(CASE WHEN s.kind = 'won' AND l.currency != :cur THEN 1 END) AS other_currency_won,
               max(l.last_touch_at) AS deals_touched_at
        FROM orgs o JOIN leads l ON l.org_id = o.id JOIN stages s ON s.key = l.stage
        GROUP BY o.id HAVING count(CASE WHEN s.kind = 'won' THEN 1 END) > 0
        ORDER BY o.id
        """,
        {"cur": currency},
    ).fetchall()
    return [dict(r) for r in rows]


def next_checkins(conn: sqlite3.Connection) -> dict[int, str]:
    """Per organisation, the due date of the earliest open task on its deals."""
    rows = plain_rows(
        conn,
        "SELECT l.org_id, min(t.due_date) FROM tasks t JOIN leads l ON l.id = t.lead_id "
        "WHERE t.done_at IS NULL AND l.org_id IS NOT NULL GROUP BY l.org_id",
        [],
    )
    return {r[0]: r[1] for r in rows}


def survey_scores(conn: sqlite3.Connection) -> dict[int, list[tuple[int, str]]]:
    """Per organisation, its survey answers (score, at), newest first."""
    out: dict[int, list[tuple[int, str]]] = {}
    for org_id, score, at in plain_rows(
        conn, "SELECT org_id, score, at FROM surveys ORDER BY org_id, at DESC, id DESC", []
    ):
        out.setdefault(org_id, []).append((score, at))
    return out


# A deal's referrer as an organisation: the one that referred it, or the one of the person who did.
REFERRER_ORG = "coalesce(l.referred_by_org_id, rp.org_id)"
_REFERRED = (
    "FROM leads l LEFT JOIN people rp ON rp.id = l.referred_by_person_id "
    "WHERE l.referred_by_org_id IS NOT NULL OR l.referred_by_person_id IS NOT NULL"
)


def referral_counts(conn: sqlite3.Connection) -> dict[int, int]:
    """Per organisation, the deals referred by it or by one of its people."""
    rows = plain_rows(conn, f"SELECT {REFERRER_ORG}, count(*) {_REFERRED} GROUP BY 1", [])
    return {r[0]: r[1] for r in rows if r[0] is not None}


# Surveys -----------------------------------------------------------------------------------------
def insert_survey(conn: sqlite3.Connection, record: dict[str, Any]) -> int:
    cursor = conn.execute(
        f"INSERT INTO surveys ({', '.join(record)}) VALUES ({', '.join('?' for _ in record)})", list(record.values())
    )
    return int(cursor.lastrowid or 0)


def list_surveys(
    conn: sqlite3.Connection, *, org_id: int | None = None, survey_id: int | None = None
) -> list[dict[str, Any]]:
    """Survey answers with their organisation's and person's names, newest first."""
    where, params = [], []
    if org_id is not None:
        where.append("v.org_id = ?")
        params.append(org_id)
    if survey_id is not None:
        where.append("v.id = ?")
        params.append(survey_id)
    rows = conn.execute(
        "SELECT v.*, o.name AS org_name, p.name AS person_name FROM surveys v JOIN orgs o ON o.id = v.org_id "
        f"LEFT JOIN people p ON p.id = v.person_id {'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY v.at DESC, v.id DESC",
        params,
    ).fetchall()
    return [dict(r) for r in rows]


def scores_between(conn: sqlite3.Connection, since: str | None, until: str | None) -> list[int]:
    """The scores answered in [since, until) (UTC ISO text; None = open)."""
    from salespipe.store.reports import _range

    within, params = _range("at", since, until)
    return [r[0] for r in plain_rows(conn, f"SELECT score FROM surveys WHERE {within}", params)]


# Referrals ---------------------------------------------------------------------------------------


def referred_outcomes(
    conn: sqlite3.Connection, since: str | None, until: str | None, currency: str, as_of: str | None = None
) -> list[tuple[bool, str, int, float, int]]:
    """The deals (in ``currency``) won or lost in [since, until), counted by whether they were
    referred and how they ended: (referred, 'won' or 'lost', deals, the days from creation to
    the close summed over the deals whose dates are both known and real, how many those are).
    The closed-deal index holds every column read (the state as of a moment carries the
    referral links as they are now)."""
    from salespipe.store.reports import _range, _state

    state, params = _state(conn, as_of)
    closed, closed_params = _range("l.closed_at", since, until)
    # as in the report's win rate: a deal closed on an unknown date belongs to no period but "all"
    dated = "1" if since is None and until is None else f"l.closed_at IS NOT NULL AND {closed}"
    known = "l.created_estimated = 0 AND l.closed_at IS NOT NULL"
    rows = plain_rows(
        conn,
        f"""
        SELECT l.referred_by_org_id IS NOT NULL OR l.referred_by_person_id IS NOT NULL AS referred, s.kind,
               count(*), coalesce(sum(CASE WHEN {known} THEN julianday(l.closed_at) - julianday(l.created_at) END), 0),
               sum({known})
        FROM ({state}) l JOIN stages s ON s.key = l.stage
        WHERE s.kind != 'open' AND l.currency = ? AND {dated}
        GROUP BY referred, s.kind
        """,
        [*params, currency, *closed_params],
    )
    return [(bool(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


# A column naming who referred a deal (its header normalised as the import does): the import
# keeps it as a custom field, and ``link_referrers`` turns what it can match into a link.
REFERRER_HEADERS = ("referredby", "referrer", "referral", "recommendedby", "empfohlenvon", "empfehlung")


def link_referrers(conn: sqlite3.Connection, first: int, end: int) -> tuple[int, int]:
    """Link the leads ``first`` .. ``end - 1`` whose custom fields hold a referrer column
    (``REFERRER_HEADERS``) to the organisation of that name (matched as companies are) or the one
    person of that name; nothing is created. A linked lead loses the field (the link holds it)
    and gets the source ``referral`` when it has none; a name that matches nothing, or several,
    stays in its fields. Returns (leads linked, leads whose referrer is unknown)."""
    import json

    from salespipe.domain.import_columns import normalise_header
    from salespipe.domain.orgs import fold
    from salespipe.store.orgs import match_org

    rows = plain_rows(
        conn,
        "SELECT l.id, l.fields, j.key FROM leads l, json_each(l.fields) j "
        "WHERE l.id >= ? AND l.id < ? AND l.fields != '{}' AND j.type = 'text'",
        [first, end],
    )
    found = [(i, f, k) for i, f, k in rows if normalise_header(k) in REFERRER_HEADERS]
    if not found:
        return 0, 0
    people: dict[str, list[int]] = {}
    for person_id, name in plain_rows(conn, "SELECT id, name FROM people", []):
        people.setdefault(fold(name), []).append(person_id)
    resolved: dict[str, tuple[int | None, int | None] | None] = {}
    linked = unknown = 0
    done: set[int] = set()
    for lead_id, fields_text, key in found:
        if lead_id in done:
            continue
        fields = json.loads(fields_text)
        name = str(fields[key]).strip()
        if name not in resolved:
            org = match_org(conn, name)
            persons = people.get(fold(name), [])
            if org is not None and not persons:
                resolved[name] = (org, None)
            elif org is None and len(persons) == 1:
                resolved[name] = (None, persons[0])
            else:
                resolved[name] = None
        link = resolved[name]
        if link is None:
            unknown += 1
            continue
        done.add(lead_id)
        linked += 1
        del fields[key]
        conn.execute(
            "UPDATE leads SET referred_by_org_id = ?, referred_by_person_id = ?, fields = ?, "
            "source = coalesce(source, 'referral') WHERE id = ?",
            (*link, json.dumps(fields, ensure_ascii=False, sort_keys=True), lead_id),
        )
    return linked, unknown
