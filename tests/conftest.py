"""Shared fixtures: every test gets its own database, a frozen clock and plain output."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from click.testing import CliRunner

from salespipe.cli import app

# Typer turns the app into a Click command on every invocation (70-100 ms for the whole tree);
# built once here, the suite runs several times faster.
COMMAND = typer.main.get_command(app)

NOW = "2026-11-26T10:00:00+00:00"
DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "pipeline.db"
    monkeypatch.chdir(tmp_path)  # a relative --db or output file lands here, never in the checkout
    monkeypatch.setenv("SALESPIPE_DB", str(db))
    monkeypatch.setenv("SALESPIPE_NOW", NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no hook of the developer's runs
    for name in ("SALESPIPE_HOOKS_DIR", "FORCE_COLOR", "CLICOLOR_FORCE", "SALESPIPE_PAGER", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SALESPIPE_HOOK_TIMEOUT", raising=False)
    time.tzset()
    # the database exists, empty: read-only commands never create one
    from salespipe.store.db import connect

    connect(db).close()
    return db


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return isolated_env


class Cli:
    """Runs salespipe in-process and checks the exit code."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Any:
        result = self.runner.invoke(COMMAND, list(args), input=input, prog_name="salespipe")
        if result.exit_code != code:
            raise AssertionError(
                f"salespipe {' '.join(args)} exited {result.exit_code}, expected {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
            )
        assert "Traceback" not in result.stdout + result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def dump(path: Path) -> list[str]:
    """The database's full content as SQL, for before/after comparisons."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def database_before(path: Path, migration: str, user_version: int) -> sqlite3.Connection:
    """A salespipe database at ``path`` as an older version left it: the migrations before
    ``migration`` applied and ``PRAGMA user_version`` as that version wrote it; open in autocommit
    for the test to fill before the next command migrates it."""
    from sqlite_utils import Database

    from salespipe.store import migrations

    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrations.apply(Database(conn), stop_before=migration)
    conn.execute(f"PRAGMA user_version = {user_version}")
    return conn


@pytest.fixture
def add_lead(cli: Cli) -> Callable[..., int]:
    def add(name: str, *options: str) -> int:
        return int(cli.json("lead", "add", name, *options)["id"])

    return add
