"""`salespipe history`: the latest changes, and how much of them is kept."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, database, info, now, output_format, show


def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="How many changes.")] = 20,
    keep: Annotated[
        int | None, typer.Option("--keep", help="From now on keep this many changes (default 1000).")
    ] = None,
    keep_days: Annotated[
        int | None, typer.Option("--keep-days", help="From now on keep changes this many days (default 365).")
    ] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List the latest changes, newest first: what `salespipe undo` would revert. --keep and
    --keep-days set how much of the journal is kept (older changes are forgotten).

    Example: salespipe history --limit 5
    """
    from salespipe.render.history import history_view
    from salespipe.services.undo import history as recent

    fmt = output_format(json_, csv_)
    if keep is not None or keep_days is not None:
        from salespipe.services.privacy import set_retention

        with database(ctx, journal=False) as conn:
            kept = set_retention(conn, keep=keep, days=keep_days, now=now())
        info(
            f"The journal keeps the last {kept['keep']:,} changes of at most {kept['days']:,} days; "
            f"{kept['forgotten']:,} older change(s) forgotten."
        )
    with database(ctx, write=False) as conn:
        changes = recent(conn, limit)
    show(ctx, history_view(changes), fmt)
