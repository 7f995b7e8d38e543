"""Report figures from aggregated rows. Pure functions; the result is the ``--json`` document,
and the renderers draw the same dict.

Money in the result is in major units (``12000.5``), rates are fractions 0..1, and a figure
without a denominator is ``None`` (``null`` in JSON, "n/a" on screen), never 0.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from salespipe.domain.money import minor_digits, to_major


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _major(minor: float, currency: str) -> int | float:
    digits = minor_digits(currency)
    value = to_major(round(minor), currency)
    return value if value is not None else round(minor / 10**digits, digits)


def period_json(since: date | None, until: date | None, label: str | None) -> dict[str, Any]:
    return {"since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None, "label": label}


def pipeline_by_stage(rows: list[dict[str, Any]], currency: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Open pipeline totals and one entry per open stage (with its share of the open value)."""
    open_rows = [r for r in rows if r["kind"] == "open"]
    total_value = sum(r["value_minor"] for r in open_rows)
    total = {
        "count": sum(r["count"] for r in open_rows),
        "value": _major(total_value, currency),
        "weighted_value": _major(sum(r["weighted_minor"] for r in open_rows), currency),
    }
    stages = [
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


def closed_summary(closed: dict[str, int], currency: str) -> dict[str, Any]:
    return {
        "won": {"count": closed["won_count"], "value": _major(closed["won_minor"], currency)},
        "lost": {"count": closed["lost_count"], "value": _major(closed["lost_minor"], currency)},
        "win_rate": ratio(closed["won_count"], closed["won_count"] + closed["lost_count"]),
        "win_rate_by_value": ratio(closed["won_minor"], closed["won_minor"] + closed["lost_minor"]),
        "avg_deal_size": (_major(closed["won_minor"] / closed["won_count"], currency)
                          if closed["won_count"] else None),
    }


def funnel(stage_rows: list[dict[str, Any]], reach: dict[int, int], won_rank: int) -> list[dict[str, Any]]:
    """Deals of the cohort that reached each open stage (or a later one), then won.

    ``reach`` maps a rank (the furthest open-stage position, or ``won_rank``) to a count.
    """
    steps = [(r["key"], r["label"], r["position"], r["probability"])
             for r in stage_rows if r["kind"] == "open"]
    won = next((r for r in stage_rows if r["kind"] == "won"), None)
    if won:
        steps.append((won["key"], won["label"], won_rank, won["probability"]))
    reached = [sum(n for rank, n in reach.items() if rank >= position) for _, _, position, _ in steps]
    won_count = reach.get(won_rank, 0)
    out = []
    for i, (key, label, _position, probability) in enumerate(steps):
        nxt = reached[i + 1] if i + 1 < len(steps) else None
        out.append({
            "stage": key,
            "label": label,
            "probability": probability,
            "reached": reached[i],
            "conversion_to_next": ratio(nxt, reached[i]) if nxt is not None else None,
            "eventual_win_rate": ratio(won_count, reached[i]),
        })
    return out
