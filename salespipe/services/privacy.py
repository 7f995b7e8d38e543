"""Privacy: the right to erasure (`salespipe erase`), the right of access (`export --person`),
and how long the change journal keeps what it recorded.

Retention: the journal keeps the newest ``journal.keep`` changes (setting, default 1,000) and
none older than ``journal.days`` days (default 365); older ones are forgotten when the next
change is recorded (`salespipe history --keep N --keep-days D` sets both).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from salespipe.domain.dates import utc_iso
from salespipe.domain.errors import InvalidValue
from salespipe.store import privacy as privacy_store
from salespipe.store import stages as settings_store

DEFAULT_KEEP, DEFAULT_DAYS = privacy_store.DEFAULT_KEEP, privacy_store.DEFAULT_DAYS


def erasable_title(conn: sqlite3.Connection, lead_id: int) -> str | None:
    """The title of the lead to erase, None when it was deleted before and only the journal's
    traces are left; ``NotFound`` when there is neither."""
    from salespipe.domain.errors import NotFound
    from salespipe.services.pipeline import get_lead

    try:
        return get_lead(conn, lead_id).title
    except NotFound:
        if not privacy_store.has_traces(conn, lead_id):
            raise
        return None


def erase(conn: sqlite3.Connection, lead_id: int) -> dict[str, Any]:
    """Erase a lead, or what the journal kept of one deleted before (``lead delete``)."""
    title = erasable_title(conn, lead_id)
    counts = privacy_store.erase_lead(conn, lead_id)
    return {"id": lead_id, "title": title, "removed": counts}


def compact(conn: sqlite3.Connection) -> bool:
    """VACUUM and an emptied WAL; False when another salespipe kept the WAL in use."""
    return privacy_store.compact(conn)


def person(conn: sqlite3.Connection, email: str) -> dict[str, Any]:
    from salespipe.domain.keys import email_key

    key = email_key(email)
    if not key:
        raise InvalidValue("--person needs an e-mail address")
    return {"email": email, "leads": privacy_store.person(conn, key), "people": privacy_store.people(conn, key)}


def retention(conn: sqlite3.Connection) -> tuple[int, int]:
    keep = int(settings_store.get_setting(conn, "journal.keep", str(DEFAULT_KEEP)))
    days = int(settings_store.get_setting(conn, "journal.days", str(DEFAULT_DAYS)))
    return keep, days


def set_retention(conn: sqlite3.Connection, *, keep: int | None, days: int | None, now: datetime) -> dict[str, int]:
    for name, value, low, high in (("keep", keep, 1, 1_000_000), ("days", days, 1, 100_000)):
        if value is not None and not low <= value <= high:
            raise InvalidValue(f"--{'keep' if name == 'keep' else 'keep-days'} {value}: give {low} to {high:,}")
    if keep is not None:
        settings_store.set_setting(conn, "journal.keep", str(keep))
    if days is not None:
        settings_store.set_setting(conn, "journal.days", str(days))
    kept, kept_days = retention(conn)
    removed = privacy_store.prune_journal(conn, keep=kept, since=utc_iso(now - timedelta(days=kept_days)))
    return {"keep": kept, "days": kept_days, "forgotten": removed}
