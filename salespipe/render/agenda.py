"""``today`` and ``why``: the day's work and the reasons behind a deal's priority."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.output import visible
from salespipe.render.present import Rows, View
from salespipe.render.table import BOLD, Column, draw, style, wrap
from salespipe.render.terminal import Terminal
from salespipe.render.words import words

WHY_KEYS = ("term", "value", "coefficient", "contribution", "reason")

if TYPE_CHECKING:
    from salespipe.domain.records import Today, TodayDeal, Why


def today_view(data: Today, *, loc: Locale = ENGLISH) -> View:
    """The JSON keeps every list as it is; a person sees each deal once: the tasks due, then
    one table of the deals that need attention, by priority, each with what is wrong; in the
    pipeline's language (``loc``)."""
    return View(data, lambda terminal: _today(data, terminal, loc))


def _today(data: Today, terminal: Terminal, loc: Locale = ENGLISH) -> str:
    from salespipe.render.leads import said

    tr = words(loc.lang)
    width, colour = terminal.width, terminal.colour
    out = [style(tr("Today, {date}", date=loc.date(data["date"])), BOLD, colour), ""]
    task_columns = said(
        (
            Column("ID", align="right"),
            Column("Due"),
            Column("Task", flex="wrap", minimum=16),
            Column("Lead", flex="cut", minimum=14, drop=1),
        ),
        loc.lang,
    )
    for title, tasks in ((tr("Overdue tasks"), data["overdue_tasks"]), (tr("Due today"), data["due_today"])):
        if not tasks:
            continue
        out.append(style(f"{title} ({loc.number(len(tasks))})", BOLD, colour))
        rows = [
            [
                f"#{t['id']}",
                loc.date(t["due_date"]) + (f" {t['due_time']}" if t["due_time"] else ""),
                t["text"],
                f"#{t['lead_id']} {t['lead_title']}",
            ]
            for t in tasks
        ]
        out.append(draw(task_columns, rows, width=width, colour=False).rstrip("\n").split("\n", 1)[-1])
        out.append("")
    if not (data["overdue_tasks"] or data["due_today"]):
        out += [tr("No tasks due."), ""]

    reasons: dict[int, list[str]] = {}
    deals: dict[int, TodayDeal] = {}
    lists: Mapping[str, list[Any]] = data  # type: ignore[assignment]  # the deal lists, by key
    for key, reason in (("no_next_step", tr("no next step")), ("stale", tr("stale")), ("closing", tr("closes"))):
        for d in lists[key]:
            deals.setdefault(d["id"], d)
            reasons.setdefault(d["id"], []).append(
                _closing(d["expected_close"], data["date"], loc) if key == "closing" and d["expected_close"] else reason
            )
    for d in data["work_first"]:
        deals.setdefault(d["id"], d)
    ranked = sorted(deals.values(), key=lambda d: (-d["priority"], d["id"]))
    cap = max(len(data["work_first"]), 1)
    shown = ranked[:cap]
    out.append(
        style(
            tr(
                "Deals to work first ({shown} of {total}, by priority)",
                shown=loc.number(len(shown)),
                total=loc.number(len(ranked)),
            ),
            BOLD,
            colour,
        )
        if ranked
        else tr("No deals need attention.")
    )
    if shown:
        columns = said(
            (
                Column("ID", align="right"),
                Column("Deal", flex="cut", minimum=14),
                Column("Stage", flex="cut", minimum=8, drop=2),
                Column("Value", align="right"),
                Column("Score", align="right", drop=3),
                Column("Needs", flex="wrap", minimum=12, drop=1),
            ),
            loc.lang,
        )
        rows = [
            [
                f"#{d['id']}",
                d["title"],
                loc.stage(d["stage"]),
                loc.major(d["value"], d["currency"], cents=False),
                loc.number(d["priority"], decimals=2),
                ", ".join(reasons.get(d["id"], [])) or "–",
            ]
            for d in shown
        ]
        out.append(draw(columns, rows, width=width, colour=False).rstrip("\n"))
    counts = ", ".join(
        tr(label, n=loc.number(len(lists[k])))
        for k, label in (
            ("no_next_step", "{n} without a next step"),
            ("stale", "{n} stale"),
            ("closing", "{n} closing this week or past their date"),
        )
        if lists[k]
    )
    if len(ranked) > len(shown):
        out.append(
            tr(
                "... and {n} more ({counts}): salespipe lead list --sort priority",
                n=loc.number(len(ranked) - len(shown)),
                counts=counts,
            )
        )
    if shown:
        out += ["", tr("Score: the priority score; salespipe why ID explains it.")]
    lines: list[str] = []
    for line in out:
        lines.extend(wrap(line, width, indent="  ") if width and "\x1b" not in line and len(line) > width else [line])
    return "\n".join(lines) + "\n"


def _closing(expected: str, today: str, loc: Locale = ENGLISH) -> str:
    tr = words(loc.lang)
    short = loc.date(expected)
    if expected[:4] == today[:4]:  # this year's: without the year
        short = short[5:] if loc.lang == "en" else short[:6]
    return tr("closes {date}", date=short) if expected >= today else tr("late (was {date})", date=short)


def why_view(data: Why) -> View:
    columns = (
        Column("Term"),
        Column("Value", align="right"),
        Column("Weight", align="right"),
        Column("Points", align="right"),
        Column("Why", flex="wrap", minimum=20),
    )
    rows = [
        [t["term"], f"{t['value']:g}", f"x {t['coefficient']:g}", f"= {t['contribution']:+g}", t["reason"]]
        for t in data["terms"]
    ]

    def human(terminal: Terminal) -> str:
        head = (
            f"#{data['id']} {visible(data['title'])}: priority {data['priority']:g}, "
            f"rank {data['rank']} of {data['open_deals']} open deals"
        )
        lines = wrap(head, terminal.width, indent="  ") if terminal.width else [head]
        return "\n".join(lines) + "\n\n" + draw(columns, rows, width=terminal.width, colour=terminal.colour)

    return View(data, human, csv=Rows(WHY_KEYS, data["terms"]))
