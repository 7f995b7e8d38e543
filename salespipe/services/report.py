"""The daily pipeline report: collects aggregates from the store, computes with the domain.

Periods: won/lost default to this month; win rates and the funnel default to the last 90 days
(enough closed deals to mean something). ``--period``/``--since``/``--until`` set both.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from salespipe.domain import metrics
from salespipe.domain.dates import parse_period, period_bounds, utc_iso
from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import normalize_currency
from salespipe.services.customers import period_nps, referral_figures
from salespipe.services.pipeline import default_currency
from salespipe.store import reports as report_store

if TYPE_CHECKING:
    from salespipe.domain.records import (
        ClosedFigures,
        FunnelStep,
        OpenFigures,
        StageFigures,
        StageTime,
        Velocity,
    )


def _utc_bounds(since: date | None, until: date | None, now: datetime) -> tuple[str | None, str | None]:
    """Inclusive local dates -> half-open UTC text bounds [since 00:00, until+1 00:00)."""
    from salespipe.domain.dates import utc_day_bounds

    return utc_day_bounds(since, until, now.tzinfo)


def _check_years(**days: date | None) -> None:
    """Report dates from 1900 to 9998: beyond, a day's bounds cannot be computed."""
    for name, day in days.items():
        if day is not None and not 1900 <= day.year <= 9998:
            raise InvalidValue(f"--{name.replace('_', '-')} {day.isoformat()}: give a date from 1900 to 9998")


def resolve_periods(
    *, now: datetime, period: str | None, since: date | None, until: date | None
) -> tuple[tuple[date | None, date | None, str], tuple[date | None, date | None, str]]:
    """(won/lost period, rates period), each as (since, until, label)."""
    if period and (since or until):
        raise InvalidValue("give either --period or --since/--until, not both")
    _check_years(since=since, until=until)
    today = now.date()
    if since or until:
        if since and until and since > until:
            raise InvalidValue(f"--since {since} is after --until {until}")
        custom = (since, until, "custom")
        return custom, custom
    if period:
        named = parse_period(period, today)
        return (named.since, named.until, named.name), (named.since, named.until, named.name)
    month = period_bounds("this-month", today)
    rates = period_bounds("last-90-days", today)
    return (*month, "this-month"), (*rates, "last-90-days")


def resolve_as_of(as_of: date | None, now: datetime) -> tuple[datetime, str | None]:
    """``--as-of DAY``: the end of that day (never later than now), and its UTC text for the
    store; without it, now and None (the store then reads the leads as they are)."""
    _check_years(as_of=as_of)
    if as_of is None or as_of >= now.date():
        return now, None
    moment = datetime.combine(as_of, time(23, 59, 59), tzinfo=now.tzinfo)
    return moment, utc_iso(moment)


REPORT_RUNS = 2_000  # the headline's forecast: fewer runs than `forecast` (10,000), so the report stays fast
REPORT_BUDGET = 100_000  # and fewer deals drawn one by one


class _Report:
    """The report's figures, each computed on first use, so a section pays only for its own."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        now: datetime,
        period: str | None,
        since: date | None,
        until: date | None,
        currency: str | None,
        as_of: date | None,
        limit: int | None,
    ):
        self.conn = conn
        self.currency = normalize_currency(currency) if currency else default_currency(conn)
        self.now, self.as_of = resolve_as_of(as_of, now)
        (self.p_since, self.p_until, self.p_label), (self.r_since, self.r_until, self.r_label) = resolve_periods(
            now=self.now, period=period, since=since, until=until
        )
        self.p_bounds = _utc_bounds(self.p_since, self.p_until, self.now)
        self.r_bounds = _utc_bounds(self.r_since, self.r_until, self.now)
        self.now_text = utc_iso(self.now)
        self.day = self.now.date().isoformat()  # parked deals are out of the pipeline on this day
        self.limit = limit

    @cached_property
    def stage_rows(self) -> list[dict[str, Any]]:
        return report_store.open_by_stage(self.conn, self.currency, self.as_of, self.day)

    @cached_property
    def pipeline(self) -> tuple[OpenFigures, list[StageFigures]]:
        return metrics.pipeline_by_stage(self.stage_rows, self.currency)

    @cached_property
    def period_closed(self) -> dict[str, int]:
        return report_store.closed_between(self.conn, *self.p_bounds, self.currency, self.as_of)

    @cached_property
    def in_period(self) -> ClosedFigures:
        return metrics.closed_summary(self.period_closed, self.currency)

    @cached_property
    def rates_closed(self) -> dict[str, int]:
        return report_store.closed_between(self.conn, *self.r_bounds, self.currency, self.as_of)

    @cached_property
    def in_rates(self) -> ClosedFigures:
        return metrics.closed_summary(self.rates_closed, self.currency)

    @cached_property
    def cycle(self) -> dict[str, float | None]:
        return metrics.days_summary(report_store.won_cycle_days(self.conn, *self.r_bounds, self.currency, self.as_of))

    @cached_property
    def funnel(self) -> list[FunnelStep]:
        reach = report_store.funnel_reach(self.conn, *self.r_bounds, self.as_of)
        return metrics.funnel_flags(metrics.funnel(self.stage_rows, reach, report_store.WON_RANK))

    @cached_property
    def time_in_stage(self) -> list[StageTime]:
        visits = report_store.time_in_stage(self.conn, *self.r_bounds, self.now_text, self.as_of, self.day)
        return metrics.time_in_stage(self.stage_rows, visits)

    @cached_property
    def data_gaps(self) -> dict[str, int]:
        return report_store.data_gaps(self.conn, self.currency)

    @cached_property
    def stale(self) -> tuple[int, list[dict[str, Any]]]:
        return report_store.stale(self.conn, self.now_text, self.day, as_of=self.as_of, limit=self.limit)

    @cached_property
    def past_close(self) -> tuple[int, list[dict[str, Any]]]:
        return report_store.past_close(self.conn, self.day, self.as_of, self.limit)

    @cached_property
    def slipping(self) -> tuple[int, list[dict[str, Any]]]:
        return report_store.slipping(self.conn, self.day, self.as_of, self.limit)

    def velocity(self) -> Velocity:
        closed = self.rates_closed
        decided = closed["won_count"] + closed["lost_count"]
        return metrics.velocity(
            open_deals=self.pipeline[0]["count"],
            avg_deal_minor=closed["won_minor"] / closed["won_count"] if closed["won_count"] else None,
            win_rate=self.in_rates["win_rate"],
            cycle_days=self.cycle["mean"],
            currency=self.currency,
            exact_win_rate=closed["won_count"] / decided if decided else None,
        )

    @cached_property
    def forecast(self) -> dict[str, Any] | None:
        """The headline's forecast of the won/lost period: P10, P50, P90 and the chance to reach
        its target, from ``REPORT_RUNS`` runs seeded by the date (the same all day); none for a
        past pipeline (``--as-of``), a period without an end or one longer than a forecast's."""
        if self.as_of is not None or self.p_since is None or self.p_until is None:
            return None
        from salespipe.services.forecast import MAX_DAYS, forecast

        if (self.p_until - self.p_since).days >= MAX_DAYS:
            return None

        named = self.p_label != "custom"
        data = forecast(
            self.conn,
            now=self.now,
            period=self.p_label if named else None,
            since=None if named else self.p_since,
            until=None if named else self.p_until,
            runs=REPORT_RUNS,
            seed=int(self.now.strftime("%Y%m%d")),
            currency=self.currency,
            budget=REPORT_BUDGET,
        )
        target = data["target"]
        return {
            "p10": data["p10"],
            "p50": data["p50"],
            "p90": data["p90"],
            "goal": target["goal"] if target else None,
            "p_hit_target": data["p_hit_target"],
            "probabilities": data["probabilities"],
            "runs": data["runs"],
            "seed": data["seed"],
        }

    def nps(self) -> dict[str, Any]:
        """The net promoter score of the survey answers given in the rates period."""
        return {
            **period_nps(self.conn, *self.r_bounds),
            "period": metrics.period_json(self.r_since, self.r_until, self.r_label),
        }

    def value(self, key: str) -> Any:
        c = self.currency
        getters = {
            "as_of": lambda: self.now_text,
            "currency": lambda: c,
            "period": lambda: metrics.period_json(self.p_since, self.p_until, self.p_label),
            "rates_period": lambda: metrics.period_json(self.r_since, self.r_until, self.r_label),
            "open": lambda: self.pipeline[0],
            "won": lambda: self.in_period["won"],
            "lost": lambda: self.in_period["lost"],
            "avg_deal_size": lambda: self.in_period["avg_deal_size"],
            "new_vs_expansion": lambda: metrics.new_vs_expansion(self.period_closed, c),
            "win_rate": lambda: self.in_rates["win_rate"],
            "win_rate_by_value": lambda: self.in_rates["win_rate_by_value"],
            "closed_in_rates_period": lambda: {
                "won": self.in_rates["won"]["count"],
                "lost": self.in_rates["lost"]["count"],
            },
            "nps": self.nps,
            "referrals": lambda: referral_figures(self.conn, *self.r_bounds, c, self.as_of),
            "sales_cycle_days": lambda: self.cycle,
            "sales_velocity": self.velocity,
            "forecast": lambda: self.forecast,
            "stages": lambda: self.pipeline[1],
            "funnel": lambda: self.funnel,
            "time_in_stage": lambda: self.time_in_stage,
            "bottlenecks": lambda: metrics.bottlenecks(self.time_in_stage, self.funnel),
            "stale_count": lambda: self.stale[0],
            "stale": lambda: metrics.attention_rows(self.stale[1], day_key="days_idle"),
            "past_close_count": lambda: self.past_close[0],
            "past_close": lambda: metrics.attention_rows(self.past_close[1], day_key="days_late"),
            "slipping_count": lambda: self.slipping[0],
            "slipping": lambda: [
                {**row, "pushes": raw["pushes"], "first_expected": raw["first_expected"]}
                for row, raw in zip(
                    metrics.attention_rows(self.slipping[1], day_key="days_pushed"), self.slipping[1], strict=True
                )
            ],
            "target": lambda: current_target(self.conn, now=self.now, currency=c) if self.as_of is None else None,
            "other_currency_leads": lambda: report_store.count_other_currency(self.conn, c),
            "data_gaps": lambda: self.data_gaps,
        }
        return getters[key]()


# The keys of `report --json`, in order (the README documents each).
REPORT_KEYS = (
    "as_of",
    "currency",
    "period",
    "rates_period",
    "open",
    "won",
    "lost",
    "avg_deal_size",
    "new_vs_expansion",
    "win_rate",
    "win_rate_by_value",
    "closed_in_rates_period",
    "nps",
    "referrals",
    "sales_cycle_days",
    "sales_velocity",
    "forecast",
    "stages",
    "funnel",
    "time_in_stage",
    "bottlenecks",
    "stale_count",
    "stale",
    "past_close_count",
    "past_close",
    "slipping_count",
    "slipping",
    "target",
    "other_currency_leads",
    "data_gaps",
)
CONTEXT = ("as_of", "currency", "period", "rates_period")
# The parts each `report SECTION --json` prints, besides the context keys every one carries.
SECTIONS: dict[str, tuple[str, ...]] = {
    "pipeline": ("open", "stages"),
    "funnel": ("funnel",),
    "conversion": (
        "won",
        "lost",
        "new_vs_expansion",
        "win_rate",
        "win_rate_by_value",
        "closed_in_rates_period",
        "funnel",
    ),
    "cycle": ("sales_cycle_days", "time_in_stage", "bottlenecks", "data_gaps"),
    "velocity": ("sales_velocity", "data_gaps"),
    "stale": ("stale_count", "stale", "past_close_count", "past_close", "slipping_count", "slipping"),
}
# What the screen version of a section draws needs a little more.
SECTION_SCREEN_KEYS: dict[str, tuple[str, ...]] = {
    **SECTIONS,
    "conversion": (
        "open",
        "won",
        "lost",
        "avg_deal_size",
        "new_vs_expansion",
        "win_rate",
        "win_rate_by_value",
        "closed_in_rates_period",
        "funnel",
    ),
    # the bottleneck sentence, said again in the pipeline's language, names a funnel step
    "cycle": (*SECTIONS["cycle"], "funnel"),
}


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
    keys: tuple[str, ...] = REPORT_KEYS,
) -> dict[str, Any]:
    """The report as one JSON-ready dict (the documented ``report --json`` contract), or just
    ``keys`` of it. ``limit`` caps the stale and past-close lists (their counts are complete).
    Every figure is read from one state of the file (one read transaction), so a change
    committed meanwhile by another command cannot make two parts disagree."""
    report_store.prepare(conn)
    wanted = dict.fromkeys(CONTEXT + keys + ("other_currency_leads", "data_gaps"))
    with report_store.one_state(conn):
        report = _Report(
            conn, now=now, period=period, since=since, until=until, currency=currency, as_of=as_of, limit=limit
        )
        return {key: report.value(key) for key in wanted}


def section(data: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: data[key] for key in CONTEXT + SECTIONS[name]}


def breakdown(
    conn: sqlite3.Connection,
    *,
    by: str,
    now: datetime,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Count, won, lost, win rate and won value per source, tag, lost reason or custom field.

    Deals count in the period they were created in; won, lost and won value in the period they
    closed in. Without --period/--since/--until the period is the rates period (last 90 days).
    """
    if by not in report_store.BREAKDOWN_COLUMNS and not report_store.has_custom_field(conn, by):
        from salespipe.domain.errors import InvalidValue

        fields = report_store.custom_field_names(conn)
        raise InvalidValue(
            f"no deal has a field {by!r}; choose from: {', '.join(report_store.BREAKDOWN_COLUMNS)}"
            + (f", or a custom field: {', '.join(fields[:20])}" if fields else "")
        )
    report_store.prepare(conn)
    currency = normalize_currency(currency) if currency else default_currency(conn)
    now, as_of_text = resolve_as_of(as_of, now)
    _, (r_since, r_until, r_label) = resolve_periods(now=now, period=period, since=since, until=until)
    rows = report_store.breakdown(
        conn,
        by=by,
        since=_utc_bounds(r_since, r_until, now)[0],
        until=_utc_bounds(r_since, r_until, now)[1],
        currency=currency,
        as_of=as_of_text,
    )
    return {
        "as_of": utc_iso(now),
        "currency": currency,
        "by": by,
        "period": metrics.period_json(r_since, r_until, r_label),
        "groups": metrics.breakdown_rows(rows, currency),
    }


# Targets --------------------------------------------------------------------------------------


def set_target(
    conn: sqlite3.Connection, *, period: str, amount: str, deals: int | None, now: datetime
) -> dict[str, Any]:
    from salespipe.domain.dates import target_period_bounds
    from salespipe.domain.money import parse_money
    from salespipe.store import targets as target_store

    name, _, _ = target_period_bounds(period, now.date())
    money = parse_money(amount, default_currency=default_currency(conn))
    if money.minor <= 0:
        raise InvalidValue(f"invalid target {amount!r}: must be more than 0")
    target_store.upsert(
        conn, period=name, amount_minor=money.minor, currency=money.currency, deals=deals, updated_at=utc_iso(now)
    )
    return target_status(conn, period=name, now=now)


def target_status(conn: sqlite3.Connection, *, period: str, now: datetime) -> dict[str, Any]:
    from salespipe.domain.dates import target_period_bounds
    from salespipe.domain.errors import NotFound
    from salespipe.store import targets as target_store

    name, first, last = target_period_bounds(period, now.date())
    target = target_store.get(conn, name)
    if target is None:
        known = [t["period"] for t in target_store.all_targets(conn)]
        raise NotFound(
            f"no target for {name}; set one with: salespipe target set AMOUNT --period {name}"
            + (f" (targets: {', '.join(known)})" if known else "")
        )
    currency = target["currency"]
    won = report_store.closed_between(conn, *_utc_bounds(first, last, now), currency)
    expected = report_store.expected_to_close(  # parked deals back by the last day count (store.open_pipeline)
        conn, max(first, now.date()).isoformat(), last.isoformat(), currency, max(last, now.date()).isoformat()
    )
    history = report_store.lead_to_win(conn, utc_iso(now - timedelta(days=90)), currency)
    year = report_store.closed_between(conn, utc_iso(now - timedelta(days=365)), None, currency)
    avg = year["won_minor"] / year["won_count"] if year["won_count"] else None
    return metrics.target_progress(
        target=target,
        since=first,
        until=last,
        today=now.date(),
        won=won,
        expected=expected,
        history=history,
        avg_won_minor=avg,
    )


def current_target(conn: sqlite3.Connection, *, now: datetime, currency: str) -> dict[str, Any] | None:
    """Progress towards this month's target, else this quarter's, else this year's."""
    from salespipe.domain.dates import periods_containing
    from salespipe.store import targets as target_store

    for name in periods_containing(now.date()):
        target = target_store.get(conn, name)
        if target and target["currency"] == currency:
            return target_status(conn, period=name, now=now)
    return None


def target_for(conn: sqlite3.Connection, period: str | None, *, now: datetime) -> dict[str, Any]:
    """``target show``: the named period's target, else the current one (month, quarter, year)."""
    from salespipe.domain.errors import NotFound

    if period:
        return target_status(conn, period=period, now=now)
    status = current_target(conn, now=now, currency=default_currency(conn))
    if status is None:
        raise NotFound(
            "no target for this month, quarter or year; set one with: "
            "salespipe target set AMOUNT --period " + now.strftime("%Y-%m")
        )
    return status


def list_targets(conn: sqlite3.Connection, *, now: datetime) -> list[dict[str, Any]]:
    from salespipe.store import targets as target_store

    return [target_status(conn, period=t["period"], now=now) for t in target_store.all_targets(conn)]
