"""Customers, surveys and referrals (issue 13, items 2, 4 and 5).

A customer is an organisation with at least one won deal. Its lifetime value sums its won
deals' values in the database's currency; won deals in other currencies are counted apart
(``other_currency_won``), never converted or summed with these. ``nps`` is its latest survey
answer (0-10). It is at risk (``domain.retention.risk_reasons``) when none of its deals was
touched (stage change, activity, done task) and it answered no survey for ``days`` days, or its
latest answer is lower than the one before.

A referral links a deal to the organisation or the person who recommended it
(``find_referrer``); an organisation's referrals are the deals referred by it or its people.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any, NamedTuple

from salespipe.domain import retention
from salespipe.domain.dates import from_iso, utc_iso
from salespipe.domain.errors import InvalidValue, NotFound
from salespipe.domain.orgs import check_text, fold
from salespipe.services.pipeline import default_currency
from salespipe.store import customers as store

SORTS = ("value", "since", "deals", "last-won", "nps", "referrals")


_SORT_COLUMNS = {
    "value": "lifetime_minor",
    "since": "first_won_at",
    "deals": "deals_won",
    "last-won": "last_won_at",
    "nps": "nps",
    "referrals": "referrals",
}


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Most first (the oldest customer first for ``since``), unknowns last, then by id."""
    column = _SORT_COLUMNS[sort]
    rows = sorted(rows, key=lambda r: r["org_id"])
    known = sorted((r for r in rows if r[column] is not None), key=lambda r: r[column], reverse=sort != "since")
    return known + [r for r in rows if r[column] is None]


def list_customers(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    sort: str = "value",
    at_risk: bool = False,
    days: int = retention.DEFAULT_RISK_DAYS,
    ambassadors: bool = False,
) -> list[dict[str, Any]]:
    """The customers with their figures, ``risk`` reasons (for ``days`` without a touch) and
    referrals; ``at_risk`` keeps those with a reason, ``ambassadors`` those with a referral."""
    if sort not in SORTS:
        raise InvalidValue(f"--sort {sort!r}; choose from: {', '.join(SORTS)}")
    if not 1 <= days <= 100_000:
        raise InvalidValue(f"--days {days}: give a whole number of days from 1 to 100000")
    currency = default_currency(conn)
    checkins, scores, referrals = store.next_checkins(conn), store.survey_scores(conn), store.referral_counts(conn)
    out = []
    for row in store.customers(conn, currency):
        answers = scores.get(row["org_id"], [])
        touched = [t for t in (row["deals_touched_at"], answers[0][1] if answers else None) if t]
        last_touch = max(touched, key=from_iso) if touched else None
        record = {
            **row,
            "currency": currency,
            "next_checkin": checkins.get(row["org_id"]),
            "nps": answers[0][0] if answers else None,
            "previous_nps": answers[1][0] if len(answers) > 1 else None,
            "nps_answers": len(answers),
            "referrals": referrals.get(row["org_id"], 0),
            "last_touch_at": last_touch,
            "risk": retention.risk_reasons(
                last_touch=from_iso(last_touch) if last_touch else None,
                scores=[s for s, _ in answers[:2]],
                now=now,
                days=days,
            ),
            "risk_days": days,
        }
        if (at_risk and not record["risk"]) or (ambassadors and not record["referrals"]):
            continue
        out.append(record)
    return _sorted(out, sort)


# Surveys -----------------------------------------------------------------------------------------


def add_survey(
    conn: sqlite3.Connection,
    org_ref: str,
    *,
    score: int,
    now: datetime,
    person: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Record a survey answer of an organisation (by id or name, as ``org show`` finds it); the
    person who answered must be one of its people. ``at`` (default now) may not be in the future."""
    from salespipe.services.orgs import find_org, find_person

    try:
        retention.check_score(score)
    except ValueError as exc:
        raise InvalidValue(f"--score: {exc}") from None
    org = find_org(conn, org_ref)
    person_id = None
    if person is not None:
        found = find_person(conn, person)
        if found["org_id"] != org["id"]:
            where = f"at #{found['org_id']} {found['org_name']}" if found["org_id"] else "at no organisation"
            raise InvalidValue(
                f"person #{found['id']} {found['name']} is {where}, not at #{org['id']} {org['name']} "
                f"(salespipe person edit {found['id']} --org {org['id']} if they moved)"
            )
        person_id = found["id"]
    moment = at or now
    if moment > now:
        raise InvalidValue(f"--at {moment.isoformat(timespec='minutes')} is in the future: record an answer given")
    survey_id = store.insert_survey(
        conn,
        {
            "org_id": org["id"],
            "person_id": person_id,
            "score": score,
            "note": check_text(note, "--note"),
            "at": utc_iso(moment),
            "recorded_at": utc_iso(now),
        },
    )
    return store.list_surveys(conn, survey_id=survey_id)[0]


def list_surveys(conn: sqlite3.Connection, org_ref: str | None = None) -> list[dict[str, Any]]:
    from salespipe.services.orgs import find_org

    return store.list_surveys(conn, org_id=find_org(conn, org_ref)["id"] if org_ref is not None else None)


def period_nps(conn: sqlite3.Connection, since: str | None, until: str | None) -> retention.Nps:
    """The NPS of the answers given in [since, until) (UTC text bounds; None = open)."""
    return retention.nps(store.scores_between(conn, since, until))


# Referrals ---------------------------------------------------------------------------------------


class Referrer(NamedTuple):
    org_id: int | None  # exactly one of the two is set
    person_id: int | None
    label: str  # "organisation #3 ACME GmbH" / "person #5 Anna Berger"


PERSON_PREFIX, ORG_PREFIX = "person:", "org:"


def find_referrer(conn: sqlite3.Connection, ref: str) -> Referrer:
    """Who referred a deal: ``org:ID|NAME`` or ``person:ID|NAME`` say which; a bare number is an
    organisation's id; a bare name is the one organisation (matched as ``lead add --company``
    matches) or person (case and spacing aside) of that name. A name that fits several is
    refused, the candidates listed."""
    from salespipe.services.orgs import _id_of, find_org, find_person
    from salespipe.store import orgs as org_store

    text = check_text(ref, "--referred-by", required=True) or ""
    lowered = text.casefold()
    if lowered.startswith(PERSON_PREFIX):
        person = find_person(conn, text[len(PERSON_PREFIX) :].strip() or "?")
        return Referrer(None, person["id"], f"person #{person['id']} {person['name']}")
    if lowered.startswith(ORG_PREFIX) or _id_of(text) is not None:
        org = find_org(conn, text[len(ORG_PREFIX) :].strip() if lowered.startswith(ORG_PREFIX) else text)
        return Referrer(org["id"], None, f"organisation #{org['id']} {org['name']}")
    matched = org_store.match_org(conn, text)
    orgs = [org_store.get_org(conn, matched)] if matched is not None else org_store.orgs_keyed(conn, text)
    people = [p for p in org_store.list_people(conn) if fold(p["name"]) == fold(text)]
    candidates = [(f"org:{o['id']}", o["name"]) for o in orgs if o] + [
        (f"person:{p['id']}", f"{p['name']} at {p['org_name'] or 'no organisation'}") for p in people
    ]
    if not candidates:
        raise NotFound(
            f"--referred-by {text!r}: no organisation or person of that name "
            "(org list and person list show them; person:ID or org:ID names one)"
        )
    if len(candidates) > 1:
        listed = "; ".join(f"{key} {name}" for key, name in candidates[:6])
        more = f" and {len(candidates) - 6} more" if len(candidates) > 6 else ""
        raise InvalidValue(f"--referred-by {text!r} fits several: {listed}{more}; give one of these")
    if orgs:
        only = orgs[0]
        assert only is not None
        return Referrer(only["id"], None, f"organisation #{only['id']} {only['name']}")
    return Referrer(None, people[0]["id"], f"person #{people[0]['id']} {people[0]['name']}")


def referral_figures(
    conn: sqlite3.Connection, since: str | None, until: str | None, currency: str, as_of: str | None = None
) -> dict[str, dict[str, Any]]:
    """Referred deals against the rest, closed in [since, until) in ``currency``: won, lost,
    win rate (by count) and the sales cycle of the won (mean days, created to won)."""
    from salespipe.domain.metrics import ratio

    out = {}
    outcomes = store.referred_outcomes(conn, since, until, currency, as_of)
    for name, referred in (("referred", True), ("other", False)):
        mine = [o for o in outcomes if o[0] is referred]
        won = sum(o[2] for o in mine if o[1] == "won")
        lost = sum(o[2] for o in mine if o[1] != "won")
        days = sum(o[3] for o in mine if o[1] == "won")
        dated = sum(o[4] for o in mine if o[1] == "won")
        cycle = round(days / dated, 1) if dated else None  # the mean, as metrics.days_summary rounds it
        out[name] = {"won": won, "lost": lost, "win_rate": ratio(won, won + lost), "cycle_days": cycle}
    return out
