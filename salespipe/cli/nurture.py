"""`salespipe nurture`: park a deal that is not ready yet, until a day."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, LeadId, database, emit_json, info, now


def nurture(
    ctx: typer.Context,
    lead_id: LeadId,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="Park it until this day: 2027-03-01, +3m, next quarter ..."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why it is parked, what to pick up.")] = None,
    end: Annotated[bool, typer.Option("--end", help="End the nurture now: the deal is back today.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Park a deal that is not ready yet: out of the open pipeline, today, staleness, priority
    and the forecast until --until, then back in its stage with a task "Nurture ended: follow
    up" due that day. A lost deal is recycled: it reopens into the stage it was lost from.

    Example: salespipe nurture 12 --until 2027-03-01 --note "budget next year"
    """
    from salespipe.domain.dates import parse_date
    from salespipe.render.moves import nurtured_message, nurtured_record
    from salespipe.services import deals
    from salespipe.services.pipeline import locale

    if end and (until is not None or note is not None):
        raise typer.BadParameter("--end takes neither --until nor --note", param_hint="--end")
    if not end and until is None:
        raise typer.BadParameter("give --until DATE (or --end to end a nurture)", param_hint="--until")
    if until is not None and not until.strip():
        raise typer.BadParameter("empty value", param_hint="--until")
    moment = now()
    with database(ctx) as conn:
        if end:
            result = deals.end_nurture(conn, lead_id, now=moment)
        else:
            assert until is not None
            day = parse_date(until, now=moment)
            result = deals.nurture(conn, lead_id, until=day, note=note, now=moment)
        loc = locale(conn)
    if json_:
        emit_json(nurtured_record(result))
    else:
        info(nurtured_message(result, loc=loc))
