"""`salespipe forecast snapshot` and `forecast accuracy`: today's forecast stored, so that real
forecast-against-actual builds up, and the stored forecasts compared with what was won.

A snapshot keeps the figures ``forecast --json`` gives for the period (P10/P50/P90 with what
was won so far, the open deals' weighted value, commit, best case, pipeline, target and the
chance to reach it, the probabilities mode, runs and seed), in minor units. One a day per
period and currency: a second one the same day replaces the first. Once the period has ended,
``accuracy`` sets each snapshot's P50 and weighted forecast (won so far plus the open deals'
weighted value) against what was won in the period, as the forecast counts it (deals in a won
stage whose close falls in the period), with the backtest's MAPE, bias and coverage.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salespipe.domain import forecast as rules
from salespipe.domain.dates import utc_day_bounds, utc_iso
from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import minor_digits, normalize_currency, to_major
from salespipe.services.forecast import forecast, forecast_period
from salespipe.services.pipeline import default_currency
from salespipe.store import forecast as forecast_store
from salespipe.store import snapshots as store

METHODS = ("p50", "weighted")


def _minor(major: int | float | None, currency: str) -> int | None:
    """A figure of ``forecast --json`` (major units) back in minor units, exactly."""
    if major is None:
        return None
    return int((Decimal(str(major)).scaleb(minor_digits(currency))).to_integral_value())


def take_snapshot(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    period: str | None = None,
    runs: int = rules.DEFAULT_RUNS,
    seed: int | None = None,
    probabilities: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """Forecast ``period`` (default this month) as of ``now`` and store it; returns the stored
    snapshot as JSON-ready dict, with ``replaced`` (the same day's earlier one, or None)."""
    first, last, _label, calendar = forecast_period(now=now, period=period, since=None, until=None)
    if last < now.date():
        raise InvalidValue(
            f"--period {period}: {first} to {last} has ended; a snapshot is of a period still to come or running "
            "(its figures would be known already)"
        )
    data = forecast(conn, now=now, period=period, runs=runs, seed=seed, probabilities=probabilities, currency=currency)
    cur = data["currency"]
    categories = data["categories"]
    # the period by its calendar name (2026-11), which stays true; this-month would not
    row = {
        "taken_on": now.date().isoformat(),
        "taken_at": data["as_of"],
        "period_label": calendar or data["period"]["label"],
        "period_start": data["period"]["start"],
        "period_end": data["period"]["end"],
        "currency": cur,
        "probabilities": data["probabilities"],
        "runs": data["runs"],
        "seed": data["seed"],
        "p10_minor": _minor(data["p10"], cur),
        "p50_minor": _minor(data["p50"], cur),
        "p90_minor": _minor(data["p90"], cur),
        "weighted_minor": _minor(data["weighted"], cur),
        "commit_minor": _minor(categories["commit"]["value"], cur),
        "best_case_minor": _minor(categories["best_case"]["value"], cur),
        "pipeline_minor": _minor(categories["pipeline"]["weighted"], cur),
        "won_count": data["won"]["count"],
        "won_minor": _minor(data["won"]["value"], cur),
        "target_minor": _minor(data["target"]["goal"], cur) if data["target"] else None,
        "p_hit_target": data["p_hit_target"],
    }
    snapshot_id, old = store.save(conn, row)
    return {
        **record({**row, "id": snapshot_id}),
        "replaced": None if old is None else {"id": old["id"], "taken_at": old["taken_at"]},
    }


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored snapshot as JSON (money in major units, as ``forecast --json``)."""
    cur = row["currency"]

    def major(minor: int | None) -> int | float | None:
        return to_major(minor, cur)

    return {
        "id": row["id"],
        "taken_on": row["taken_on"],
        "taken_at": row["taken_at"],
        "period": {"start": row["period_start"], "end": row["period_end"], "label": row["period_label"]},
        "currency": cur,
        "p10": major(row["p10_minor"]),
        "p50": major(row["p50_minor"]),
        "p90": major(row["p90_minor"]),
        "weighted": major(row["weighted_minor"]),
        "commit": major(row["commit_minor"]),
        "best_case": major(row["best_case_minor"]),
        "pipeline": major(row["pipeline_minor"]),
        "won": {"count": row["won_count"], "value": major(row["won_minor"])},
        "target": major(row["target_minor"]),
        "p_hit_target": row["p_hit_target"],
        "probabilities": row["probabilities"],
        "runs": row["runs"],
        "seed": row["seed"],
    }


def accuracy(conn: sqlite3.Connection, *, now: datetime, currency: str | None = None) -> dict[str, Any]:
    """``forecast accuracy`` as one JSON-ready dict: each snapshot in ``currency`` (default the
    pipeline's) against what was won in its period once that has ended (else ``pending``), and
    MAPE, bias and P10-P90 coverage over the ended ones."""
    cur = normalize_currency(currency) if currency else default_currency(conn)
    today = now.date()
    rows = store.all_in(conn, cur)
    actuals: dict[tuple[str, str], tuple[int, int]] = {}
    out: list[dict[str, Any]] = []
    pairs: dict[str, list[tuple[float, float]]] = {m: [] for m in METHODS}
    ranges: list[tuple[float, float, float]] = []

    def major(minor: int | float | None) -> int | float | None:
        return None if minor is None else to_major(minor, cur)

    for row in rows:
        snap = record(row)
        forecasts = {"p50": row["p50_minor"], "weighted": row["won_minor"] + row["weighted_minor"]}
        base = {
            "id": snap["id"],
            "taken_on": snap["taken_on"],
            "taken_at": snap["taken_at"],
            "period": snap["period"],
            "forecast": {m: major(forecasts[m]) for m in METHODS},
            "p10": snap["p10"],
            "p90": snap["p90"],
            "won_at_snapshot": snap["won"],
            "probabilities": snap["probabilities"],
            "runs": snap["runs"],
            "seed": snap["seed"],
        }
        key = (row["period_start"], row["period_end"])
        if date.fromisoformat(row["period_end"]) >= today:
            out.append(
                {**base, "status": "pending", "actual": None, "error": None, "error_share": None, "in_range": None}
            )
            continue
        if key not in actuals:
            since, until = utc_day_bounds(date.fromisoformat(key[0]), date.fromisoformat(key[1]), now.tzinfo)
            won = forecast_store.won_between(conn, since, until, cur)
            actuals[key] = (len(won), sum(v for _, v in won if v is not None))
        count, value = actuals[key]
        for m in METHODS:
            pairs[m].append((forecasts[m], value))
        ranges.append((row["p10_minor"], row["p90_minor"], value))
        out.append(
            {
                **base,
                "status": "ended",
                "actual": {"count": count, "value": major(value)},
                "error": {m: major(forecasts[m] - value) for m in METHODS},
                "error_share": {m: (round((forecasts[m] - value) / value, 4) if value > 0 else None) for m in METHODS},
                "in_range": row["p10_minor"] <= value <= row["p90_minor"],
            }
        )

    def share(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return {
        "as_of": utc_iso(now),
        "currency": cur,
        "methods": list(METHODS),
        "snapshots": out,
        "ended": len(ranges),
        "pending": len(out) - len(ranges),
        "mape": {m: share(rules.mape(pairs[m])) for m in METHODS},
        "bias": {m: share(rules.bias(pairs[m])) for m in METHODS},
        "coverage": share(rules.coverage(ranges)),
        "other_currency": store.count_in_other_currencies(conn, cur),
    }
