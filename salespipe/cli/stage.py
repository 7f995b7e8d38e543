"""`salespipe stage ...` and `salespipe init`: shape the pipeline."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    CsvOpt,
    JsonOpt,
    database,
    info,
    output_format,
    show,
)

app = typer.Typer(
    help="Shape the pipeline: list, add, rename, set, move and remove stages; their learned probabilities.",
    no_args_is_help=True,
)

StageArg = Annotated[
    str, typer.Argument(metavar="STAGE", help="Stage key (salespipe stage list).", autocompletion=completion.stage_keys)
]
ProbOpt = Annotated[int | None, typer.Option("--probability", min=0, max=100, help="Default win probability in %.")]
RotOpt = Annotated[
    int | None,
    typer.Option(
        "--rotting-days", min=1, max=36_500, help="Days without change before a deal here is stale (default 14)."
    ),
]


def _records(conn: object) -> list[dict[str, Any]]:
    from salespipe.render.settings import stage_record
    from salespipe.services.pipeline import pipeline

    return [stage_record(s) for s in pipeline(conn).stages]  # type: ignore[arg-type]


def _show(ctx: typer.Context, records: list[dict[str, Any]], json_: bool = False, csv_: bool = False) -> None:
    from salespipe.render.settings import stages_view

    show(ctx, stages_view(records), output_format(json_, csv_))


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """List the pipeline's stages in order.

    Example: salespipe stage list --json
    """
    output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        records = _records(conn)
    _show(ctx, records, json_, csv_)


@app.command("add")
def add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Short key: lowercase letters, digits, - and _.")],
    label: Annotated[str | None, typer.Option("--label", help="Label shown in reports.")] = None,
    probability: Annotated[
        int | None,
        typer.Option(
            "--probability", min=0, max=100, help="Default win probability in % (default 50; won 100, lost 0)."
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="open, won or lost.", autocompletion=completion.choices("open", "won", "lost"))
    ] = "open",
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            help="Insert after this stage (default: before the closed stages).",
            autocompletion=completion.stage_keys,
        ),
    ] = None,
    rotting_days: RotOpt = None,
) -> None:
    """Add a stage to the pipeline.

    Example: salespipe stage add demo --label "Demo given" --probability 50 --after qualified
    """
    from salespipe.domain.errors import InvalidValue
    from salespipe.domain.models import StageKind
    from salespipe.services import stages

    if kind not in ("open", "won", "lost"):
        raise typer.BadParameter(f"{kind!r}; choose from: open, won, lost", param_hint="--kind")
    with database(ctx) as conn:
        if key != key.strip().lower():
            raise InvalidValue(f"invalid stage key {key!r}: use lowercase letters, digits, - and _")
        stage = stages.add(
            conn,
            key=key,
            label=label,
            probability=probability,
            kind=StageKind(kind),
            after=after,
            rotting_days=rotting_days,
        )
    info(f"Added stage {stage.key!r} at position {stage.position}.")


@app.command("rename")
def rename(ctx: typer.Context, key: StageArg, label: Annotated[str, typer.Argument(help="The new label.")]) -> None:
    """Change a stage's label (its key stays, so history and scripts keep working).

    Example: salespipe stage rename proposal "Offer sent"
    """
    from salespipe.services import stages

    with database(ctx) as conn:
        stage = stages.update(conn, key, label=label)
    info(f"Stage {stage.key!r} is now labelled {stage.label!r}.")


@app.command("set")
def set_(
    ctx: typer.Context,
    key: StageArg,
    label: Annotated[str | None, typer.Option("--label", help="New label.")] = None,
    probability: ProbOpt = None,
    rotting_days: RotOpt = None,
    forecast: Annotated[
        str | None,
        typer.Option(
            "--forecast",
            metavar="CATEGORY",
            help="Forecast category of its deals: commit, best-case, pipeline, omit, or auto (by the probability: "
            "commit from 80%, best case from 60%).",
            autocompletion=completion.choices(*completion.FORECAST_CATEGORIES, "auto"),
        ),
    ] = None,
    phase: Annotated[
        str | None,
        typer.Option(
            "--phase",
            metavar="PHASE",
            help="The customer-journey phase its deals stand for: awareness, interest, desire, action, or auto "
            "(by its kind and probability: won is action, an open stage below 20% awareness, below 50% interest, "
            "else desire).",
            autocompletion=completion.choices("awareness", "interest", "desire", "action", "auto"),
        ),
    ] = None,
) -> None:
    """Change a stage's label, default probability, rotting days, forecast category or journey phase.

    Example: salespipe stage set negotiation --probability 75 --rotting-days 10 --forecast commit
    """
    from salespipe.domain.forecast import stage_category
    from salespipe.domain.journey import stage_phase
    from salespipe.services import stages

    with database(ctx) as conn:
        stage = stages.update(
            conn, key, label=label, probability=probability, rotting_days=rotting_days, forecast=forecast, phase=phase
        )
    category = (
        ""
        if stage.is_closed
        else (
            f", forecast {stage_category(stage.probability, stage.forecast_category).replace('-', ' ')}"
            + ("" if stage.forecast_category else " (by its probability)")
        )
    )
    journey = stage_phase(stage.kind.value, stage.probability, stage.journey_phase)
    journey_text = (  # said when --phase was given
        f", journey phase {journey}" + ("" if stage.journey_phase else " (by its kind and probability)")
        if phase is not None and journey
        else ""
    )
    info(
        f"Stage {stage.key!r}: {stage.label}, {stage.probability}%"
        + ("" if stage.is_closed else f", stale after {stage.rotting_threshold} days")
        + f"{category}{journey_text}."
    )


@app.command("move")
def move(
    ctx: typer.Context,
    key: StageArg,
    position: Annotated[int, typer.Argument(help="New position, 1 = first.", min=1, max=10_000)],
) -> None:
    """Move a stage to another position in the pipeline.

    Example: salespipe stage move verified 3
    """
    from salespipe.services import stages

    with database(ctx) as conn:
        stages.move(conn, key, position)
        records = _records(conn)
    _show(ctx, records)  # after the commit: a reader going away cannot undo the move


@app.command("remove")
def remove(ctx: typer.Context, key: StageArg) -> None:
    """Remove a stage that holds no leads (its history stays in the events).

    Example: salespipe stage remove verified
    """
    from salespipe.services import stages

    with database(ctx) as conn:
        stage = stages.remove(conn, key)
    info(f"Removed stage {stage.key!r}.")


@app.command("probabilities")
def probabilities(
    ctx: typer.Context,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the learned probabilities the stages' own (undo reverts it).")
    ] = False,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """Each open stage's configured win probability beside the one learned from the pipeline's
    closed deals (an absorbing Markov chain over their stage moves, shrunk toward the
    configured value), with the number of deals and an 80% interval.

    Example: salespipe stage probabilities --apply
    """
    from salespipe.cli.common import now
    from salespipe.render.forecast import probabilities_view
    from salespipe.services import forecast
    from salespipe.services.pipeline import locale

    fmt = output_format(json_, csv_)
    if apply:
        with database(ctx) as conn:
            data = forecast.apply_learned(conn, now=now())
            loc = locale(conn)
        changed = [
            f"  {c['label']}: {c['from']}% -> {c['to']}%"
            + (
                f", so its forecast category moves from {c['category_from']} to {c['category_to']}"
                f" (stage set {c['key']} --forecast {c['category_from']} keeps it)"
                if c["category_from"] != c["category_to"]
                else ""
            )
            for c in data["applied"]
        ]
        info(
            "\n".join(
                [
                    "Set the learned probabilities (learning again now shrinks toward these: "
                    "apply once per batch of newly closed deals):",
                    *changed,
                ]
            )
            if changed
            else "The stages have their learned probabilities already: nothing changed."
        )
    else:
        with database(ctx, write=False) as conn:
            data = forecast.stage_probabilities(conn, now=now())
            loc = locale(conn)
    show(ctx, probabilities_view(data, loc=loc), fmt)
