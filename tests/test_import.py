"""salespipe import: detection, mapping, history, duplicates, rejects, dry run, strict."""

import csv
import json

from conftest import dump


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def leads(cli):
    return {l["title"]: l for l in cli.json("lead", "list", "--all")}


def test_german_excel_file(cli, tmp_path):
    """Semicolons, cp1252, German headers, amounts and dates, CRLF."""
    f = write(
        tmp_path / "messe.csv",
        "Name;Firma;E-Mail-Adresse;Telefon;Quelle;Phase;Betrag;Erstellt am;Abschlussdatum;Branche\r\n"
        "Jürgen Müller;Müller & Söhne GmbH;jm@mueller.de;+49 89 123;Messe;Qualifiziert;12.500,50;01.10.2026;15.12.2026;Maschinenbau\r\n"
        "Anna Weiß;Weiß AG;anna@weiss.de;;Messe;gewonnen;3.000;02.10.2026;20.10.2026;Handel\r\n",
        encoding="cp1252",
    )
    result = cli("import", str(f), "--stage-map", "Qualifiziert=qualified")
    assert "cp1252, semicolon-delimited, header on line 1" in " ".join(result.stderr.split())
    assert "Imported 2 rows: 2 inserted, 0 updated, 0 skipped, 0 rejected" in result.stderr
    got = leads(cli)
    jm = got["Jürgen Müller"]
    assert jm["company"] == "Müller & Söhne GmbH" and jm["email"] == "jm@mueller.de"
    assert jm["value"] == 12500.5 and jm["stage"] == "qualified" and jm["source"] == "Messe"
    assert jm["created_at"] == "2026-10-01T12:00:00Z" and jm["expected_close"] == "2026-12-15"
    assert jm["fields"] == {"Branche": "Maschinenbau"}
    anna = got["Anna Weiß"]
    assert anna["stage"] == "won" and anna["closed_at"] == "2026-10-20T12:00:00Z" and anna["value"] == 3000
    events = cli.json("lead", "show", str(anna["id"]))["events"]
    assert [(e["from_stage"], e["to_stage"], e["at"]) for e in events] == [
        (None, "new", "2026-10-02T12:00:00Z"),
        ("new", "won", "2026-10-20T12:00:00Z"),
    ]


def test_mapping_overrides_dry_run_and_drop_extra(cli, tmp_path, db_path):
    f = write(tmp_path / "l.csv", "Kunde,Notiz,Intern,Wert\nAcme,call back,x,100\n")
    cli("stage", "list")
    before = dump(db_path)
    result = cli("import", str(f), "--dry-run", "--map", "Kunde=title", "--map", "Intern=")
    assert result.stdout.splitlines()[:6] == [
        "Import plan",
        "  Columns:",
        "    Kunde   title",
        "    Notiz   field:Notiz",
        "    Intern  (ignored)",
        "    Wert    value",
    ]
    assert "Dry run, nothing written: would import 1 row: 1 inserted" in result.stderr
    assert dump(db_path) == before and not (tmp_path / "l.csv.rejects.csv").exists()
    cli("import", str(f), "--map", "Kunde=title", "--drop-extra")
    lead = leads(cli)["Acme"]
    assert lead["fields"] == {} and lead["company"] is None and lead["value"] == 100
    bad = cli("import", str(f), "--map", "Nope=title", code=1)
    assert "the file has no column 'Nope'; columns: Kunde, Notiz, Intern, Wert" in bad.stderr
    assert "unknown field 'colour'" in cli("import", str(f), "--map", "Kunde=colour", code=1).stderr


def test_rejected_rows_are_reported_and_kept(cli, tmp_path):
    f = write(
        tmp_path / "l.csv",
        "name,email,stage,amount,created\n"
        "Good,good@x.de,New,100,2026-01-05\n"
        "Bad stage,b1@x.de,Engaging,100,2026-01-05\n"
        "Bad money,b2@x.de,new,12 apples,2026-01-05\n"
        "Bad mail,not-an-email,new,1,2026-01-05\n"
        "Bad date,b3@x.de,new,1,2026-13-45\n",
    )
    # in a file this small a stage value seen once may be a stage: the import asks first
    asked = json.loads(cli("import", str(f), "--json", code=2).stdout)
    assert [(q["kind"], q["subject"], q["rows"]) for q in asked["questions"]] == [("stage", "Engaging", 1)]
    # --accept-partial imports what is understood; the row with the unknown stage is rejected
    result = cli("import", str(f), "--accept-partial", "--json", code=1)
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["inserted"], summary["rejected"]) == (5, 1, 4)
    assert summary["inserted"] + summary["updated"] + summary["skipped"] + summary["rejected"] == summary["rows"]
    errors = {r["line"]: r["error"] for r in summary["rejects"]}
    assert "unknown stage 'Engaging'" in errors[3] and '--stage-map "Engaging=STAGE"' in errors[3]
    assert "invalid amount '12 apples'" in errors[4]
    assert "invalid e-mail address 'not-an-email'" in errors[5]
    assert "invalid date '2026-13-45'" in errors[6]
    with open(tmp_path / "l.csv.rejects.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == ["Bad stage", "Bad money", "Bad mail", "Bad date"]
    assert rows[0]["line"] == "3" and "unknown stage" in rows[0]["error"]
    assert list(leads(cli)) == ["Good"]
    # --stage-map fixes the first; --rejects chooses the file; human summary lists the lines
    result = cli("import", str(f), "--stage-map", "Engaging=qualified", "--rejects", str(tmp_path / "r.csv"), code=1)
    assert "line 4: invalid amount '12 apples'" in result.stderr
    assert "1 inserted, 0 updated, 1 skipped, 3 rejected" in result.stderr
    assert (tmp_path / "r.csv").exists()


def test_strict_imports_nothing(cli, tmp_path, db_path):
    f = write(tmp_path / "l.csv", "name,amount\nA,1\nB,oops\n")
    cli("stage", "list")
    before = dump(db_path)
    result = cli("import", str(f), "--strict", code=1)
    assert "Nothing imported (--strict)" in result.stderr
    assert dump(db_path) == before


def test_duplicates(cli, tmp_path, db_path):
    f = write(
        tmp_path / "l.csv",
        "id,name,email,amount\nA1,Anna,Anna@X.de ,100\nB1,Ben,ben@x.de,200\nA1,Anna again,other@x.de,300\n",
    )
    summary = json.loads(cli("import", str(f), "--json").stdout)
    assert (summary["inserted"], summary["skipped"], summary["duplicates_in_file"]) == (2, 1, 1)
    assert summary["duplicates"] == [{"line": 4, "duplicate_of_line": 2}] and summary["rejects"] == []
    fresh = str(tmp_path / "fresh.db")
    assert "line 4: skipped, a duplicate of line 2" in cli("--db", fresh, "import", str(f), "--dry-run").stderr
    before = dump(db_path)
    again = json.loads(cli("import", str(f), "--json").stdout)
    assert (again["inserted"], again["skipped"]) == (0, 3)
    assert dump(db_path) == before  # the same file twice changes nothing
    # without an id column, e-mail decides (case-insensitive, trimmed)
    g = write(tmp_path / "g.csv", "name,email,amount\nAnna B.,  ANNA@x.DE,150\n")
    assert json.loads(cli("import", str(g), "--json").stdout)["skipped"] == 1
    updated = json.loads(cli("import", str(g), "--on-duplicate", "update", "--json").stdout)
    assert updated["updated"] == 1
    assert leads(cli)["Anna B."]["value"] == 150
    before = dump(db_path)
    result = cli("import", str(g), "--on-duplicate", "fail", code=1)
    assert "line 2 matches existing lead #1; nothing was imported" in result.stderr
    assert dump(db_path) == before
    assert (
        "Invalid value for --on-duplicate: 'merge'; choose from: skip, update, fail"
        in cli("import", str(g), "--on-duplicate", "merge", code=2).stderr
    )


def test_update_moves_stage(cli, tmp_path):
    write(tmp_path / "a.csv", "id,name,stage\nX1,Anna,new\n")
    cli("import", str(tmp_path / "a.csv"))
    write(tmp_path / "b.csv", "id,name,stage,amount\nX1,Anna,proposal,500\n")
    cli("import", str(tmp_path / "b.csv"), "--on-duplicate", "update")
    lead = leads(cli)["Anna"]
    assert lead["stage"] == "proposal" and lead["value"] == 500
    assert [e["to_stage"] for e in cli.json("lead", "show", str(lead["id"]))["events"]] == ["new", "proposal"]


def test_csv_shapes(cli, tmp_path):
    """Quoted delimiters and newlines, blank lines, no final newline, a title line, BOM, tabs."""
    f = write(
        tmp_path / "l.csv",
        "Export from CRM, 2026-11-26\n\n"
        'name,company,notes\n"Berger, Anna","A ""quoted"" Co","line one\nline two"\n\n'
        "Ben,B Co,x",
    )
    summary = json.loads(cli("import", str(f), "--json").stdout)
    assert summary["header_line"] == 3 and summary["rows"] == 2 and summary["blank_lines"] == 1
    got = leads(cli)
    assert got["Berger, Anna"]["company"] == 'A "quoted" Co'
    assert got["Berger, Anna"]["fields"] == {"notes": "line one\nline two"}
    t = write(tmp_path / "t.tsv", "\ufeffName\tValue\nTab Lead\t1.234,50\n")
    summary = json.loads(cli("import", str(t), "--json").stdout)
    assert summary["delimiter"] == "\t" and summary["encoding"] == "utf-8-sig"
    assert leads(cli)["Tab Lead"]["value"] == 1234.5
    p = write(tmp_path / "p.csv", "name|amount\nPipe|5\n")
    cli("import", str(p), "--delimiter", "|")
    assert "Pipe" in leads(cli)


def test_line_numbers_count_physical_lines(cli, tmp_path):
    f = write(tmp_path / "l.csv", 'name,amount\n"multi\nline",1\nBad,x\n')
    summary = json.loads(cli("import", str(f), "--json", code=1).stdout)
    assert summary["rejects"] == [
        {"line": 4, "error": "invalid amount 'x': expected a number such as 12000, 12.000,50 or 12k"}
    ]


def test_day_order_is_decided_for_the_whole_file(cli, tmp_path):
    ambiguous = write(tmp_path / "a.csv", "name,created\nA,03/04/2026\nB,05/06/2026\n")
    result = cli("import", str(ambiguous), code=2)
    assert "every numeric date could be day/month or month/day" in result.stderr
    assert "fix: --dayfirst or --monthfirst" in result.stderr
    cli("import", str(ambiguous), "--dayfirst")
    assert leads(cli)["A"]["created_at"].startswith("2026-04-03")
    us = write(tmp_path / "us.csv", "name,created\nC,03/04/2026\nD,12/25/2025\n")  # D proves month first
    assert json.loads(cli("import", str(us), "--json").stdout)["day_order"] == "monthfirst"
    assert leads(cli)["C"]["created_at"].startswith("2026-03-04")
    mixed = write(tmp_path / "m.csv", "name,created\nE,25/12/2025\nF,12/25/2025\n")
    assert "mixes the orders: 1 value proves day-first" in cli("import", str(mixed), code=2).stderr


def test_encoding_errors_are_clear(cli, tmp_path):
    f = tmp_path / "l.csv"
    # the Latin-1 byte comes after the 256 KB sample that the encoding is guessed from
    f.write_bytes(b"name,notes\n" + b"a," + b"x" * 300_000 + b"\nM\xfcller,\n")
    result = cli("import", str(f), code=1)
    assert "the file is not utf-8 on line 3" in result.stderr and "--encoding" in result.stderr
    cli("import", str(f), "--encoding", "cp1252", "--quiet")
    assert "Müller" in leads(cli)
    assert "unknown encoding 'klingon'" in cli("import", str(f), "--encoding", "klingon", code=2).stderr
    assert "cannot read" in cli("import", str(tmp_path / "missing.csv"), code=1).stderr


def test_history_assumptions(cli, tmp_path):
    f = write(
        tmp_path / "l.csv",
        "name,stage,created,close date\n"
        "Open,proposal,2026-09-01,2026-12-24\n"
        "Won no dates,won,,\n"
        "Lost no created,lost,,2026-08-01\n"
        "Won early,won,2026-10-01,2026-09-01\n",
    )
    result = cli("import", str(f))
    assert "warning: close date 2026-09-01 is before the created date 2026-10-01" in result.stderr
    got = leads(cli)
    assert got["Open"]["expected_close"] == "2026-12-24" and got["Open"]["closed_at"] is None
    # no close date is invented: the deal is won, on a date nobody knows
    assert got["Won no dates"]["stage"] == "won" and got["Won no dates"]["closed_at"] is None
    assert got["Lost no created"]["created_at"] == got["Lost no created"]["closed_at"] == "2026-08-01T12:00:00Z"
    assert got["Won early"]["created_at"] == "2026-09-01T12:00:00Z"
    assert "1 won deal without a close date" in result.stderr
    gaps = cli.json("report", "--period", "all")["data_gaps"]
    assert gaps == {
        "won_without_close_date": 1,
        "lost_without_close_date": 0,
        "closed_without_created_date": 1,
        "without_value": 4,
    }
    # the undated win counts in "all", in no bounded period, and not in the sales cycle
    assert cli.json("report", "--period", "all")["won"]["count"] == 2
    assert cli.json("report", "--period", "this-year")["won"]["count"] == 1
    assert cli.json("report", "cycle", "--period", "all")["sales_cycle_days"]["mean"] == 0.0


def test_bulk_import_rebuilds_the_indexes(cli, tmp_path, db_path, monkeypatch):
    """A big file into a small database drops the secondary indexes and builds them again at
    the end, in the same transaction: the schema afterwards is the schema before."""
    import sqlite3

    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    cli("stage", "list")

    def schema():
        conn = sqlite3.connect(db_path)
        try:
            return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        finally:
            conn.close()

    before = schema()
    f = write(
        tmp_path / "l.csv",
        "id,name,email,stage,created\n"
        + "".join(f"X{i},Lead {i},l{i}@x.de,{'won' if i % 3 else 'new'},2026-0{1 + i % 9}-15\n" for i in range(300)),
    )
    summary = json.loads(cli("import", str(f), "--json").stdout)
    assert summary["inserted"] == 300
    assert schema() == before
    assert cli.json("report", "--period", "all")["won"]["count"] == 200
    # a rolled-back bulk import (--strict with a bad row) leaves the indexes too
    g = write(tmp_path / "g.csv", "id,name,amount\nY1,A,1\nY2,B,oops\n")
    cli("import", str(g), "--strict", code=1)
    assert schema() == before


def _journal_mode(db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def test_bulk_import_into_an_empty_database_keeps_it_in_wal(cli, tmp_path, db_path, monkeypatch):
    """Into an empty database a bulk import writes through the rollback journal (each page
    once) and puts WAL back when it is done, committed or not."""
    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    f = write(tmp_path / "l.csv", "id,name,email\n" + "".join(f"X{i},Lead {i},l{i}@x.de\n" for i in range(50)))
    assert json.loads(cli("import", str(f), "--json").stdout)["inserted"] == 50
    assert _journal_mode(db_path) == "wal"
    cli("undo", "--yes")
    g = write(tmp_path / "g.csv", "id,name,amount\nY1,A,1\nY2,B,oops\n")
    cli("import", str(g), "--strict", code=1)
    assert _journal_mode(db_path) == "wal"


def test_a_bulk_import_goes_on_in_wal_while_another_program_has_the_file_open(cli, tmp_path, db_path, monkeypatch):
    """A viewer or the sqlite3 shell holding the database: leaving WAL is refused by SQLite, so
    the import stays in WAL instead of failing."""
    import sqlite3

    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    viewer = sqlite3.connect(db_path)
    viewer.execute("SELECT count(*) FROM leads").fetchone()
    try:
        f = write(tmp_path / "l.csv", "id,name,email\n" + "".join(f"X{i},Lead {i},l{i}@x.de\n" for i in range(50)))
        assert json.loads(cli("import", str(f), "--json").stdout)["inserted"] == 50
    finally:
        viewer.close()
    assert _journal_mode(db_path) == "wal"


def test_a_crash_during_a_bulk_import_leaves_nothing_and_wal_comes_back(tmp_path, db_path):
    """The process dies after the new leads are written, before the commit: the next open rolls
    the hot journal back (nothing of the import remains) and puts the database back in WAL."""
    import os
    import subprocess
    import sys

    f = write(
        tmp_path / "l.csv", "id,name,email,stage\n" + "".join(f"X{i},Lead {i},l{i}@x.de,won\n" for i in range(3000))
    )
    before = dump(db_path)
    script = (
        "import os, sys\n"
        "from salespipe.services import importer\n"
        "from salespipe.store import import_staging\n"
        "importer.BULK_MIN_ROWS = 0\n"
        "real = import_staging.write\n"
        "def crash(conn, *args):\n"
        "    real(conn, *args)\n"
        "    os._exit(3)\n"
        "import_staging.write = crash\n"
        "from salespipe.cli import main\n"
        f"sys.argv = ['salespipe', '--db', {str(db_path)!r}, 'import', {str(f)!r}, '--quiet']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 3, result.stderr
    assert os.path.exists(str(db_path) + "-journal")  # hot: the crash came mid-transaction
    from salespipe.store.db import connect

    connect(db_path).close()  # any salespipe command opens the database so
    assert _journal_mode(db_path) == "wal"
    assert dump(db_path) == before


def test_rebuilt_indexes_come_from_the_code_never_from_the_file(cli, tmp_path, db_path, monkeypatch):
    """The indexes a bulk import drops are the migrations' (``BULK_INDEXES`` says each as they
    create it), and they are built again from that text: a statement planted in the file's
    schema is dropped with its index and never run."""
    import sqlite3

    from salespipe.services import importer
    from salespipe.store.leads import BULK_INDEXES

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    cli("stage", "list")
    conn = sqlite3.connect(db_path)
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    assert {name: stored[name] for name in BULK_INDEXES} == BULK_INDEXES
    # a hostile file: the schema says the created-date index is something else
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX idx_leads_created ON leads(title) WHERE 0' "
        "WHERE name = 'idx_leads_created'"
    )
    conn.commit()
    conn.close()
    f = write(tmp_path / "l.csv", "id,name\n" + "".join(f"X{i},Lead {i}\n" for i in range(50)))
    assert json.loads(cli("import", str(f), "--json").stdout)["inserted"] == 50
    conn = sqlite3.connect(db_path)
    try:
        after = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        assert after["idx_leads_created"] == BULK_INDEXES["idx_leads_created"]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_bulk_import_keeps_the_planner_statistics_complete(cli, tmp_path, db_path, monkeypatch):
    """A file someone ran ANALYZE on keeps statistics for every index after a bulk import
    rebuilt them (dropping an index drops its statistics, and half the statistics mislead the
    query planner more than none); a file without statistics gets none."""
    import sqlite3

    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    cli("stage", "list")
    f = write(tmp_path / "l.csv", "id,name\n" + "".join(f"X{i},Lead {i}\n" for i in range(40)))
    cli("import", str(f))
    conn = sqlite3.connect(db_path)
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    conn.execute("ANALYZE")
    conn.commit()
    measured = {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'leads'")}
    conn.close()
    g = write(tmp_path / "m.csv", "id,name\n" + "".join(f"Y{i},Lead {i}\n" for i in range(40)))
    cli("import", str(g))
    conn = sqlite3.connect(db_path)
    try:
        assert {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'leads'")} == measured
    finally:
        conn.close()
