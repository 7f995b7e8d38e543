"""`salespipe export`: everything needed to rebuild the pipeline, as CSV, JSON or JSON lines.

``--what all`` (the default) writes the leads with their stage history: in CSV as a ``history``
column holding ``[[stage, at, note], ...]`` as JSON, which ``salespipe import`` restores; in
JSON as an ``events`` list per lead. Custom fields become ``field:NAME`` columns in CSV.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any, NamedTuple

from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import to_major
from salespipe.store import export as export_store

FORMATS = ("csv", "json", "jsonl")
WHATS = ("all", "leads", "events")
LEAD_COLUMNS = (
    "id",
    "external_id",
    "title",
    "contact_name",
    "company",
    "email",
    "phone",
    "source",
    "stage",
    "value",
    "currency",
    "probability",
    "expected_close",
    "tags",
    "lost_reason",
    "created_at",
    "updated_at",
    "closed_at",
)
EVENT_COLUMNS = ("id", "lead_id", "external_id", "from_stage", "to_stage", "at", "prev_at", "note", "recorded_at")


def _lead(row: dict[str, Any], *, for_csv: bool) -> dict[str, Any]:
    record = {key: row[key] for key in LEAD_COLUMNS if key in row}
    record["value"] = to_major(row["value_minor"], row["currency"])
    tags = json.loads(row["tags"])
    fields = json.loads(row["fields"])
    if for_csv:
        # "a;b" (semicolon-separated) unless a tag holds a separator: then a JSON list
        record["tags"] = (
            json.dumps(tags, ensure_ascii=False) if any(c in t for t in tags for c in ";|,") else ";".join(tags)
        )
        record.update({f"field:{k}": v for k, v in fields.items()})
        if "history" in row:
            record["history"] = row["history"]
    else:
        record["tags"] = tags
        record["fields"] = fields
        if "history" in row:
            record["events"] = [{"to_stage": s, "at": at, "note": note} for s, at, note in json.loads(row["history"])]
    return record


class Export(NamedTuple):
    key: str  # "leads" or "events"
    header: tuple[str, ...]  # CSV columns
    records: Iterator[dict[str, Any]]  # streamed from the database


def export(conn: sqlite3.Connection, *, fmt: str, what: str) -> Export:
    """The records to write, streamed; the CLI writes them in the chosen format."""
    if fmt not in FORMATS:
        raise InvalidValue(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
    if what not in WHATS:
        raise InvalidValue(f"unknown --what {what!r}; choose from: {', '.join(WHATS)}")
    if what == "events":
        return Export("events", EVENT_COLUMNS, export_store.iter_events(conn))
    history = what == "all"
    header = LEAD_COLUMNS + (("history",) if history else ())
    header += tuple(f"field:{k}" for k in export_store.custom_field_keys(conn))
    rows = export_store.iter_leads(conn, history=history)
    return Export("leads", header, (_lead(r, for_csv=fmt == "csv") for r in rows))
