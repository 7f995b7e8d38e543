"""The lookups every use case shares: the pipeline's stages, its settings, a lead by id.

Kept apart from the use-case modules so that they can all use them without importing each
other (leads, agenda, work, rules and stages form no cycle).
"""

from __future__ import annotations

import sqlite3

from salespipe.domain.errors import NotFound
from salespipe.domain.models import Lead
from salespipe.domain.stages import Pipeline
from salespipe.store import leads as lead_store
from salespipe.store import stages as stage_store


def pipeline(conn: sqlite3.Connection) -> Pipeline:
    return Pipeline(stage_store.all_stages(conn))


def default_currency(conn: sqlite3.Connection) -> str:
    return stage_store.get_setting(conn, "currency", "EUR")


def get_lead(conn: sqlite3.Connection, lead_id: int) -> Lead:
    lead = lead_store.get(conn, lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id} (salespipe lead list --all shows the ids)")
    return lead
