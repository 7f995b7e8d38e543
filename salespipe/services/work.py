"""Working the pipeline: activities (touchpoints) and tasks (next steps)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from salespipe.domain.dates import When, utc_iso
from salespipe.domain.errors import InvalidValue, NotFound
from salespipe.domain.models import Activity, ActivityKind, Task
from salespipe.services.pipeline import get_lead
from salespipe.store import work as work_store

TASK_VIEWS = ("open", "overdue", "today", "week", "all")


def log_activity(
    conn: sqlite3.Connection, lead_id: int, *, kind: ActivityKind, text: str, at: When | None, now: datetime
) -> Activity:
    """Record a call, e-mail, meeting or note; it counts as a touch for staleness."""
    get_lead(conn, lead_id)
    if not text.strip():
        raise InvalidValue("the activity needs a text")
    moment = at.at if at else now
    # today without a time (noon) may be later than now: it is now; a later day is refused
    if at is not None and moment > now and (not at.date_only or moment.astimezone(now.tzinfo).date() > now.date()):
        shown = moment.date().isoformat() if at.date_only else moment.isoformat(timespec="minutes")
        raise InvalidValue(f"--at {shown} is in the future: log a touch that has happened")
    when = utc_iso(min(moment, now))
    activity_id = work_store.add_activity(
        conn, lead_id=lead_id, kind=kind.value, text=text.strip(), at=when, recorded_at=utc_iso(now)
    )
    work_store.touch(conn, lead_id, when)
    return Activity(id=activity_id, lead_id=lead_id, kind=kind, text=text.strip(), at=when)


def _due(when: When, now: datetime) -> tuple[str, str | None]:
    local = when.at.astimezone(now.tzinfo)
    return local.date().isoformat(), (None if when.date_only else local.strftime("%H:%M"))


def get_task(conn: sqlite3.Connection, task_id: int) -> Task:
    task = work_store.get_task(conn, task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id} (salespipe task list --all shows the ids)")
    return task


def add_task(conn: sqlite3.Connection, lead_id: int, *, text: str, due: When, now: datetime) -> Task:
    get_lead(conn, lead_id)
    if not text.strip():
        raise InvalidValue("the task needs a text")
    due_date, due_time = _due(due, now)
    task_id = work_store.add_task(
        conn, lead_id=lead_id, text=text.strip(), due_date=due_date, due_time=due_time, now=utc_iso(now)
    )
    return get_task(conn, task_id)


def complete_task(conn: sqlite3.Connection, task_id: int, *, note: str | None, now: datetime) -> Task:
    task = get_task(conn, task_id)
    if not task.is_open:
        raise InvalidValue(f"task #{task_id} is done already ({task.done_at})")
    when = utc_iso(now)
    work_store.update_task(conn, task_id, {"done_at": when, "done_note": note, "updated_at": when})
    work_store.touch(conn, task.lead_id, when)
    return get_task(conn, task_id)


def snooze_task(conn: sqlite3.Connection, task_id: int, *, until: When, now: datetime) -> Task:
    task = get_task(conn, task_id)
    if not task.is_open:
        raise InvalidValue(f"task #{task_id} is done; only open tasks can be snoozed")
    due_date, due_time = _due(until, now)
    if due_date < now.date().isoformat():
        raise InvalidValue(f"--until {due_date} is in the past")
    if due_date < task.due_date.isoformat():
        raise InvalidValue(
            f"task #{task_id} is due {task.due_date.isoformat()}: snooze moves it later, not to {due_date} "
            f"(salespipe task edit {task_id} --due {due_date} moves it anywhere)"
        )
    work_store.update_task(
        conn, task_id, {"due_date": due_date, "due_time": due_time or task.due_time, "updated_at": utc_iso(now)}
    )
    return get_task(conn, task_id)


def edit_task(conn: sqlite3.Connection, task_id: int, *, text: str | None, due: When | None, now: datetime) -> Task:
    get_task(conn, task_id)
    changes: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise InvalidValue("the task needs a text")
        changes["text"] = text.strip()
    if due is not None:
        changes["due_date"], changes["due_time"] = _due(due, now)
    if not changes:
        raise InvalidValue("nothing to change: give --text or --due")
    changes["updated_at"] = utc_iso(now)
    work_store.update_task(conn, task_id, changes)
    return get_task(conn, task_id)


def delete_task(conn: sqlite3.Connection, task_id: int) -> Task:
    task = get_task(conn, task_id)
    work_store.delete_task(conn, task_id)
    return task


def list_tasks(
    conn: sqlite3.Connection, *, view: str, now: datetime, parked: bool = True
) -> list[tuple[Task, str, str]]:
    """``open`` (all open, the default), ``overdue``, ``today`` (due today or before),
    ``week`` (due in the next 7 days, or before: up to the same weekday next week, which is
    where a weekday name such as ``friday`` lands, even on a Friday), ``all`` (open and done).
    ``parked=False``: not the tasks of deals parked today (the agenda's lists)."""
    today = now.date()
    if view not in TASK_VIEWS:
        raise InvalidValue(f"unknown view {view!r}; choose from: {', '.join(TASK_VIEWS)}")
    until = {"overdue": today, "today": today, "week": today + timedelta(days=7)}.get(view)
    rows = work_store.list_tasks(
        conn,
        include_done=view == "all",
        due_until=until.isoformat() if until else None,
        not_parked_on=None if parked else today.isoformat(),
    )
    if view == "overdue":  # due before today, or today at a time already past
        return [r for r in rows if is_overdue(r[0], now)]
    return rows


def is_overdue(task: Task, now: datetime) -> bool:
    return task.is_overdue(now)


def open_tasks(conn: sqlite3.Connection, lead_id: int) -> list[Task]:
    return [t for t in work_store.tasks_of(conn, lead_id) if t.is_open]


def check_criteria(conn: sqlite3.Connection, lead_id: int, names: list[str], *, now: datetime) -> list[str]:
    """Record qualification criteria a deal meets; returns all it meets now."""
    known = work_store.criteria(conn)
    for name in names:
        if name.strip().lower() not in known:
            raise InvalidValue(f"unknown criterion {name!r}; criteria: {', '.join(known)}")
    get_lead(conn, lead_id)
    work_store.check_criteria(conn, lead_id, [n.strip().lower() for n in names], utc_iso(now))
    return work_store.met_criteria(conn, lead_id)


def qualification(conn: sqlite3.Connection, lead_id: int) -> dict[str, bool]:
    met = set(work_store.met_criteria(conn, lead_id))
    return {name: name in met for name in work_store.criteria(conn)}


def tasks_ics(conn: sqlite3.Connection, *, now: datetime) -> bytes:
    """Open tasks as an iCalendar file: one event per task, all day or half an hour at its
    time, with the lead in the summary. UIDs are stable, so re-importing updates events.

    A task's time is the wall-clock time where salespipe runs. With the system's IANA zone
    known (``services.clock.local_zone``) events carry it (``TZID=Europe/Berlin``) and the file
    its VTIMEZONE, so summer and winter times are right in any calendar; without it, times are
    written in UTC (the system's own rules give each date its offset), never as a fixed offset."""
    from datetime import date, time

    from icalendar import Calendar, Event

    from salespipe.services.clock import local_zone

    # the zone's VTIMEZONE comes from icalendar (6 and later); without it, UTC times
    zone = local_zone(now) if hasattr(Calendar, "add_missing_timezones") else None
    calendar = Calendar()
    calendar.add("prodid", "-//salespipe//tasks//EN")
    calendar.add("version", "2.0")
    days = []
    for task, title, _stage in list_tasks(conn, view="open", now=now):
        event = Event()
        event.add("uid", f"task-{task.id}@salespipe")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("summary", f"{task.text} ({title})")
        event.add("description", f"salespipe task #{task.id} for lead #{task.lead_id}: {title}")
        if task.due_time:
            hour, minute = (int(x) for x in task.due_time.split(":"))
            wall = datetime.combine(task.due_date, time(hour, minute))
            start = wall.replace(tzinfo=zone) if zone else wall.astimezone().astimezone(UTC)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=30))
        else:
            event.add("dtstart", task.due_date)
            event.add("dtend", date.fromordinal(task.due_date.toordinal() + 1))
        days.append(task.due_date)
        calendar.add_component(event)
    if zone is not None and days:  # the zone's rules for the span of the tasks, not since 1970
        # a year of rules around them; icalendar looks up to 64 days past the last day it is
        # given, which must stay within the calendar (a task on 9998-12-31)
        last, end = max(days), date.max - timedelta(days=65)
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366),
            last_date=last + timedelta(days=366) if (end - last).days > 366 else end,
        )
    return calendar.to_ical()


def set_criteria(conn: sqlite3.Connection, names: list[str]) -> list[str]:
    """Replace the qualification criteria; met criteria no longer on the list are dropped."""
    import re

    from salespipe.store import stages as stage_store

    cleaned = list(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    for name in cleaned:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
            raise InvalidValue(f"invalid criterion {name!r}: lowercase letters, digits, - and _")
    if not cleaned:
        raise InvalidValue("give at least one criterion")
    stage_store.set_setting(conn, "criteria", ",".join(cleaned))
    work_store.forget_criteria_but(conn, cleaned)
    return cleaned


def criteria(conn: sqlite3.Connection) -> list[str]:
    """The qualification criteria, in order."""
    return work_store.criteria(conn)
