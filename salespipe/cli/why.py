"""`salespipe why`: the reasons behind a deal's priority."""

from __future__ import annotations

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, LeadId, database, now, output_format, show


def why(ctx: typer.Context, lead_id: LeadId, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Explain a deal's priority: each term, its coefficient and its contribution.

    Example: salespipe why 12
    """
    from salespipe.render.agenda import why_view
    from salespipe.services.agenda import why as explain

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        data = explain(conn, lead_id, now=now())
    show(ctx, why_view(data), fmt)
