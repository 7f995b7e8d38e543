"""Organisation and people use cases: add, list, show, edit, merge."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from salespipe.domain.dates import utc_iso
from salespipe.domain.errors import Conflict, InvalidValue, NotFound
from salespipe.domain.orgs import check_email, check_text, fold, split_legal_form
from salespipe.services.pipeline import default_currency
from salespipe.store import orgs as store

SORTS = tuple(store.ORG_SORTS)
CLEARABLE = {"website": "website", "notes": "notes", "checkin-days": "checkin_days"}  # org edit --clear
ACTIVITIES_SHOWN = 10


def _id_of(text: str) -> int | None:
    cleaned = text.strip().lstrip("#")
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() and 1 <= int(cleaned) <= 2**63 - 1 else None


NAME_PREFIX = "name:"  # ``org show name:1860``: a name, though it is all digits


def _by_name(ref: str) -> str | None:
    """The name of a ``name:`` reference, else None."""
    text = ref.strip()
    return text[len(NAME_PREFIX) :] if text[: len(NAME_PREFIX)].casefold() == NAME_PREFIX else None


def _not_one(conn: sqlite3.Connection, name: str) -> NotFound:
    alike = [f"#{o['id']} {o['name']}" for o in store.orgs_keyed(conn, name)]
    hint = f" that is unambiguous (alike: {', '.join(alike[:5])}; give the id)" if alike else ""
    return NotFound(f"no organisation {name!r}{hint}; salespipe org list shows them")


def find_org(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    """An organisation by id (``12``, ``#12``) or by name: the same name (case and spacing aside),
    else the one organisation its key matches (``domain.orgs.match``). ``name:1860`` is a name."""
    name = _by_name(ref)
    org_id = _id_of(ref) if name is None else None
    if org_id is None:
        name = check_text(ref if name is None else name, "the organisation", required=True) or ""
        org_id = store.match_org(conn, name)
        if org_id is None:
            raise _not_one(conn, name)
    org = store.get_org(conn, org_id)
    if org is None:
        named = store.orgs_named(conn, ref.strip())
        hint = f"; #{named[0]['id']} is named {ref.strip()!r}: give {NAME_PREFIX}{ref.strip()}" if named else ""
        raise NotFound(f"no organisation with id {org_id} (salespipe org list shows the ids){hint}")
    return org


def _refuse_same_name(conn: sqlite3.Connection, name: str, but: int | None = None) -> None:
    """Refuse a name matching would take for another organisation's: the same key and legal form
    (``Müller  gmbh.`` beside ``Müller GmbH``)."""
    form = split_legal_form(name)[1]
    for other in store.orgs_keyed(conn, name):
        if other["id"] != but and split_legal_form(other["name"])[1] == form:
            raise Conflict(
                f"organisation #{other['id']} {other['name']!r} has that name already "
                "(case, spacing and full stops aside)"
            )


def add_org(
    conn: sqlite3.Connection, name: str, *, now: datetime, website: str | None = None, notes: str | None = None
) -> dict[str, Any]:
    """A new organisation; one of the same name (case and spacing aside) is refused."""
    clean = check_text(name, "the name", required=True) or ""
    _refuse_same_name(conn, clean)
    when = utc_iso(now)
    record = {
        "name": clean,
        "website": check_text(website, "--website"),
        "notes": check_text(notes, "--notes"),
        "created_at": when,
        "updated_at": when,
    }
    return show_org(conn, str(store.insert_org(conn, record)))["org"]


def _day(now: datetime | None) -> str:
    """The day the figures are for: open deals are those in the pipeline then (parked apart)."""
    from salespipe.services import clock

    return (now or clock.now()).date().isoformat()


def list_orgs(conn: sqlite3.Connection, *, sort: str = "name", now: datetime | None = None) -> list[dict[str, Any]]:
    if sort not in store.ORG_SORTS:
        raise InvalidValue(f"--sort {sort!r}; choose from: {', '.join(SORTS)}")
    currency = default_currency(conn)
    rows = store.list_orgs(conn, currency=currency, day=_day(now), sort=sort)
    return [{**row, "currency": currency} for row in rows]


def show_org(conn: sqlite3.Connection, ref: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The organisation with its figures, deals, people and newest activities."""
    from salespipe.services.leads import probability_of
    from salespipe.services.pipeline import get_lead

    org = find_org(conn, ref)
    currency = default_currency(conn)
    figures = store.list_orgs(conn, currency=currency, day=_day(now), org_id=org["id"])[0]
    deals = []
    for lead_id in store.deals_of(conn, org["id"]):
        lead = get_lead(conn, lead_id)
        deals.append((lead, probability_of(conn, lead)))
    return {
        "org": {**figures, "currency": currency},
        "deals": deals,
        "people": store.list_people(conn, org_id=org["id"]),
        "activities": store.activities_of(conn, org["id"], ACTIVITIES_SHOWN),
    }


def edit_org(
    conn: sqlite3.Connection,
    ref: str,
    *,
    now: datetime,
    name: str | None = None,
    website: str | None = None,
    notes: str | None = None,
    checkin_days: int | None = None,
    clear: list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after). The deals keep their company text; they stay linked by id.
    ``checkin_days``: the customer's check-in cadence (``services.rules.fire``)."""
    before = find_org(conn, ref)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = check_text(name, "--name")
        _refuse_same_name(conn, changes["name"], but=before["id"])
    if website is not None:
        changes["website"] = check_text(website, "--website")
    if notes is not None:
        changes["notes"] = check_text(notes, "--notes")
    if checkin_days is not None:
        if not 1 <= checkin_days <= 3660:
            raise InvalidValue(f"--checkin-days {checkin_days}: give a whole number of days from 1 to 3660")
        changes["checkin_days"] = checkin_days
    for field in clear or []:
        if field not in CLEARABLE:
            raise InvalidValue(f"cannot clear {field!r}; choose from: {', '.join(CLEARABLE)}")
        if CLEARABLE[field] in changes:
            raise InvalidValue(f"--{field} and --clear {field} contradict each other: give one")
        changes[CLEARABLE[field]] = None
    if not changes:
        raise InvalidValue("nothing to change: give at least one option (see salespipe org edit --help)")
    changes = {k: v for k, v in changes.items() if before[k] != v}
    if changes:
        changes["updated_at"] = utc_iso(now)
        store.update_org(conn, before["id"], changes)
    return before, find_org(conn, str(before["id"]))


def merge_orgs(conn: sqlite3.Connection, source_ref: str, target_ref: str, *, now: datetime) -> dict[str, Any]:
    """Move the source's deals and people to the target and delete the source. Nothing of it
    is lost: its name (and website, notes) are added to the target's notes, a line each."""
    source, target = find_org(conn, source_ref), find_org(conn, target_ref)
    if source["id"] == target["id"]:
        raise InvalidValue(f"#{source['id']} {source['name']!r} is the same organisation: nothing to merge")
    when = utc_iso(now)
    lines = [target["notes"]] if target["notes"] else []
    lines.append(f"Merged from #{source['id']} {source['name']} ({when[:10]})")
    if source["website"] and source["website"] != target["website"]:
        lines.append(f"Website of {source['name']}: {source['website']}")
    if source["notes"]:
        lines.append(f"Notes of {source['name']}: {source['notes']}")
    deals, people = store.merge_orgs(conn, source["id"], target["id"], notes="\n".join(lines), at=when)
    if source["website"] and not target["website"]:
        store.update_org(conn, target["id"], {"website": source["website"]})
    return {"source": source, "target": find_org(conn, str(target["id"])), "deals_moved": deals, "people_moved": people}


# People -----------------------------------------------------------------------------------------


def _org_for(conn: sqlite3.Connection, ref: str | None, now: datetime) -> tuple[int | None, bool]:
    """(organisation id, made now): an id must exist; a name is matched, else made; a name that
    may mean several organisations is refused (``domain.orgs.candidates``)."""
    if ref is None:
        return None, False
    name = _by_name(ref)
    if name is None and _id_of(ref) is not None:
        return find_org(conn, ref)["id"], False
    name = check_text(ref if name is None else name, "--org", required=True) or ""
    found = store.org_candidates(conn, name)
    if len(found) == 1:
        return found[0], False
    if found:
        raise _not_one(conn, name)
    return add_org(conn, name, now=now)["id"], True


def find_person(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    """A person by id, or by name where exactly one person has it (case and spacing aside)."""
    person_id = _id_of(ref)
    if person_id is None:
        name = check_text(ref, "the person", required=True) or ""
        same = [p for p in store.list_people(conn) if fold(p["name"]) == fold(name)]
        if len(same) != 1:
            listed = ", ".join(f"#{p['id']} at {p['org_name'] or 'no organisation'}" for p in same[:5])
            raise NotFound(
                f"several people are called {name!r} ({listed}); give the id"
                if same
                else f"no person {name!r}; salespipe person list shows them"
            )
        person_id = same[0]["id"]
    person = store.get_person(conn, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id} (salespipe person list shows the ids)")
    return person


def add_person(
    conn: sqlite3.Connection,
    name: str,
    *,
    now: datetime,
    org: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
    notes: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """(the new person, whether their organisation was made now)."""
    when = utc_iso(now)
    record = {
        "name": check_text(name, "the name", required=True),
        "email": check_email(email),
        "phone": check_text(phone, "--phone"),
        "role": check_text(role, "--role"),
        "notes": check_text(notes, "--notes"),
    }
    org_id, made = _org_for(conn, org, now)
    person_id = store.insert_person(conn, {**record, "org_id": org_id, "created_at": when, "updated_at": when})
    return find_person(conn, str(person_id)), made


def list_people(conn: sqlite3.Connection, *, org: str | None = None) -> list[dict[str, Any]]:
    return store.list_people(conn, org_id=find_org(conn, org)["id"] if org is not None else None)


def show_person(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    from salespipe.services.leads import probability_of
    from salespipe.services.pipeline import get_lead
    from salespipe.store.orgs import deals_of_person

    person = find_person(conn, ref)
    deals = []
    for lead_id in deals_of_person(conn, person["id"]):
        lead = get_lead(conn, lead_id)
        deals.append((lead, probability_of(conn, lead)))
    return {"person": person, "deals": deals}


def edit_person(
    conn: sqlite3.Connection,
    ref: str,
    *,
    now: datetime,
    clear: list[str] | None = None,
    **typed: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after): name, org, email, phone, role, notes as typed; ``clear`` empties."""
    before = find_person(conn, ref)
    changes: dict[str, Any] = {}
    for field, value in typed.items():
        if value is None:
            continue
        if field == "org":
            changes["org_id"] = _org_for(conn, value, now)[0]
        elif field == "email":
            changes["email"] = check_email(value)
        else:
            changes[field] = check_text(value, f"--{field}")
    clearable = {"org": "org_id", "email": "email", "phone": "phone", "role": "role", "notes": "notes"}
    for field in clear or []:
        if field not in clearable:
            raise InvalidValue(f"cannot clear {field!r}; choose from: {', '.join(clearable)}")
        if typed.get(field) is not None:
            raise InvalidValue(f"--{field} and --clear {field} contradict each other: give one")
        changes[clearable[field]] = None
    if not changes:
        raise InvalidValue("nothing to change: give at least one option (see salespipe person edit --help)")
    changes = {k: v for k, v in changes.items() if before[k] != v}
    if changes:
        changes["updated_at"] = utc_iso(now)
        store.update_person(conn, before["id"], changes)
    return before, find_person(conn, str(before["id"]))
