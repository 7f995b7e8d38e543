"""`salespipe rule ...`: automation of follow-up tasks."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import CsvOpt, JsonOpt, database, emit_json, info, now, output_format, parse_id, show

app = typer.Typer(help="Rules that create follow-up tasks on their own.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    task: Annotated[str, typer.Option("--task", help="The task to create.", show_default=False)],
    due: Annotated[
        str, typer.Option("--due", help="When it is due, counted from the event: +3d, +1w.", show_default=False)
    ],
    on_enter: Annotated[
        str | None,
        typer.Option(
            "--on-enter", metavar="STAGE", help="When a deal enters STAGE.", autocompletion=completion.stage_keys
        ),
    ] = None,
    on_stale: Annotated[
        bool, typer.Option("--on-stale", help="When a deal goes stale (checked by salespipe today).")
    ] = False,
    on_create: Annotated[bool, typer.Option("--on-create", help="When a lead is added.")] = False,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage", help="With --on-stale: only deals in this stage.", autocompletion=completion.stage_keys
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Add a rule: on entering a stage, on going stale or on creation, add a task.

    Example: salespipe rule add --on-enter negotiation --task "send contract draft" --due +2d
    """
    from salespipe.services.rules import add_rule

    triggers = [
        t for t, given in (("enter", on_enter is not None), ("stale", on_stale), ("create", on_create)) if given
    ]
    if len(triggers) != 1:
        raise typer.BadParameter("give exactly one of --on-enter STAGE, --on-stale, --on-create")
    with database(ctx) as conn:
        rule = add_rule(conn, trigger=triggers[0], stage=on_enter or stage, task_text=task, due=due, now=now())
    if json_:
        from salespipe.render.settings import RULE_KEYS

        emit_json({k: rule[k] for k in RULE_KEYS})
    else:
        when = {
            "enter": f"a deal enters {rule['stage']}",
            "create": "a lead is added",
            "stale": "a deal goes stale" + (f" in {rule['stage']}" if rule["stage"] else ""),
        }[rule["trigger"]]
        info(f"Added rule #{rule['id']}: when {when}, add the task {rule['task_text']!r}, due {rule['due']}.")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """List the rules.

    Example: salespipe rule list
    """
    from salespipe.render.settings import RULE_KEYS, rules_view
    from salespipe.services.rules import list_rules as all_rules

    fmt = output_format(json_, csv_)
    with database(ctx, write=False) as conn:
        rules = [{k: r[k] for k in RULE_KEYS} for r in all_rules(conn)]
    show(ctx, rules_view(rules), fmt)


@app.command("delete")
def delete(
    ctx: typer.Context,
    rule_id: Annotated[int, typer.Argument(metavar="RULE_ID", help="The rule's id.", parser=parse_id)],
) -> None:
    """Delete a rule.

    Example: salespipe rule delete 2
    """
    from salespipe.services.rules import delete_rule

    with database(ctx) as conn:
        delete_rule(conn, rule_id)
    info(f"Deleted rule #{rule_id}.")
