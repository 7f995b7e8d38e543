"""Queries on ``leads`` and ``stage_events``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from salespipe.domain.models import Lead, StageEvent
from salespipe.store.db import marks, parts

# The probability that applies to a deal: a closed deal's is its outcome (won 100, lost 0),
# whatever override it had while open; an open deal's own, else its stage's.
APPLIED_PROBABILITY = (
    "(CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(l.probability, s.probability) END)"
)

# Sort keys of `lead list --sort`, each an ORDER BY clause (the stable tie-break is the id).
SORTS = {
    "stage": "s.position DESC, l.value_minor DESC",
    "value": "l.value_minor DESC",
    "weighted": f"l.value_minor * {APPLIED_PROBABILITY} DESC",
    "age": "l.stage_entered_at ASC",
    "created": "l.created_at DESC",
    "updated": "l.updated_at DESC",
    "close-date": "l.expected_close IS NULL, l.expected_close ASC",
    "name": "l.title COLLATE NOCASE ASC",
    "company": "l.company IS NULL, l.company COLLATE NOCASE ASC",
    "priority": "",  # computed in Python (services.agenda); listed here so --sort accepts it
}
STATUS_FILTERS = {
    "open": "s.kind = 'open'",
    "won": "s.kind = 'won'",
    "lost": "s.kind = 'lost'",
    "closed": "s.kind != 'open'",
    "all": "1",
}


def _lead(row: sqlite3.Row) -> Lead:
    """A row as stored (checked on its way in): no validation on the way out."""
    data = {name: row[name] for name in Lead._fields}
    data["tags"] = json.loads(data["tags"])
    data["fields"] = json.loads(data["fields"])
    if data["expected_close"] is not None:
        data["expected_close"] = date.fromisoformat(data["expected_close"])
    if data["nurture_until"] is not None:
        data["nurture_until"] = date.fromisoformat(data["nurture_until"])
    return Lead(**data)


def _event(row: sqlite3.Row) -> StageEvent:
    return StageEvent(
        id=row["id"],
        lead_id=row["lead_id"],
        from_stage=row["from_stage"],
        to_stage=row["to_stage"],
        at=row["at"],
        note=row["note"],
    )


def get(conn: sqlite3.Connection, lead_id: int) -> Lead | None:
    row = conn.execute("SELECT * FROM leads WHERE id = ?", (lead_id,)).fetchone()
    return _lead(row) if row else None


def insert(conn: sqlite3.Connection, record: dict[str, Any], *, is_open: bool = True) -> int:
    """A new lead (``lead add``); an open one's expected close date goes into the history of
    estimates as known when the lead came in (``created_at``: ``--at`` back-dates it, so a
    pipeline typed in after the fact still learns its slips)."""
    record = _encode(record)
    columns = ", ".join(record)
    placeholders = ", ".join(f":{c}" for c in record)
    cursor = conn.execute(f"INSERT INTO leads ({columns}) VALUES ({placeholders})", record)
    lead_id = int(cursor.lastrowid or 0)
    if record.get("company"):
        from salespipe.store.orgs import link_leads

        link_leads(conn, lead_id, lead_id + 1, at=record["updated_at"])
    if is_open and record.get("expected_close"):
        from salespipe.store import estimates

        at = record.get("created_at") or record["updated_at"]
        estimates.record_close_date(conn, lead_id, record["expected_close"], at=at, source="add")
    return lead_id


def update(conn: sqlite3.Connection, lead_id: int, changes: dict[str, Any], *, source: str = "edit") -> None:
    """Change a lead's columns. A change of its value, expected close date, probability or
    forecast category goes into the history of estimates, at the time of the stage move it came
    with (``stage_entered_at``), else of the change (``updated_at``), from ``source``."""
    if not changes:
        return
    if ("title" in changes) != ("company" in changes):  # the duplicate key needs both
        row = conn.execute("SELECT title, company FROM leads WHERE id = ?", (lead_id,)).fetchone()
        if row:
            changes = {"title": row["title"], "company": row["company"], **changes}
    changes = _encode(changes)
    from salespipe.store import estimates

    tracked = [column for column in estimates.FIELDS if column in changes]
    before = None
    if tracked:
        before = conn.execute(f"SELECT {', '.join(tracked)} FROM leads WHERE id = ?", (lead_id,)).fetchone()
    linked = [column for column in ("company", "contact_name", "email") if column in changes]
    old = conn.execute(f"SELECT {', '.join(linked)} FROM leads WHERE id = ?", (lead_id,)).fetchone() if linked else None
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    conn.execute(f"UPDATE leads SET {assignments} WHERE id = :_id", {**changes, "_id": lead_id})
    if old is not None:
        changed = {c for c, before in zip(linked, old, strict=True) if before != changes[c]}
        if changed:
            _relink(conn, lead_id, changed, changes.get("updated_at"))
    if before is not None:
        at = changes.get("stage_entered_at") or changes["updated_at"]
        estimates.record_changes(conn, lead_id, dict(zip(tracked, before, strict=True)), changes, at=at, source=source)


def _relink(conn: sqlite3.Connection, lead_id: int, changed: Collection[str], at: str | None) -> None:
    """A lead's company changed: link it to that organisation (and its contact there) afresh;
    its contact changed: link it to that person at its organisation."""
    from salespipe.store.orgs import link_leads, unlink_lead

    unlink_lead(conn, lead_id, org="company" in changed)
    link_leads(conn, lead_id, lead_id + 1, at=at)


def delete(conn: sqlite3.Connection, lead_id: int) -> None:
    conn.execute("DELETE FROM leads WHERE id = ?", (lead_id,))


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    from salespipe.domain.keys import email_key, name_key

    out = dict(record)
    if "email" in out:
        out["email_key"] = email_key(out["email"])
    if "title" in out or "company" in out:
        out["name_key"] = name_key(out.get("title"), out.get("company"))
    if "tags" in out:
        out["tags"] = json.dumps(out["tags"] or [], ensure_ascii=False)
    if "fields" in out:
        out["fields"] = json.dumps(out["fields"] or {}, ensure_ascii=False, sort_keys=True)
    for column in ("expected_close", "nurture_until"):
        if out.get(column) is not None and not isinstance(out[column], str):
            out[column] = out[column].isoformat()
    return out


def add_event(
    conn: sqlite3.Connection,
    *,
    lead_id: int,
    from_stage: str | None,
    to_stage: str,
    at: str,
    prev_at: str | None,
    note: str | None,
    recorded_at: str,
) -> int:
    cursor = conn.execute(
        "INSERT INTO stage_events (lead_id, from_stage, to_stage, at, prev_at, note, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (lead_id, from_stage, to_stage, at, prev_at, note, recorded_at),
    )
    return int(cursor.lastrowid or 0)


def events(conn: sqlite3.Connection, lead_id: int) -> list[StageEvent]:
    rows = conn.execute(
        "SELECT id, lead_id, from_stage, to_stage, at, note FROM stage_events WHERE lead_id = ? ORDER BY at, id",
        (lead_id,),
    ).fetchall()
    return [_event(r) for r in rows]


def last_event(conn: sqlite3.Connection, lead_id: int) -> StageEvent | None:
    row = conn.execute(
        "SELECT id, lead_id, from_stage, to_stage, at, note FROM stage_events "
        "WHERE lead_id = ? ORDER BY at DESC, id DESC LIMIT 1",
        (lead_id,),
    ).fetchone()
    return _event(row) if row else None


def search(
    conn: sqlite3.Connection,
    *,
    status: str = "open",
    stages: Iterable[str] = (),
    source: str | None = None,
    owner: str | None = None,
    tag: str | None = None,
    text: str | None = None,
    sort: str = "stage",
    limit: int | None = None,
    day: str | None = None,
) -> list[tuple[Lead, int]]:
    """Leads matching the filters, each with the probability that applies to it. ``status``
    ``nurtured``: the open deals parked on ``day`` (ISO date)."""
    params: list[Any] = []
    if status == "nurtured":
        from salespipe.store.open_pipeline import PARKED

        where = [PARKED]
        params.append(day)
    else:
        where = [STATUS_FILTERS[status]]
    stages = list(stages)
    if stages:
        where.append(f"l.stage IN ({', '.join('?' for _ in stages)})")
        params.extend(stages)
    if source:
        where.append("l.source = ? COLLATE NOCASE")
        params.append(source)
    if owner:
        where.append("l.owner = ? COLLATE NOCASE")
        params.append(owner)
    if tag:
        where.append("EXISTS (SELECT 1 FROM json_each(l.tags) WHERE json_each.value = ?)")
        params.append(tag)
    if text:
        # % and _ are the user's text, not LIKE wildcards
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "("
            + " OR ".join(
                f"l.{c} LIKE ? ESCAPE '\\'"
                for c in ("title", "company", "contact_name", "email", "phone", "fields", "external_id")
            )
            + ")"
        )
        params.extend([like] * 7)
    sql = (
        f"SELECT l.*, {APPLIED_PROBABILITY} AS effective_probability "
        "FROM leads l JOIN stages s ON s.key = l.stage "
        f"WHERE {' AND '.join(where)} ORDER BY {SORTS[sort]}, l.id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [(_lead(row), row["effective_probability"]) for row in conn.execute(sql, params)]


def find_duplicate(conn: sqlite3.Connection, *, email: str | None, external_id: str | None) -> int | None:
    """The id of a lead with this external id, else with this e-mail (case-insensitive)."""
    if external_id:
        row = conn.execute("SELECT id FROM leads WHERE external_id = ?", (external_id,)).fetchone()
        if row:
            return int(row[0])
    if email:
        from salespipe.domain.keys import email_key

        row = conn.execute(
            "SELECT id FROM leads WHERE email_key = ? ORDER BY id LIMIT 1", (email_key(email),)
        ).fetchone()
        if row:
            return int(row[0])
    return None


def open_duplicate(conn: sqlite3.Connection, *, email_key: str | None, name_key: str) -> tuple[int, str] | None:
    """(id, "e-mail" or "name and company") of the first open lead with these keys."""
    where = "FROM leads l JOIN stages s ON s.key = l.stage WHERE s.kind = 'open' AND"
    if email_key:
        row = conn.execute(f"SELECT l.id {where} l.email_key = ? ORDER BY l.id LIMIT 1", (email_key,)).fetchone()
        if row:
            return int(row[0]), "e-mail"
    row = conn.execute(f"SELECT l.id {where} l.name_key = ? ORDER BY l.id LIMIT 1", (name_key,)).fetchone()
    return (int(row[0]), "name and company") if row else None


# Bulk import ---------------------------------------------------------------------------------
LEAD_COLUMNS = (
    "id",
    "title",
    "contact_name",
    "company",
    "email",
    "phone",
    "source",
    "owner",
    "stage",
    "value_minor",
    "currency",
    "probability",
    "expected_close",
    "tags",
    "fields",
    "lost_reason",
    "external_id",
    "created_at",
    "created_estimated",
    "updated_at",
    "closed_at",
    "stage_entered_at",
    "last_touch_at",
    "email_key",
    "name_key",
)
# what the row-by-row import writes besides (the staged import leaves them to their defaults:
# a file with a kind or term column goes row by row)
IMPORT_COLUMNS = ("kind", "term_months")
EVENT_COLUMNS = ("lead_id", "from_stage", "to_stage", "at", "prev_at", "note", "recorded_at")


def renewal_of(conn: sqlite3.Connection, lead_id: int) -> int | None:
    """The renewal deal made for a won deal, if any."""
    row = conn.execute("SELECT min(id) FROM leads WHERE renews_lead_id = ?", (lead_id,)).fetchone()
    return row[0] if row and row[0] is not None else None


def next_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM leads").fetchone()[0])


def ids_by_external_id(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts(keys):
        sql = f"SELECT external_id, id FROM leads WHERE external_id IN ({marks(part)})"
        out.update({row[0]: row[1] for row in conn.execute(sql, part)})
    return out


def ids_by_email(conn: sqlite3.Connection, emails: Iterable[str]) -> dict[str, int]:
    """Case-folded e-mail (``keys.email_key``) -> the lowest lead id with it."""
    out: dict[str, int] = {}
    for part in parts(emails):
        sql = f"SELECT email_key, min(id) FROM leads WHERE email_key IN ({marks(part)}) GROUP BY email_key"
        out.update({row[0]: row[1] for row in conn.execute(sql, part)})
    return out


def ids_by_name_key(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """``keys.name_key`` -> [(lead id, created_at)] in id order."""
    out: dict[str, list[tuple[int, str]]] = {}
    for part in parts(keys):
        sql = f"SELECT name_key, id, created_at FROM leads WHERE name_key IN ({marks(part)}) ORDER BY id"
        for key, lead_id, created in conn.execute(sql, part):
            out.setdefault(key, []).append((lead_id, created))
    return out


def insert_many(conn: sqlite3.Connection, leads: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
    """Rows as tuples in ``LEAD_COLUMNS`` + ``IMPORT_COLUMNS`` / ``EVENT_COLUMNS`` order, ids
    already assigned."""
    columns = (*LEAD_COLUMNS, *IMPORT_COLUMNS)
    conn.executemany(f"INSERT INTO leads ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", leads)
    conn.executemany(
        f"INSERT INTO stage_events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
        events,
    )


# Secondary indexes an import can rebuild at the end instead of updating row by row, as the
# migrations create them (a test holds the two together). They are recreated from this text,
# never from the statements stored in the file: no SQL is read from a database and run. The
# partial indexes of columns an import never fills (nurture_until, renews_lead_id,
# forecast_category) are not among them: a new lead leaves them NULL and costs them nothing,
# while dropping and building them again read the whole table three times (60 ms at 100k leads).
BULK_INDEXES: dict[str, str] = {
    "idx_leads_email_key": "CREATE INDEX idx_leads_email_key ON leads(email_key)",
    "idx_leads_name_key": "CREATE INDEX idx_leads_name_key ON leads(name_key)",
    "idx_leads_created": "CREATE INDEX idx_leads_created ON leads(created_at)",
    "idx_leads_closed": "CREATE INDEX idx_leads_closed ON leads(closed_at, currency, stage, kind, value_minor, "
    "created_at, created_estimated, referred_by_org_id, referred_by_person_id) WHERE closed_at IS NOT NULL",
    "idx_leads_stage": "CREATE INDEX idx_leads_stage ON leads(stage, last_touch_at, stage_entered_at, currency, "
    "value_minor, probability, expected_close, nurture_until)",
    "idx_leads_data_gaps": "CREATE INDEX idx_leads_data_gaps ON leads(currency, stage, closed_at, created_estimated, "
    "value_minor) WHERE closed_at IS NULL OR created_estimated = 1 OR value_minor IS NULL",
    "idx_leads_org": "CREATE INDEX idx_leads_org ON leads(org_id) WHERE org_id IS NOT NULL",
    "idx_leads_person": "CREATE INDEX idx_leads_person ON leads(person_id) WHERE person_id IS NOT NULL",
    "idx_stage_events_to_stage": "CREATE INDEX idx_stage_events_to_stage ON stage_events(to_stage, lead_id)",
    "idx_stage_events_at": "CREATE INDEX idx_stage_events_at ON stage_events(at, from_stage, prev_at, lead_id)",
    "idx_stage_events_lead": "CREATE INDEX idx_stage_events_lead ON stage_events(lead_id, at, id, to_stage)",
    "idx_estimate_history_lead": "CREATE INDEX idx_estimate_history_lead ON estimate_history(lead_id, field, at)",
    "idx_estimate_history_changes": "CREATE INDEX idx_estimate_history_changes "
    "ON estimate_history(kind, field, lead_id)",
}


def drop_bulk_indexes(conn: sqlite3.Connection, keep: set[str]) -> list[str]:
    """Drop the ``BULK_INDEXES`` the file has but ``keep`` (inside the caller's transaction);
    returns their names for ``restore_indexes``."""
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    dropped = [name for name in BULK_INDEXES if name in present and name not in keep]
    for name in dropped:
        conn.execute(f'DROP INDEX "{name}"')
    return dropped


def restore_indexes(conn: sqlite3.Connection, names: list[str]) -> None:
    for name in names:
        conn.execute(BULK_INDEXES[name])
    keep_statistics(conn, names)


def keep_statistics(conn: sqlite3.Connection, indexes: list[str]) -> None:
    """After indexes were dropped and built again: if the file has query planner statistics
    (someone ran ANALYZE; salespipe does not), measure those indexes again. Dropping an index
    drops its statistics, and the planner, knowing the other indexes but not these, would take
    them for the most selective ones (a report query on 100k deals went from 10 to 150 ms)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        for name in indexes:
            conn.execute(f'ANALYZE "{name}"')


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
