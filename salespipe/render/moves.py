"""What a stage change did, for a person (stderr) and for scripts (--json)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.domain.models import Lead, Task
from salespipe.domain.stages import Transition


class Moved(Protocol):
    """services.moves.Moved, as render sees it."""

    @property
    def lead(self) -> Lead: ...
    @property
    def probability(self) -> int: ...
    @property
    def transition(self) -> Transition: ...
    @property
    def tasks_created(self) -> list[Task]: ...
    @property
    def tasks_closed(self) -> list[Task]: ...
    @property
    def tasks_left_open(self) -> list[Task]: ...
    @property
    def criteria_met(self) -> list[str]: ...


def moved_record(moved: Moved, *, now: datetime) -> dict[str, Any]:
    """The lead's record, how it moved, and its effects: ``tasks_created`` (by rules),
    ``tasks_closed`` and ``tasks_left_open`` (when it closed), ``criteria_met``."""
    from salespipe.render.records import lead_record
    from salespipe.render.tasks import task_record

    return {
        **lead_record(moved.lead, moved.probability),
        "from_stage": moved.transition.from_stage,
        "backwards": moved.transition.backwards,
        "tasks_created": [task_record(t, now) for t in moved.tasks_created],
        "tasks_closed": [task_record(t, now) for t in moved.tasks_closed],
        "tasks_left_open": [task_record(t, now) for t in moved.tasks_left_open],
        "criteria_met": moved.criteria_met,
    }


def moved_message(moved: Moved, *, loc: Locale = ENGLISH) -> str:
    from salespipe.render.messages import rule_tasks, stage_change
    from salespipe.render.words import words

    tr = words(loc.lang)
    t = moved.transition
    lines = [stage_change(moved.lead.id, moved.lead.title, t.from_stage, t.to_stage, backwards=t.backwards, loc=loc)]
    if moved.criteria_met:
        lines.append(tr("  Meets: {criteria}.", criteria=", ".join(moved.criteria_met)))
    lines += rule_tasks(moved.tasks_created, loc=loc)
    if moved.tasks_closed:
        lines.append(
            tr("  Marked done: {tasks}.", tasks=", ".join(f"#{task.id} {task.text}" for task in moved.tasks_closed))
        )
    if moved.tasks_left_open:
        lines.append(
            tr(
                "  Still open: {tasks} (close --yes marks them done; salespipe task done ID).",
                tasks=", ".join(f"#{task.id} {task.text}" for task in moved.tasks_left_open),
            )
        )
    return "\n".join(lines)
