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
        Column(tr("Commit"), align="right", drop=3),
        Column(tr("Best case"), align="right", drop=2),
        Column(tr("Pipeline"), align="right", drop=1),
        Column(tr("Forecast"), align="right"),
        Column(tr("Target"), align="right", drop=5),
        Column(tr("Gap"), align="right", drop=4),
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
            "Commit and best case: their deals' values; pipeline: weighted; forecast: won plus what the open "
            "deals are expected to add, close dates as above."
        )
    ]
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
