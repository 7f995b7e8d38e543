"""The history of estimates (issue 12, part 3): what is recorded, `report --as-of` with the
values of their time, the slip on the card and in the report, and the forecast's slips."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import database_before, dump

from salespipe.domain import forecast as rules


def history(db_path, lead_id=None):
    conn = sqlite3.connect(db_path)
    sql = "SELECT lead_id, field, kind, old_value, new_value, at, source FROM estimate_history"
    rows = conn.execute(
        sql + (" WHERE lead_id = ?" if lead_id else "") + " ORDER BY id", (lead_id,) if lead_id else ()
    ).fetchall()
    conn.close()
    return rows


@pytest.fixture
def clock(monkeypatch):
    """Set "now" for the next commands."""

    def at(moment: str) -> None:
        monkeypatch.setenv("SALESPIPE_NOW", moment + "T10:00:00+00:00")

    return at


def test_every_change_of_an_estimate_is_recorded(cli, add_lead, db_path, clock):
    clock("2026-11-01")
    lead = add_lead("A", "--value", "10k", "--close-date", "2026-11-30")
    clock("2026-11-10")
    cli(
        "lead",
        "edit",
        str(lead),
        "--value",
        "12k",
        "--close-date",
        "2026-12-15",
        "--probability",
        "30",
        "--forecast",
        "commit",
        "--company",
        "not an estimate",
    )
    clock("2026-11-20")
    cli("propose", str(lead), "--value", "15k", "--at", "2026-11-18")
    cli("lead", "edit", str(lead), "--clear", "probability")
    assert history(db_path) == [
        (lead, "expected_close", "set", None, "2026-11-30", "2026-11-01T10:00:00Z", "add"),
        (lead, "value", "change", 1000000, 1200000, "2026-11-10T10:00:00Z", "edit"),
        (lead, "expected_close", "change", "2026-11-30", "2026-12-15", "2026-11-10T10:00:00Z", "edit"),
        (lead, "probability", "change", None, 30, "2026-11-10T10:00:00Z", "edit"),
        (lead, "forecast_category", "change", None, "commit", "2026-11-10T10:00:00Z", "edit"),
        (lead, "value", "change", 1200000, 1500000, "2026-11-18T12:00:00Z", "move"),  # at the move's time
        (lead, "probability", "change", 30, None, "2026-11-20T10:00:00Z", "edit"),
    ]
    # the same value again is no change
    cli("lead", "edit", str(lead), "--value", "15k")
    assert len(history(db_path)) == 7
    record = cli.json("lead", "show", str(lead))
    assert record["estimates"][1] == {
        "field": "value",
        "from": 10000,
        "to": 12000,
        "at": "2026-11-10T10:00:00Z",
        "source": "edit",
    }


def test_report_as_of_uses_the_values_of_their_time(cli, add_lead, clock):
    clock("2026-11-01")
    a = add_lead("A", "--value", "10k", "--close-date", "2026-11-30")
    b = add_lead("B", "--value", "4k")  # never changed: today's value
    clock("2026-11-10")
    cli("lead", "edit", str(a), "--value", "12k", "--probability", "50")
    clock("2026-11-20")
    cli("propose", str(a), "--value", "15k")
    clock("2026-11-26")

    def open_as_of(day):
        return cli.json("report", "pipeline", "--as-of", day)["open"]

    # A 10,000 at new's 10 %; B 4,000 at 10 %
    assert open_as_of("2026-11-05") == {"count": 2, "value": 14000, "weighted_value": 1400}
    # A 12,000 at its own 50 %
    assert open_as_of("2026-11-15") == {"count": 2, "value": 16000, "weighted_value": 6400}
    # A 15,000 in proposal, still at its own 50 %
    assert open_as_of("2026-11-25") == {"count": 2, "value": 19000, "weighted_value": 7900}
    assert cli.json("report", "pipeline")["open"] == open_as_of("2026-11-25")
    assert b


def test_as_of_takes_the_newest_of_changes_at_the_same_moment(cli, add_lead, clock):
    """Two edits at one moment: as of any later time the value is the second one's; before that
    moment, the first one's old value."""
    clock("2026-11-01")
    lead = add_lead("A", "--value", "10k")
    clock("2026-11-10")
    cli("lead", "edit", str(lead), "--value", "20k")
    cli("lead", "edit", str(lead), "--value", "15k")
    clock("2026-11-26")
    assert cli.json("report", "pipeline", "--as-of", "2026-11-05")["open"]["value"] == 10000
    assert cli.json("report", "pipeline", "--as-of", "2026-11-15")["open"]["value"] == 15000


def test_as_of_before_a_change_of_a_deal_from_before_the_history(cli, add_lead, db_path, clock):
    """A deal whose value was never recorded: before its first change, the change's old value."""
    clock("2026-11-01")
    lead = add_lead("A", "--value", "10k")
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM estimate_history")
    conn.commit()
    conn.close()
    clock("2026-11-10")
    cli("lead", "edit", str(lead), "--value", "20k")
    clock("2026-11-26")
    assert cli.json("report", "pipeline", "--as-of", "2026-11-05")["open"]["value"] == 10000
    assert cli.json("report", "pipeline", "--as-of", "2026-11-15")["open"]["value"] == 20000


@pytest.fixture
def pushed(cli, add_lead, clock):
    """A deal whose close date was pushed from 30 Nov to 15 Dec, then to 12 Feb (74 days), and
    pulled in once to 5 Feb."""
    clock("2026-11-01")
    lead = add_lead("Pushed", "--value", "9000", "--close-date", "2026-11-30")
    for day, date in (("2026-11-05", "2026-12-15"), ("2026-11-12", "2027-02-12"), ("2026-11-20", "2027-02-05")):
        clock(day)
        cli("lead", "edit", str(lead), "--close-date", date)
    clock("2026-11-26")
    add_lead("Steady", "--value", "50000", "--close-date", "2026-12-20")
    return lead


def test_the_card_shows_the_slip(cli, pushed):
    card = cli("lead", "show", str(pushed)).stdout
    assert "Slip            close date pushed 2 times, 67 days later than first expected (2026-11-30)" in card
    record = cli.json("lead", "show", str(pushed))
    assert record["slip"] == {"pushes": 2, "days": 67, "first_expected": "2026-11-30"}
    assert cli.json("lead", "show", "2")["slip"] is None


def test_the_report_lists_slipping_deals(cli, pushed):
    r = cli.json("report", "stale")
    assert r["slipping_count"] == 1
    assert r["slipping"] == [
        {
            "id": pushed,
            "title": "Pushed",
            "company": None,
            "stage": "new",
            "value": 9000,
            "currency": "EUR",
            "days_pushed": 67,
            "expected_close": "2027-02-05",
            "pushes": 2,
            "first_expected": "2026-11-30",
        }
    ]
    text = cli("report").stdout
    assert "Slipping: 1 open deals whose close date was pushed later" in text
    # as of 10 November it had been pushed once, to 15 December
    past = cli.json("report", "stale", "--as-of", "2026-11-10")
    slipping = [(d["title"], d["pushes"], d["days_pushed"], d["expected_close"]) for d in past["slipping"]]
    assert slipping == [("Pushed", 1, 15, "2026-12-15")]  # the title as the deal has it


def test_undo_and_erase_take_the_history_with_them(cli, add_lead, db_path):
    lead = add_lead("A", "--value", "1000", "--close-date", "2026-12-01")
    before = dump(db_path)
    cli("lead", "edit", str(lead), "--value", "2000")
    assert len(history(db_path, lead)) == 2
    cli("undo", "--yes")
    assert dump(db_path) == before
    cli("lead", "delete", str(lead), "--yes")
    assert history(db_path) == []
    cli("undo", "--yes")
    assert len(history(db_path, lead)) == 1  # back with its lead
    cli("erase", str(lead), "--yes")
    assert history(db_path) == []


def test_export_all_carries_the_history(cli, add_lead, tmp_path, db_path):
    lead = add_lead("A", "--value", "1000", "--close-date", "2026-12-01", "--email", "a@x.de")
    cli("lead", "edit", str(lead), "--close-date", "2026-12-20")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    data = json.loads(out.read_text())
    assert [r["field"] for r in data["tables"]["estimate_history"]] == ["expected_close", "expected_close"]
    copy = tmp_path / "copy.db"
    cli("--db", str(copy), "import", str(out))
    assert history(copy) == history(db_path)
    person = json.loads(cli("export", "--person", "a@x.de").stdout)
    assert len(person["leads"][0]["estimate_history"]) == 2


def test_an_import_records_the_open_deals_close_dates_and_its_changes(cli, tmp_path, db_path):
    source = tmp_path / "deals.csv"
    source.write_text(
        "Id,Name,Stage,Amount,Close Date\n1,Open deal,Qualified,1000,2026-12-20\n"
        "2,Won deal,Closed Won,2000,2026-10-01\n"
    )
    cli("import", str(source))
    assert [(r[1], r[2], r[4], r[6]) for r in history(db_path)] == [("expected_close", "set", "2026-12-20", "import")]
    source.write_text("Id,Name,Stage,Amount,Close Date\n1,Open deal,Qualified,1500,2027-01-10\n")
    cli("import", str(source), "--on-duplicate", "update")
    assert [(r[1], r[3], r[4], r[6]) for r in history(db_path)][1:] == [
        ("value", 100000, 150000, "import"),
        ("expected_close", "2026-12-20", "2027-01-10", "import"),
    ]


# The forecast draws slips from the history ----------------------------------------------------------


@pytest.fixture
def won_late(cli, add_lead, clock):
    """Five deals won 15, 15, 30, 0 and -5 days from the dates they were expected on (each
    recorded before its close)."""
    for n, (expected, won) in enumerate(
        (
            ("2026-09-10", "2026-09-25"),
            ("2026-09-12", "2026-09-27"),
            ("2026-09-05", "2026-10-05"),
            ("2026-10-01", "2026-10-01"),
            ("2026-10-10", "2026-10-05"),
        )
    ):
        clock("2026-09-01")
        lead = add_lead(f"W{n}", "--value", "1000", "--close-date", expected)
        clock(won)
        cli("close", str(lead), "--won")
    clock("2026-11-26")


def test_the_forecast_draws_slips_from_the_won_deals(cli, won_late, add_lead):
    lead = add_lead("Open", "--value", "10000", "--close-date", "2026-11-28")
    cli("propose", str(lead))
    r = cli.json("forecast", "--seed", "2")
    # median of -5, 0, 15, 15, 30
    assert r["slip"] == {
        "deals": 5,
        "used": True,
        "median_days": 15,
        "note": "slip drawn from the recorded close dates of 5 won deals (median +15 days)",
    }
    # from 28 Nov, a slip of -5 would be before today: 0 (28 Nov), 15, 15 (13 Dec), 30 (28 Dec) remain
    assert r["weighted"] == 1500  # 10,000 x 60 % x 1/4
    quarter = cli.json("forecast", "--seed", "2", "--period", "this-quarter")
    # October: three of the wins; November: the open deal's quarter; December: its three quarters
    assert [m["forecast"] for m in quarter["months"]] == [3000, 1500, 4500]
    assert "slip drawn from the recorded close dates of 5 won deals (median +15 days)" in cli("forecast").stdout


def test_too_little_slip_history_is_said(cli, add_lead, clock):
    clock("2026-09-01")
    lead = add_lead("W", "--value", "1000", "--close-date", "2026-09-10")
    clock("2026-09-20")
    cli("close", str(lead), "--won")
    clock("2026-11-26")
    r = cli.json("forecast")
    assert r["slip"]["used"] is False and r["slip"]["deals"] == 1
    said = " ".join(cli("forecast").stdout.split())  # as one line, however the terminal wraps it
    assert "too little slip history (1 won deal(s) with recorded close dates, 5 needed): no slip assumed" in said


def test_a_close_date_set_after_the_close_is_no_slip(cli, add_lead, clock):
    """A deal added already closed, or given a date after it closed, teaches nothing."""
    for n in range(5):
        clock("2026-09-01")
        lead = add_lead(f"W{n}", "--value", "1000", "--stage", "won", "--close-date", "2026-08-01")
        clock("2026-09-05")
        cli("lead", "edit", str(lead), "--close-date", "2026-08-15")
    clock("2026-11-26")
    assert cli.json("forecast")["slip"]["deals"] == 0


def test_close_date_slip_by_hand():
    rows = [
        {"field": "expected_close", "kind": "set", "old_value": None, "new_value": "2026-11-30"},
        {"field": "value", "kind": "change", "old_value": 1, "new_value": 2},
        {"field": "expected_close", "kind": "change", "old_value": "2026-11-30", "new_value": "2026-12-15"},
        {"field": "expected_close", "kind": "change", "old_value": "2026-12-15", "new_value": "2026-12-10"},
    ]
    assert rules.close_date_slip(rows, "2026-12-10") == rules.Slip(1, 10, "2026-11-30")
    assert rules.close_date_slip(rows[:2], "2026-11-30") is None
    # history began with a change: its old value was the first date
    assert rules.close_date_slip(rows[2:3], "2026-12-15") == rules.Slip(1, 15, "2026-11-30")


def test_a_currency_change_is_recorded_and_counted_as_of_its_time(cli, add_lead, db_path, clock):
    """A deal moved from EUR (2 decimals) to JPY (none) with a new value: the history holds the
    currency's row just before the value's; as of before the edit the deal is 10,000 EUR, after
    it 1,500,000 JPY; the card shows the old amount in euros and the new one in yen."""
    clock("2026-11-01")
    a = add_lead("A", "--value", "10k")
    add_lead("B", "--value", "4k")
    clock("2026-11-10")
    cli("lead", "edit", str(a), "--currency", "JPY", "--value", "1500000")
    assert history(db_path, a) == [
        (a, "currency", "change", "EUR", "JPY", "2026-11-10T10:00:00Z", "edit"),
        (a, "value", "change", 1000000, 1500000, "2026-11-10T10:00:00Z", "edit"),
    ]
    clock("2026-11-26")

    def open_as_of(day, currency):
        return cli.json("report", "pipeline", "--as-of", day, "--currency", currency)["open"]

    assert open_as_of("2026-11-05", "EUR")["count"] == 2 and open_as_of("2026-11-05", "EUR")["value"] == 14000
    assert open_as_of("2026-11-05", "JPY")["count"] == 0
    assert open_as_of("2026-11-15", "EUR")["value"] == 4000
    assert open_as_of("2026-11-15", "JPY")["value"] == 1500000
    assert open_as_of("2026-11-15", "JPY") == cli.json("report", "pipeline", "--currency", "JPY")["open"]
    estimates = cli.json("lead", "show", str(a))["estimates"]
    assert [(e["field"], e["from"], e["to"]) for e in estimates] == [
        ("currency", "EUR", "JPY"),
        ("value", 10000, 1500000),  # 1,000,000 cents, 1,500,000 yen
    ]
    # later edits of the value alone are in yen, before and after
    clock("2026-11-27")
    cli("lead", "edit", str(a), "--value", "1600000")
    last = cli.json("lead", "show", str(a))["estimates"][-1]
    assert (last["field"], last["from"], last["to"]) == ("value", 1500000, 1600000)


def test_a_schema_19_database_learns_currency_changes(tmp_path, cli):
    """m020 rebuilds the history (a CHECK cannot be widened): rows and ids kept, the journal's
    triggers made again, and a currency change recorded from then on."""
    from salespipe.store.db import connect
    from salespipe.store.schema_version import SCHEMA_VERSION

    path = tmp_path / "old.db"
    conn = database_before(path, "m020_record_currency_in_estimate_history", 19)
    conn.execute(
        "INSERT INTO leads (title, stage, value_minor, currency, created_at, updated_at, stage_entered_at) "
        "VALUES ('Old', 'proposal', 500000, 'EUR', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z', "
        "'2026-11-01T09:00:00Z')"
    )
    conn.execute(
        "INSERT INTO estimate_history (id, lead_id, field, kind, old_value, new_value, at, source) "
        "VALUES (7, 1, 'value', 'change', 400000, 500000, '2026-11-02T09:00:00Z', 'edit')"
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO estimate_history (lead_id, field, kind, old_value, new_value, at, source) "
            "VALUES (1, 'currency', 'change', 'EUR', 'USD', '2026-11-03T09:00:00Z', 'edit')"
        )
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT id, field, old_value, new_value FROM estimate_history").fetchall() == [
        (7, "value", 400000, 500000)
    ]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'estimate_history'")}
    assert {f"journal_estimate_history_{e}" for e in ("insert", "update", "delete")} <= triggers
    conn.close()
    cli("--db", str(path), "lead", "edit", "1", "--currency", "USD")
    assert history(path, 1)[-1][1:5] == ("currency", "change", "EUR", "USD")
    cli("--db", str(path), "undo", "--yes")
    assert [row[1] for row in history(path, 1)] == ["value"]
