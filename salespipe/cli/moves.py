"""The stage verbs: verify, qualify, propose, negotiate, close, disqualify, move, reopen.

Each writes exactly one stage event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    AtOpt,
    JsonOpt,
    LeadId,
    NoteOpt,
    ValueOpt,
    database,
    emit_json,
    info,
    now,
    parse_at,
    run_hook,
)


def _move(
    ctx: typer.Context,
    lead_id: int,
    *,
    at: str | None,
    note: str | None,
    json_: bool,
    value: str | None = None,
    close_tasks: bool | None = None,
    criteria: Sequence[str] = (),
    **target: Any,
) -> None:
    """One stage change. ``close_tasks``: when the change closes the deal, also mark its open
    tasks done (True), leave them (False), or ask first (None, on a terminal; else leave)."""
    from salespipe.render.moves import moved_message, moved_record
    from salespipe.services import moves
    from salespipe.services.pipeline import locale

    moment = now()
    if close_tasks is None and target.get("kind") is not None:
        with database(ctx, write=False) as conn:
            open_tasks = moves.tasks_open_on_close(conn, lead_id, closing=True)
        close_tasks = bool(open_tasks) and _ask_about(lead_id, open_tasks)
    with database(ctx) as conn:
        moved = moves.move_lead(
            conn,
            lead_id,
            now=moment,
            at=parse_at(at, moment),
            note=note,
            value=value,
            criteria=criteria,
            close_tasks=bool(close_tasks),
            **target,
        )
        loc = locale(conn)
    record = moved_record(moved, now=moment)
    if json_:
        emit_json(record)
    else:
        info(moved_message(moved, loc=loc))
    run_hook(
        "on-stage-change",
        {
            "lead": {k: v for k, v in record.items() if k not in _EFFECTS},
            "from_stage": moved.transition.from_stage,
            "to_stage": moved.transition.to_stage,
            "at": moved.lead.stage_entered_at,
        },
    )


_EFFECTS = (
    "from_stage",
    "backwards",
    "tasks_created",
    "tasks_closed",
    "tasks_left_open",
    "criteria_met",
    "renewal_created",
)


def _ask_about(lead_id: int, tasks: Sequence[Any]) -> bool:
    """On a terminal, whether to mark the deal's open tasks done; named, so the answer is informed."""
    import sys

    if not sys.stdin.isatty():
        return False
    from salespipe.cli.common import ask

    named = "; ".join(f"#{t.id} {t.text} (due {t.due_date.isoformat()})" for t in tasks[:3])
    more = f" and {len(tasks) - 3} more" if len(tasks) > 3 else ""
    return ask(f"Lead #{lead_id} has {len(tasks)} open task(s): {named}{more}. Mark them done too?")


VERBS = ("verify", "qualify", "propose", "negotiate", "close", "disqualify", "move", "reopen")


def register(app: typer.Typer, only: str | None = None) -> None:
    """Add the stage verbs (or just ``only``) to ``app``."""
    commands = {
        "verify": (
            _simple_verb("verify"),
            "Move a lead to 'verified'.\n\nExample: salespipe verify 12 --note 'reached by phone'",
        ),
        "qualify": (qualify, None),
        "propose": (
            _value_verb("propose"),
            "Move a lead to 'proposal', optionally updating its value.\n\nExample: salespipe propose 12 --value 14.500",
        ),
        "negotiate": (
            _value_verb("negotiate"),
            "Move a lead to 'negotiation', optionally updating its value.\n\nExample: salespipe negotiate 12 --value 13.900",
        ),
        "close": (close, None),
        "disqualify": (disqualify, None),
        "move": (move, None),
        "reopen": (reopen, None),
    }
    for name in VERBS:
        if only is None or name == only:
            function, help_text = commands[name]
            app.command(name, help=help_text)(function)


BackOpt = Annotated[bool, typer.Option("--back", help="Allow moving the deal back to this earlier stage.")]


def _simple_verb(verb: str) -> Any:
    def command(
        ctx: typer.Context,
        lead_id: LeadId,
        at: AtOpt = None,
        note: NoteOpt = None,
        back: BackOpt = False,
        json_: JsonOpt = False,
    ) -> None:
        _move(ctx, lead_id, at=at, note=note, json_=json_, verb=verb, back=back)

    command.__name__ = verb
    return command


def _value_verb(verb: str) -> Any:
    def command(
        ctx: typer.Context,
        lead_id: LeadId,
        value: ValueOpt = None,
        at: AtOpt = None,
        note: NoteOpt = None,
        back: BackOpt = False,
        json_: JsonOpt = False,
    ) -> None:
        _move(ctx, lead_id, at=at, note=note, json_=json_, value=value, verb=verb, back=back)

    command.__name__ = verb
    return command


def qualify(
    ctx: typer.Context,
    lead_id: LeadId,
    check: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            metavar="CRITERION",
            help="A qualification criterion the deal meets: budget, authority, need, timeline (repeatable).",
            autocompletion=completion.criteria,
        ),
    ] = None,
    at: AtOpt = None,
    note: NoteOpt = None,
    back: BackOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Move a lead to 'qualified', recording the criteria it meets (BANT by default). On a
    lead already qualified or further, --check only records the criteria (the deal stays).

    Example: salespipe qualify 12 --check budget --check need --note "CFO on board"
    """
    from salespipe.services import moves, work

    if check:
        with database(ctx, write=False) as conn:
            already = moves.is_qualified_already(conn, lead_id, back=back)
        if already:
            with database(ctx) as conn:
                met = work.check_criteria(conn, lead_id, check, now=now())
            if json_:
                emit_json({"id": lead_id, "criteria_met": met})
            else:
                info(f"Lead #{lead_id} meets: {', '.join(met)}.")
            return
    _move(ctx, lead_id, at=at, note=note, json_=json_, verb="qualify", criteria=check or [], back=back)


def close(
    ctx: typer.Context,
    lead_id: LeadId,
    won: Annotated[bool, typer.Option("--won", help="Won (this or --lost is required).")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="Lost.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it was lost.")] = None,
    value: ValueOpt = None,
    at: AtOpt = None,
    note: NoteOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Also mark the deal's open tasks done, without asking.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Close a deal as won or lost. If it has open tasks, asks whether to mark them done
    (--yes does, without asking; when not on a terminal they stay open, and it says so).

    Example: salespipe close 12 --won --value 13.800
    """
    if won == lost:
        raise typer.BadParameter("say --won or --lost (one of them)", param_hint="--won/--lost")
    if won and reason is not None:
        raise typer.BadParameter("--reason is for --lost", param_hint="--reason")
    from salespipe.domain.models import StageKind

    _move(
        ctx,
        lead_id,
        at=at,
        note=note,
        json_=json_,
        value=value,
        close_tasks=True if yes else None,
        kind=StageKind.WON if won else StageKind.LOST,
        reason=reason,
    )


def disqualify(
    ctx: typer.Context,
    lead_id: LeadId,
    reason: Annotated[str, typer.Option("--reason", help="Why it is hopeless (required).", show_default=False)],
    at: AtOpt = None,
    note: NoteOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Also mark the lead's open tasks done, without asking.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Close a hopeless lead as lost, with the reason.

    Example: salespipe disqualify 12 --reason "no budget until 2028"
    """
    from salespipe.domain.models import StageKind

    _move(
        ctx,
        lead_id,
        at=at,
        note=note,
        json_=json_,
        kind=StageKind.LOST,
        reason=reason,
        close_tasks=True if yes else None,
    )


def move(
    ctx: typer.Context,
    lead_id: LeadId,
    stage: Annotated[
        str,
        typer.Argument(help="Target stage key or label (salespipe stage list).", autocompletion=completion.stage_keys),
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Lost reason, when moving to a lost stage.")] = None,
    at: AtOpt = None,
    note: NoteOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Move a lead to any stage, forwards or backwards (for custom pipelines).

    Example: salespipe move 12 qualified --note "back to qualification: new decision maker"
    """
    _move(ctx, lead_id, at=at, note=note, json_=json_, to=stage, reason=reason)


def reopen(ctx: typer.Context, lead_id: LeadId, at: AtOpt = None, note: NoteOpt = None, json_: JsonOpt = False) -> None:
    """Reopen a closed deal: it returns to the stage it was closed from.

    Example: salespipe reopen 12 --note "they came back"
    """
    _move(ctx, lead_id, at=at, note=note, json_=json_, reopen=True)
