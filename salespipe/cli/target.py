"""`salespipe target`: revenue targets and the progress towards them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salespipe.cli.common import (
    CsvOpt,
    JsonOpt,
    database,
    info,
    now,
    output_format,
    pipeline_locale,
    show,
)

app = typer.Typer(help="Revenue targets per month, quarter or year.", no_args_is_help=True)
TargetPeriod = Annotated[
    str,
    typer.Option(
        "--period",
        help="A month (2026-11), quarter (2026-Q4) or year (2026), "
        "or this-month, this-quarter, last-year ... as for report.",
        show_default=False,
    ),
]


@app.command("set")
def target_set(
    ctx: typer.Context,
    amount: Annotated[str, typer.Argument(help="Revenue goal: 50k, 120.000 €.")],
    period: TargetPeriod,
    deals: Annotated[
        int | None, typer.Option("--deals", min=1, max=1_000_000_000, help="Also a goal for the number of deals won.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Set (or replace) the revenue target of a period.

    Example: salespipe target set 50k --period 2026-11 --deals 4
    """
    from salespipe.services.report import set_target

    with database(ctx) as conn:
        status = set_target(conn, period=period, amount=amount, deals=deals, now=now())
        loc = pipeline_locale(conn)
    from salespipe.domain.locale import format_major

    goal = format_major(status["goal"], status["currency"], cents=False)
    info(
        f"Target for {status['period']} ({status['since']} to {status['until']}) set: {goal}"
        + (f" and {status['goal_deals']} deals won." if status.get("goal_deals") else ".")
    )
    _show_target(ctx, status, json_, loc)


@app.command("list")
def target_list(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """List the targets with their progress.

    Example: salespipe target list --json
    """
    from salespipe.render.settings import targets_view
    from salespipe.services.report import list_targets

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        targets = list_targets(conn, now=now())
        loc = pipeline_locale(conn)
    show(ctx, targets_view(targets, loc=loc), fmt)


@app.command("show")
def target_show(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(help="2026-11, 2026-Q4 or 2026 (default: the current month's, quarter's or year's target)."),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Progress towards a target: won so far, gap, pipeline expected to close, coverage, pace
    per week and the leads needed, with the inputs behind that number.

    Example: salespipe target show 2026-Q4
    """
    from salespipe.services.report import target_for

    with database(ctx, write=False) as conn:
        status = target_for(conn, period, now=now())
        loc = pipeline_locale(conn)
    _show_target(ctx, status, json_, loc)


def _show_target(ctx: typer.Context, status: dict[str, Any], json_: bool, loc: Any) -> None:
    from salespipe.render.report import target_view

    show(ctx, target_view(status, loc=loc), output_format(json_))
