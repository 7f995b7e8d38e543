"""``history``: the journal of changes, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salespipe.render.present import Rows, View
from salespipe.render.table import Column, draw

HISTORY_KEYS = ("id", "at", "command", "rows")

if TYPE_CHECKING:
    from salespipe.domain.records import Change


# What a journaled table's rows are called (one, several); a table not named here by its name.
_ROWS = {
    "leads": ("lead", "leads"),
    "stage_events": ("stage event", "stage events"),
    "activities": ("activity", "activities"),
    "tasks": ("task", "tasks"),
    "lead_criteria": ("criterion met", "criteria met"),
    "stages": ("stage", "stages"),
    "settings": ("setting", "settings"),
    "rules": ("rule", "rules"),
    "rule_runs": ("rule run", "rule runs"),
    "targets": ("target", "targets"),
    "orgs": ("organisation", "organisations"),
    "people": ("person", "people"),
    "surveys": ("survey answer", "survey answers"),
    "estimate_history": ("estimate", "estimates"),
    "forecast_snapshots": ("forecast snapshot", "forecast snapshots"),
}


def changed(rows: dict[str, int]) -> str:
    """``1 lead, 2 stage events``: the rows a change touched, per table, in words."""
    words = []
    for table, n in sorted(rows.items()):
        one, many = _ROWS.get(table, (table, table))
        words.append(f"{n} {one if n == 1 else many}")
    return ", ".join(words) or "nothing"


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
