"""`salespipe erase`: the right to erasure."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import JsonOpt, LeadId, database, emit_json, info


def erase(
    ctx: typer.Context,
    lead_id: LeadId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Erase a lead for good (right to erasure): the lead, its events, activities, tasks and
    criteria, every trace the undo journal kept of them, and its words in recorded command
    lines; then the file is compacted so no byte of it stays. It cannot be undone.

    Example: salespipe erase 12 --yes
    """
    from salespipe.services import privacy

    with database(ctx, write=False) as conn:
        label = privacy.erasable_title(conn, lead_id) or "(deleted; what the undo journal kept of it)"
    if not yes:
        import sys

        if not sys.stdin.isatty():
            raise typer.BadParameter(
                "erase cannot be undone: add --yes to do it without a terminal", param_hint="--yes"
            )
        from salespipe.cli.common import confirm

        confirm(f"Erase lead #{lead_id} {' '.join(label.split())} and every trace of it? This cannot be undone.")
    with database(ctx, journal=False) as conn:
        result = privacy.erase(conn, lead_id)
    with database(ctx, write=False) as conn:  # outside the transaction: VACUUM, WAL truncated
        emptied = privacy.compact(conn)
    if not emptied:
        info(
            "Warning: another salespipe has the database open, so its WAL file could not be emptied yet; "
            "run salespipe erase again when it is done (or close it) to finish."
        )
    if json_:
        emit_json(result)
    else:
        removed = result["removed"]
        info(
            f"Erased lead #{result['id']} {result['title'] or '(deleted before)'}: "
            f"{removed['stage_events']} stage event(s), "
            f"{removed['activities']} activit(ies), {removed['tasks']} task(s), "
            f"{removed['journal_entries']} journal entr(ies); {removed['commands_rewritten']} recorded "
            "command line(s) rewritten; the file is compacted."
        )
