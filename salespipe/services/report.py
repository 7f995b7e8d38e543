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


def resolve_as_of(as_of: date | None, now: datetime) -> tuple[datetime, str | None]:
    """``--as-of DAY``: the end of that day (never later than now), and its UTC text for the
    store; without it, now and None (the store then reads the leads as they are)."""
    if as_of is None or as_of >= now.date():
        return now, None
    moment = datetime.combine(as_of, time(23, 59, 59), tzinfo=now.tzinfo)
    return moment, utc_iso(moment)


def pipeline_report(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    as_of: date | None = None,
    limit: int | None = 10,
) -> dict[str, Any]:
    """The report as one JSON-ready dict (the documented ``report --json`` contract).

    ``limit`` caps the stale and past-close lists (their counts are always complete).
    """
    currency = normalize_currency(currency) if currency else default_currency(conn)
    now, as_of_text = resolve_as_of(as_of, now)
    (p_since, p_until, p_label), (r_since, r_until, r_label) = resolve_periods(
        now=now, period=period, since=since, until=until)
    p_bounds = _utc_bounds(p_since, p_until, now)
    r_bounds = _utc_bounds(r_since, r_until, now)
    now_text = utc_iso(now)
    stage_rows = report_store.open_by_stage(conn, currency, as_of_text)
    open_total, stages = metrics.pipeline_by_stage(stage_rows, currency)
    in_period = metrics.closed_summary(
        report_store.closed_between(conn, *p_bounds, currency, as_of_text), currency)
    rates_closed = report_store.closed_between(conn, *r_bounds, currency, as_of_text)
    in_rates = metrics.closed_summary(rates_closed, currency)
    cycle = metrics.days_summary(report_store.won_cycle_days(conn, *r_bounds, currency, as_of_text))
    reach = report_store.funnel_reach(conn, *r_bounds, as_of_text)
    funnel = metrics.funnel_flags(metrics.funnel(stage_rows, reach, report_store.WON_RANK))
    tis = metrics.time_in_stage(stage_rows, report_store.time_in_stage(conn, *r_bounds, now_text, as_of_text))
    stale_count, stale_rows = report_store.stale(conn, now_text, as_of=as_of_text, limit=limit)
    late_count, late_rows = report_store.past_close(conn, now.date().isoformat(), as_of_text, limit)
    avg_rates = (rates_closed["won_minor"] / rates_closed["won_count"]) if rates_closed["won_count"] else None
    return {
        "as_of": now_text,
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
        "sales_cycle_days": cycle,
        "sales_velocity": metrics.velocity(
            open_deals=open_total["count"], avg_deal_minor=avg_rates,
            win_rate=in_rates["win_rate"], cycle_days=cycle["mean"], currency=currency,
            exact_win_rate=(rates_closed["won_count"] / (rates_closed["won_count"] + rates_closed["lost_count"])
                            if rates_closed["won_count"] + rates_closed["lost_count"] else None)),
        "stages": stages,
        "funnel": funnel,
        "time_in_stage": tis,
        "bottlenecks": metrics.bottlenecks(tis, funnel),
        "stale_count": stale_count,
        "stale": metrics.attention_rows(stale_rows, day_key="days_idle"),
        "past_close_count": late_count,
        "past_close": metrics.attention_rows(late_rows, day_key="days_late"),
        "target": current_target(conn, now=now, currency=currency) if as_of_text is None else None,
        "other_currency_leads": report_store.count_other_currency(conn, currency),
    }


# The parts each `report SECTION` prints, besides the context keys every one carries.
SECTIONS: dict[str, tuple[str, ...]] = {
    "pipeline": ("open", "stages"),
    "funnel": ("funnel",),
    "conversion": ("won", "lost", "win_rate", "win_rate_by_value", "closed_in_rates_period", "funnel"),
    "cycle": ("sales_cycle_days", "time_in_stage", "bottlenecks"),
    "velocity": ("sales_velocity",),
    "stale": ("stale_count", "stale", "past_close_count", "past_close"),
}
CONTEXT = ("as_of", "currency", "period", "rates_period")


def section(data: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: data[key] for key in CONTEXT + SECTIONS[name]}


def breakdown(conn: sqlite3.Connection, *, by: str, now: datetime, period: str | None = None,
              since: date | None = None, until: date | None = None, currency: str | None = None,
              as_of: date | None = None) -> dict[str, Any]:
    """Count, won, lost, win rate and won value per source, tag, lost reason or custom field.

    Deals count in the period they were created in; won, lost and won value in the period they
    closed in. Without --period/--since/--until the period is the rates period (last 90 days).
    """
    currency = normalize_currency(currency) if currency else default_currency(conn)
    now, as_of_text = resolve_as_of(as_of, now)
    _, (r_since, r_until, r_label) = resolve_periods(now=now, period=period, since=since, until=until)
    rows = report_store.breakdown(conn, by=by, since=_utc_bounds(r_since, r_until, now)[0],
                                  until=_utc_bounds(r_since, r_until, now)[1], currency=currency,
                                  as_of=as_of_text)
    return {"as_of": utc_iso(now), "currency": currency, "by": by,
            "period": metrics.period_json(r_since, r_until, r_label),
            "groups": metrics.breakdown_rows(rows, currency)}


# Targets --------------------------------------------------------------------------------------

def set_target(conn: sqlite3.Connection, *, period: str, amount: str, deals: int | None,
               now: datetime) -> dict[str, Any]:
    from salespipe.domain.dates import target_period_bounds
    from salespipe.domain.money import parse_money
    from salespipe.store import targets as target_store

    name, _, _ = target_period_bounds(period)
    money = parse_money(amount, default_currency=default_currency(conn))
    if money.minor <= 0:
        raise InvalidValue(f"invalid target {amount!r}: must be more than 0")
    target_store.upsert(conn, period=name, amount_minor=money.minor, currency=money.currency,
                        deals=deals, updated_at=utc_iso(now))
    return target_status(conn, period=name, now=now)


def target_status(conn: sqlite3.Connection, *, period: str, now: datetime) -> dict[str, Any]:
    from salespipe.domain.dates import target_period_bounds
    from salespipe.domain.errors import NotFound
    from salespipe.store import targets as target_store

    name, first, last = target_period_bounds(period)
    target = target_store.get(conn, name)
    if target is None:
        known = [t["period"] for t in target_store.all_targets(conn)]
        raise NotFound(f"no target for {name}; set one with: salespipe target set AMOUNT --period {name}"
                       + (f" (targets: {', '.join(known)})" if known else ""))
    currency = target["currency"]
    won = report_store.closed_between(conn, *_utc_bounds(first, last, now), currency)
    expected = report_store.expected_to_close(conn, max(first, now.date()).isoformat(), last.isoformat(), currency)
    history = report_store.lead_to_win(conn, utc_iso(now - timedelta(days=90)), currency)
    year = report_store.closed_between(conn, utc_iso(now - timedelta(days=365)), None, currency)
    avg = year["won_minor"] / year["won_count"] if year["won_count"] else None
    return metrics.target_progress(target=target, since=first, until=last, today=now.date(), won=won,
                                   expected=expected, history=history, avg_won_minor=avg)


def current_target(conn: sqlite3.Connection, *, now: datetime, currency: str) -> dict[str, Any] | None:
    """Progress towards this month's target, else this quarter's, else this year's."""
    from salespipe.domain.dates import periods_containing
    from salespipe.store import targets as target_store

    for name in periods_containing(now.date()):
        target = target_store.get(conn, name)
        if target and target["currency"] == currency:
            return target_status(conn, period=name, now=now)
    return None


def list_targets(conn: sqlite3.Connection, *, now: datetime) -> list[dict[str, Any]]:
    from salespipe.store import targets as target_store

    return [target_status(conn, period=t["period"], now=now) for t in target_store.all_targets(conn)]
