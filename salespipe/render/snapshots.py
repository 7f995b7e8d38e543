"""`salespipe forecast accuracy` as a person reads it: each stored snapshot against what was
won, and the overall error, bias and coverage. Drawn from the same dict ``--json`` prints;
``--csv`` prints a row per snapshot."""

from __future__ import annotations

from typing import Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.present import Rows, View
from salespipe.render.table import BOLD, Column, draw, style
from salespipe.render.words import words

ACCURACY_KEYS = (
    "id",
    "taken_on",
    "label",
    "start",
    "end",
    "status",
    "p50",
    "weighted",
    "p10",
    "p90",
    "actual_count",
    "actual_value",
    "error_p50",
    "error_weighted",
    "in_range",
)


def accuracy_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """``forecast accuracy --csv``: a row per snapshot (pending ones with empty actuals)."""
    rows = []
    for s in data["snapshots"]:
        ended = s["status"] == "ended"
        rows.append(
            {
                "id": s["id"],
                "taken_on": s["taken_on"],
                "label": s["period"]["label"],
                "start": s["period"]["start"],
                "end": s["period"]["end"],
                "status": s["status"],
                "p50": s["forecast"]["p50"],
                "weighted": s["forecast"]["weighted"],
                "p10": s["p10"],
                "p90": s["p90"],
                "actual_count": s["actual"]["count"] if ended else None,
                "actual_value": s["actual"]["value"] if ended else None,
                "error_p50": s["error"]["p50"] if ended else None,
                "error_weighted": s["error"]["weighted"] if ended else None,
                "in_range": s["in_range"],
            }
        )
    return rows


def accuracy_text(data: dict[str, Any], *, width: int | None, colour: bool, loc: Locale = ENGLISH) -> str:
    from salespipe.render.output import fit

    tr = words(loc.lang)
    cur = data["currency"]

    def money(value: Any) -> str:
        return loc.major(value, cur, cents=False)

    def pct(value: float | None, signed: bool = False) -> str:
        if value is None:
            return "–"
        text = loc.percent(round(value * 100))
        return ("+" + text) if signed and value > 0 else text

    heading = tr("Forecast accuracy, {currency}: the stored snapshots against what was won", currency=cur)
    lines = [style(line, BOLD, colour) for line in (fit([heading], width) if width else heading).split("\n")]
    lines.append("")
    columns = [
        Column(tr("Period")),
        Column(tr("Taken")),
        Column(tr("P50"), align="right"),
        Column(tr("Weighted"), align="right", drop=3),
        Column(tr("P10–P90"), align="right", drop=2),
        Column(tr("Won"), align="right"),
        Column(tr("Deals"), align="right", drop=1),
        Column(tr("Error"), align="right", drop=4),
    ]
    rows = []
    for s in data["snapshots"]:
        ended = s["status"] == "ended"
        rows.append(
            [
                s["period"]["label"],
                s["taken_on"],
                money(s["forecast"]["p50"]),
                money(s["forecast"]["weighted"]),
                f"{money(s['p10'])}–{money(s['p90'])}" + ("" if s["in_range"] is not False else " ✗"),
                money(s["actual"]["value"]) if ended else tr("pending"),
                loc.number(s["actual"]["count"]) if ended else "",
                pct(s["error_share"]["p50"], True) if ended else "",
            ]
        )
    lines += draw(columns, rows, width=width, colour=colour).rstrip("\n").split("\n")
    notes = []
    if data["ended"]:
        notes.append(
            tr(
                "Over the {n} snapshot(s) of ended periods: error (MAPE) {p50} for the P50, {weighted} for the weighted "
                "forecast; bias {bias_p50} and {bias_weighted} (above 0: too high); the actual fell in P10–P90 in "
                "{coverage} (✗: not).",
                n=loc.number(data["ended"]),
                p50=pct(data["mape"]["p50"]),
                weighted=pct(data["mape"]["weighted"]),
                bias_p50=pct(data["bias"]["p50"], True),
                bias_weighted=pct(data["bias"]["weighted"], True),
                coverage=pct(data["coverage"]),
            )
        )
    else:
        notes.append(tr("No snapshot's period has ended yet."))
    notes.append(
        tr(
            "Weighted: won by the snapshot plus the open deals' weighted value; Error: the P50's against what was "
            "won; pending: the period has not ended."
        )
    )
    if data["other_currency"]:
        notes.append(
            tr(
                "{n} snapshot(s) in other currencies are left out (--currency CODE shows them).",
                n=loc.number(data["other_currency"]),
            )
        )
    lines += ["", fit(notes, width) if width else "\n".join(notes)]
    return "\n".join(lines) + "\n"


def accuracy_view(data: dict[str, Any], *, loc: Locale = ENGLISH) -> View:
    empty = None
    if not data["snapshots"]:
        empty = "No forecast snapshots yet: salespipe forecast snapshot stores today's (daily from cron, say)."
        if data["other_currency"]:
            empty += f" {data['other_currency']} in other currencies: --currency CODE shows them."
    return View(
        data,
        lambda t: accuracy_text(data, width=t.width, colour=t.colour, loc=loc),
        csv=Rows(ACCURACY_KEYS, accuracy_rows(data)),
        empty=empty,
    )
