"""What a changing command says it did, in the pipeline's language (stage labels, dates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.words import words


def stage_change(
    lead_id: int, title: str, from_stage: str, to_stage: str, *, backwards: bool = False, loc: Locale = ENGLISH
) -> str:
    """``Lead #12 Anna: Vorschlagen -> Verhandeln.``"""
    tr = words(loc.lang)
    return tr(
        "Lead #{id} {title}: {old} -> {new}{backwards}.",
        id=lead_id,
        title=title,
        old=loc.stage(from_stage),
        new=loc.stage(to_stage),
        backwards=tr(" (backwards)") if backwards else "",
    )


def lead_added(lead_id: int, title: str, stage: str, *, loc: Locale = ENGLISH) -> str:
    return words(loc.lang)("Added lead #{id} {title} ({stage}).", id=lead_id, title=title, stage=loc.stage(stage))


def task_changed(verb: str, task: Mapping[str, Any], *, loc: Locale = ENGLISH) -> str:
    """``Added task #7 (lead #12): send offer, due 27.11.2026 14:00.``; ``verb`` is Added, Done,
    Snoozed or Updated."""
    tr = words(loc.lang)
    due = loc.date(task["due_date"]) + (f" {task['due_time']}" if task["due_time"] else "")
    values = {"id": task["id"], "lead": task["lead_id"], "text": task["text"], "due": due}
    if verb == "Added":
        return tr("Added task #{id} (lead #{lead}): {text}, due {due}.", **values)
    if verb == "Done":
        return tr("Done: task #{id} (lead #{lead}): {text}, due {due}.", **values)
    if verb == "Snoozed":
        return tr("Snoozed task #{id} (lead #{lead}): {text}, due {due}.", **values)
    return tr("Updated task #{id} (lead #{lead}): {text}, due {due}.", **values)


def rule_tasks(tasks: Any, *, loc: Locale = ENGLISH) -> list[str]:
    """``  Added task #8 'send contract draft', due 29.11.2026 (a rule).`` for each task."""
    tr = words(loc.lang)
    return [
        tr(
            "  Added task #{id} '{text}', due {due} (a rule).",
            id=t.id,
            text=t.text,
            due=loc.date(t.due_date.isoformat()) + (f" {t.due_time}" if t.due_time else ""),
        )
        for t in tasks
    ]
