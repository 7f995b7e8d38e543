"""After the sale and before it: the kind of a new deal, the renewal a won deal with a term
brings, and nurture (a deal parked until a day).

Renewals: a won deal with a contract term (``--term``) gets one renewal deal, created when it
is won with a term (``close --won`` on a deal that has one, ``lead add --stage won --term``) or
when a term is set on a won deal (``lead edit --term``): kind ``renewal``, ``renews_lead_id``
the won deal, its company, contact, e-mail, phone, owner, value and currency, in the first
stage, expected to close when the term ends (the won day plus the term), with a task due
``renewal.lead_days`` (config file, default 60) days ahead of that end. A won deal that has a
renewal already gets no second one (a later term change leaves it as it is). No rules fire
for it: its task is the next step.

Nurture: ``nurture ID --until DAY`` sets ``nurture_until`` (and ``nurture_note`` when ``--note``
is given; without it the note the deal has stays, so parking again keeps why); before that
day the deal is out of the open pipeline (``store.open_pipeline``); on that day it is simply
counted again, in the stage it was parked in. The follow-up is made when the deal is parked:
one task "Nurture ended: follow up" due on the day it comes back, so nothing has to run when
the day comes, and it shows in ``today`` on that day like any task. ``--end`` ends the nurture
early (the task, if still open and due later, becomes due today) and clears the note; closing a
parked deal ends its park too (``services.leads.change_stage``). A lost deal can be recycled
into nurture: it reopens (one stage event, as ``reopen`` writes it) into the open stage it was
lost from, else the first, and is parked there.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any, NamedTuple

from salespipe.domain import deals
from salespipe.domain.dates import from_iso, utc_iso
from salespipe.domain.errors import IllegalTransition, InvalidValue
from salespipe.domain.models import Lead, LeadFields, StageKind, Task
from salespipe.domain.orgs import check_text
from salespipe.services.pipeline import get_lead, pipeline
from salespipe.store import leads as lead_store
from salespipe.store import work as work_store


def add_deal(conn: sqlite3.Connection, *, now: datetime, **typed: Any) -> tuple[Any, Renewal | None]:
    """``lead add``: ``leads.add_from_input``, and the renewal when the deal is added won with a
    term."""
    from salespipe.services.leads import add_from_input

    added = add_from_input(conn, now=now, referrer=_referrer(conn, typed.pop("referred_by", None)), **typed)
    return added, ensure_renewal(conn, added.lead.id, now=now) if added.added else None


def edit_deal(conn: sqlite3.Connection, lead_id: int, *, now: datetime, **typed: Any) -> tuple[Any, Renewal | None]:
    """``lead edit``: ``leads.edit_from_input``, and the renewal when a term is set on a won deal."""
    from salespipe.services.leads import edit_from_input

    edited = edit_from_input(conn, lead_id, now=now, referrer=_referrer(conn, typed.pop("referred_by", None)), **typed)
    changed = edited.after.term_months is not None and edited.after.term_months != edited.before.term_months
    return edited, ensure_renewal(conn, lead_id, now=now) if changed else None


def _referrer(conn: sqlite3.Connection, text: str | None) -> Any:
    """``--referred-by`` as a ``services.customers.Referrer`` (None when not given)."""
    if text is None:
        return None
    from salespipe.services.customers import find_referrer

    return find_referrer(conn, text)


def renewal_lead_days() -> int:
    from salespipe.services.config import DEFAULT_RENEWAL_LEAD_DAYS, file_setting

    configured = file_setting("renewal.lead_days")
    return int(configured.value) if configured is not None else DEFAULT_RENEWAL_LEAD_DAYS


class Renewal(NamedTuple):
    lead: Lead  # the renewal deal
    task: Task  # its task ahead of the end of the term
    renews: int  # the won deal's id
    term_end: date


def ensure_renewal(conn: sqlite3.Connection, lead_id: int, *, now: datetime) -> Renewal | None:
    """The renewal deal for a won deal with a term, if it has none yet (see the module's docstring)."""
    from salespipe.services.leads import add_lead

    lead = get_lead(conn, lead_id)
    stage = pipeline(conn).get(lead.stage)
    if stage.kind is not StageKind.WON or lead.term_months is None or lead_store.renewal_of(conn, lead.id) is not None:
        return None
    won_at = from_iso(lead.closed_at) if lead.closed_at else now  # closed on a day nobody knows: from now
    won_on = won_at.astimezone(now.tzinfo).date()
    end = deals.term_end(won_on, lead.term_months)
    fields = LeadFields(
        title=_renewal_title(lead.title),
        contact_name=lead.contact_name,
        company=lead.company,
        email=lead.email,
        phone=lead.phone,
        value_minor=lead.value_minor,
        currency=lead.currency,
        expected_close=end,
        kind="renewal",
    )
    from salespipe.domain.dates import When

    created = add_lead(
        conn,
        fields,
        now=now,
        at=When(min(won_at, now), False),
        note=f"renewal of #{lead.id} (term {deals.term_text(lead.term_months)})",
        fire_rules=False,
        currency=lead.currency,
    )
    lead_store.update(conn, created.id, {"renews_lead_id": lead.id, "owner": lead.owner, "updated_at": utc_iso(now)})
    due = deals.renewal_task_due(end, renewal_lead_days(), now.date())
    task_id = work_store.add_task(
        conn,
        lead_id=created.id,
        text=deals.RENEWAL_TASK.format(id=lead.id, end=end.isoformat()),
        due_date=due.isoformat(),
        due_time=None,
        now=utc_iso(now),
    )
    task = work_store.get_task(conn, task_id)
    assert task is not None
    return Renewal(get_lead(conn, created.id), task, lead.id, end)


def _renewal_title(title: str) -> str:
    from salespipe.domain.models import MAX_TEXT

    return f"Renewal: {title}"[:MAX_TEXT]


# Nurture -------------------------------------------------------------------------------------


class Nurtured(NamedTuple):
    lead: Lead
    until: date | None  # None: ended
    reopened_from: str | None  # the lost stage a recycled deal left
    task: Task | None  # the follow-up on the day it is back (ended: the one made due today)


def nurture(conn: sqlite3.Connection, lead_id: int, *, until: date, note: str | None, now: datetime) -> Nurtured:
    """Park a deal until ``until`` (see the module's docstring); a lost deal is reopened first."""
    from salespipe.services.leads import change_stage

    lead = get_lead(conn, lead_id)
    today = now.date()
    deals.check_nurture_until(until, today)
    note = check_text(note, "--note")  # as a lead's text: stripped, not empty, at most MAX_TEXT
    stage = pipeline(conn).get(lead.stage)
    reopened_from = None
    if stage.kind is StageKind.WON:
        raise IllegalTransition(
            f"lead #{lead_id} is won: nurture is for open deals and lost ones to recycle "
            f"(a won customer's next deal: salespipe lead add ... --kind upsell)"
        )
    if stage.kind is StageKind.LOST:
        change_stage(conn, lead_id, now=now, reopen=True, note="recycled into nurture", fire_rules=False)
        reopened_from = stage.key
    previous = _nurture_task(conn, lead)
    changes: dict[str, Any] = {"nurture_until": until.isoformat(), "updated_at": utc_iso(now)}
    if note is not None:  # not given: the note it has stays (parking again keeps why)
        changes["nurture_note"] = note
    lead_store.update(conn, lead_id, changes, source="nurture")
    if previous is not None:  # parked again: the one follow-up moves to the new day
        work_store.update_task(conn, previous.id, {"due_date": until.isoformat(), "updated_at": utc_iso(now)})
        task_id = previous.id
    else:
        task_id = work_store.add_task(
            conn, lead_id=lead_id, text=deals.NURTURE_TASK, due_date=until.isoformat(), due_time=None, now=utc_iso(now)
        )
    return Nurtured(get_lead(conn, lead_id), until, reopened_from, work_store.get_task(conn, task_id))


def end_nurture(conn: sqlite3.Connection, lead_id: int, *, now: datetime) -> Nurtured:
    """End a deal's nurture today: it is back in the pipeline now, its follow-up due today."""
    lead = get_lead(conn, lead_id)
    today = now.date()
    if not deals.is_parked(lead.nurture_until, today):
        raise InvalidValue(f"lead #{lead_id} is not nurtured (salespipe nurture {lead_id} --until DATE parks it)")
    task = _nurture_task(conn, lead)
    lead_store.update(
        conn, lead_id, {"nurture_until": None, "nurture_note": None, "updated_at": utc_iso(now)}, source="nurture"
    )
    if task is not None and task.due_date > today:
        work_store.update_task(conn, task.id, {"due_date": today.isoformat(), "updated_at": utc_iso(now)})
        task = work_store.get_task(conn, task.id)
    return Nurtured(get_lead(conn, lead_id), None, None, task)


def _nurture_task(conn: sqlite3.Connection, lead: Lead) -> Task | None:
    """The open follow-up of the deal's current nurture (made by ``nurture``), if any."""
    if lead.nurture_until is None:
        return None
    for task in work_store.tasks_of(conn, lead.id):
        if task.is_open and task.text == deals.NURTURE_TASK and task.due_date == lead.nurture_until:
            return task
    return None
