"""`salespipe export --all`: the whole database as JSON, and its import into an empty one.

Lossless: stages, settings, targets, rules, leads with their stage events, activities, tasks,
qualification criteria and rule runs, every column as stored (ids and timestamps included), so
that the copy gives the same `report --json` and the same lead cards. The change journal is
not exported (it is the history of this file, not data).

The import takes only salespipe's own tables and their real columns, with values bound as
parameters; a file with other tables or columns, or from a newer salespipe, is refused whole.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from salespipe.domain.errors import Conflict, InvalidValue

FORMAT = "salespipe-export"
# In the order they are written and restored (parents before children).
TABLES = ("stages", "settings", "targets", "rules", "leads", "stage_events", "activities", "tasks",
          "lead_criteria", "rule_runs")
REPLACED = ("stages", "settings", "targets", "rules")  # a new database's defaults give way


def export_all(conn: sqlite3.Connection) -> dict[str, Any]:
    from salespipe.store.schema_version import SCHEMA_VERSION

    tables = {}
    for table in TABLES:
        rows = conn.execute(f"SELECT rowid AS _rowid, * FROM {table} ORDER BY rowid").fetchall()
        tables[table] = [dict(row) for row in rows]  # _rowid: rows come back in the same places
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "tables": tables}


def is_full_export(text_start: str) -> bool:
    return text_start.lstrip().startswith("{") and f'"{FORMAT}"' in text_start


def import_all(conn: sqlite3.Connection, text: str) -> dict[str, int]:
    """Restore an ``export --all`` into this database, which must hold no leads."""
    from salespipe.store.schema_version import SCHEMA_VERSION

    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidValue(f"not a salespipe export: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise InvalidValue("not a salespipe export --all file")
    version = data.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InvalidValue(f"the export has schema version {version!r}, newer than this salespipe knows "
                           f"({SCHEMA_VERSION}); upgrade salespipe")
    unknown = set(data["tables"]) - set(TABLES)
    if unknown:
        raise InvalidValue(f"the export names tables salespipe does not have: {', '.join(sorted(map(str, unknown)))}")
    if conn.execute("SELECT 1 FROM leads LIMIT 1").fetchone():
        raise Conflict("export --all files are imported into an empty database (this one has leads); "
                       "use --db NEW.db")
    counts: dict[str, int] = {}
    for table in reversed(TABLES):
        if table in REPLACED or table in data["tables"]:
            conn.execute(f"DELETE FROM {table}")
    for table in TABLES:
        rows = data["tables"].get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InvalidValue(f"the export's {table} is not a list of rows")
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        for row in rows:
            extra = set(row) - set(columns) - {"_rowid"}
            if extra:
                raise InvalidValue(f"the export's {table} has columns salespipe does not have: "
                                   f"{', '.join(sorted(map(str, extra)))}")
            names = [c for c in columns if c in row]
            values = [row[c] for c in names]
            if not all(v is None or isinstance(v, (str, int, float)) for v in values):
                raise InvalidValue(f"the export's {table} holds a value that is not text or a number")
            if "_rowid" in row:
                names, values = ["rowid", *names], [row["_rowid"], *values]
            conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                         values)
        counts[table] = len(rows)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise InvalidValue(f"the export refers to rows it does not hold ({len(problems)} broken references)")
    return counts
