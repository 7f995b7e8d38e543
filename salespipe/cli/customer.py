"""`salespipe customer list`: the organisations with a won deal, their value, check-ins,
satisfaction and referrals."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import CsvOpt, JsonOpt, database, now, output_format, show

app = typer.Typer(help="Customers: organisations with a won deal.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="value (lifetime value, most first), since (oldest customer first), deals, last-won, nps or "
            "referrals (most first).",
            autocompletion=completion.choices(*completion.CUSTOMER_SORTS),
        ),
    ] = "value",
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="Only those at risk: no touch for --days, or a falling score.")
    ] = False,
    days: Annotated[
        int, typer.Option("--days", metavar="N", help="Days without a touch that put a customer at risk.")
    ] = 90,
    ambassadors: Annotated[bool, typer.Option("--ambassadors", help="Only those who referred a deal.")] = False,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List the customers (organisations with at least one won deal): customer since, deals
    won, lifetime value (in the database's currency), last win, next check-in, latest survey
    score (NPS), referrals, and why one is at risk.

    Example: salespipe customer list --at-risk --days 60
    """
    from salespipe.render.customers import customer_list_view
    from salespipe.services import customers
    from salespipe.services.pipeline import locale

    fmt = output_format(json_, csv_)
    if sort not in customers.SORTS:
        raise typer.BadParameter(f"{sort!r}; choose from: {', '.join(customers.SORTS)}", param_hint="--sort")
    if not 1 <= days <= 100_000:
        raise typer.BadParameter(f"{days}: give a whole number of days from 1 to 100000", param_hint="--days")
    with database(ctx, write=False) as conn:
        rows = customers.list_customers(conn, now=now(), sort=sort, at_risk=at_risk, days=days, ambassadors=ambassadors)
        loc = locale(conn)
    show(ctx, customer_list_view(rows, days=days, loc=loc, at_risk=at_risk, ambassadors=ambassadors), fmt)
