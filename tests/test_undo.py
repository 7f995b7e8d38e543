"""salespipe undo restores the database exactly (full dump compared), for every kind of change."""

import json

from conftest import dump


def undone(cli, db_path, *args, code=0):
    before = dump(db_path)
    cli(*args, code=code)
    cli("undo", "--yes")
    return before, dump(db_path)


def test_undo_each_kind_of_change(cli, add_lead, db_path, tmp_path):
    lead_id = add_lead("Anna", "--value", "10k", "--tag", "hot", "--at", "2026-11-01")
    cli("task", "add", str(lead_id), "call", "--due", "friday")
    for args in (
        ["lead", "add", "Ben", "--value", "5k"],
        ["propose", str(lead_id), "--value", "12k"],  # with the task its rule creates
        ["close", str(lead_id), "--won", "--yes"],  # with its tasks closed and a new one
        ["lead", "edit", str(lead_id), "--company", "X", "--untag", "hot"],
        ["lead", "delete", str(lead_id), "--yes"],  # cascades to events and tasks
        ["log", str(lead_id), "--call", "hello"],
        ["task", "done", "1"],
        ["qualify", str(lead_id), "--check", "budget"],
        ["stage", "add", "demo", "--after", "qualified"],
        ["stage", "move", "verified", "1"],
        ["target", "set", "50k", "--period", "2026-11"],
        ["rule", "add", "--on-create", "--task", "x", "--due", "+1d"],
        ["priority", "set", "value", "9"],
    ):
        before, after = undone(cli, db_path, *args)
        assert after == before, args


def test_undo_an_import_batch(cli, add_lead, db_path, tmp_path):
    add_lead("Old", "--email", "old@x.de", "--value", "1")
    f = tmp_path / "l.csv"
    f.write_text("name,email,amount,stage\nOld,old@x.de,2,proposal\nNew 1,n1@x.de,3,won\nNew 2,n2@x.de,4,new\n")
    before = dump(db_path)
    summary = json.loads(cli("import", str(f), "--on-duplicate", "update", "--json").stdout)
    assert (summary["inserted"], summary["updated"]) == (2, 1)
    history = cli.json("history")
    assert history[0]["command"] == f"salespipe import {f}"
    result = cli("undo", "--yes")
    assert "Undone: salespipe import" in result.stderr
    assert dump(db_path) == before


def test_history_and_asking(cli, add_lead, db_path):
    assert "nothing to undo" in cli("undo", "--yes", code=1).stderr
    lead_id = add_lead("Anna")
    cli("verify", str(lead_id), "--note", "called")
    history = cli.json("history")
    # as it could be typed again
    assert [h["command"] for h in history] == [
        f"salespipe verify {lead_id} --note called",
        "salespipe lead add Anna --json",
    ]
    assert history[0]["rows"] == {"leads": 1, "stage_events": 1}
    before = dump(db_path)
    result = cli("undo", input="n\n", code=1)
    assert "Last change" in result.stderr and "salespipe verify" in result.stderr
    assert dump(db_path) == before
    cli("undo", input="y\n")
    assert cli.json("lead", "show", str(lead_id))["stage"] == "new"
    # read-only commands and refused commands leave no history
    cli("report")
    cli("verify", "99", code=1)
    assert len(cli.json("history")) == 1
    text = cli("history").stdout.splitlines()
    assert text[0].split() == ["ID", "When", "Command", "Changed"]
    assert text[1].endswith("salespipe lead add Anna --json  1 lead, 1 stage event")
    assert (
        cli("history", "--csv")
        .stdout.splitlines()[1]
        .endswith(",salespipe lead add Anna --json,leads=1;stage_events=1")
    )


def same_database(a: list[str], b: list[str]) -> bool:
    """Equal dumps; the CREATE INDEX and CREATE TRIGGER lines may come in another order (a bulk
    import drops and makes them again, which moves them to the end of sqlite_master)."""

    def split(d: list[str]) -> tuple[list[str], list[str]]:
        movable = ("CREATE INDEX", "CREATE TRIGGER")
        return [x for x in d if not x.startswith(movable)], sorted(x for x in d if x.startswith(movable))

    return split(a) == split(b)


def test_undo_a_bulk_import(cli, add_lead, db_path, tmp_path, monkeypatch):
    """A big file into a small database runs without the journal's insert triggers (the new
    leads are one range) and with its indexes rebuilt: undo still restores everything, and the
    triggers are back as they were."""
    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    old = add_lead("Old", "--email", "old@x.de", "--value", "1")
    f = tmp_path / "l.csv"
    f.write_text(
        "id,name,email,amount,stage,created,closed\n"
        + "".join(
            f"X{i},Lead {i},l{i}@x.de,{i}.5,{('won', 'lost', 'new', 'proposal')[i % 4]},2026-0{1 + i % 9}-15,"
            f"2026-10-0{1 + i % 9}\n"
            for i in range(200)
        )
        + ",Again,old@x.de,3,new,,\nX5,Twice,,1,new,,\n"
    )
    before = dump(db_path)
    summary = json.loads(cli("import", str(f), "--json").stdout)
    assert (summary["inserted"], summary["skipped"], summary["duplicates_in_file"]) == (200, 2, 1)
    after = dump(db_path)
    assert same_database([x for x in after if "journal_" in x], [x for x in before if "journal_" in x])
    assert cli.json("history")[0]["rows"] == {"leads": 200}
    # the triggers work again: a later change is journaled and undone row by row
    cli("verify", str(old))
    cli("undo", "--yes")
    assert dump(db_path) == after
    cli("undo", "--yes")
    assert same_database(dump(db_path), before)


def test_undo_a_bulk_import_that_updates(cli, add_lead, db_path, tmp_path, monkeypatch):
    """With --on-duplicate update the updated leads' new events are journaled one by one."""
    from salespipe.services import importer

    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 0)
    add_lead("Old", "--email", "old@x.de", "--value", "1")
    f = tmp_path / "l.csv"
    f.write_text(
        "name,email,amount,stage\nOld,old@x.de,2,proposal\n"
        + "".join(f"Lead {i},l{i}@x.de,{i},won\n" for i in range(50))
    )
    before = dump(db_path)
    summary = json.loads(cli("import", str(f), "--on-duplicate", "update", "--json").stdout)
    assert (summary["inserted"], summary["updated"]) == (50, 1)
    cli("undo", "--yes")
    assert same_database(dump(db_path), before)


def test_undo_counts_each_row_once_in_words(cli):
    """A row changed twice by one command (a lead edited, then relinked to its new
    organisation) is one row to revert; the tables are said in words."""
    from salespipe.render.history import _ROWS
    from salespipe.store import journal

    cli("lead", "add", "A", "--company", "Acme GmbH")
    cli("lead", "edit", "1", "--company", "Beta AG")
    result = cli("undo", "--yes")
    assert "changed 1 lead, 1 organisation" in result.stderr
    assert set(journal.TABLES) <= set(_ROWS)  # every journaled table has words
