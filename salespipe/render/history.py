"""``history``: the journal of changes, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salespipe.render.present import Rows, View
from salespipe.render.table import Column, draw

HISTORY_KEYS = ("id", "at", "command", "rows")

if TYPE_CHECKING:
    from salespipe.domain.records import Change


def changed(rows: dict[str, int]) -> str:
    return ", ".join(f"{n} {table}" for table, n in sorted(rows.items())) or "nothing"


def history_view(changes: Sequence[Change]) -> View:
    from salespipe.domain.dates import from_iso

    columns = (
        Column("ID", align="right"),
        Column("When"),
        Column("Command", flex="wrap", minimum=20),
        Column("Changed", flex="wrap", minimum=12, drop=1),
    )
    rows = [
        [str(c["id"]), from_iso(c["at"]).astimezone().strftime("%Y-%m-%d %H:%M"), c["command"], changed(c["rows"])]
        for c in changes
    ]
    flat = [{**c, "rows": ";".join(f"{t}={n}" for t, n in sorted(c["rows"].items()))} for c in changes]
    return View(
        list(changes),
        lambda t: draw(columns, rows, width=t.width, colour=t.colour),
        csv=Rows(HISTORY_KEYS, flat),
        empty=None if changes else "No changes recorded yet.",
    )
