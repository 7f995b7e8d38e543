"""Streaming reads for `salespipe export`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

_HISTORY = """(
    SELECT json_group_array(json_array(to_stage, at, note)) FROM (
        SELECT to_stage, at, note FROM stage_events e WHERE e.lead_id = l.id ORDER BY at, id
    )
) AS history"""


def custom_field_keys(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT DISTINCT j.key FROM leads, json_each(leads.fields) AS j ORDER BY 1")
    return [r[0] for r in rows]


def iter_leads(conn: sqlite3.Connection, *, history: bool) -> Iterator[dict[str, Any]]:
    sql = f"SELECT l.*{', ' + _HISTORY if history else ''} FROM leads l ORDER BY l.id"
    for row in conn.execute(sql):
        yield dict(row)


def iter_events(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT e.id, e.lead_id, l.external_id, e.from_stage, e.to_stage, e.at, e.prev_at, "
        "e.note, e.recorded_at FROM stage_events e JOIN leads l ON l.id = e.lead_id "
        "ORDER BY e.lead_id, e.at, e.id"
    )
    for row in conn.execute(sql):
        yield dict(row)
