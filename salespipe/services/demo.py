"""Load the bundled example pipeline (``examples/demo-pipeline.json``) into a database.

The file's dates are relative to its ``anchor`` day; loading shifts every date by whole days so
that the anchor becomes today, so the demo always shows a live-looking pipeline.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from salespipe.domain.dates import from_iso, utc_iso
from salespipe.domain.errors import Conflict
from salespipe.domain.models import LeadFields, validate
from salespipe.domain.money import parse_money
from salespipe.services.pipeline import pipeline

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo-pipeline.json"


def load_demo(conn: sqlite3.Connection, *, now: datetime, path: Path = DEMO_FILE) -> int:
    """Insert the demo leads with their back-dated stage events; returns how many leads."""
    from sqlite_utils import Database

    doc = json.loads(path.read_text(encoding="utf-8"))
    from salespipe.store.leads import count as lead_count

    if lead_count(conn):
        raise Conflict("the demo needs an empty database; leave out --db for a temporary one")
    shift = now.date() - date.fromisoformat(doc["anchor"])
    pipe = pipeline(conn)
    recorded = utc_iso(now)

    def moved(stamp: str) -> str:
        return utc_iso(min(from_iso(stamp) + shift, now))

    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    with db.atomic():
        for item in doc["leads"]:
            events = [(stage, moved(at), note or None) for stage, at, note in item["events"]]
            fields = validate(
                LeadFields,
                {
                    "title": item["title"],
                    "contact_name": item["contact_name"],
                    "company": item["company"],
                    "email": item["email"],
                    "phone": item["phone"],
                    "source": item["source"],
                    "probability": item["probability"],
                    "value_minor": parse_money(str(item["value"]), default_currency=doc["currency"]).minor,
                    "currency": doc["currency"],
                    "tags": item["tags"],
                    "expected_close": (
                        date.fromisoformat(item["expected_close"]) + shift if item["expected_close"] else None
                    ),
                },
            )
            final = pipe.get(events[-1][0])
            record: dict[str, Any] = fields.given()
            record.update(
                stage=final.key,
                created_at=events[0][1],
                updated_at=events[-1][1],
                stage_entered_at=events[-1][1],
                last_touch_at=events[-1][1],
                closed_at=events[-1][1] if final.is_closed else None,
                lost_reason=item["lost_reason"] if final.kind == "lost" else None,
                tags=json.dumps(record.get("tags", []), ensure_ascii=False),
                expected_close=record["expected_close"].isoformat() if "expected_close" in record else None,
            )
            lead_id = db.table("leads").insert(record).last_pk
            db.table("stage_events").insert_all(
                {
                    "lead_id": lead_id,
                    "from_stage": events[i - 1][0] if i else None,
                    "to_stage": stage,
                    "at": at,
                    "prev_at": events[i - 1][1] if i else None,
                    "note": note,
                    "recorded_at": recorded,
                }
                for i, (stage, at, note) in enumerate(events)
            )
        from salespipe.store.leads import next_id
        from salespipe.store.orgs import link_leads

        # the companies and contacts become organisations and people, dated by their first deal
        link_leads(conn, 1, next_id(conn), at=None)
    return len(doc["leads"])


def run_demo(path: Path, *, now: datetime) -> tuple[int, dict[str, Any], Any]:
    """``demo``: the example pipeline loaded into ``path``, its report and the pipeline's
    language (``pipeline.locale``: the stage labels) to show it in, as ``report`` does."""
    from salespipe.services.pipeline import locale
    from salespipe.services.report import pipeline_report
    from salespipe.store.db import connect

    conn = connect(path)
    try:
        count = load_demo(conn, now=now)
        return count, pipeline_report(conn, now=now), locale(conn)
    finally:
        conn.close()
