"""`salespipe demo`: the example pipeline and its daily report, in one command."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, info, now, output_format, show, state


def demo(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", metavar="PATH", help="Keep the demo in this (new) database file.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Load six months of an example pipeline (examples/) and print the daily report.

    Without --db the demo lives in a temporary database that is deleted afterwards.

    Example: salespipe demo --db demo.db && salespipe --db demo.db lead list
    """
    import tempfile
    from pathlib import Path

    from salespipe.services.demo import run_demo

    target = db or state(ctx).db_flag
    moment = now()
    with tempfile.TemporaryDirectory(prefix="salespipe-demo-") as tmp:
        path = Path(target) if target else Path(tmp) / "demo.db"
        count, data, loc = run_demo(path, now=moment)
        where = f"in {path}" if target else "in a temporary database (use --db PATH to keep it)"
        info(f"Loaded {count} example deals {where}.")
    from salespipe.render.report import report_view

    show(ctx, report_view(data, loc=loc), output_format(json_))
