"""Lead listings and the lead card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from salespipe.domain.dates import days_between, from_iso
from salespipe.domain.money import format_major

LIST_COLUMNS = ("ID", "Name", "Company", "Stage", "Value", "Prob", "Weighted", "Close", "Days")
_RIGHT = {0, 4, 5, 6, 8}


def _cells(record: dict[str, Any], now: datetime) -> list[str]:
    cur = record["currency"]
    return [
        str(record["id"]),
        record["title"],
        record["company"] or "",
        record["stage"],
        format_major(record["value"], cur),
        f"{record['probability']}%",
        format_major(record["weighted_value"], cur),
        record["expected_close"] or "",
        str(int(days_between(record["stage_entered_at"], now))),
    ]


# Dropped, in this order, on a terminal too narrow for every column (pipes get them all).
_NARROW_DROP = (("Company", 100), ("Prob", 90))


def lead_table(records: list[dict[str, Any]], *, now: datetime, plain: bool, width: int = 80) -> Any:
    rows = [_cells(r, now) for r in records]
    if plain:
        from salespipe.render.output import plain_table

        return plain_table(LIST_COLUMNS, rows, right=_RIGHT)
    from rich import box
    from rich.table import Table

    dropped = {name for name, min_width in _NARROW_DROP if width < min_width}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    keep = [i for i, column in enumerate(LIST_COLUMNS) if column not in dropped]
    # Figures keep their full width; the name and company share what is left (with an ellipsis).
    widths = {i: max([len(LIST_COLUMNS[i])] + [len(row[i]) for row in rows]) for i in keep}
    flexible = [i for i in keep if i in (1, 2)]
    # SIMPLE_HEAD without edge padding: 2 edge cells, and a separator plus padding between columns
    room = width - sum(w for i, w in widths.items() if i not in flexible) - 3 * (len(keep) - 1) - 2
    for n, i in enumerate(flexible):
        share = room if len(flexible) == 1 else (room * 3 // 5 if n == 0 else room - room * 3 // 5)
        widths[i] = max(8, min(widths[i], share))
    for i in keep:
        table.add_column(LIST_COLUMNS[i], justify="right" if i in _RIGHT else "left",
                         overflow="ellipsis", no_wrap=True, width=widths[i])
    for row in rows:
        table.add_row(*(row[i] for i in keep))
    return table


def lead_card(record: dict[str, Any], events: list[dict[str, Any]], labels: dict[str, str],
              *, now: datetime, plain: bool, activities: Sequence[dict[str, Any]] = (),
              tasks: Sequence[dict[str, Any]] = (), next_step: dict[str, Any] | None = None,
              qualification: dict[str, bool] | None = None, closed: bool | None = None) -> Any:
    cur = record["currency"]
    stage_label = labels.get(record["stage"], record["stage"])
    days = int(days_between(record["stage_entered_at"], now))
    prob = f"{record['probability']}%" + (" (override)" if record["probability_override"] is not None else "")
    fields: list[tuple[str, str]] = [
        ("Stage", f"{stage_label} [{record['stage']}], {days} day(s) in stage"),
        ("Value", (f"{format_major(record['value'], cur)} at {prob} = "
                   f"{format_major(record['weighted_value'], cur)} weighted") if record["value"] is not None
         else f"unknown ({cur}), at {prob}"),
    ]
    for label, key in (("Contact", "contact_name"), ("Company", "company"), ("E-mail", "email"),
                       ("Phone", "phone"), ("Source", "source"), ("Owner", "owner"),
                       ("Expected close", "expected_close"),
                       ("Lost reason", "lost_reason"), ("External id", "external_id")):
        if record[key]:
            fields.append((label, str(record[key])))
    if record["tags"]:
        fields.append(("Tags", ", ".join(record["tags"])))
    for key, value in record["fields"].items():
        fields.append((key, str(value)))
    if qualification:
        fields.append(("Qualification", ", ".join(f"{name} {'yes' if met else 'no'}"
                                                  for name, met in qualification.items())))
    fields.append(("Created", _local(record["created_at"]) + (
        " (a stand-in: the source had no created date)" if record.get("created_estimated") else "")))
    # One timeline, newest first: stage changes, activities, tasks created and done.
    # (when, then the order things were recorded in: kind and id) so that two changes at the
    # same moment show newest first, as everything else
    items: list[tuple[tuple[str, int, int], str, str]] = [
        ((e["at"], 0, e["id"]), (f"{e['from_stage']} -> " if e["from_stage"] else "created in ") + e["to_stage"],
         e["note"] or "")
        for e in events
    ]
    items += [((a["at"], 1, a["id"]), a["kind"], a["text"]) for a in activities]
    items += [((t["created_at"], 2, t["id"]), f"task #{t['id']} added", t["text"]) for t in tasks]
    items += [((t["done_at"], 3, t["id"]), f"task #{t['id']} done", t["done_note"] or t["text"])
              for t in tasks if t["done_at"]]
    timeline = [(_local(key[0]), what, note) for key, what, note in sorted(items, key=lambda i: i[0], reverse=True)]
    if closed is None:
        closed = record["closed_at"] is not None
    if closed and record["closed_at"] is None:
        fields.append(("Closed", "on a date nobody recorded (left out of dated figures)"))
    if not closed:
        if next_step:
            due = next_step["due_date"] + (f" {next_step['due_time']}" if next_step["due_time"] else "")
            fields.append(("Next step", f"{next_step['text']} (task #{next_step['id']}, due {due})"))
        else:
            fields.append(("Next step", "none: salespipe task add " + str(record["id"]) + " TEXT --due DATE"))
        fields.append(("In stage", f"{days} day(s) in {stage_label}"))
    title = f"#{record['id']} {record['title']}"
    if plain:
        width = max(len(k) for k, _ in fields)
        lines = [title, ""] + [f"{k.ljust(width)}  {v}" for k, v in fields]
        lines += ["", "Timeline (newest first)"]
        lines += [f"  {at}  {what}" + (f"  ({note})" if note else "") for at, what, note in timeline]
        return "\n".join(lines) + "\n"
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for k, v in fields:
        grid.add_row(Text(k), Text(v))
    history = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Timeline (newest first)",
                    title_justify="left", header_style="bold")
    history.add_column("When", no_wrap=True)
    history.add_column("What")
    history.add_column("Note")
    for row in timeline:
        history.add_row(*(Text(cell) for cell in row))
    return Group(Panel(grid, title=Text(title), title_align="left"), history)


def _local(iso: str) -> str:
    return from_iso(iso).astimezone().strftime("%Y-%m-%d %H:%M")
