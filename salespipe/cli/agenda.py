"""`salespipe today`, `salespipe why` and `salespipe priority`."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, LeadId, database, info, now, output_format, show


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
    from salespipe.render.agenda import today_view
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
    show(ctx, today_view(data), output_format(json_))


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


priority_app = typer.Typer(help="The priority score's weights.", no_args_is_help=True)


@priority_app.command("show")
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
def criteria_show(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Show the qualification criteria that qualify --check records.

    Example: salespipe criteria show
    """
    from salespipe.render.settings import criteria_view
    from salespipe.store.work import criteria

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        names = criteria(conn)
    show(ctx, criteria_view(names), fmt)


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
