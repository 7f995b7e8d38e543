"""`salespipe today`: the day's agenda."""

from __future__ import annotations

import sqlite3
from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, database, info, now, output_format, show


def today(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="How many deals to work first.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """The day's agenda: overdue tasks, tasks due today, deals with no next step, stale deals,
    deals closing this week or past their date, and the deals to work first, by priority.
    Stale rules (salespipe rule add --on-stale) create their tasks first (on a database that
    cannot be written, the agenda is shown without them, with a warning).

    Example: salespipe today
    """
    from salespipe.render.agenda import today_view
    from salespipe.services.agenda import has_stale_rules, run_stale_rules
    from salespipe.services.agenda import today as agenda
    from salespipe.services.pipeline import locale

    moment = now()
    try:
        with database(ctx, create=False) as conn:  # a mistyped --db is an error, not a new database
            created = run_stale_rules(conn, now=moment)
            data = agenda(conn, now=moment, limit=limit)
            loc = locale(conn)
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc):  # SQLite's "attempt to write a readonly database"
            raise
        # the agenda only reads: it is shown; the stale rules' tasks cannot be added
        with database(ctx, write=False) as conn:
            created = 0
            data = agenda(conn, now=moment, limit=limit)
            loc = locale(conn)
            if has_stale_rules(conn):
                info(
                    "Warning: the database cannot be written (the file, or the folder it is in, is read-only): "
                    "the stale rules did not run, so the tasks they would add are missing below"
                )
    if created:
        info(f"Stale rules added {created} task(s).")
    from salespipe.cli.common import run_hook

    for task in data["overdue_tasks"] + data["due_today"]:
        run_hook("on-task-due", {"task": task})
    show(ctx, today_view(data, loc=loc), output_format(json_))
