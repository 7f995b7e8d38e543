"""The customer journey: how many organisations are in each phase, drawn with bars like the
report's funnel, and one organisation's path (records as in the README)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.report import GREEN, bar
from salespipe.render.table import Column, draw
from salespipe.render.terminal import Terminal
from salespipe.render.words import words

if TYPE_CHECKING:
    from salespipe.render.present import View

# The phases' names as a person reads them (their German forms are in render.words).
PHASE_WORDS = {
    "awareness": "Awareness",
    "interest": "Interest",
    "desire": "Desire",
    "action": "Action",
    "retention": "Retention",
    "advocacy": "Advocacy",
}
PHASE_KEYS = ("phase", "count")
PATH_KEYS = ("phase", "reached_on", "deals")


def phase_word(phase: str | None, loc: Locale = ENGLISH) -> str:
    """A phase in the pipeline's language ("–" for none)."""
    return words(loc.lang)(PHASE_WORDS[phase]) if phase else "–"


def overview_view(data: Mapping[str, Any], *, loc: Locale = ENGLISH) -> View:
    """``journey``: the organisations per phase, bars scaled to the fullest phase."""
    from salespipe.render.present import Rows, View

    tr = words(loc.lang)
    top = max((int(p["count"]) for p in data["phases"]), default=0)

    def human(terminal: Terminal) -> str:
        plain = not terminal.colour
        columns = (
            Column(tr("Phase")),
            Column(tr("Organisations"), align="right"),
            Column("", drop=0, style=GREEN),
        )
        rows = [
            [
                phase_word(p["phase"], loc),
                loc.number(p["count"]),
                bar(p["count"] / top if top else None, 24, plain=plain),
            ]
            for p in data["phases"]
        ]
        head = tr(
            "Customer journey on {day}: {n} organisation(s)",
            day=loc.date(data["as_of"]),
            n=loc.number(data["organisations"]),
        )
        table = draw(columns, rows, width=terminal.width, colour=terminal.colour)
        notes = (
            [tr("{n} in no phase: no deal yet, or only deals lost before any phase.", n=loc.number(data["outside"]))]
            if data["outside"]
            else []
        )
        return _fit([head], terminal) + "\n" + table + (_fit(notes, terminal) if notes else "")

    return View(dict(data), human, csv=Rows(PHASE_KEYS, data["phases"]))


def _fit(lines: list[str], terminal: Terminal) -> str:
    """Prose lines no wider than the terminal, one newline each."""
    from salespipe.render.output import fit, visible

    return fit([visible(line) for line in lines], terminal.width or None) + "\n"


def _deals_text(deals: list[Mapping[str, Any]]) -> str:
    return ", ".join(f"#{d['id']} {d['title']}" for d in deals)


def path_view(data: Mapping[str, Any], *, loc: Locale = ENGLISH) -> View:
    """``journey ORG``: each phase with the day it was reached and the deals that took it there."""
    from salespipe.render.present import Rows, View

    tr = words(loc.lang)

    def human(terminal: Terminal) -> str:
        org = data["org"]
        head = tr(
            "{org} (#{id}): {phase} on {day}",
            org=org["name"],
            id=org["id"],
            phase=phase_word(data["phase"], loc) if data["phase"] else tr("in no phase"),
            day=loc.date(data["as_of"]),
        )
        columns = (
            Column(tr("Phase")),
            Column(tr("Reached on")),
            Column(tr("Deals"), flex="wrap", minimum=16),
        )
        rows = [
            [
                phase_word(step["phase"], loc),
                loc.date(step["reached_on"]) if step["reached_on"] else "–",
                _deals_text(step["deals"]),
            ]
            for step in data["path"]
        ]
        table = draw(columns, rows, width=terminal.width, colour=terminal.colour)
        return _fit([head], terminal) + "\n" + table

    csv_rows = [
        {"phase": s["phase"], "reached_on": s["reached_on"], "deals": " ".join(str(d["id"]) for d in s["deals"])}
        for s in data["path"]
    ]
    return View(dict(data), human, csv=Rows(PATH_KEYS, csv_rows))
