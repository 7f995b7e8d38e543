"""`salespipe db ...`: where the database is."""

from __future__ import annotations

import typer

from salespipe.cli.common import JsonOpt, db_location, emit_json, info

app = typer.Typer(help="The database file.", no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Print the database path in use (stdout) and why that one (stderr).

    Order: --db, then $SALESPIPE_DB, then database in the config file (salespipe config path),
    then $XDG_DATA_HOME/salespipe/salespipe.db.

    Example: salespipe db path   (then: sqlite3 "$(salespipe db path)" .schema)
    """
    location = db_location(ctx)
    if json_:
        emit_json({"path": str(location.path), "reason": location.reason, "exists": location.path.exists()})
        return
    from salespipe.render.output import visible

    typer.echo(visible(str(location.path)))
    info(f"({location.reason}{'' if location.path.exists() else '; not created yet'})")
