"""`salespipe task ...`: next steps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from salespipe.cli.common import (
    CsvOpt,
    JsonOpt,
    LeadId,
    database,
    database_path,
    emit_json,
    info,
    now,
    output_format,
    parse_id,
    pipeline_locale,
    show,
)

TaskId = Annotated[
    int,
    typer.Argument(
        metavar="TASK_ID", help="The task's id (see salespipe task list).", show_default=False, parser=parse_id
    ),
]
DueOpt = Annotated[
    str,
    typer.Option(
        "--due", metavar="DATE[ TIME]", help="When: friday, +3d, 2026-12-01, 'tomorrow 14:00'.", show_default=False
    ),
]


app = typer.Typer(help="Next steps: add, list, done, snooze, edit and delete tasks.", no_args_is_help=True)


def _confirm(task: Any, verb: str, json_: bool, loc: Any = None) -> None:
    from salespipe.render.tasks import task_record

    if json_:
        emit_json(task_record(task, now()))
    else:
        from salespipe.domain.locale import ENGLISH
        from salespipe.render.messages import task_changed

        info(task_changed(verb, task_record(task, now()), loc=loc or ENGLISH))


@app.command("add")
def task_add(
    ctx: typer.Context,
    lead_id: LeadId,
    text: Annotated[str, typer.Argument(help="What to do.", show_default=False)],
    due: DueOpt,
    json_: JsonOpt = False,
) -> None:
    """Add a next step to a lead.

    Example: salespipe task add 12 "send revised offer" --due friday
    """
    from salespipe.cli.common import parse_at
    from salespipe.services.work import add_task

    moment = now()
    with database(ctx) as conn:
        when = parse_at(due, moment, past=False)
        task = add_task(conn, lead_id, text=text, due=when, now=moment)  # type: ignore[arg-type]
        loc = pipeline_locale(conn)
    _confirm(task, "Added", json_, loc)


@app.command("list")
def task_list(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")] = False,
    today: Annotated[bool, typer.Option("--today", help="Due today or earlier.")] = False,
    week: Annotated[bool, typer.Option("--week", help="Due in the next 7 days or earlier.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open and done tasks.")] = False,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List open tasks, soonest first (or --overdue, --today, --week, --all).

    Example: salespipe task list --week
    """
    from salespipe.render.tasks import task_list_view, task_record
    from salespipe.services.work import list_tasks

    fmt = output_format(json_, csv_)
    views = [v for v, flag in (("overdue", overdue), ("today", today), ("week", week), ("all", all_)) if flag]
    if len(views) > 1:
        raise typer.BadParameter("choose one of --overdue, --today, --week, --all")
    moment = now()
    with database(ctx, write=False) as conn:
        rows = list_tasks(conn, view=views[0] if views else "open", now=moment)
        loc = pipeline_locale(conn)
    show(ctx, task_list_view([task_record(t, moment, title, stage) for t, title, stage in rows], loc=loc), fmt)


@app.command("done")
def task_done(
    ctx: typer.Context,
    task_id: TaskId,
    note: Annotated[str | None, typer.Option("--note", help="How it went.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Mark a task done (it counts as a touch on its lead).

    Example: salespipe task done 7 --note "offer sent"
    """
    from salespipe.services.work import complete_task

    with database(ctx) as conn:
        task = complete_task(conn, task_id, note=note, now=now())
        loc = pipeline_locale(conn)
    _confirm(task, "Done", json_, loc)


@app.command("snooze")
def task_snooze(
    ctx: typer.Context,
    task_id: TaskId,
    until: Annotated[str, typer.Option("--until", metavar="DATE", help="New due date.", show_default=False)],
    json_: JsonOpt = False,
) -> None:
    """Move an open task's due date later.

    Example: salespipe task snooze 7 --until "next monday"
    """
    from salespipe.cli.common import parse_at
    from salespipe.services.work import snooze_task

    moment = now()
    with database(ctx) as conn:
        when = parse_at(until, moment, past=False)
        task = snooze_task(conn, task_id, until=when, now=moment)  # type: ignore[arg-type]
        loc = pipeline_locale(conn)
    _confirm(task, "Snoozed", json_, loc)


@app.command("edit")
def task_edit(
    ctx: typer.Context,
    task_id: TaskId,
    text: Annotated[str | None, typer.Option("--text", help="New text.")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE[ TIME]", help="New due date.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Change a task's text or due date.

    Example: salespipe task edit 7 --due "tomorrow 09:30"
    """
    from salespipe.cli.common import parse_at
    from salespipe.services.work import edit_task

    moment = now()
    with database(ctx) as conn:
        task = edit_task(conn, task_id, text=text, due=parse_at(due, moment, past=False), now=moment)
        loc = pipeline_locale(conn)
    _confirm(task, "Updated", json_, loc)


@app.command("delete")
def task_delete(ctx: typer.Context, task_id: TaskId) -> None:
    """Delete a task (to record that it was done, use task done).

    Example: salespipe task delete 7
    """
    from salespipe.services.work import delete_task

    with database(ctx) as conn:
        task = delete_task(conn, task_id)
    info(f"Deleted task #{task.id}: {task.text}.")


@app.command("export")
def task_export(
    ctx: typer.Context,
    ics: Annotated[
        Path, typer.Option("--ics", metavar="FILE", help="Write open tasks to this iCalendar file.", show_default=False)
    ],
) -> None:
    """Write open tasks as an iCalendar (.ics) file, so follow-ups show in your calendar.

    Example: salespipe task export --ics ~/salespipe-tasks.ics
    """

    from salespipe.services.files import expand, write_atomically
    from salespipe.services.work import tasks_ics

    with database(ctx, write=False) as conn:
        data = tasks_ics(conn, now=now())
    path = expand(ics)
    write_atomically(path, data, protect=[database_path(ctx)])
    info(f"Wrote {data.count(b'BEGIN:VEVENT')} open task(s) to {path}.")
