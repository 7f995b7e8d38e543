"""`salespipe log`: touchpoints (calls, e-mails, meetings, notes)."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import (
    JsonOpt,
    LeadId,
    database,
    emit_json,
    info,
    now,
)


def log(
    ctx: typer.Context,
    lead_id: LeadId,
    call: Annotated[str | None, typer.Option("--call", metavar="TEXT", help="A phone call.")] = None,
    email: Annotated[str | None, typer.Option("--email", metavar="TEXT", help="An e-mail.")] = None,
    meeting: Annotated[str | None, typer.Option("--meeting", metavar="TEXT", help="A meeting.")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note.")] = None,
    at: Annotated[str | None, typer.Option("--at", metavar="DATE", help="When it happened (default: now).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Log a touchpoint on a lead: a call, an e-mail, a meeting or a note (exactly one).
    Activities show in `lead show` and keep a deal from going stale.

    Example: salespipe log 12 --call "talked budget, sending offer Friday"
    """
    from salespipe.cli.common import parse_at
    from salespipe.domain.models import ActivityKind
    from salespipe.services.work import log_activity

    given = [
        (k, t) for k, t in (("call", call), ("email", email), ("meeting", meeting), ("note", note)) if t is not None
    ]
    if len(given) != 1:
        raise typer.BadParameter(
            "give exactly one of --call, --email, --meeting, --note", param_hint="--call/--email/--meeting/--note"
        )
    kind, text = given[0]
    moment = now()
    with database(ctx) as conn:
        activity = log_activity(conn, lead_id, kind=ActivityKind(kind), text=text, at=parse_at(at, moment), now=moment)
    if json_:
        from salespipe.domain.models import as_record

        emit_json(as_record(activity))
    else:
        info(f"Logged {kind} on lead #{lead_id}.")
