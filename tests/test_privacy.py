"""Right to erasure, right of access, journal retention (issue #9)."""

import json
import sqlite3

SECRET = "Zyxwvut Quxly"
MAIL = "zyxwvut.quxly@example.org"


def _bytes_of(db_path):
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def test_erase_leaves_no_byte_of_the_lead(cli, db_path, add_lead):
    keep = add_lead("Keep me", "--email", "keep@example.org")
    lead_id = add_lead(SECRET, "--email", MAIL, "--phone", "+49 30 987654321", "--company", "Quxly Secret GmbH")
    cli("qualify", str(lead_id), "--check", "budget", "--note", f"{SECRET} called")
    cli("log", str(lead_id), "--call", f"talked to {SECRET}")
    cli("task", "add", str(lead_id), f"call {SECRET} back", "--due", "tomorrow")
    cli("lead", "edit", str(lead_id), "--email", MAIL.upper())
    assert SECRET.encode() in _bytes_of(db_path)
    result = json.loads(cli("erase", str(lead_id), "--yes", "--json").stdout)
    assert result["removed"]["leads"] == 1 and result["removed"]["journal_entries"] > 0
    for needle in (SECRET, MAIL, MAIL.upper(), "987654321", "Quxly Secret"):
        assert needle.encode() not in _bytes_of(db_path), needle
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert [l["id"] for l in cli.json("lead", "list", "--all")] == [keep]
    # what is left of the journal still undoes cleanly: the add of the lead kept
    cli("undo", "--yes")
    assert cli.json("lead", "list", "--all") == []


def test_erase_without_a_terminal_needs_yes(cli, db_path, add_lead):
    from conftest import dump

    lead_id = add_lead("Anna")
    before = dump(db_path)
    assert "add --yes" in cli("erase", str(lead_id), code=2).stderr
    assert dump(db_path) == before
    assert "99" in cli("erase", "99", "--yes", code=1).stderr


def test_export_person_gives_everything_about_one_person(cli, add_lead, tmp_path):
    lead_id = add_lead("Jörg", "--email", "Jörg@Example.org", "--value", "100")
    add_lead("Other", "--email", "other@example.org")
    cli("log", str(lead_id), "--note", "likes tea")
    data = json.loads(cli("export", "--person", "JÖRG@example.org").stdout)
    assert [l["title"] for l in data["leads"]] == ["Jörg"]
    lead = data["leads"][0]
    assert lead["activities"][0]["text"] == "likes tea" and lead["stage_events"][0]["to_stage"] == "new"


def test_journal_retention_by_count(cli, add_lead):
    for name in ("A", "B", "C", "D"):
        add_lead(name)
    assert len(cli.json("history")) == 4
    cli("history", "--keep", "2")
    assert [h["command"].split("lead add ")[1].split()[0] for h in cli.json("history")] == ["D", "C"]
    add_lead("E")
    assert len(cli.json("history")) == 2
    assert "give 1 to" in cli("history", "--keep", "0", code=1).stderr


def test_a_deleted_lead_can_still_be_erased_from_the_journal(cli, db_path, add_lead):
    lead_id = add_lead(SECRET, "--email", MAIL)
    other = add_lead("Other", "--external-id", "123")
    cli("lead", "delete", str(lead_id), "--yes")
    assert SECRET.encode() in _bytes_of(db_path)  # undo keeps the row
    cli("erase", str(lead_id), "--yes")
    for needle in (SECRET, MAIL):
        assert needle.encode() not in _bytes_of(db_path), needle
    # other history is left as it was (an id such as 123 is not "personal words")
    assert any("--external-id 123" in h["command"] for h in cli.json("history"))
    assert cli.json("lead", "show", str(other))["external_id"] == "123"
