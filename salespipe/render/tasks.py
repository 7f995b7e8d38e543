"""Task listings: ``task list`` (and the task record every task command prints with --json)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from salespipe.domain.locale import ENGLISH, Locale
from salespipe.render.present import Rows, View
from salespipe.render.table import Column, draw
from salespipe.render.words import words

if TYPE_CHECKING:
    from salespipe.domain.records import TaskRecord

TASK_KEYS = (
    "id",
    "lead_id",
    "lead_title",
    "lead_stage",
    "text",
    "due_date",
    "due_time",
    "overdue",
    "done_at",
    "done_note",
    "created_at",
)
_COLUMNS = (
    Column("ID", align="right"),
    Column("Due"),
    Column("Lead", flex="cut", minimum=14, drop=1),
    Column("Task", flex="wrap", minimum=16),
    Column("Status"),
)


def task_record(task: Any, now: datetime, lead_title: str | None = None, lead_stage: str | None = None) -> TaskRecord:
    return {
        "id": task.id,
        "lead_id": task.lead_id,
        "lead_title": lead_title,
        "lead_stage": lead_stage,
        "text": task.text,
        "due_date": task.due_date.isoformat(),
        "due_time": task.due_time,
        "overdue": task.is_overdue(now),
        "done_at": task.done_at,
        "done_note": task.done_note,
        "created_at": task.created_at,
    }


def task_list_view(records: Sequence[TaskRecord], *, loc: Locale = ENGLISH) -> View:
    """``task list``; a person reads it in the pipeline's language (``loc``)."""
    from salespipe.render.leads import said

    tr = words(loc.lang)

    def status(r: TaskRecord) -> str:
        return tr("done") if r["done_at"] else (tr("OVERDUE") if r["overdue"] else tr("open"))

    rows = [
        [
            str(r["id"]),
            loc.date(r["due_date"]) + (f" {r['due_time']}" if r["due_time"] else ""),
            f"#{r['lead_id']} {r['lead_title']}",
            r["text"],
            status(r),
        ]
        for r in records
    ]
    return View(
        list(records),
        lambda t: draw(said(_COLUMNS, loc.lang), rows, width=t.width, colour=t.colour),
        csv=Rows(TASK_KEYS, records),
        empty=None if records else tr("No tasks."),
    )
