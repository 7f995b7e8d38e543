"""The pipeline's settings as a person reads them: stages, rules, targets, priority weights and
qualification criteria. Each view prints the same records as ``--json`` and ``--csv``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.present import Rows, View
from salespipe.render.table import Column, draw

STAGE_KEYS = (
    "key",
    "label",
    "position",
    "probability",
    "kind",
    "rotting_days",
    "forecast_category",
    "journey_phase",
    "journey_phase_chosen",
)


def stage_record(stage: Any) -> dict[str, Any]:
    """A stage as ``stage list --json`` prints it: ``journey_phase`` is the phase its deals stand
    for (its own, else by its kind and probability; null for a lost stage), ``journey_phase_chosen``
    whether it is its own (``stage set --phase``)."""
    from salespipe.domain.journey import stage_phase
    from salespipe.domain.models import as_record

    record = as_record(stage)
    chosen = record.pop("journey_phase")
    record["journey_phase"] = stage_phase(record["kind"], record["probability"], chosen)
    record["journey_phase_chosen"] = chosen is not None
    assert tuple(record) == STAGE_KEYS
    return record


RULE_KEYS = ("id", "trigger", "stage", "task_text", "due")
TARGET_KEYS = ("period", "since", "until", "currency", "goal", "won_value", "won_count", "progress", "gap")


def stages_view(records: Sequence[dict[str, Any]]) -> View:
    """``stage list``: a stage's forecast category is its own, else (JSON ``null``) the one its
    probability gives, shown with a ``*``."""
    from salespipe.domain.forecast import stage_category

    columns = (
        Column("#", align="right"),
        Column("Key"),
        Column("Label", flex="cut", minimum=10),
        Column("Prob", align="right"),
        Column("Kind"),
        Column("Rots after", align="right"),
        Column("Forecast", drop=1),
        Column("Journey", drop=0),
    )
    rows = [
        [
            str(r["position"]),
            r["key"],
            r["label"],
            f"{r['probability']}%",
            r["kind"],
            str(r["rotting_days"] or 14) if r["kind"] == "open" else "–",
            (stage_category(r["probability"], r["forecast_category"]) + ("" if r["forecast_category"] else "*"))
            if r["kind"] == "open"
            else "–",
            r["journey_phase"] or "–",
        ]
        for r in records
    ]
    note = "* by its probability; stage set KEY --forecast CATEGORY chooses one"

    def human(t: Any) -> str:
        from salespipe.render.output import fit

        table = draw(columns, rows, width=t.width, colour=t.colour)
        shown = "Forecast" in table.split("\n", 1)[0]  # the column may have given way
        starred = any(r["kind"] == "open" and not r["forecast_category"] for r in records)
        return table + ((fit([note], t.width) if t.width else note) + "\n" if shown and starred else "")

    return View(list(records), human, csv=Rows(STAGE_KEYS, records))


def rules_view(records: Sequence[dict[str, Any]]) -> View:
    when = {"enter": "enters {stage}", "create": "is added", "stale": "goes stale"}
    columns = (
        Column("ID", align="right"),
        Column("When a deal", flex="wrap", minimum=12),
        Column("Task", flex="wrap", minimum=16),
        Column("Due"),
    )
    rows = [
        [
            str(r["id"]),
            when[r["trigger"]].format(stage=r["stage"])
            + (f" in {r['stage']}" if r["trigger"] == "stale" and r["stage"] else ""),
            r["task_text"],
            r["due"],
        ]
        for r in records
    ]
    return View(
        list(records),
        lambda t: draw(columns, rows, width=t.width, colour=t.colour),
        csv=Rows(RULE_KEYS, records),
        empty=None if records else "No rules yet: salespipe rule add --on-enter STAGE --task TEXT --due +2d",
    )


def targets_view(targets: Sequence[dict[str, Any]], *, loc: Locale = ENGLISH) -> View:
    """``target list``; a person reads it in the pipeline's language (``loc``)."""
    from salespipe.render.leads import said
    from salespipe.render.report import pct

    columns = said(
        (
            Column("Period"),
            Column("Goal", align="right"),
            Column("Won", align="right"),
            Column("Progress", align="right"),
            Column("Gap", align="right"),
        ),
        loc.lang,
    )
    rows = [
        [
            t["period"],
            loc.major(t["goal"], t["currency"], cents=False),
            loc.major(t["won"]["value"], t["currency"], cents=False),
            pct(t["progress"], loc),
            loc.major(t["gap"], t["currency"], cents=False),
        ]
        for t in targets
    ]
    flat = [
        {
            "period": t["period"],
            "since": t["since"],
            "until": t["until"],
            "currency": t["currency"],
            "goal": t["goal"],
            "won_value": t["won"]["value"],
            "won_count": t["won"]["count"],
            "progress": t["progress"],
            "gap": t["gap"],
        }
        for t in targets
    ]
    return View(
        list(targets),
        lambda t: draw(columns, rows, width=t.width, colour=t.colour),
        csv=Rows(TARGET_KEYS, flat),
        empty=None if targets else "No targets yet: salespipe target set AMOUNT --period 2026-11",
    )


def weights_view(weights: Mapping[str, float]) -> View:
    columns = (Column("Term"), Column("Weight", align="right"))
    rows = [[k, f"{v:g}"] for k, v in weights.items()]
    return View(
        dict(weights),
        lambda t: draw(columns, rows, width=t.width, colour=t.colour),
        csv=Rows(("term", "weight"), [{"term": k, "weight": v} for k, v in weights.items()]),
    )


def criteria_view(names: Sequence[str]) -> View:
    return View(
        list(names),
        lambda t: "".join(f"{name}\n" for name in names),
        csv=Rows(("criterion",), [{"criterion": n} for n in names]),
    )
