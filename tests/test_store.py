"""The database file: location, creation, migrations, atomicity."""

import os
import sqlite3
import stat
from datetime import UTC

import pytest
from conftest import dump

from salespipe.store import migrations as migrations_module
from salespipe.store.db import connect, resolve_path
from salespipe.store.schema_version import SCHEMA_VERSION


def test_path_precedence(tmp_path):
    env = {"SALESPIPE_DB": "/env/x.db", "XDG_DATA_HOME": "/xdg"}
    assert resolve_path("flag.db", env).reason == "from --db"
    assert str(resolve_path(None, env).path) == "/env/x.db"
    assert str(resolve_path(None, {"XDG_DATA_HOME": "/xdg"}).path) == "/xdg/salespipe/salespipe.db"
    assert str(resolve_path(None, {}).path).endswith(".local/share/salespipe/salespipe.db")


def test_db_path_command(cli, db_path, tmp_path):
    result = cli("db", "path")
    assert result.stdout == f"{db_path}\n"
    assert "from $SALESPIPE_DB" in result.stderr
    other = tmp_path / "flag.db"
    assert cli.json("--db", str(other), "db", "path") == {"path": str(other), "reason": "from --db", "exists": False}


def test_created_private_with_wal_and_migrated(tmp_path):
    path = tmp_path / "sub" / "new.db"
    conn = connect(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == [m.name for m in migrations_module.migrations._migrations]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"stages", "leads", "stage_events", "settings", "_sqlite_migrations"} <= tables
    conn.close()
    # opening again applies nothing and changes nothing
    before = dump(path)
    connect(path).close()
    assert dump(path) == before


def test_schema_version_matches_migrations():
    # the names the opening check compares with the file's, in order (a number may be left free)
    from salespipe.store.schema_version import MIGRATIONS

    names = [m.name for m in migrations_module.migrations._migrations]
    numbers = [int(name[1:4]) for name in names]
    assert all(name[0] == "m" and name[4] == "_" for name in names)
    assert numbers == sorted(set(numbers)) and numbers[0] == 1
    assert tuple(names) == MIGRATIONS and SCHEMA_VERSION == len(names)


@pytest.mark.parametrize("stamp", ["fewer", "same"])
def test_a_migration_merged_with_a_lower_number_still_runs(tmp_path, monkeypatch, stamp):
    """A database migrated by a salespipe that lacked one migration (another branch's, with a
    lower number) gets it on the next open: whether the file says one migration fewer, or
    (stamped by a build that counted differently) as many as this salespipe knows."""
    from salespipe.store import db as db_module
    from salespipe.store import schema_version

    path = tmp_path / "gap.db"
    missing = migrations_module.migrations._migrations[-2]  # one in the middle of the latest
    kept = [m for m in migrations_module.migrations._migrations if m is not missing]
    monkeypatch.setattr(migrations_module.migrations, "_migrations", kept)
    monkeypatch.setattr(migrations_module, "SCHEMA_VERSION", len(kept))
    monkeypatch.setattr(schema_version, "SCHEMA_VERSION", len(kept))
    monkeypatch.setattr(schema_version, "MIGRATIONS", tuple(m.name for m in kept))
    db_module.connect(path).close()
    monkeypatch.undo()
    if stamp == "same":
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.close()
    conn = db_module.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert missing.name in applied and len(applied) == SCHEMA_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_newer_database_is_refused(cli, db_path):
    cli("stage", "list")
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert "newer than this salespipe knows" in cli("stage", "list", code=1).stderr


def test_not_a_database(cli, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not sqlite" * 100)
    result = cli("--db", str(bad), "lead", "list", code=1)
    assert result.stderr.startswith("Error: cannot open database")


def test_failing_commands_leave_the_database_unchanged(cli, add_lead, db_path):
    lead_id = add_lead("Anna", "--value", "1000")
    cli("close", str(lead_id), "--won")
    other = add_lead("Ben")
    before = dump(db_path)
    failing = [
        ["verify", str(lead_id)],  # closed
        ["propose", str(other), "--value", "abc"],  # bad value
        ["qualify", str(other), "--at", "2020-01-01"],  # before creation
        ["lead", "edit", str(other), "--email", "bad", "--company", "X"],
        ["lead", "add", "C", "--stage", "nope"],
        ["stage", "remove", "won"],
        ["stage", "remove", "new"],
        ["init"],
        ["move", str(other), "lost", "--reason", " "],
    ]
    for args in failing:
        cli(*args, code=1)
        assert dump(db_path) == before, args


def test_rollback_on_failure_inside_a_service(db_path):
    """A failure after the first write of a command rolls the whole command back."""
    from datetime import datetime

    from salespipe.domain.errors import InvalidValue
    from salespipe.domain.models import LeadFields
    from salespipe.services.leads import add_lead
    from salespipe.store.db import transaction

    conn = connect(db_path)
    before = dump(db_path)
    try:
        with transaction(conn):
            add_lead(conn, LeadFields(title="A"), now=datetime(2026, 1, 1, tzinfo=UTC))
            raise InvalidValue("boom")
    except InvalidValue:
        pass
    assert dump(db_path) == before
