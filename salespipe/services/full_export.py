"""`salespipe export --all`: the whole database as JSON, and its restore into a new one.

Lossless: stages, settings, targets, rules, organisations and people, leads with their stage
events, activities, tasks,
qualification criteria, rule runs and history of estimates, and the forecast snapshots, every
column as stored (ids and timestamps included), so
that the copy gives the same `report --json` and the same lead cards. The change journal is
not exported (it is the history of this file, not data).

The restore goes only into a database nothing was done in yet (no leads, targets or recorded
changes), takes only salespipe's own tables and their real columns, checks every value (plain
text or numbers, rowids in range, settings as salespipe writes them) and recomputes the
duplicate keys; a file with anything else, or from a newer salespipe, is refused whole.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

from salespipe.domain.errors import Conflict, InvalidValue
from salespipe.store import full_export as store

FORMAT = "salespipe-export"


def export_all(conn: sqlite3.Connection) -> dict[str, Any]:
    from salespipe.store.schema_version import SCHEMA_VERSION

    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "tables": store.read_tables(conn)}


def is_full_export(text_start: str) -> bool:
    return text_start.lstrip().startswith("{") and f'"{FORMAT}"' in text_start


def is_full_export_file(path: Path) -> bool:
    """Whether ``path`` is an ``export --all`` file (JSON), judged by its first bytes."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as f:
            start = f.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return is_full_export(start)


def _check_setting(key: Any, value: Any) -> None:
    from salespipe.domain.money import normalize_currency
    from salespipe.domain.priority import DEFAULT_COEFFICIENTS, check_coefficient

    if not isinstance(key, str) or not isinstance(value, str):
        raise InvalidValue("the export's settings must be text")
    if key == "currency":
        normalize_currency(value)
    elif key == "language":  # init --lang
        from salespipe.domain.locale import LANGS

        if value not in LANGS:
            raise InvalidValue(f"the export's language setting {value!r} is not one of {', '.join(LANGS)}")
    elif key == "criteria":
        if not all(c.strip() for c in value.split(",")):
            raise InvalidValue(f"the export's criteria setting {value!r} is not a list of names")
    elif key.startswith("priority.") and key[len("priority.") :] in DEFAULT_COEFFICIENTS:
        check_coefficient(key[len("priority.") :], value)
    elif key in ("journal.keep", "journal.days"):
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 1_000_000:
            raise InvalidValue(f"the export's {key} setting {value!r} is not a count")
    else:
        raise InvalidValue(f"the export has a setting salespipe does not know: {key!r}")


# The columns of the organisation tables and the leads' links to them, by what they hold: text
# given and not empty, text or null, a row id or null (a value of another type is refused).
_TEXT, _OPT_TEXT, _OPT_ID = "text", "text or null", "an id or null"
_TYPED = {
    "orgs": {
        "id": _OPT_ID,
        "name": _TEXT,
        "website": _OPT_TEXT,
        "notes": _OPT_TEXT,
        "created_at": _TEXT,
        "updated_at": _TEXT,
    },
    "people": {
        "id": _OPT_ID,
        "org_id": _OPT_ID,
        "name": _TEXT,
        "email": _OPT_TEXT,
        "phone": _OPT_TEXT,
        "role": _OPT_TEXT,
        "notes": _OPT_TEXT,
        "created_at": _TEXT,
        "updated_at": _TEXT,
    },
    "leads": {"org_id": _OPT_ID, "person_id": _OPT_ID},
}


def _check_types(table: str, row: dict[str, Any]) -> None:
    for column, kind in _TYPED.get(table, {}).items():
        value = row.get(column)
        if kind == _TEXT:
            ok = isinstance(value, str) and bool(value.strip())
        elif kind == _OPT_TEXT:
            ok = value is None or isinstance(value, str)
        else:
            ok = (
                value is None
                or isinstance(value, int)
                and not isinstance(value, bool)
                and 1 <= value <= store.MAX_ROWID
            )
        if not ok:
            raise InvalidValue(f"the export's {table}.{column} must be {kind}, not {value!r}"[:200])


def _checked(conn: sqlite3.Connection, data: Any) -> dict[str, list[dict[str, Any]]]:
    from salespipe.domain.keys import email_key, name_key
    from salespipe.domain.orgs import org_key
    from salespipe.store.schema_version import SCHEMA_VERSION

    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise InvalidValue("not a salespipe export --all file")
    version = data.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InvalidValue(
            f"the export has schema version {version!r}, newer than this salespipe knows "
            f"({SCHEMA_VERSION}); upgrade salespipe"
        )
    unknown = set(data["tables"]) - set(store.TABLES)
    if unknown:
        raise InvalidValue(f"the export names tables salespipe does not have: {', '.join(sorted(map(str, unknown)))}")
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, rows in data["tables"].items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InvalidValue(f"the export's {table} is not a list of rows")
        known = set(store.columns(conn, table)) | {"_rowid"}
        for row in rows:
            extra = set(row) - known
            if extra:
                raise InvalidValue(
                    f"the export's {table} has columns salespipe does not have: {', '.join(sorted(map(str, extra)))}"
                )
            for value in row.values():
                if not (
                    value is None
                    or isinstance(value, (str, int))
                    and not isinstance(value, bool)
                    or isinstance(value, float)
                    and math.isfinite(value)
                ):
                    raise InvalidValue(f"the export's {table} holds a value that is not text or a number")
            rowid = row.get("_rowid")
            if rowid is not None and not (isinstance(rowid, int) and 1 <= rowid <= store.MAX_ROWID):
                raise InvalidValue(f"the export's {table} holds a row number out of range: {rowid!r}")
            _check_types(table, row)
            if table == "settings":
                _check_setting(row.get("key"), row.get("value"))
            if table == "leads":  # what duplicate checks compare comes from the values, not the file
                row["email_key"] = email_key(row.get("email"))
                row["name_key"] = name_key(row.get("title"), row.get("company"))
            if table == "orgs":  # matching's key, likewise
                row["name_key"] = org_key(row["name"])
        tables[table] = rows
    return tables


def import_all(conn: sqlite3.Connection, text: str) -> dict[str, int]:
    """Restore an ``export --all`` into this database, which must be new."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidValue(f"not a salespipe export: invalid JSON ({exc})") from None
    tables = _checked(conn, data)
    if not store.is_fresh(conn):
        raise Conflict("an export --all file is restored into a new database, and this one is in use; use --db NEW.db")
    counts = store.replace_tables(conn, tables)
    if counts.pop("_broken_references"):
        raise InvalidValue("the export refers to rows it does not hold; nothing was restored")
    if "orgs" not in tables and tables.get("leads"):  # from a salespipe before organisations
        from salespipe.store.orgs import link_leads

        linked = link_leads(
            conn, 1, max(int(r.get("_rowid") or r.get("id") or 0) for r in tables["leads"]) + 1, at=None
        )
        counts["orgs"], counts["people"] = linked.orgs_created, linked.people_created
    return counts
