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
    @property
    def renewal(self) -> Any: ...  # services.deals.Renewal | None


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
        "renewal_created": renewal_record(moved.renewal),
    }


def renewal_record(renewal: Any) -> dict[str, Any] | None:
    """``renewal_created`` (a move's, ``lead add``'s and ``lead edit``'s --json): the renewal
    deal a won deal with a term brought (``services.deals.Renewal``), or null."""
    if renewal is None:
        return None
    return {
        "id": renewal.lead.id,
        "title": renewal.lead.title,
        "renews_lead_id": renewal.renews,
        "expected_close": renewal.term_end.isoformat(),
        "task_id": renewal.task.id,
        "task_due": renewal.task.due_date.isoformat(),
    }


def renewal_message(renewal: Any, *, loc: Locale = ENGLISH) -> list[str]:
    from salespipe.render.words import words

    if renewal is None:
        return []
    tr = words(loc.lang)
    return [
        tr(
            "  Renewal created: #{id} {title}, expected to close {end}; task #{task} due {due}.",
            id=renewal.lead.id,
            title=renewal.lead.title,
            end=loc.date(renewal.term_end.isoformat()),
            task=renewal.task.id,
            due=loc.date(renewal.task.due_date.isoformat()),
        )
    ]


def nurtured_record(result: Any) -> dict[str, Any]:
    """``nurture --json`` (``services.deals.Nurtured``)."""
    return {
        "id": result.lead.id,
        "title": result.lead.title,
        "stage": result.lead.stage,
        "nurture_until": result.until.isoformat() if result.until else None,
        "nurture_note": result.lead.nurture_note,
        "reopened_from": result.reopened_from,
        "task": None
        if result.task is None
        else {"id": result.task.id, "text": result.task.text, "due_date": result.task.due_date.isoformat()},
    }


def nurtured_message(result: Any, *, loc: Locale = ENGLISH) -> str:
    from salespipe.render.words import words

    tr = words(loc.lang)
    lead = result.lead
    lines = []
    if result.reopened_from:
        lines.append(
            tr(
                "Lead #{id} {title} reopened from {lost} into {stage}.",
                id=lead.id,
                title=lead.title,
                lost=loc.stage(result.reopened_from),
                stage=loc.stage(lead.stage),
            )
        )
    if result.until is not None:
        lines.append(
            tr(
                "Lead #{id} {title} nurtured until {until} (out of the pipeline until then).",
                id=lead.id,
                title=lead.title,
                until=loc.date(result.until.isoformat()),
            )
        )
    else:
        lines.append(
            tr(
                "Lead #{id} {title}: nurture ended, back in {stage}.",
                id=lead.id,
                title=lead.title,
                stage=loc.stage(lead.stage),
            )
        )
    if result.task is not None:
        lines.append(
            tr(
                "  Task #{id} {text}, due {due}.",
                id=result.task.id,
                text=result.task.text,
                due=loc.date(result.task.due_date.isoformat()),
            )
        )
    return "\n".join(lines)


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
    lines += renewal_message(moved.renewal, loc=loc)
    return "\n".join(lines)
