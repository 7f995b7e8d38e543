"""Erasing a person's data for good, and the journal's retention.

``erase`` removes a lead with every row that hangs off it (events, activities, tasks, criteria,
rule runs), its contact person and its organisation when nothing else links to them (the
person's survey answers lose their notes, the organisation's go), and every trace the journal kept of them: the undo entries of those rows with their
old values, and the lead's words in the recorded command lines. ``secure_delete`` overwrites
the freed pages; the caller then vacuums and truncates the WAL so no byte is left in the files.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from salespipe.store.db import marks, parts

DEFAULT_KEEP = 1000  # changes the journal keeps (setting journal.keep)
DEFAULT_DAYS = 365  # and for how many days (setting journal.days)
# Tables whose rows belong to a lead through ``lead_id``. (``forecast_snapshots`` holds sums only,
# no deal and no person: erase leaves it.)
CHILD_TABLES = ("stage_events", "activities", "tasks", "lead_criteria", "rule_runs", "estimate_history")
ERASED = "[erased]"


def erase_lead(conn: sqlite3.Connection, lead_id: int) -> dict[str, int]:
    """Delete the lead and its traces (inside the caller's transaction, not journaled);
    returns how many rows of each kind went."""
    conn.execute("PRAGMA secure_delete = ON")
    personal = ("title", "contact_name", "company", "email", "phone")
    lead = conn.execute(f"SELECT {', '.join(personal)} FROM leads WHERE id = ?", (lead_id,)).fetchone()
    values = list(lead or ())
    # a deleted lead lives on in the journal (lead delete is undoable): its image names it
    values += [
        r[0]
        for r in conn.execute(
            "SELECT u.value FROM undo_values u JOIN undo_log l ON l.id = u.entry_id "
            f"WHERE l.tbl = 'leads' AND l.row_id = ? AND u.col IN ({', '.join('?' * len(personal))})",
            (lead_id, *personal),
        )
    ]
    # its contact person, and its organisation (whose name may be the person's, a sole trader),
    # go with it when nothing else links to them
    links = conn.execute("SELECT person_id, org_id FROM leads WHERE id = ?", (lead_id,)).fetchone()
    person_id, org_id = links if links else (None, None)
    lone_person = (
        person_id is not None
        and not conn.execute(
            "SELECT 1 FROM leads WHERE person_id = ? AND id != ? LIMIT 1", (person_id, lead_id)
        ).fetchone()
    )
    lone_org = (
        org_id is not None
        and not conn.execute(
            "SELECT 1 FROM leads WHERE org_id = ? AND id != ? UNION ALL "
            "SELECT 1 FROM people WHERE org_id = ? AND id IS NOT ? LIMIT 1",
            (org_id, lead_id, org_id, person_id if lone_person else None),
        ).fetchone()
    )
    if lone_person:
        values += list(
            conn.execute("SELECT name, email, phone FROM people WHERE id = ?", (person_id,)).fetchone() or ()
        )
    if lone_org:
        values += list(conn.execute("SELECT name FROM orgs WHERE id = ?", (org_id,)).fetchone() or ())
    words = sorted({w for w in values if isinstance(w, str) and len(w.strip()) >= 3}, key=len, reverse=True)
    counts: dict[str, int] = {}
    # the journal: entries of this lead's rows, by rowid for the lead, by lead_id for the rest
    entries = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM undo_log WHERE tbl = 'leads' AND op != 'insert_range' AND row_id = ?", (lead_id,)
        )
    }
    entries |= {
        r[0]
        for r in conn.execute(
            "SELECT u.entry_id FROM undo_values u JOIN undo_log l ON l.id = u.entry_id "
            "WHERE u.col = 'lead_id' AND u.value = ? AND l.tbl IN ({})".format(", ".join("?" * len(CHILD_TABLES))),
            (lead_id, *CHILD_TABLES),
        )
    }
    for table in CHILD_TABLES:
        rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE lead_id = ?", (lead_id,))]
        for part in parts(rowids):
            entries |= {
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM undo_log WHERE tbl = ? AND op = 'insert' AND row_id IN ({marks(part)})",
                    (table, *part),
                )
            }
    # the survey answers of the person (their notes go, the scores stay) and of the organisation
    # (they go with it), and what the journal kept of them
    surveys = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM surveys WHERE (person_id = ? AND ?) OR (org_id = ? AND ?)",
            (person_id, lone_person, org_id, lone_org),
        )
    ]
    for part in parts(surveys):
        entries |= {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM undo_log WHERE tbl = 'surveys' AND op != 'insert_range' AND row_id IN ({marks(part)})",
                part,
            )
        }
    for table, row_id, lone in (("people", person_id, lone_person), ("orgs", org_id, lone_org)):
        if lone:
            entries |= {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM undo_log WHERE tbl = ? AND op != 'insert_range' AND row_id = ?", (table, row_id)
                )
            }
    touched = {
        r[0]
        for part in parts(sorted(entries))
        for r in conn.execute(f"SELECT DISTINCT change_id FROM undo_log WHERE id IN ({marks(part)})", part)
    }
    for part in parts(sorted(entries)):
        conn.execute(f"DELETE FROM undo_log WHERE id IN ({marks(part)})", part)
    counts["journal_entries"] = len(entries)
    # the command lines of the changes that touched the lead: its words replaced
    rewritten = 0
    for change_id, command in conn.execute("SELECT id, command FROM changes").fetchall():
        if change_id not in touched:
            continue
        new = command
        for word in words:
            new = new.replace(word, ERASED)
        if new != command:
            conn.execute("UPDATE changes SET command = ? WHERE id = ?", (new, change_id))
            rewritten += 1
    counts["commands_rewritten"] = rewritten
    for table in CHILD_TABLES:
        counts[table] = conn.execute(f"DELETE FROM {table} WHERE lead_id = ?", (lead_id,)).rowcount
    counts["leads"] = conn.execute("DELETE FROM leads WHERE id = ?", (lead_id,)).rowcount
    counts["surveys"] = (
        conn.execute("DELETE FROM surveys WHERE org_id = ?", (org_id,)).rowcount if lone_org else 0
    ) + (
        conn.execute("UPDATE surveys SET note = NULL, person_id = NULL WHERE person_id = ?", (person_id,)).rowcount
        if lone_person
        else 0
    )
    counts["people"] = conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount if lone_person else 0
    counts["orgs"] = conn.execute("DELETE FROM orgs WHERE id = ?", (org_id,)).rowcount if lone_org else 0
    # changes left with nothing to undo go (their command line may still tell the story)
    conn.execute("DELETE FROM changes WHERE id NOT IN (SELECT change_id FROM undo_log)")
    return counts


def compact(conn: sqlite3.Connection) -> bool:
    """Rewrite the file without free pages and empty the WAL (outside any transaction); False
    when another connection kept the WAL from being emptied."""
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return not busy


def has_traces(conn: sqlite3.Connection, lead_id: int) -> bool:
    """Whether the journal still holds rows of a lead that is gone (deleted, undoably)."""
    return (
        conn.execute(
            "SELECT 1 FROM undo_log WHERE tbl = 'leads' AND row_id = ? AND op != 'insert_range' LIMIT 1", (lead_id,)
        ).fetchone()
        is not None
    )


def prune_journal(conn: sqlite3.Connection, *, keep: int, since: str | None) -> int:
    """Forget all but the newest ``keep`` changes, and those recorded before ``since``. Their
    journal rows are deleted here, not left to the foreign keys' cascade: a bulk import prunes
    with the foreign keys unchecked (``db.foreign_keys_unchecked``)."""
    cutoff = conn.execute("SELECT id FROM changes ORDER BY id DESC LIMIT 1 OFFSET ?", (keep,)).fetchone()
    removed = 0
    for where, value in (("id <= ?", cutoff[0] if cutoff else None), ("at < ?", since)):
        if value is None:
            continue
        doomed = f"SELECT id FROM changes WHERE {where}"
        conn.execute(
            f"DELETE FROM undo_values WHERE entry_id IN (SELECT id FROM undo_log WHERE change_id IN ({doomed}))",
            (value,),
        )
        conn.execute(f"DELETE FROM undo_log WHERE change_id IN ({doomed})", (value,))
        removed += conn.execute(f"DELETE FROM changes WHERE {where}", (value,)).rowcount
    return removed


def person(conn: sqlite3.Connection, email_key: str) -> list[dict[str, Any]]:
    """Every lead with this e-mail (case-folded), with all that hangs off it."""
    out = []
    for row in conn.execute("SELECT * FROM leads WHERE email_key = ? ORDER BY id", (email_key,)).fetchall():
        lead = dict(row)
        for table, order in (
            ("stage_events", "at, id"),
            ("activities", "at, id"),
            ("tasks", "id"),
            ("lead_criteria", "criterion"),
            ("estimate_history", "at, id"),
        ):
            lead[table] = [
                dict(r)
                for r in conn.execute(f"SELECT * FROM {table} WHERE lead_id = ? ORDER BY {order}", (lead["id"],))
            ]
        out.append(lead)
    return out


def people(conn: sqlite3.Connection, email_key: str) -> list[dict[str, Any]]:
    """The person records with this e-mail (case-folded), with their organisation's name."""
    from salespipe.domain.keys import email_key as key_of

    rows = conn.execute(
        "SELECT p.*, o.name AS org_name FROM people p LEFT JOIN orgs o ON o.id = p.org_id "
        "WHERE p.email IS NOT NULL ORDER BY p.id"
    ).fetchall()
    return [dict(r) for r in rows if key_of(r["email"]) == email_key]
