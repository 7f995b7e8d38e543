"""Report figures from aggregated rows. Pure functions; the result is the ``--json`` document,
and the renderers draw the same dict.

Money in the result is in major units (``12000.5``), rates are fractions 0..1, and a figure
without a denominator is ``None`` (``null`` in JSON, "n/a" on screen), never 0.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salespipe.domain.money import minor_digits, to_major

if TYPE_CHECKING:
    from salespipe.domain.records import (
        Bottlenecks,
        BreakdownGroup,
        ClosedFigures,
        FunnelStep,
        OpenFigures,
        PeriodRecord,
        StageFigures,
        StageTime,
        Velocity,
    )


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _major(minor: float | None, currency: str) -> int | float | None:
    if minor is None:
        return None  # unknown value
    digits = minor_digits(currency)
    value = to_major(round(minor), currency)
    return value if value is not None else round(minor / 10**digits, digits)


def period_json(since: date | None, until: date | None, label: str | None) -> PeriodRecord:
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "label": label,
    }


def pipeline_by_stage(rows: list[dict[str, Any]], currency: str) -> tuple[OpenFigures, list[StageFigures]]:
    """Open pipeline totals and one entry per open stage (with its share of the open value)."""
    open_rows = [r for r in rows if r["kind"] == "open"]
    total_value = sum(r["value_minor"] for r in open_rows)
    total: OpenFigures = {
        "count": sum(r["count"] for r in open_rows),
        "value": _major(total_value, currency),
        "weighted_value": _major(sum(r["weighted_minor"] for r in open_rows), currency),
    }
    stages: list[StageFigures] = [
        {
            "key": r["key"],
            "label": r["label"],
            "probability": r["probability"],
            "count": r["count"],
            "value": _major(r["value_minor"], currency),
            "weighted_value": _major(r["weighted_minor"], currency),
            "share": ratio(r["value_minor"], total_value),
        }
        for r in open_rows
    ]
    return total, stages


def closed_summary(closed: dict[str, int], currency: str) -> ClosedFigures:
    return {
        "won": {"count": closed["won_count"], "value": _major(closed["won_minor"], currency)},
        "lost": {"count": closed["lost_count"], "value": _major(closed["lost_minor"], currency)},
        "win_rate": ratio(closed["won_count"], closed["won_count"] + closed["lost_count"]),
        "win_rate_by_value": ratio(closed["won_minor"], closed["won_minor"] + closed["lost_minor"]),
        "avg_deal_size": (_major(closed["won_minor"] / closed["won_count"], currency) if closed["won_count"] else None),
    }


def new_vs_expansion(closed: dict[str, int], currency: str) -> dict[str, Any]:
    """Revenue won in a period from new business (kind ``new``) and from expansion (upsell,
    cross-sell, renewal): count and value of each, and expansion's share of the won value
    (None when nothing of value was won)."""
    expansion_count = closed["won_count"] - closed["won_new_count"]
    expansion_minor = closed["won_minor"] - closed["won_new_minor"]
    return {
        "new": {"count": closed["won_new_count"], "value": _major(closed["won_new_minor"], currency)},
        "expansion": {"count": expansion_count, "value": _major(expansion_minor, currency)},
        "expansion_share": ratio(expansion_minor, closed["won_minor"]),
    }


def funnel(stage_rows: list[dict[str, Any]], reach: dict[int, int], won_rank: int) -> list[FunnelStep]:
    """Deals of the cohort that reached each open stage (or a later one), then won.

    ``reach`` maps a rank (the furthest open-stage position, or ``won_rank``) to a count.
    """
    steps = [(r["key"], r["label"], r["position"], r["probability"]) for r in stage_rows if r["kind"] == "open"]
    won = next((r for r in stage_rows if r["kind"] == "won"), None)
    if won:
        steps.append((won["key"], won["label"], won_rank, won["probability"]))
    reached = [sum(n for rank, n in reach.items() if rank >= position) for _, _, position, _ in steps]
    won_count = reach.get(won_rank, 0)
    out: list[FunnelStep] = []
    for i, (key, label, _position, probability) in enumerate(steps):
        nxt = reached[i + 1] if i + 1 < len(steps) else None
        out.append(
            {
                "stage": key,
                "label": label,
                "probability": probability,
                "reached": reached[i],
                "conversion_to_next": ratio(nxt, reached[i]) if nxt is not None else None,
                "eventual_win_rate": ratio(won_count, reached[i]),
            }
        )
    return out


# Minimum sample before an observed rate is held against a configured one.
MIN_SAMPLE = 20
GAP_POINTS = 15


def days_summary(days: list[float]) -> dict[str, float | None]:
    """Mean and median of a list of day counts (``None`` when empty), to 0.1 day."""
    import statistics

    if not days:
        return {"mean": None, "median": None}
    return {"mean": round(statistics.fmean(days), 1), "median": round(statistics.median(days), 1)}


def velocity(
    *,
    open_deals: int,
    avg_deal_minor: float | None,
    win_rate: float | None,
    cycle_days: float | None,
    currency: str,
    exact_win_rate: float | None = None,
) -> Velocity:
    """Sales velocity = open deals x average deal size x win rate / sales cycle (money per day).

    Open deals = every open deal; average deal size, win rate and cycle come from the rates
    period (see ``pipeline_report``).
    """
    per_day = None
    rate = exact_win_rate if exact_win_rate is not None else win_rate  # unrounded when known
    if avg_deal_minor is not None and rate is not None and cycle_days:
        per_day = _major(open_deals * avg_deal_minor * rate / cycle_days, currency)
    return {
        "per_day": per_day,
        "open_deals": open_deals,
        "avg_deal_size": _major(avg_deal_minor, currency) if avg_deal_minor is not None else None,
        "win_rate": win_rate,
        "cycle_days": cycle_days,
    }


def funnel_flags(funnel_rows: list[FunnelStep]) -> list[FunnelStep]:
    """Add ``gap_points`` (observed "won from here" minus configured probability, in points),
    ``sample_ok`` (enough deals to mean something) and ``flag`` (a gap worth a look)."""
    out: list[FunnelStep] = []
    for row in funnel_rows:
        rate = row["eventual_win_rate"]
        gap = None if rate is None else round(rate * 100 - row["probability"], 1)
        sample_ok = row["reached"] >= MIN_SAMPLE
        out.append(
            {
                **row,
                "gap_points": gap,
                "sample_ok": sample_ok,
                "flag": bool(sample_ok and gap is not None and abs(gap) > GAP_POINTS),
            }
        )
    return out


def time_in_stage(stage_rows: list[dict[str, Any]], visits: list[tuple[str, int, float]]) -> list[StageTime]:
    """Per open stage in pipeline order, from visits (stage, deal, days): deals, how many are
    still there (the stage's open deals, counted with the time so far), mean and median days,
    where a deal's time in a stage is the sum of all its visits to it."""
    per_deal: dict[str, dict[int, float]] = {}  # stage -> deal -> days (one dict per stage: no key tuples)
    for stage, lead_id, spent in visits:
        deals = per_deal.get(stage)
        if deals is None:
            deals = per_deal[stage] = {}
        deals[lead_id] = deals.get(lead_id, 0.0) + spent
    days = {stage: list(deals.values()) for stage, deals in per_deal.items()}
    out: list[StageTime] = []
    for s in stage_rows:
        if s["kind"] != "open":
            continue
        summary = days_summary(days.get(s["key"], []))
        out.append(
            {
                "stage": s["key"],
                "label": s["label"],
                "deals": len(days.get(s["key"], [])),
                "open_deals": s["count"],
                "mean_days": summary["mean"],
                "median_days": summary["median"],
            }
        )
    return out


def bottlenecks(tis: list[StageTime], funnel_rows: list[FunnelStep]) -> Bottlenecks:
    """The slowest stage (highest median days) and the weakest stage-to-stage conversion,
    each among stages with at least a few deals, with a sentence for people."""
    candidates = [t for t in tis if t["median_days"] is not None and t["deals"] >= 3]
    slowest = max(candidates, key=lambda t: t["median_days"] or 0.0, default=None)
    steps = [f for f in funnel_rows if f["conversion_to_next"] is not None and f["reached"] >= 5]
    weakest = min(steps, key=lambda f: f["conversion_to_next"] or 0.0, default=None)
    following = {f["stage"]: funnel_rows[i + 1]["label"] for i, f in enumerate(funnel_rows[:-1])}
    words = []
    if slowest:
        words.append(
            f"Deals wait longest in {slowest['label']}: {slowest['median_days']:g} days "
            f"(median) over {slowest['deals']} deals."
        )
    if weakest:
        words.append(
            f"The weakest step is {weakest['label']} to {following[weakest['stage']]}: "
            f"{(weakest['conversion_to_next'] or 0) * 100:.0f}% of {weakest['reached']} deals get through."
        )
    return {
        "slowest_stage": slowest["stage"] if slowest else None,
        "weakest_conversion": weakest["stage"] if weakest else None,
        "summary": " ".join(words) or "Not enough history to name a bottleneck yet.",
    }


def attention_rows(rows: list[dict[str, Any]], *, day_key: str) -> list[dict[str, Any]]:
    """Stale or late deals as JSON rows (money in major units, whole days)."""
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "company": r["company"],
            "stage": r["stage"],
            "value": _major(r["value_minor"], r["currency"]),
            "currency": r["currency"],
            day_key: int(r[day_key]),
            **({"rotting_days": r["rotting_days"]} if "rotting_days" in r else {}),
            **({"expected_close": r["expected_close"]} if "expected_close" in r else {}),
        }
        for r in rows
    ]


def breakdown_rows(rows: list[dict[str, Any]], currency: str) -> list[BreakdownGroup]:
    out: list[BreakdownGroup] = [
        {
            "group": r["grp"] if r["grp"] not in (None, "") else "(none)",
            "deals": r["deals"],
            "won": r["won"],
            "lost": r["lost"],
            "win_rate": ratio(r["won"], r["won"] + r["lost"]),
            "won_value": _major(r["won_minor"], currency),
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (-(r["won_value"] or 0), -r["deals"], str(r["group"])))


# Targets -------------------------------------------------------------------------------------
THIN_HISTORY_DEALS = 20
THIN_HISTORY_WON = 5


def target_progress(
    *,
    target: dict[str, Any],
    since: date,
    until: date,
    today: date,
    won: dict[str, int],
    expected: dict[str, float],
    history: dict[str, int],
    avg_won_minor: float | None,
) -> dict[str, Any]:
    """Won so far, gap, pipeline expected to close, coverage, pace and leads needed.

    Leads needed = gap / average deal size / lead-to-win rate, where the lead-to-win rate is
    won / created over closed cohorts (deals created 90+ days ago) and the average deal size is
    that of deals won in the last 365 days.
    """
    currency = target["currency"]
    goal = target["amount_minor"]
    gap = goal - won["won_minor"]
    days_left = max((until - max(today, since)).days + 1, 0) if today <= until else 0
    weeks_left = days_left / 7
    lead_to_win = ratio(history["won"], history["created"])
    leads_needed = None
    if gap > 0 and avg_won_minor and lead_to_win:
        import math

        leads_needed = math.ceil(gap / avg_won_minor / lead_to_win)
    warnings = []
    if history["created"] < THIN_HISTORY_DEALS or history["won"] < THIN_HISTORY_WON:
        warnings.append(
            f"thin history: {history['created']} deals created 90+ days ago, {history['won']} of them "
            f"won; leads needed is a rough guess until there are {THIN_HISTORY_DEALS}+ deals and "
            f"{THIN_HISTORY_WON}+ wins"
        )
    return {
        "period": target["period"],
        "since": since.isoformat(),
        "until": until.isoformat(),
        "currency": currency,
        "goal": _major(goal, currency),
        "goal_deals": target["deals"],
        "won": {"count": won["won_count"], "value": _major(won["won_minor"], currency)},
        "progress": ratio(won["won_minor"], goal),
        "gap": _major(max(gap, 0), currency),
        "expected_to_close": {
            "count": expected["count"],
            "value": _major(expected["value_minor"], currency),
            "weighted_value": _major(expected["weighted_minor"], currency),
        },
        "coverage": ratio(expected["value_minor"], gap) if gap > 0 else None,
        "days_left": days_left,
        "pace_per_week": (_major(gap / weeks_left, currency) if gap > 0 and weeks_left else None),
        "deals_gap": (max(target["deals"] - won["won_count"], 0) if target["deals"] else None),
        "leads_needed": leads_needed,
        "leads_needed_inputs": {
            "gap": _major(max(gap, 0), currency),
            "avg_deal_size": _major(avg_won_minor, currency) if avg_won_minor else None,
            "lead_to_win_rate": lead_to_win,
            "history_created": history["created"],
            "history_won": history["won"],
        },
        "warnings": warnings,
    }
