"""`salespipe undo`: revert the last change as a whole."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, database, emit_json, info


def undo(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Revert the last command that changed something, as a whole: a stage move with the tasks
    its rules created, an edit, a deletion, an import. Shows what it reverts and asks first
    unless --yes. Files it wrote (exports, rejects files) are not touched.

    Example: salespipe undo --yes
    """
    from salespipe.render.history import changed
    from salespipe.services import undo as service

    with database(ctx, write=False) as conn:
        change = service.last_change(conn)
    from salespipe.domain.dates import from_iso

    when = from_iso(change["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    info(f"Last change #{change['id']} ({when}): {change['command']}\n  changed {changed(change['rows'])}")
    if not yes:
        from salespipe.cli.common import confirm

        confirm("Undo it?")
    with database(ctx, journal=False) as conn:
        service.undo(conn, change["id"])
    if json_:
        emit_json({"undone": change})
    else:
        info(f"Undone: {change['command']}")
