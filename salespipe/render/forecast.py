"""`salespipe forecast` as a person reads it, in the pipeline's language: the verdict, the
figures behind it, and the period by month (or week) and forecast category. Drawn from the same
dict ``--json`` prints; ``--csv`` prints the month rows."""

from __future__ import annotations

from typing import Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.present import Rows, View
from salespipe.render.table import BOLD, Column, draw, pad, style, width_of, wrap
from salespipe.render.words import words

MONTH_KEYS = ("label", "start", "end", "won", "commit", "best_case", "pipeline", "forecast", "target", "gap")


def chance(value: float, loc: Locale = ENGLISH) -> str:
    """A probability as a whole percentage; never 0 % or 100 % for what is only nearly so."""
    if 0 < value < 0.005:
        return "<" + loc.percent(1)
    if 0.995 <= value < 1:
        return ">" + loc.percent(99)
    return loc.percent(round(value * 100))


def slip_text(slip: dict[str, Any], loc: Locale = ENGLISH) -> str:
    """Where the close dates come from."""
    tr = words(loc.lang)
    if slip["used"]:
        return tr(
            "slip drawn from the recorded close dates of {n} won deals (median {days} days)",
            n=loc.number(slip["deals"]),
            days=("+" if slip["median_days"] > 0 else "") + loc.number(slip["median_days"]),
        )
    if slip["deals"]:
        return tr(
            "too little slip history ({n} won deal(s) with recorded close dates, {needed} needed): no slip assumed",
            n=loc.number(slip["deals"]),
            needed=loc.number(5),
        )
    return tr("no slip history: no slip assumed")


def verdict(data: dict[str, Any], loc: Locale = ENGLISH) -> str:
    """The one line: the chance to reach the target, else the likely range."""
    tr = words(loc.lang)
    cur = data["currency"]

    def money(value: Any) -> str:
        return loc.major(value, cur, cents=False)

    target = data["target"]
    if target and data["won"]["value"] is not None and data["won"]["value"] >= target["goal"]:
        return tr(
            "Target reached: {won} won of the {goal} target.",
            won=money(data["won"]["value"]),
            goal=money(target["goal"]),
        )
    if not data["open"]["count"]:
        return tr(
            "Nothing open is expected to close in this period; won so far {won}.", won=money(data["won"]["value"])
        )
    if target:
        return tr(
            "{chance} chance to reach the {goal} target (median {p50}).",
            chance=chance(data["p_hit_target"], loc),
            goal=money(target["goal"]),
            p50=money(data["p50"]),
        )
    return tr(
        "Median {p50}: 1 in 10 runs ends below {p10}, 1 in 10 above {p90}.",
        p50=money(data["p50"]),
        p10=money(data["p10"]),
        p90=money(data["p90"]),
    )


def forecast_text(data: dict[str, Any], *, width: int | None, colour: bool, loc: Locale = ENGLISH) -> str:
    from salespipe.render.output import fit
    from salespipe.render.report import period_text

    tr = words(loc.lang)
    cur = data["currency"]

    def money(value: Any) -> str:
        return loc.major(value, cur, cents=False)

    def deals(n: int) -> str:
        return tr("{n} deal", n=loc.number(n)) if n == 1 else tr("{n} deals", n=loc.number(n))

    p = data["period"]
    heading = [
        tr(
            "Forecast, {period}, {currency}",
            currency=cur,
            period=period_text({"since": p["start"], "until": p["end"], "label": p["label"]}, loc),
        ),
        verdict(data, loc),
    ]
    lines = [style(line, BOLD, colour) for line in (fit(heading, width) if width else "\n".join(heading)).split("\n")]
    lines.append("")
    history = data["history"]
    if data["probabilities"] == "learned":
        basis = tr(
            "learned from the {n} most recently closed deals ({won} won)",
            n=loc.number(history["closed_deals"]),
            won=loc.number(history["won_deals"]),
        )
    elif history["enough"]:
        basis = tr("configured (as asked; --probabilities learned uses the history)")
    else:
        basis = tr(
            "configured: {n} closed deal(s) ({won} won) are too few to learn from",
            n=loc.number(history["closed_deals"]),
            won=loc.number(history["won_deals"]),
        )
    facts = [
        (tr("Won so far"), f"{deals(data['won']['count'])}, {money(data['won']['value'])}"),
        (
            tr("Open"),
            tr(
                "{deals}, {value}; weighted {weighted} in the period",
                deals=deals(data["open"]["count"]),
                value=money(data["open"]["value"]),
                weighted=money(data["weighted"]),
            ),
        ),
        (
            tr("Forecast"),
            tr(
                "{p50} median (P50); P10 {p10}, P90 {p90}",
                p50=money(data["p50"]),
                p10=money(data["p10"]),
                p90=money(data["p90"]),
            ),
        ),
    ]
    if data["target"]:
        t = data["target"]
        facts.append(
            (
                tr("Target"),
                tr(
                    "{goal} ({period}), {gap} to go; reached in {chance} of the runs",
                    goal=money(t["goal"]),
                    period=t["period"],
                    gap=money(t["gap"]),
                    chance=chance(data["p_hit_target"], loc),
                ),
            )
        )
    facts += [(tr("Probabilities"), basis), (tr("Close dates"), slip_text(data["slip"], loc))]
    label_width = max(width_of(label) for label, _ in facts)
    room = None if width is None else max(width - label_width - 2, 20)
    for label, text in facts:
        parts = [text] if room is None else wrap(text, room, break_long=False)
        lines.append(pad(label, label_width) + "  " + parts[0])
        lines += [" " * (label_width + 2) + more for more in parts[1:]]
    lines.append("")
    columns = [
        Column(tr("Week") if data["by"] == "week" else tr("Month")),
        Column(tr("Won"), align="right"),
        Column(tr("Commit"), align="right", drop=5),
        Column(tr("Best case"), align="right", drop=4),
        Column(tr("Pipeline"), align="right", drop=3),
        Column(tr("Expected"), align="right"),
        Column(tr("Target"), align="right", drop=1),
        Column(tr("Gap"), align="right", drop=2),
    ]
    rows = [
        [
            m["label"],
            money(m["won"]),
            money(m["commit"]),
            money(m["best_case"]),
            money(m["pipeline"]),
            money(m["forecast"]),
            money(m["target"]) if m["target"] is not None else "–",
            money(m["gap"]) if m["gap"] is not None else "–",
        ]
        for m in data["months"]
    ]
    table = draw(columns, rows, width=width, colour=colour)
    lines += table.rstrip("\n").split("\n")
    notes = [
        tr(
            "Commit and best case: their deals' values; pipeline: weighted; expected: won plus what the open "
            "deals are expected to add (the mean of the runs, not the median above), close dates as above."
        )
    ]
    late = data.get("overdue") or {"count": 0}
    if late["count"]:
        notes.insert(
            0,
            tr(
                "{n} open deal(s), {value}, are past their expected close date and counted as closing "
                "today (no slip history yet): give them new dates (salespipe lead list --sort close-date).",
                n=loc.number(late["count"]),
                value=loc.major(late["value"], data["currency"], cents=False),
            ),
        )
    left = data["left_out"]
    if left["omitted"]:
        notes.append(tr("{n} deal(s) in the omit category are left out.", n=loc.number(left["omitted"])))
    if left["without_value"]:
        notes.append(tr("{n} open deal(s) without a value are left out.", n=loc.number(left["without_value"])))
    if left["other_currency"]:
        notes.append(
            tr(
                "{n} open deal(s) in other currencies are left out (--currency CODE forecasts them).",
                n=loc.number(left["other_currency"]),
            )
        )
    if left["without_close_date"]:
        notes.append(
            tr(
                "{n} open deal(s) without an expected close date are left out: no deal won from their "
                "stage shows how long they take.",
                n=loc.number(left["without_close_date"]),
            )
        )
    sim = data["simulation"]
    runs = tr(
        "{runs} runs, seed {seed} (--seed {seed} repeats them).", runs=loc.number(data["runs"]), seed=data["seed"]
    )
    if sim["approximated_deals"]:
        runs += " " + tr(
            "The {exact} deals that move the total most are drawn one by one, the other {rest} "
            "(each at most {share} of their sum's spread) as the normal distribution of their sum.",
            exact=loc.number(sim["exact_deals"]),
            rest=loc.number(sim["approximated_deals"]),
            share=chance(sim["largest_approximated_share"], loc),
        )
    notes.append(runs)
    lines += ["", fit(notes, width) if width else "\n".join(notes)]
    return "\n".join(lines) + "\n"


def forecast_view(data: dict[str, Any], *, loc: Locale = ENGLISH) -> View:
    return View(
        {**data, "verdict": verdict(data)},
        lambda t: forecast_text(data, width=t.width, colour=t.colour, loc=loc),
        csv=Rows(MONTH_KEYS, data["months"]),
    )


PROBABILITY_KEYS = ("key", "label", "configured", "observed", "learned", "deals", "low", "high")


def probabilities_view(data: dict[str, Any], *, loc: Locale = ENGLISH) -> View:
    """``stage probabilities``: configured beside learned, per open stage."""
    tr = words(loc.lang)

    def pct(value: float | None) -> str:
        return "–" if value is None else loc.percent(round(value * 100))

    columns = [
        Column(tr("Stage"), flex="cut", minimum=10),
        Column(tr("Configured"), align="right"),
        Column(tr("Learned"), align="right"),
        Column(tr("Interval"), align="right", drop=2),
        Column(tr("History"), align="right", drop=1),
        Column(tr("Deals"), align="right"),
    ]
    rows = [
        [
            s["label"],
            pct(s["configured"]),
            pct(s["learned"]),
            f"{pct(s['low'])}–{pct(s['high'])}",
            pct(s["observed"]),
            loc.number(s["deals"]),
        ]
        for s in data["stages"]
    ]
    h = data["history"]

    def human(t: Any) -> str:
        from salespipe.render.output import fit

        notes = [
            tr(
                "Learned from the {n} most recently closed deals ({won} won): a stage's chance to end won, from "
                "the moves deals made from it (History), shrunk toward the configured value as if that were {k} "
                "more deals; the interval holds 8 in 10 of the likely values.",
                n=loc.number(h["closed_deals"]),
                won=loc.number(h["won_deals"]),
                k=loc.number(data["pseudo_count"]),
            )
        ]
        if not h["enough"]:
            notes.append(tr("Too few closed deals to rely on: salespipe forecast uses the configured ones."))
        text = "\n".join(notes)
        return (
            draw(columns, rows, width=t.width, colour=t.colour)
            + "\n"
            + (fit(notes, t.width) if t.width else text)
            + "\n"
        )

    return View(data, human, csv=Rows(PROBABILITY_KEYS, data["stages"]))


BACKTEST_KEYS = (
    "label",
    "start",
    "end",
    "actual_count",
    "actual_value",
    "weighted_configured",
    "weighted_learned",
    "monte_carlo",
    "p10",
    "p90",
    "commit",
    "count_weighted_configured",
    "count_weighted_learned",
    "count_monte_carlo",
    "count_p10",
    "count_p90",
    "count_commit",
    "probabilities",
    "brier_configured",
    "brier_learned",
)


def backtest_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """``forecast backtest --csv``: a row per period, value and count figures side by side."""
    return [
        {
            "label": p["label"],
            "start": p["start"],
            "end": p["end"],
            "actual_count": p["actual"]["count"],
            "actual_value": p["actual"]["value"],
            **p["forecast"],
            "p10": p["p10"],
            "p90": p["p90"],
            **{f"count_{m}": p["forecast_count"][m] for m in data["methods"]},
            "count_p10": p["count_p10"],
            "count_p90": p["count_p90"],
            "probabilities": p["probabilities"],
            "brier_configured": p["brier"]["configured"],
            "brier_learned": p["brier"]["learned"],
        }
        for p in data["periods"]
    ]


def backtest_text(data: dict[str, Any], *, width: int | None, colour: bool, loc: Locale = ENGLISH) -> str:
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

    def score(value: float | None) -> str:
        return "–" if value is None else loc.number(value, decimals=3)

    heading = tr(
        "Backtest, {start} to {end}, {currency}: the forecast made at each period's start against what was won",
        start=data["from"],
        end=data["to"],
        currency=cur,
    )
    lines = [style(line, BOLD, colour) for line in (fit([heading], width) if width else heading).split("\n")]
    lines.append("")
    names = {
        "weighted_configured": tr("Weighted, configured"),
        "weighted_learned": tr("Weighted, learned"),
        "monte_carlo": tr("Monte Carlo P50"),
        "commit": tr("Commit"),
    }
    methods = [
        [
            names[m],
            pct(data["mape"][m]),
            pct(data["bias"][m], True),
            pct(data["count"]["mape"][m]),
            pct(data["count"]["bias"][m], True),
        ]
        for m in data["methods"]
    ]
    lines += (
        draw(
            [
                Column(tr("Method"), flex="cut", minimum=10),
                Column(tr("Error"), align="right"),
                Column(tr("Bias"), align="right"),
                Column(tr("Error (deals)"), align="right", drop=2),
                Column(tr("Bias (deals)"), align="right", drop=1),
            ],
            methods,
            width=width,
            colour=colour,
        )
        .rstrip("\n")
        .split("\n")
    )
    lines.append("")
    columns = [
        Column(tr("Period")),
        Column(tr("Won"), align="right"),
        Column(tr("Deals"), align="right", drop=4),
        Column(tr("Configured"), align="right", drop=2),
        Column(tr("Learned"), align="right", drop=3),
        Column(tr("P50"), align="right"),
        Column(tr("P10–P90"), align="right", drop=5),
        Column(tr("Commit"), align="right", drop=1),
    ]
    rows = [
        [
            p["label"],
            money(p["actual"]["value"]),
            loc.number(p["actual"]["count"]),
            money(p["forecast"]["weighted_configured"]),
            money(p["forecast"]["weighted_learned"]),
            money(p["forecast"]["monte_carlo"]),
            f"{money(p['p10'])}–{money(p['p90'])}" + ("" if p["in_range"] else " ✗"),
            money(p["forecast"]["commit"]),
        ]
        for p in data["periods"]
    ]
    lines += draw(columns, rows, width=width, colour=colour).rstrip("\n").split("\n")
    lines.append("")
    buckets = [b for b in data["reliability"] if b["configured"]["deals"] or b["learned"]["deals"]]
    lines += (
        draw(
            [
                Column(tr("Predicted")),
                Column(tr("Deals, configured"), align="right", drop=2),
                Column(tr("Won, configured"), align="right"),
                Column(tr("Deals, learned"), align="right", drop=1),
                Column(tr("Won, learned"), align="right"),
            ],
            [
                [
                    f"{pct(b['low'])}–{pct(b['high'])}",
                    loc.number(b["configured"]["deals"]),
                    pct(b["configured"]["observed"]),
                    loc.number(b["learned"]["deals"]),
                    pct(b["learned"]["observed"]),
                ]
                for b in buckets
            ],
            width=width,
            colour=colour,
        )
        .rstrip("\n")
        .split("\n")
    )
    brier = data["brier"]
    notes = [
        tr(
            "Error: the mean absolute percentage error (MAPE) over the periods with a win; bias: the forecasts' sum "
            "against the actual sum (above 0: too high); (deals): the same by the number of deals won.",
        ),
        tr(
            "The actual fell in P10–P90 in {value} of the periods by value, {count} by number of deals (✗: not).",
            value=pct(data["coverage"]),
            count=pct(data["count"]["coverage"]),
        ),
        tr(
            "Brier score of the {n} deal forecasts (each open deal's chance to be won in the period): {configured} "
            "configured, {learned} learned (0 is perfect; always 50 % scores 0.25). Predicted: each deal's chance, "
            "against the share won.",
            n=loc.number(brier["deals"]),
            configured=score(brier["configured"]),
            learned=score(brier["learned"]),
        ),
    ]
    if data["values_known_at_close"]["deals"]:
        notes.append(
            tr(
                "{n} deal(s) open at a snapshot were lost later with a value of 0 that no recorded change set: their "
                "values seem known only at the close, so the value figures use values nobody knew then; the deal "
                "counts do not.",
                n=loc.number(data["values_known_at_close"]["deals"]),
            )
        )
    notes.append(
        tr(
            "Each period is forecast from just before its first day: the deals, values and close dates of then, "
            "probabilities learned from the deals closed by then; {runs} runs, seed {seed}.",
            runs=loc.number(data["runs"]),
            seed=data["seed"],
        )
    )
    lines += ["", fit(notes, width) if width else "\n".join(notes)]
    return "\n".join(lines) + "\n"


def backtest_view(data: dict[str, Any], *, loc: Locale = ENGLISH) -> View:
    return View(
        data,
        lambda t: backtest_text(data, width=t.width, colour=t.colour, loc=loc),
        csv=Rows(BACKTEST_KEYS, backtest_rows(data)),
    )
