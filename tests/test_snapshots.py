"""`salespipe forecast snapshot` and `forecast accuracy` (issue 12, part 4): stored forecasts
against what was won, worked out by hand; one snapshot a day per period; undo, export --all
and the migration from schema 12."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import database_before, dump


@pytest.fixture
def clock(monkeypatch):
    """Set "now" (UTC) for the next commands."""

    def at(moment: str) -> None:
        monkeypatch.setenv("SALESPIPE_NOW", moment + "+00:00")

    return at


def snapshots(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT taken_on, period_label, seed, p10_minor, p50_minor, p90_minor FROM forecast_snapshots ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def history(cli, add_lead, clock):
    """On 1 October 2026 (09:00) open: A 10,000 at proposal (60 %, best case), expected 15
    October; B 20,000 at negotiation (80 %, commit), expected 20 October; C 5,000 in new
    (10 %), expected 15 November. Nothing closed: configured probabilities, no slip.
    Snapshot 1 (October) is taken then. By 15 October C was won early (5 October) and D,
    created on 10 October, won on 12 October (3,000); snapshots 2 (October) and 3 (November)
    are taken on 15 October. Later A is won on 20 October, B lost on 25 October and E, created
    on 1 November, won on 10 November (4,000)."""
    clock("2026-10-01T09:00:00")
    a = add_lead("A", "--value", "10000", "--close-date", "2026-10-15", "--at", "2026-09-01")
    cli("propose", str(a), "--at", "2026-09-10")
    b = add_lead("B", "--value", "20000", "--close-date", "2026-10-20", "--at", "2026-09-01")
    cli("negotiate", str(b), "--at", "2026-09-05")
    c = add_lead("C", "--value", "5000", "--close-date", "2026-11-15", "--at", "2026-09-02")
    one = cli.json("forecast", "snapshot", "--runs", "20000", "--seed", "1")
    clock("2026-10-15T09:00:00")
    cli("close", str(c), "--won", "--at", "2026-10-05")
    d = add_lead("D", "--value", "3000", "--at", "2026-10-10")
    cli("close", str(d), "--won", "--at", "2026-10-12")
    two = cli.json("forecast", "snapshot", "--runs", "20000", "--seed", "2")
    three = cli.json("forecast", "snapshot", "--period", "next-month", "--runs", "20000", "--seed", "3")
    clock("2026-11-26T10:00:00")
    cli("close", str(a), "--won", "--at", "2026-10-20")
    cli("close", str(b), "--lost", "--reason", "price", "--at", "2026-10-25")
    e = add_lead("E", "--value", "4000", "--at", "2026-11-01")
    cli("close", str(e), "--won", "--at", "2026-11-10")
    return one, two, three


def test_a_snapshot_stores_the_forecasts_figures(history):
    one, two, three = history
    # A and B close in October: nothing 0.08, A alone 0.12, B alone 0.32, both 0.48
    assert one["period"] == {"start": "2026-10-01", "end": "2026-10-31", "label": "2026-10"}
    assert (one["taken_on"], one["taken_at"]) == ("2026-10-01", "2026-10-01T09:00:00Z")
    assert (one["p10"], one["p50"], one["p90"]) == (10000, 20000, 30000)
    assert one["weighted"] == 22000  # 10,000 x 60 % + 20,000 x 80 %
    assert (one["commit"], one["best_case"], one["pipeline"]) == (20000, 10000, 0)  # C: November
    assert one["won"] == {"count": 0, "value": 0}
    assert (one["target"], one["p_hit_target"], one["probabilities"]) == (None, None, "configured")
    assert (one["runs"], one["seed"], one["replaced"]) == (20000, 1, None)
    # on 15 October C and D are won (8,000); A and B still open
    assert (two["p10"], two["p50"], two["p90"], two["weighted"]) == (18000, 28000, 38000, 22000)
    assert two["won"] == {"count": 2, "value": 8000}
    # nothing open is expected in November
    assert three["period"]["label"] == "2026-11"
    assert (three["p10"], three["p50"], three["p90"], three["weighted"]) == (0, 0, 0, 0)


def test_accuracy_by_hand(cli, history, clock):
    r = cli.json("forecast", "accuracy")
    assert (r["currency"], r["ended"], r["pending"]) == ("EUR", 2, 1)
    oct1, oct15, nov = r["snapshots"]
    # October: A, C and D were won, 18,000
    assert oct1["status"] == "ended" and oct1["actual"] == {"count": 3, "value": 18000}
    assert oct1["forecast"] == {"p50": 20000, "weighted": 22000}
    assert oct1["error"] == {"p50": 2000, "weighted": 4000}
    assert oct1["error_share"] == {"p50": round(2000 / 18000, 4), "weighted": round(4000 / 18000, 4)}
    assert oct1["in_range"] is True
    # won by then 8,000 + weighted 22,000; the actual is exactly its P10
    assert oct15["forecast"] == {"p50": 28000, "weighted": 30000}
    assert oct15["won_at_snapshot"] == {"count": 2, "value": 8000}
    assert oct15["error"] == {"p50": 10000, "weighted": 12000}
    assert (oct15["p10"], oct15["in_range"]) == (18000, True)
    assert nov["status"] == "pending" and nov["actual"] is None and nov["in_range"] is None
    assert r["mape"] == {"p50": round((1 / 9 + 5 / 9) / 2, 4), "weighted": round((2 / 9 + 6 / 9) / 2, 4)}
    assert r["bias"] == {"p50": round(12000 / 36000, 4), "weighted": round(16000 / 36000, 4)}
    assert r["coverage"] == 1.0
    text = cli("forecast", "accuracy").stdout
    assert "pending" in text and "2026-10-15" in text and "Over the 2 snapshot(s)" in text

    # once November has ended: E's 4,000 against a forecast of 0 (P10-P90 0-0: out of range)
    clock("2026-12-01T08:00:00")
    r = cli.json("forecast", "accuracy")
    assert (r["ended"], r["pending"]) == (3, 0)
    nov = r["snapshots"][2]
    assert nov["actual"] == {"count": 1, "value": 4000}
    assert nov["error"] == {"p50": -4000, "weighted": -4000} and nov["error_share"]["p50"] == -1.0
    assert nov["in_range"] is False
    assert r["mape"] == {"p50": round((1 / 9 + 5 / 9 + 1) / 3, 4), "weighted": round((2 / 9 + 6 / 9 + 1) / 3, 4)}
    assert r["bias"] == {"p50": round(8000 / 40000, 4), "weighted": round(12000 / 40000, 4)}
    assert r["coverage"] == round(2 / 3, 4)
    rows = cli("forecast", "accuracy", "--csv").stdout.splitlines()
    assert rows[0].startswith("id,taken_on,label,start,end,status,p50,weighted,p10,p90,actual_count")
    assert rows[3] == "3,2026-10-15,2026-11,2026-11-01,2026-11-30,ended,0,0,0,0,1,4000,-4000,-4000,false"
    assert "✗" in cli("forecast", "accuracy").stdout


def test_accuracy_without_snapshots_says_so(cli):
    result = cli("forecast", "accuracy")
    assert result.stdout == "" and "No forecast snapshots yet" in result.stderr
    assert cli.json("forecast", "accuracy")["snapshots"] == []


def test_the_same_day_replaces_and_undo_brings_the_first_back(cli, add_lead, db_path, clock):
    clock("2026-11-02T08:00:00")
    add_lead("A", "--value", "10000", "--close-date", "2026-11-20")
    first = cli("forecast", "snapshot", "--seed", "5")
    assert first.stdout == "" and "stored" in first.stderr and "replaces" not in first.stderr
    clock("2026-11-02T18:30:00")
    again = cli("forecast", "snapshot", "--seed", "6", "--json")
    assert "replaces today's earlier snapshot (taken 2026-11-02T08:00:00Z)" in " ".join(again.stderr.split())
    assert json.loads(again.stdout)["replaced"] == {"id": 1, "taken_at": "2026-11-02T08:00:00Z"}
    assert [(s[0], s[1], s[2]) for s in snapshots(db_path)] == [("2026-11-02", "2026-11", 6)]
    quiet = cli("forecast", "snapshot", "--seed", "7", "-q")
    assert quiet.stdout == "" and quiet.stderr == ""
    # another period, and another day, are kept apart
    cli("forecast", "snapshot", "--period", "2026-Q4", "-q")
    clock("2026-11-03T08:00:00")
    cli("forecast", "snapshot", "--seed", "8", "-q")
    assert [(s[0], s[1]) for s in snapshots(db_path)] == [
        ("2026-11-02", "2026-11"),
        ("2026-11-02", "2026-Q4"),
        ("2026-11-03", "2026-11"),
    ]
    cli("undo", "--yes")  # the new day's snapshot goes
    cli("undo", "--yes")  # the quarter's
    assert [(s[0], s[2]) for s in snapshots(db_path)] == [("2026-11-02", 7)]
    cli("undo", "--yes")  # the quiet replacement: the one before it is back
    assert [(s[0], s[2]) for s in snapshots(db_path)] == [("2026-11-02", 6)]


def test_snapshot_refuses_bad_input_in_words(cli):
    for args, code in (
        (("--period", "soon"), 1),
        (("--period", ""), 2),
        (("--period", "all"), 1),
        (("--period", "last-month"), 1),
        (("--period", "2026-10"), 1),
        (("--probabilities", "guessed"), 2),
        (("--runs", "0"), 2),
        (("--currency", "XXQ"), 1),
    ):
        result = cli("forecast", "snapshot", *args, code=code)
        assert result.stderr.strip().count("\n") <= 3 and "Error" in result.stderr
    assert cli.json("forecast", "accuracy")["snapshots"] == []


JOURNAL = (
    'INSERT INTO "changes"',
    'INSERT INTO "undo_log"',
    'INSERT INTO "undo_values"',
    'INSERT INTO "_sqlite_migrations"',
)


def test_export_all_carries_the_snapshots(cli, add_lead, db_path, tmp_path, clock):
    clock("2026-10-01T09:00:00")
    add_lead("A", "--value", "10000", "--close-date", "2026-10-20")
    cli("target", "set", "8k", "--period", "2026-10")
    cli("forecast", "snapshot", "--seed", "4", "-q")
    cli("forecast", "snapshot", "--period", "2026-Q4", "--seed", "4", "-q")
    out = tmp_path / "all.json"
    cli("export", "--all", "--out", str(out))
    data = json.loads(out.read_text())
    assert [r["period_label"] for r in data["tables"]["forecast_snapshots"]] == ["2026-10", "2026-Q4"]
    assert data["tables"]["forecast_snapshots"][0]["target_minor"] == 800000
    copy = tmp_path / "copy.db"
    restored = json.loads(cli("--db", str(copy), "import", str(out), "--json").stdout)["restored"]
    assert restored["forecast_snapshots"] == 2

    def data_of(path):
        return [line for line in dump(path) if not line.startswith(JOURNAL)]

    assert data_of(copy) == data_of(db_path)
    clock("2026-12-02T09:00:00")
    assert cli.json("--db", str(copy), "forecast", "accuracy") == cli.json("forecast", "accuracy")


def test_a_schema_12_database_is_migrated(tmp_path, cli, clock):
    from salespipe.store.db import connect

    path = tmp_path / "old.db"
    conn = database_before(path, "m013_create_forecast_snapshots", 12)
    conn.execute(
        "INSERT INTO leads (title, stage, value_minor, currency, expected_close, created_at, updated_at, "
        "stage_entered_at) VALUES ('Old', 'proposal', 500000, 'EUR', '2026-11-20', '2026-11-01T09:00:00Z', "
        "'2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')"
    )
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'forecast_snapshots'").fetchone()
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    from salespipe.store.schema_version import SCHEMA_VERSION

    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # 13 and the later ones
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'forecast_snapshots'")}
    assert {"journal_forecast_snapshots_insert", "journal_forecast_snapshots_update"} <= triggers
    conn.close()
    clock("2026-11-02T09:00:00")
    snap = cli.json("--db", str(path), "forecast", "snapshot", "--seed", "1")
    assert snap["weighted"] == 3000  # the old deal: 5,000 at 60 %
    cli("--db", str(path), "undo", "--yes")
    assert cli.json("--db", str(path), "forecast", "accuracy")["snapshots"] == []
