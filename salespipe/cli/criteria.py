"""`salespipe criteria`: the qualification criteria."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, database, info, output_format, show

app = typer.Typer(help="Qualification criteria (BANT by default).", no_args_is_help=True)


@app.command("show")
def criteria_show(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Show the qualification criteria that qualify --check records.

    Example: salespipe criteria show
    """
    from salespipe.render.settings import criteria_view
    from salespipe.services.work import criteria

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        names = criteria(conn)
    show(ctx, criteria_view(names), fmt)


@app.command("set")
def criteria_set(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help="The criteria, in order.", show_default=False)],
) -> None:
    """Define your own qualification criteria (replacing the list; deals keep the ones they met
    that are still on it).

    Example: salespipe criteria set budget authority need timeline champion
    """
    from salespipe.services.work import set_criteria

    with database(ctx) as conn:
        names = set_criteria(conn, names)
    info(f"Qualification criteria: {', '.join(names)}.")
