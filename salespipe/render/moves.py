"""What a stage change did, for a person (stderr) and for scripts (--json)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from salespipe.domain.models import Lead, Task
from salespipe.domain.stages import Transition


class Moved(Protocol):
    """services.moves.Moved, as render sees it."""

    lead: Lead
    probability: int
    transition: Transition
    tasks_created: list[Task]
    tasks_closed: list[Task]
    tasks_left_open: list[Task]
    criteria_met: list[str]


def moved_record(moved: Moved, *, now: datetime) -> dict[str, Any]:
    """The lead's record, how it moved, and its effects: ``tasks_created`` (by rules),
    ``tasks_closed`` and ``tasks_left_open`` (when it closed), ``criteria_met``."""
    from salespipe.render.records import lead_record
    from salespipe.render.tasks import task_record

    return {**lead_record(moved.lead, moved.probability), "from_stage": moved.transition.from_stage,
            "backwards": moved.transition.backwards,
            "tasks_created": [task_record(t, now) for t in moved.tasks_created],
            "tasks_closed": [task_record(t, now) for t in moved.tasks_closed],
            "tasks_left_open": [task_record(t, now) for t in moved.tasks_left_open],
            "criteria_met": moved.criteria_met}


def _due(task: Task) -> str:
    return task.due_date.isoformat() + (f" {task.due_time}" if task.due_time else "")


def moved_message(moved: Moved) -> str:
    t = moved.transition
    lines = [f"Lead #{moved.lead.id} {moved.lead.title}: {t.from_stage} -> {t.to_stage}"
             + (" (backwards)" if t.backwards else "") + "."]
    if moved.criteria_met:
        lines.append(f"  Meets: {', '.join(moved.criteria_met)}.")
    lines += [f"  Added task #{task.id} {task.text!r}, due {_due(task)} (a rule)." for task in moved.tasks_created]
    if moved.tasks_closed:
        lines.append(f"  Marked done: {', '.join(f'#{task.id} {task.text}' for task in moved.tasks_closed)}.")
    if moved.tasks_left_open:
        lines.append(f"  Still open: {', '.join(f'#{task.id} {task.text}' for task in moved.tasks_left_open)} "
                     "(close --yes marks them done; salespipe task done ID).")
    return "\n".join(lines)
