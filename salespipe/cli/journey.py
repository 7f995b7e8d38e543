"""`salespipe journey [ORG]`: the customer journey of the organisations."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import CsvOpt, JsonOpt, database, now, output_format, refuse_empty, show


def journey(
    ctx: typer.Context,
    org: Annotated[
        str | None,
        typer.Argument(
            metavar="ORG",
            help="An organisation's id or name: its path through the phases.",
            show_default=False,
            autocompletion=completion.org_refs,
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help="The journey as it stood at the end of that day.")
    ] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """The customer journey: how many organisations are in each phase (awareness, interest,
    desire, action, retention, advocacy), or one organisation's path with the day it reached
    each phase and its deals there. A stage's phase: stage list, stage set KEY --phase.

    Example: salespipe journey "Bergwerk GmbH"
    """
    from salespipe.domain.dates import parse_date
    from salespipe.render.journey import overview_view, path_view
    from salespipe.services import journey as service
    from salespipe.services.pipeline import locale

    fmt = output_format(json_, csv_)
    refuse_empty(("ORG", org), ("--as-of", as_of))
    moment = now()
    day = parse_date(as_of, now=moment, past=True) if as_of else None
    with database(ctx, write=False) as conn:
        data = (
            service.overview(conn, now=moment, as_of=day)
            if org is None
            else service.org_path(conn, org, now=moment, as_of=day)
        )
        loc = locale(conn)
    show(ctx, (overview_view if org is None else path_view)(data, loc=loc), fmt)
