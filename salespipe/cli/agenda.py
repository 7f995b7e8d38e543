"""`salespipe today`, `salespipe why` and `salespipe priority`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salespipe.cli.common import JsonOpt, LeadId, database, emit, emit_json, info, now


def today(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="How many deals to work first.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """The day's agenda: overdue tasks, tasks due today, deals with no next step, stale deals,
    deals closing this week or past their date, and the deals to work first, by priority.
    Stale rules (salespipe rule add --on-stale) create their tasks first.

    Example: salespipe today
    """
    from salespipe.services.agenda import run_stale_rules
    from salespipe.services.agenda import today as agenda

    moment = now()
    with database(ctx) as conn:
        created = run_stale_rules(conn, now=moment)
        data = agenda(conn, now=moment, limit=limit)
    if created:
        info(f"Stale rules added {created} task(s).")
    from salespipe.cli.common import run_hook

    for task in data["overdue_tasks"] + data["due_today"]:
        run_hook("on-task-due", {"task": task})
    if json_:
        emit_json(data)
        return
    import shutil

    emit(_render(data, width=max(shutil.get_terminal_size().columns, 60)))


def _render(data: dict[str, Any], *, width: int) -> str:
    """Plain lines, each cut to ``width`` (names and task texts give way, never the figures)."""
    from salespipe.domain.money import format_major

    lines = [f"Today, {data['date']}", ""]

    def section(title: str, items: list[Any], line: Any, cap: int = 10) -> None:
        lines.append(f"{title} ({len(items)})")
        lines.extend("  " + line(i) for i in items[:cap])
        if len(items) > cap:
            lines.append(f"  ... and {len(items) - cap} more")
        if not items:
            lines.append("  none")
        lines.append("")

    task_line = lambda t: (f"#{t['id']:<4} {t['due_date']}{' ' + t['due_time'] if t['due_time'] else ''}  "  # noqa: E731
                           f"{t['text']}  (lead #{t['lead_id']} {t['lead_title']})")
    def deal_line(d: dict[str, Any], room: int = 0) -> str:
        figures = f" {d['stage'][:11]:11} {format_major(d['value'], d['currency'], cents=False):>10}  p{d['priority']:g}"
        name_width = max(width - 2 - room - 6 - len(figures), 10)
        name = d["title"] if len(d["title"]) <= name_width else d["title"][: name_width - 1] + "…"
        return f"#{d['id']:<4} {name:{name_width}}{figures}"

    close_line = lambda d: f"{d['expected_close']}  " + deal_line(d, room=12)  # noqa: E731
    section("Overdue tasks", data["overdue_tasks"], task_line)
    section("Due today", data["due_today"], task_line)
    section("No next step", data["no_next_step"], deal_line)
    section("Stale", data["stale"], deal_line)
    section("Closing this week or past due", data["closing"], close_line)
    section("Work these first", data["work_first"], deal_line, cap=len(data["work_first"]))
    lines.append("(p = priority score; salespipe why ID explains it)")
    return "\n".join(line if len(line) <= width else line[: width - 1] + "…" for line in lines) + "\n"


def why(ctx: typer.Context, lead_id: LeadId, json_: JsonOpt = False) -> None:
    """Explain a deal's priority: each term, its coefficient and its contribution.

    Example: salespipe why 12
    """
    from salespipe.services.agenda import why as explain

    with database(ctx, write=False) as conn:
        data = explain(conn, lead_id, now=now())
    if json_:
        emit_json(data)
        return
    import shutil

    from salespipe.render.output import plain_table

    room = max(shutil.get_terminal_size().columns - 44, 20)  # the reason gives way on a narrow terminal
    lines = f"#{data['id']} {data['title']}: priority {data['priority']:g}, rank {data['rank']} of {data['open_deals']} open deals\n\n"
    rows = [[t["term"], f"{t['value']:g}", f"x {t['coefficient']:g}", f"= {t['contribution']:+g}",
             t["reason"] if len(t["reason"]) <= room else t["reason"][: room - 1] + "…"]
            for t in data["terms"]]
    emit(lines + plain_table(("Term", "Value", "Weight", "Points", "Why"), rows, right={1, 2, 3}))


priority_app = typer.Typer(help="The priority score's weights.", no_args_is_help=True)


@priority_app.command("show")
def priority_show(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show the weight of each priority term.

    Example: salespipe priority show
    """
    from salespipe.services.agenda import coefficients

    with database(ctx, write=False) as conn:
        weights = coefficients(conn)
    if json_:
        emit_json(weights)
    else:
        from salespipe.render.output import plain_table

        emit(plain_table(("Term", "Weight"), [[k, f"{v:g}"] for k, v in weights.items()], right={1}))


@priority_app.command("set")
def priority_set(ctx: typer.Context,
                 term: Annotated[str, typer.Argument(help="value, idle, closing, overdue_task, no_next_step or unqualified.")],
                 weight: Annotated[str, typer.Argument(help="The coefficient, e.g. 5 or -1.")]) -> None:
    """Set the weight of a priority term.

    Example: salespipe priority set value 6
    """
    from salespipe.services.agenda import set_coefficient

    with database(ctx) as conn:
        weights = set_coefficient(conn, term, weight)
    info(f"Priority weight of {term} is now {weights[term]:g}.")


criteria_app = typer.Typer(help="Qualification criteria (BANT by default).", no_args_is_help=True)


@criteria_app.command("show")
def criteria_show(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show the qualification criteria that qualify --check records.

    Example: salespipe criteria show
    """
    from salespipe.store.work import criteria

    with database(ctx, write=False) as conn:
        names = criteria(conn)
    if json_:
        emit_json(names)
    else:
        emit("\n".join(names) + "\n")


@criteria_app.command("set")
def criteria_set(ctx: typer.Context,
                 names: Annotated[list[str], typer.Argument(metavar="NAME...", help="The criteria, in order.",
                                                            show_default=False)]) -> None:
    """Define your own qualification criteria (replacing the list; deals keep the ones they met
    that are still on it).

    Example: salespipe criteria set budget authority need timeline champion
    """
    from salespipe.services.work import set_criteria

    with database(ctx) as conn:
        names = set_criteria(conn, names)
    info(f"Qualification criteria: {', '.join(names)}.")
