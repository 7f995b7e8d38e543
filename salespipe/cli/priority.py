"""`salespipe priority`: the priority score's weights."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, database, info, output_format, show

app = typer.Typer(help="The priority score's weights.", no_args_is_help=True)


@app.command("show")
def priority_show(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Show the weight of each priority term.

    Example: salespipe priority show
    """
    from salespipe.render.settings import weights_view
    from salespipe.services.agenda import coefficients

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        weights = coefficients(conn)
    show(ctx, weights_view(weights), fmt)


@app.command("set")
def priority_set(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="value, idle, closing, overdue_task, no_next_step or unqualified.")],
    weight: Annotated[str, typer.Argument(help="The coefficient, e.g. 5 or -1.")],
) -> None:
    """Set the weight of a priority term.

    Example: salespipe priority set value 6
    """
    from salespipe.services.agenda import set_coefficient

    with database(ctx) as conn:
        weights = set_coefficient(conn, term, weight)
    info(f"Priority weight of {term} is now {weights[term]:g}.")
