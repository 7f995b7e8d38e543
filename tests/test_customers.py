"""Customers, retention and advocacy (issue 13, items 2, 4 and 5): customer list with its
figures and at-risk reasons, surveys and the NPS, the check-in cadence, referrals, the report's
new keys, undo, erase and the migration from schema 16. Expected values are computed by hand."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from conftest import database_before

from salespipe.domain import retention

CUSTOMER_KEYS = [
    "org_id",
    "org",
    "customer_since",
    "deals_won",
    "lifetime_value",
    "currency",
    "other_currency_won",
    "last_won_at",
    "last_touch_at",
    "next_checkin",
    "checkin_days",
    "nps",
    "previous_nps",
    "nps_answers",
    "referrals",
    "risk",
]
SURVEY_KEYS = ["id", "org_id", "org", "person_id", "person", "score", "group", "note", "at", "recorded_at"]


@pytest.fixture
def book(cli, add_lead):
    """ACME: won 1,000.00 (March), 2,500.50 (June), 700 USD (July), lost 400, open 900.
    Gamma: won 300 in May, untouched since, scores 9 then 5. Beta: only a lost deal."""
    add_lead("A1", "--company", "ACME GmbH", "--value", "1000", "--stage", "won", "--at", "2026-03-01")
    add_lead("A2", "--company", "ACME GmbH", "--value", "2500.50", "--stage", "won", "--at", "2026-06-15")
    add_lead(
        "A3", "--company", "ACME GmbH", "--value", "700", "--currency", "USD", "--stage", "won", "--at", "2026-07-01"
    )
    add_lead("A4", "--company", "ACME GmbH", "--value", "400", "--stage", "lost", "--at", "2026-07-02")
    add_lead("A5", "--company", "ACME GmbH", "--value", "900", "--at", "2026-07-03")
    add_lead("G1", "--company", "Gamma AG", "--value", "300", "--stage", "won", "--at", "2026-05-01")
    add_lead("B1", "--company", "Beta SE", "--value", "50", "--stage", "lost", "--at", "2026-05-01")
    cli("person", "add", "Anna Berger", "--org", "ACME GmbH")
    for day, score in (("2026-08-01", 0), ("2026-09-10", 10), ("2026-10-01", 9), ("2026-11-01", 3), ("2026-11-20", 7)):
        cli("survey", "ACME GmbH", "--score", str(score), "--at", day)
    cli("survey", "Gamma AG", "--score", "9", "--at", "2026-05-10")
    cli("survey", "list", "--json")  # read-only listing works between writes
    cli("survey", "add", "Gamma AG", "--score", "5", "--at", "2026-05-20", "--person", "nobody", code=1)
    cli("survey", "add", "Gamma AG", "--score", "5", "--at", "2026-05-20", "--note", "support too slow")


def test_customer_list_figures_by_hand(cli, book):
    rows = cli.json("customer", "list")
    assert [list(r) for r in rows] == [CUSTOMER_KEYS] * 2  # Beta has no win: no customer
    acme, gamma = rows  # by lifetime value, most first
    assert acme["org"] == "ACME GmbH" and gamma["org"] == "Gamma AG"
    assert acme["customer_since"] == "2026-03-01"
    assert acme["deals_won"] == 3
    assert acme["lifetime_value"] == 3500.5  # 1,000 + 2,500.50; the USD deal counted apart
    assert acme["other_currency_won"] == 1 and acme["currency"] == "EUR"
    assert acme["last_won_at"].startswith("2026-07-01")
    assert acme["next_checkin"] == "2026-03-31"  # the 30-day check-in of the first win, still open
    assert (acme["nps"], acme["previous_nps"], acme["nps_answers"]) == (7, 3, 5)
    assert acme["risk"] == []  # a survey on 2026-11-20, and the score rose
    assert gamma["lifetime_value"] == 300 and gamma["deals_won"] == 1
    assert gamma["risk"] == ["no_touch", "falling_score"]  # untouched since 2026-05-20, 9 -> 5
    assert gamma["last_touch_at"].startswith("2026-05-20")
    assert [r["org"] for r in cli.json("customer", "list", "--sort", "since")] == ["ACME GmbH", "Gamma AG"]
    assert [r["org"] for r in cli.json("customer", "list", "--sort", "last-won")] == ["ACME GmbH", "Gamma AG"]
    assert [r["org"] for r in cli.json("customer", "list", "--sort", "nps")] == ["ACME GmbH", "Gamma AG"]
    assert [r["org"] for r in cli.json("customer", "list", "--at-risk")] == ["Gamma AG"]
    # last touched 2026-05-20 12:00 (a date-only --at is noon), now 2026-11-26 10:00: 189.9 days
    assert cli.json("customer", "list", "--at-risk", "--days", "190")[0]["risk"] == ["falling_score"]
    assert cli.json("customer", "list", "--at-risk", "--days", "189")[0]["risk"] == ["no_touch", "falling_score"]
    csv = cli("customer", "list", "--csv").stdout.splitlines()
    assert csv[0] == ",".join(CUSTOMER_KEYS) and csv[2].endswith("no_touch;falling_score")
    screen = cli("customer", "list", "--at-risk").stdout
    assert all(len(line) <= 100 for line in screen.splitlines())
    screen = " ".join(screen.split())
    assert "Gamma AG" in screen and "score fell 9→5" in screen and "no touch for 90+ days" in screen
    assert "fits" not in cli("customer", "list", "--sort", "age", code=2).stderr
    cli("customer", "list", "--days", "0", code=2)


def test_customer_list_fits_80_columns_and_speaks_german(cli, book, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    assert all(len(line) <= 80 for line in cli("customer", "list").stdout.splitlines())
    db = ["--db", str(tmp_path / "de.db")]
    cli(*db, "init", "--lang", "de")
    cli(
        *db,
        "lead",
        "add",
        "A",
        "--company",
        "Bergwerk GmbH",
        "--value",
        "1234,50",
        "--stage",
        "won",
        "--at",
        "2026-01-05",
    )
    cli(*db, "survey", "Bergwerk", "--score", "8", "--at", "2026-01-10")
    cli(*db, "survey", "Bergwerk", "--score", "6", "--at", "2026-01-20")
    screen = " ".join(cli(*db, "customer", "list").stdout.split())
    assert "Organisation" in screen and "1.234,50" in screen and "Bewertung fiel 8→6" in screen
    assert "Kritiker" in cli(*db, "survey", "list").stdout


def test_surveys_and_the_reports_nps(cli, book):
    answers = cli.json("survey", "list", "ACME GmbH")
    assert [list(a) for a in answers] == [SURVEY_KEYS] * 5
    assert [a["score"] for a in answers] == [7, 3, 9, 10, 0]  # newest first
    assert [a["group"] for a in answers] == ["passive", "detractor", "promoter", "promoter", "detractor"]
    gamma = cli.json("survey", "list", "Gamma AG")[0]
    assert gamma["note"] == "support too slow"
    # rates period: the last 90 days, 2026-08-29 to 2026-11-26: 10, 9, 3, 7 (0 on 2026-08-01 is out)
    nps = cli.json("report")["nps"]
    assert nps == {
        "nps": 25.0,  # (2 promoters - 1 detractor) / 4 answers
        "answers": 4,
        "promoters": 2,
        "passives": 1,
        "detractors": 1,
        "period": {"since": "2026-08-29", "until": "2026-11-26", "label": "last-90-days"},
    }
    assert "NPS 25 points (4 answers)" in " ".join(cli("report").stdout.split())
    assert cli.json("report", "--since", "2026-01-01", "--until", "2026-01-31")["nps"]["nps"] is None
    assert "NPS            n/a" in cli("report", "--since", "2026-01-01", "--until", "2026-01-31").stdout


def test_survey_input_is_checked(cli, book):
    cli("survey", "ACME GmbH", "--score", "11", code=2)
    cli("survey", "ACME GmbH", "--score", "-1", code=2)
    assert "no organisation" in cli("survey", "Nobody", "--score", "5", code=1).stderr
    cli("org", "add", "Other KG")
    cli("person", "add", "Otto", "--org", "Other KG")
    error = cli("survey", "ACME GmbH", "--score", "5", "--person", "Otto", code=1).stderr
    assert "not at #1 ACME GmbH" in error and "Traceback" not in error
    assert "future" in cli("survey", "ACME GmbH", "--score", "5", "--at", "2027-01-01", code=1).stderr
    record = cli.json("survey", "ACME GmbH", "--score", "10", "--person", "Anna Berger", "--json")
    assert (record["person"], record["group"]) == ("Anna Berger", "promoter")


def test_undo_of_a_survey_and_a_referral(cli, book):
    before = cli("survey", "list", "--json").stdout
    cli("survey", "Gamma AG", "--score", "2")
    cli("undo", "--yes")
    assert cli("survey", "list", "--json").stdout == before
    lead = cli.json("lead", "add", "Ref", "--referred-by", "Gamma AG", "--json")["id"]
    cli("lead", "edit", str(lead), "--referred-by", "person:Anna Berger")
    shown = cli.json("lead", "show", str(lead))
    shown = shown.get("lead", shown)
    assert (shown["referred_by_org_id"], shown["referred_by_person_id"]) == (None, 1)
    cli("undo", "--yes")
    shown = cli.json("lead", "show", str(lead))
    shown = shown.get("lead", shown)
    assert (shown["referred_by_org_id"], shown["referred_by_person_id"], shown["source"]) == (2, None, "referral")


def test_referrals_syntax_ambiguity_and_ambassadors(cli, book):
    by_org = cli.json("lead", "add", "R1", "--referred-by", "ACME", "--json")
    assert (by_org["referred_by_org_id"], by_org["referred_by_person_id"], by_org["source"]) == (1, None, "referral")
    by_person = cli.json("lead", "add", "R2", "--referred-by", "Anna Berger", "--source", "fair", "--json")
    assert (by_person["referred_by_person_id"], by_person["source"]) == (1, "fair")  # the source given is kept
    assert cli.json("lead", "add", "R3", "--referred-by", "org:3", "--json")["referred_by_org_id"] == 3
    cli("org", "add", "Anna Berger")  # now the name fits an organisation and a person
    error = cli("lead", "add", "R4", "--referred-by", "anna berger", code=1).stderr
    assert "org:4 Anna Berger" in error and "person:1 Anna Berger at ACME GmbH" in error
    assert len(error.strip().splitlines()) == 1
    assert "no organisation or person" in cli("lead", "add", "R5", "--referred-by", "Nobody", code=1).stderr
    cli("lead", "add", "R6", "--referred-by", "person:99", code=1)
    cli("lead", "edit", str(by_org["id"]), "--referred-by", "ACME", "--clear", "referred-by", code=1)
    # ACME: R1 by itself, R2 by its person; Beta (org 3) is no customer
    ambassadors = cli.json("customer", "list", "--ambassadors")
    assert [(r["org"], r["referrals"]) for r in ambassadors] == [("ACME GmbH", 2)]
    cli("lead", "edit", str(by_person["id"]), "--clear", "referred-by")
    assert cli.json("customer", "list", "--ambassadors")[0]["referrals"] == 1


def test_referred_deals_win_rate_and_cycle_in_the_report(cli, add_lead):
    cli("org", "add", "ACME GmbH")
    cli("person", "add", "Anna", "--org", "ACME GmbH")
    r1 = add_lead("R1", "--referred-by", "ACME GmbH", "--at", "2026-09-01")
    cli("close", str(r1), "--won", "--at", "2026-09-11")  # 10 days
    r2 = add_lead("R2", "--referred-by", "person:Anna", "--at", "2026-09-05")
    cli("close", str(r2), "--lost", "--at", "2026-10-01")
    o1 = add_lead("O1", "--at", "2026-10-01")
    cli("close", str(o1), "--won", "--at", "2026-10-21")  # 20 days
    for title, day in (("O2", "2026-11-01"), ("O3", "2026-11-02")):
        cli("close", str(add_lead(title, "--at", "2026-10-15")), "--lost", "--at", day)
    old = add_lead("Old", "--referred-by", "ACME GmbH", "--at", "2026-01-01")
    cli("close", str(old), "--won", "--at", "2026-02-01")  # before the rates period
    assert cli.json("report")["referrals"] == {
        "referred": {"won": 1, "lost": 1, "win_rate": 0.5, "cycle_days": 10.0},
        "other": {"won": 1, "lost": 2, "win_rate": 0.3333, "cycle_days": 20.0},
    }
    assert "Referred       50% won, 10.0 days" in cli("report").stdout


def test_checkin_cadence_per_customer(cli, add_lead):
    cli("org", "add", "ACME GmbH")
    edited = cli.json("org", "edit", "ACME GmbH", "--checkin-days", "45", "--json")
    assert edited["checkin_days"] == 45 and edited["changes"] == [{"field": "checkin_days", "from": None, "to": 45}]
    won = cli.json("lead", "add", "A", "--company", "ACME GmbH", "--stage", "won", "--at", "2026-11-01", "--json")
    assert [t["due_date"] for t in won["tasks_created"]] == ["2026-12-16"]  # 45 days, not the rule's 30
    other = cli.json("lead", "add", "B", "--company", "Beta SE", "--stage", "won", "--at", "2026-11-01", "--json")
    assert [t["due_date"] for t in other["tasks_created"]] == ["2026-12-01"]
    lead = add_lead("C", "--company", "ACME GmbH")
    assert cli.json("propose", str(lead), "--json")["tasks_created"][0]["due_date"] == "2026-11-29"  # not won: +3d
    cli("org", "edit", "1", "--clear", "checkin-days")
    assert cli.json("org", "show", "1")["org"]["checkin_days"] is None
    cli("org", "edit", "1", "--checkin-days", "0", code=1)
    cli("org", "edit", "1", "--checkin-days", "5", "--clear", "checkin-days", code=1)


def test_import_links_a_referred_by_column(cli, tmp_path, book):
    path = tmp_path / "deals.csv"
    path.write_text("name,company,referred by\nX1,Zeta,ACME GmbH\nX2,Zeta,Nobody Inc\nX3,Zeta,Anna Berger\n")
    summary = cli.json("import", str(path), "--json")
    assert (summary["referrals_linked"], summary["referrers_unknown"]) == (2, 1)
    leads = {r["title"]: r for r in cli.json("lead", "list", "--json")}
    assert (leads["X1"]["referred_by_org_id"], leads["X1"]["source"], leads["X1"]["fields"]) == (1, "referral", {})
    assert leads["X3"]["referred_by_person_id"] == 1
    assert leads["X2"]["referred_by_org_id"] is None and leads["X2"]["fields"] == {"referred by": "Nobody Inc"}
    assert cli.json("customer", "list")[0]["referrals"] == 2


def test_erase_takes_the_persons_survey_notes(cli, add_lead, db_path):
    lead = add_lead("Solo", "--company", "Solo KG", "--contact", "Sina Solo", "--stage", "won")
    cli("survey", "Solo KG", "--score", "8", "--person", "Sina Solo", "--note", "Sina Solo loves it")
    cli("erase", str(lead), "--yes")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM surveys").fetchone()[0] == 0  # its organisation went too
    assert b"loves it" not in db_path.read_bytes()


def test_export_all_round_trips_surveys(cli, book, tmp_path):
    path = tmp_path / "all.json"
    cli("export", "--all", "--out", str(path))
    cli("--db", str(tmp_path / "copy.db"), "import", str(path))
    assert (
        cli("--db", str(tmp_path / "copy.db"), "survey", "list", "--json").stdout
        == cli("survey", "list", "--json").stdout
    )


def test_risk_reasons_rule():
    now = datetime(2026, 11, 26, tzinfo=UTC)
    touched = datetime(2026, 8, 28, tzinfo=UTC)  # 90 days before
    assert retention.risk_reasons(last_touch=touched, scores=[], now=now, days=90) == ["no_touch"]
    assert retention.risk_reasons(last_touch=touched, scores=[8, 8], now=now, days=91) == []
    assert retention.risk_reasons(last_touch=None, scores=[6, 7, 10], now=now, days=91) == ["no_touch", "falling_score"]
    assert retention.risk_reasons(last_touch=now, scores=[6], now=now, days=1) == []
    with pytest.raises(ValueError):
        retention.risk_reasons(last_touch=now, scores=[], now=now, days=0)


def test_a_schema_16_database_gets_surveys_and_referrals(tmp_path, cli):
    from salespipe.store.db import connect

    path = tmp_path / "old.db"
    conn = database_before(path, "m017_create_surveys_and_referrals", 16)
    conn.execute(
        "INSERT INTO leads (title, company, stage, value_minor, currency, created_at, updated_at, stage_entered_at) "
        "VALUES ('A', 'ACME GmbH', 'won', 100, 'EUR', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z', "
        "'2026-11-01T09:00:00Z')"
    )
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 17
    columns = {r[1] for r in conn.execute("PRAGMA table_info(leads)")}
    assert {"referred_by_org_id", "referred_by_person_id"} <= columns
    assert "checkin_days" in {r[1] for r in conn.execute("PRAGMA table_info(orgs)")}
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"journal_surveys_insert", "journal_surveys_update", "journal_surveys_delete"} <= triggers
    conn.close()
    db = ["--db", str(path)]
    cli(*db, "org", "add", "Beta SE")
    cli(*db, "lead", "add", "B", "--referred-by", "Beta SE")
    cli(*db, "survey", "1", "--score", "4")
    assert [(a["org"], a["score"]) for a in cli.json(*db, "survey", "list")] == [("Beta SE", 4)]
    assert cli.json(*db, "lead", "show", "2")["referred_by_org_id"] == 1
    cli(*db, "undo", "--yes")
    assert cli.json(*db, "survey", "list") == []


def test_an_empty_customer_list_says_which_filter_left_nothing(cli, add_lead):
    assert "No customers yet" in cli("customer", "list").stderr
    lead = add_lead("Deal", "--company", "Bergwerk GmbH", "--value", "100")
    cli("close", str(lead), "--won")
    assert "No customer at risk (none untouched for 90 days" in cli("customer", "list", "--at-risk").stderr
    assert "No ambassadors yet" in cli("customer", "list", "--ambassadors").stderr
    assert cli.json("customer", "list", "--at-risk") == []
