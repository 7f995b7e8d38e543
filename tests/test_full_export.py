"""export --all is lossless: imported into an empty database it gives the same database."""

import json
import sqlite3

from conftest import dump

JOURNAL = (
    'INSERT INTO "changes"',
    'INSERT INTO "undo_log"',
    'INSERT INTO "undo_values"',
    'INSERT INTO "_sqlite_migrations"',
)


def _data(path):
    return [line for line in dump(path) if not line.startswith(JOURNAL)]


def test_export_all_then_import_gives_the_same_database(cli, db_path, tmp_path, add_lead):
    cli("stage", "add", "demo", "--label", "Demo done", "--probability", "50", "--after", "qualified")
    anna = add_lead("Anna", "--value", "12k", "--email", "anna@x.de", "--tag", "a;b", "--field", "k=  v")
    ben = add_lead("Ben", "--value", "3k", "--currency", "USD")
    cli("qualify", str(anna), "--check", "budget", "--check", "need")
    cli("propose", str(anna))  # its rule creates a task
    cli("log", str(anna), "--call", "talked budget")
    cli("task", "add", str(ben), "send deck", "--due", "tomorrow 14:00")
    cli("close", str(ben), "--lost", "--reason", "price", "--yes")
    cli("target", "set", "50k", "--period", "2026-11")
    cli("priority", "set", "value", "2")
    cli("rule", "add", "--on-enter", "negotiation", "--task", "Send contract", "--due", "+2d")
    cli("forecast", "snapshot", "--seed", "3", "-q")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    copy = tmp_path / "copy.db"
    restored = json.loads(cli("--db", str(copy), "import", str(out), "--json").stdout)["restored"]
    assert restored["leads"] == 2 and restored["activities"] == 1 and restored["lead_criteria"] == 2
    assert restored["forecast_snapshots"] == 1
    assert _data(copy) == _data(db_path)
    assert cli.json("--db", str(copy), "report") == cli.json("report")
    assert cli.json("--db", str(copy), "forecast", "accuracy") == cli.json("forecast", "accuracy")
    for lead_id in (anna, ben):
        assert cli.json("--db", str(copy), "lead", "show", str(lead_id)) == cli.json("lead", "show", str(lead_id))


def test_export_all_is_refused_into_a_database_with_leads_or_when_tampered(cli, db_path, tmp_path, add_lead):
    add_lead("Anna")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    before = dump(db_path)
    assert "restored into a new database" in cli("import", str(out), code=1).stderr
    assert "takes none of --dry-run" in cli("import", str(out), "--dry-run", code=2).stderr
    data = json.loads(out.read_text())
    data["tables"]["leads"][0]["evil); DROP TABLE leads; --"] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    fresh = tmp_path / "fresh.db"
    assert "columns salespipe does not have" in cli("--db", str(fresh), "import", str(bad), code=1).stderr
    data["tables"] = {"sqlite_master": []}
    bad.write_text(json.dumps({**data, "format": "salespipe-export"}))
    assert "tables salespipe does not have" in cli("--db", str(fresh), "import", str(bad), code=1).stderr
    data = json.loads(out.read_text())
    data["tables"]["settings"].append({"key": "journal.keep", "value": "lots"})
    bad.write_text(json.dumps(data))
    assert "is not a count" in cli("--db", str(fresh), "import", str(bad), code=1).stderr
    data = json.loads(out.read_text())
    data["tables"]["leads"][0]["_rowid"] = 2**70
    bad.write_text(json.dumps(data))
    assert "out of range" in cli("--db", str(fresh), "import", str(bad), code=1).stderr
    assert dump(db_path) == before
    conn = sqlite3.connect(fresh)
    assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == 0
    conn.close()


def test_restore_checks_the_organisation_rows_and_their_references(cli, tmp_path, add_lead):
    add_lead("Deal", "--company", "ACME GmbH", "--contact", "Jo")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    good = json.loads(out.read_text())
    cases = [
        ("orgs", "name", 5, "the export's orgs.name must be text, not 5"),
        ("orgs", "name", "  ", "orgs.name must be text"),
        ("people", "email", 7, "people.email must be text or null, not 7"),
        ("people", "org_id", "1", "people.org_id must be an id or null, not '1'"),
        ("leads", "person_id", 1.5, "leads.person_id must be an id or null, not 1.5"),
        ("leads", "org_id", 99, "refers to rows it does not hold"),
        ("leads", "person_id", 99, "refers to rows it does not hold"),
        ("people", "org_id", 99, "refers to rows it does not hold"),
        ("leads", "stage", "nope", "refers to rows it does not hold"),
    ]
    for n, (table, column, value, message) in enumerate(cases):
        data = json.loads(json.dumps(good))
        data["tables"][table][0][column] = value
        bad = tmp_path / f"bad{n}.json"
        bad.write_text(json.dumps(data))
        fresh = tmp_path / f"fresh{n}.db"
        result = cli("--db", str(fresh), "import", str(bad), code=1)
        assert message in result.stderr and result.stderr.count("\n") == 1, (table, column, result.stderr)
        conn = sqlite3.connect(fresh)
        assert [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("leads", "orgs", "people")] == [
            0,
            0,
            0,
        ]
        conn.close()
