"""salespipe backup and restore (SQLite's online backup API)."""

import json
import sqlite3
import stat
import threading

from conftest import dump


def test_backup_then_restore_gives_the_database_back(cli, db_path, tmp_path, add_lead):
    add_lead("Anna", "--value", "100")
    cli("propose", "1")
    copy = tmp_path / "b.db"
    result = json.loads(cli("backup", str(copy), "--json").stdout)
    assert result["leads"] == 1 and stat.S_IMODE(copy.stat().st_mode) == 0o600
    saved = dump(db_path)
    add_lead("Ben")
    cli("close", "1", "--won")
    out = json.loads(cli("restore", str(copy), "--yes", "--json").stdout)
    assert dump(db_path) == saved
    # the database before the restore is kept aside, whole
    conn = sqlite3.connect(out["previous"])
    assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == 2
    conn.close()


def test_restore_without_a_terminal_needs_yes(cli, db_path, tmp_path):
    copy = tmp_path / "b.db"
    cli("backup", str(copy))
    before = dump(db_path)
    assert "add --yes" in cli("restore", str(copy), code=2).stderr
    assert dump(db_path) == before


def test_default_backups_never_replace_each_other(cli, db_path):
    first = json.loads(cli("backup", "--json").stdout)["path"]
    second = json.loads(cli("backup", "--json").stdout)["path"]
    assert first != second and first.startswith(str(db_path.parent / "backups"))


def test_restore_refuses_what_is_not_a_good_salespipe_database(cli, db_path, tmp_path):
    before = dump(db_path)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    assert "is not a salespipe database" in cli("restore", str(other), "--yes", code=1).stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert "is not a salespipe database" in cli("restore", str(junk), "--yes", code=1).stderr
    newer = tmp_path / "newer.db"
    cli("backup", str(newer))
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    assert "newer than this salespipe" in cli("restore", str(newer), "--yes", code=1).stderr
    assert dump(db_path) == before
    assert "refusing to write" in cli("backup", str(db_path), code=1).stderr


def test_a_backup_during_writes_is_consistent(cli, db_path, tmp_path):
    from salespipe.store.db import connect

    stop = threading.Event()

    def writer():
        conn = connect(db_path)
        i = 0
        while not stop.is_set() and i < 400:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO settings (key, value) VALUES (?, 'x')", (f"k{i}",))
            conn.execute("COMMIT")
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(3):
            cli("backup", str(tmp_path / f"b{n}.db"))
    finally:
        stop.set()
        thread.join()
    for n in range(3):
        conn = sqlite3.connect(tmp_path / f"b{n}.db")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_a_backup_never_replaces_a_device_or_a_pipe(cli, add_lead, tmp_path):
    """The copy is renamed over its target: `backup /dev/null` run as root replaced the device
    with a regular file (found in QA, here with a named pipe, which it replaced the same way)."""
    import os

    add_lead("Anna")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = cli("backup", str(pipe), code=1)
    assert result.stderr == (
        f"Error: cannot back up to {str(pipe)!r}: it is not a file (a device, a pipe or a socket); give a file name\n"
    )
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []
