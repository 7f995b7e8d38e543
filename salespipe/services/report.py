"""The daily pipeline report: collects aggregates from the store, computes with the domain.

Periods: won/lost default to this month; win rates and the funnel default to the last 90 days
(enough closed deals to mean something). ``--period``/``--since``/``--until`` set both.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

from salespipe.domain import metrics
from salespipe.domain.dates import period_bounds, utc_iso
from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import normalize_currency
from salespipe.services.leads import default_currency
from salespipe.store import reports as report_store


def _utc_bounds(since: date | None, until: date | None, now: datetime) -> tuple[str | None, str | None]:
    """Inclusive local dates -> half-open UTC text bounds [since 00:00, until+1 00:00)."""
    tz = now.tzinfo
    lo = utc_iso(datetime.combine(since, time(), tzinfo=tz)) if since else None
    hi = utc_iso(datetime.combine(until + timedelta(days=1), time(), tzinfo=tz)) if until else None
    return lo, hi


def resolve_periods(
    *, now: datetime, period: str | None, since: date | None, until: date | None
) -> tuple[tuple[date | None, date | None, str], tuple[date | None, date | None, str]]:
    """(won/lost period, rates period), each as (since, until, label)."""
    if period and (since or until):
        raise InvalidValue("give either --period or --since/--until, not both")
    today = now.date()
    if since or until:
        if since and until and since > until:
            raise InvalidValue(f"--since {since} is after --until {until}")
        custom = (since, until, "custom")
        return custom, custom
    if period:
        lo, hi = period_bounds(period, today)
        return (lo, hi, period), (lo, hi, period)
    month = period_bounds("this-month", today)
    rates = period_bounds("last-90-days", today)
    return (*month, "this-month"), (*rates, "last-90-days")


def pipeline_report(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """The report as one JSON-ready dict (the documented ``report --json`` contract)."""
    currency = normalize_currency(currency) if currency else default_currency(conn)
    (p_since, p_until, p_label), (r_since, r_until, r_label) = resolve_periods(
        now=now, period=period, since=since, until=until)
    stage_rows = report_store.open_by_stage(conn, currency)
    open_total, stages = metrics.pipeline_by_stage(stage_rows, currency)
    in_period = metrics.closed_summary(
        report_store.closed_between(conn, *_utc_bounds(p_since, p_until, now), currency), currency)
    in_rates = metrics.closed_summary(
        report_store.closed_between(conn, *_utc_bounds(r_since, r_until, now), currency), currency)
    reach = report_store.funnel_reach(conn, *_utc_bounds(r_since, r_until, now))
    return {
        "as_of": utc_iso(now),
        "currency": currency,
        "period": metrics.period_json(p_since, p_until, p_label),
        "rates_period": metrics.period_json(r_since, r_until, r_label),
        "open": open_total,
        "won": in_period["won"],
        "lost": in_period["lost"],
        "avg_deal_size": in_period["avg_deal_size"],
        "win_rate": in_rates["win_rate"],
        "win_rate_by_value": in_rates["win_rate_by_value"],
        "closed_in_rates_period": {"won": in_rates["won"]["count"], "lost": in_rates["lost"]["count"]},
        "stages": stages,
        "funnel": metrics.funnel(stage_rows, reach, report_store.WON_RANK),
        "other_currency_leads": report_store.count_other_currency(conn, currency),
    }
