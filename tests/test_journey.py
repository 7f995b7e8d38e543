"""The customer journey and the after-sales figures: the pure rules (domain.journey,
domain.retention) against hand-worked cases."""

import json
from datetime import date

import pytest
from conftest import database_before
from hypothesis import given
from hypothesis import strategies as st

from salespipe.domain import journey, retention


def test_stage_phases_by_kind_and_probability():
    # the six-phase pipeline: new 10 %, verified 20 %, qualified 40 %, proposal 60 %, negotiation 80 %
    assert [journey.stage_phase("open", p) for p in (10, 20, 40, 60, 80)] == [
        "awareness",
        "interest",
        "interest",
        "desire",
        "desire",
    ]
    assert journey.stage_phase("won", 100) == "action"
    assert journey.stage_phase("lost", 0) is None
    assert journey.stage_phase("open", 10, "desire") == "desire"  # chosen wins
    assert journey.check_phase(" Interest ") == "interest"
    with pytest.raises(ValueError, match="choose awareness, interest, desire, action"):
        journey.check_phase("retention")  # a stage cannot stand for after-sales


def test_path_fills_skipped_phases_and_adds_after_sales():
    facts = journey.OrgFacts(
        reached={"awareness": date(2026, 1, 5), "desire": date(2026, 2, 1)},  # interest skipped
        first_won=date(2026, 3, 1),
        first_survey=date(2026, 3, 10),  # answered 9 days after buying: retained from then
        latest_score=7,
        latest_score_on=date(2026, 3, 10),
        first_referral=date(2026, 6, 1),
    )
    assert journey.path(facts) == {
        "awareness": date(2026, 1, 5),
        "interest": date(2026, 2, 1),
        "desire": date(2026, 2, 1),
        "action": date(2026, 3, 1),
        "retention": date(2026, 3, 10),
        "advocacy": date(2026, 6, 1),
    }
    assert journey.phase_on(facts, date(2026, 1, 31)) == "awareness"
    assert journey.phase_on(facts, date(2026, 3, 1)) == "action"
    assert journey.phase_on(facts, date(2026, 5, 1)) == "retention"
    assert journey.phase_on(facts, date(2026, 6, 1)) == "advocacy"
    assert journey.phase_on(facts, date(2025, 12, 31)) is None


def test_retention_after_thirty_days_or_buying_again_and_advocacy_by_a_promoter():
    won = date(2026, 10, 1)
    quiet = journey.OrgFacts(reached={"awareness": date(2026, 9, 1)}, first_won=won)
    assert journey.path(quiet)["retention"] == date(2026, 10, 31)  # 30 days after the first win
    again = journey.OrgFacts(reached={}, first_won=won, bought_again=date(2026, 10, 20))
    assert journey.path(again)["retention"] == date(2026, 10, 20)
    promoter = journey.OrgFacts(reached={}, first_won=won, latest_score=9, latest_score_on=date(2026, 11, 2))
    assert journey.phase_on(promoter, date(2026, 11, 2)) == "advocacy"
    passive = journey.OrgFacts(reached={}, first_won=won, latest_score=8, latest_score_on=date(2026, 11, 2))
    assert journey.phase_on(passive, date(2026, 11, 2)) == "retention"
    # a deal reached in action without a first win recorded (a won stage entered) is action
    assert journey.path(journey.OrgFacts(reached={"action": won}))["awareness"] == won


def test_counts_list_all_six_phases_in_order():
    assert journey.counts(["interest", None, "interest", "advocacy"]) == [
        {"phase": "awareness", "count": 0},
        {"phase": "interest", "count": 2},
        {"phase": "desire", "count": 0},
        {"phase": "action", "count": 0},
        {"phase": "retention", "count": 0},
        {"phase": "advocacy", "count": 1},
    ]


def test_nps_hand_computed():
    # 10, 9, 10 promoters; 8, 7 passives; 6, 0 detractors: (3 - 2) / 7 = 14.2857 -> 14.3 points
    assert retention.nps([10, 9, 8, 7, 6, 0, 10]) == {
        "nps": 14.3,
        "answers": 7,
        "promoters": 3,
        "passives": 2,
        "detractors": 2,
    }
    assert retention.nps([])["nps"] is None  # no answers: no score, never 0
    assert retention.nps([0, 3])["nps"] == -100.0
    assert [retention.score_group(s) for s in (6, 7, 8, 9)] == ["detractor", "passive", "passive", "promoter"]
    for bad in (-1, 11, 7.5, True, "9"):
        with pytest.raises(ValueError, match="from 0 to 10"):
            retention.check_score(bad)  # type: ignore[arg-type]


@given(st.lists(st.integers(0, 10), max_size=60))
def test_nps_is_the_promoters_share_minus_the_detractors(scores):
    got = retention.nps(scores)
    assert got["promoters"] + got["passives"] + got["detractors"] == got["answers"] == len(scores)
    if scores:
        exact = (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) * 100 / len(scores)
        assert got["nps"] is not None and abs(got["nps"] - exact) <= 0.05 + 1e-9 and -100 <= got["nps"] <= 100


@given(
    st.dictionaries(st.sampled_from(journey.PIPELINE_PHASES), st.dates(date(2020, 1, 1), date(2030, 1, 1)), max_size=4),
    st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
)
def test_path_days_never_go_backwards(reached, first_won):
    days = list(journey.path(journey.OrgFacts(reached=reached, first_won=first_won)).values())
    assert days == sorted(days)


# Through the CLI: a fixture of organisations worked out by hand ---------------------------------
# "now" is 2026-11-26 10:00 UTC (conftest); --at days are at noon, so every day below is the day.


def _phases(data):
    return {p["phase"]: p["count"] for p in data["phases"]}


def _may_record_surveys_and_referrals(db_path) -> None:
    """The surveys table and the referral columns as migration m017 makes them (issue 13, items
    4 and 5), where this database does not have them yet: the journey reads them when they exist."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS surveys (id INTEGER PRIMARY KEY, "
        "org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
        "person_id INTEGER REFERENCES people(id) ON DELETE SET NULL, "
        "score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10), note TEXT, at TEXT NOT NULL, recorded_at TEXT NOT NULL)"
    )
    columns = {row[1] for row in conn.execute("PRAGMA table_info(leads)")}
    for column in ("referred_by_org_id", "referred_by_person_id"):
        if column not in columns:
            conn.execute(f"ALTER TABLE leads ADD COLUMN {column} INTEGER")
    conn.commit()
    conn.close()


def _sql(db_path, statement: str, *params) -> None:
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


@pytest.fixture
def journeys(cli, add_lead, db_path):
    """Eight organisations, one in each phase and two in none."""
    ids = {}
    # Alpha: a lead just identified -> awareness
    ids["alpha"] = add_lead("Alpha lead", "--company", "Alpha", "--at", "2026-11-01")
    # Beta: qualified, verified skipped -> interest; a second deal lost from new changes nothing
    ids["beta"] = add_lead("Beta lead", "--company", "Beta", "--at", "2026-09-01")
    cli("qualify", str(ids["beta"]), "--at", "2026-09-10")
    lost = add_lead("Beta other", "--company", "Beta", "--at", "2026-09-05")
    cli("close", str(lost), "--lost", "--at", "2026-09-06")
    # Gamma: added straight into the proposal -> desire, awareness and interest passed that day
    ids["gamma"] = add_lead("Gamma lead", "--company", "Gamma", "--stage", "proposal", "--at", "2026-08-01")
    # Delta: won 16 days ago -> action (the first 30 days)
    ids["delta"] = add_lead("Delta lead", "--company", "Delta", "--at", "2026-10-01")
    cli("close", str(ids["delta"]), "--won", "--at", "2026-11-10")
    # Epsilon: won on 1 April, bought again (an upsell won 20 May) -> retention since 1 May (30 days)
    ids["epsilon"] = add_lead("Epsilon lead", "--company", "Epsilon", "--at", "2026-03-01")
    cli("close", str(ids["epsilon"]), "--won", "--at", "2026-04-01")
    ids["epsilon_upsell"] = add_lead("Epsilon more", "--company", "Epsilon", "--kind", "upsell", "--at", "2026-05-01")
    cli("close", str(ids["epsilon_upsell"]), "--won", "--at", "2026-05-20")
    # Zeta: won on 1 June, answered a survey with 10 on 15 July -> advocacy (a promoter)
    ids["zeta"] = add_lead("Zeta lead", "--company", "Zeta", "--at", "2026-05-15")
    cli("close", str(ids["zeta"]), "--won", "--at", "2026-06-01")
    # Eta: its only deal lost before anything (a lost deal imported as lost) -> no phase
    ids["eta"] = add_lead("Eta lead", "--company", "Eta", "--at", "2026-07-01")
    # Theta: an organisation without deals -> no phase
    cli("org", "add", "Theta")
    _may_record_surveys_and_referrals(db_path)
    _sql(db_path, "UPDATE stage_events SET to_stage = 'lost' WHERE lead_id = ?", ids["eta"])
    _sql(db_path, "UPDATE leads SET stage = 'lost', closed_at = stage_entered_at WHERE id = ?", ids["eta"])
    zeta = cli.json("org", "show", "Zeta")["org"]["id"]
    ids["zeta_org"] = zeta
    ids["epsilon_org"] = cli.json("org", "show", "Epsilon")["org"]["id"]
    _sql(
        db_path,
        "INSERT INTO surveys (org_id, score, at, recorded_at) VALUES (?, 10, '2026-07-15T12:00:00Z', ?)",
        zeta,
        "2026-07-15T12:00:00Z",
    )
    return ids


def test_journey_counts_hand_computed(cli, journeys):
    data = cli.json("journey")
    assert list(data) == ["as_of", "organisations", "outside", "phases"]
    assert data["as_of"] == "2026-11-26"
    assert [p["phase"] for p in data["phases"]] == list(journey.PHASES)
    assert _phases(data) == {
        "awareness": 1,  # Alpha
        "interest": 1,  # Beta
        "desire": 1,  # Gamma
        "action": 1,  # Delta
        "retention": 1,  # Epsilon
        "advocacy": 1,  # Zeta
    }
    assert (data["organisations"], data["outside"]) == (8, 2)  # Eta (lost only) and Theta (no deal)
    shown = cli("journey").stdout
    assert "Customer journey on 2026-11-26: 8 organisation(s)" in shown
    assert "2 in no phase" in shown
    assert shown.count("#") >= 6  # a bar per phase (plain: #)
    assert cli("journey", "--csv").stdout.splitlines()[:2] == ["phase,count", "awareness,1"]
    # on 30 June: Alpha, Beta, Gamma, Delta had no deal yet; Epsilon retained since 1 May; Zeta won
    # on 1 June, 29 days before: action (retained from 1 July)
    early = _phases(cli.json("journey", "--as-of", "2026-06-30"))
    assert early == {"awareness": 0, "interest": 0, "desire": 0, "action": 1, "retention": 1, "advocacy": 0}


def test_the_path_of_one_organisation_with_days_and_deals(cli, journeys):
    data = cli.json("journey", "Epsilon")
    assert data["org"]["name"] == "Epsilon" and data["phase"] == "retention"
    days = {step["phase"]: step["reached_on"] for step in data["path"]}
    assert days == {
        "awareness": "2026-03-01",
        "interest": "2026-04-01",  # skipped: passed on the day of the win
        "desire": "2026-04-01",
        "action": "2026-04-01",
        "retention": "2026-05-01",  # 30 days after the first win, before the upsell won (20 May)
        "advocacy": None,
    }
    deals = {step["phase"]: [d["id"] for d in step["deals"]] for step in data["path"]}
    first, upsell = journeys["epsilon"], journeys["epsilon_upsell"]
    assert deals == {
        "awareness": [first, upsell],
        "interest": [first, upsell],
        "desire": [first, upsell],
        "action": [first, upsell],
        "retention": [upsell],  # bought again
        "advocacy": [],
    }
    assert data["customer_since"] == "2026-04-01"
    assert cli.json("journey", str(data["org"]["id"])) == data  # by id as org show takes it
    shown = cli("journey", "epsilon").stdout
    assert "Epsilon (#" in shown and "Retention" in shown and "2026-05-01" in shown
    # a promoter's survey: advocacy on its day
    zeta = cli.json("journey", "Zeta")
    assert (zeta["phase"], zeta["latest_score"]) == ("advocacy", 10)
    assert [s["reached_on"] for s in zeta["path"]][3:] == ["2026-06-01", "2026-07-01", "2026-07-15"]
    gamma = cli.json("journey", "Gamma")
    assert [s["reached_on"] for s in gamma["path"]] == ["2026-08-01"] * 3 + [None] * 3
    # bad input: one line, exit 1 for an unknown organisation
    result = cli("journey", "Nobody", code=1)
    assert "no organisation 'Nobody'" in result.stderr
    assert "Invalid value for ORG: empty value" in cli("journey", "", code=2).stderr


def test_a_referral_makes_its_organisation_an_advocate(cli, journeys, db_path):
    # Epsilon referred Alpha's lead (added 1 November)
    _sql(db_path, "UPDATE leads SET referred_by_org_id = ? WHERE id = ?", journeys["epsilon_org"], journeys["alpha"])
    data = cli.json("journey", "Epsilon")
    assert data["phase"] == "advocacy"
    assert data["path"][-1] == {
        "phase": "advocacy",
        "reached_on": "2026-11-01",
        "deals": [{"id": journeys["alpha"], "title": "Alpha lead", "stage": "new", "kind": None}],
    }
    assert _phases(cli.json("journey"))["advocacy"] == 2


def test_stage_set_phase_moves_the_counts_and_undo_takes_it_back(cli, journeys):
    assert cli.json("stage", "list")[2]["journey_phase"] == "interest"  # qualified, 40 %
    cli("stage", "set", "qualified", "--phase", "Desire")
    stage = cli.json("stage", "list")[2]
    assert (stage["key"], stage["journey_phase"], stage["journey_phase_chosen"]) == ("qualified", "desire", True)
    counts = _phases(cli.json("journey"))
    assert (counts["interest"], counts["desire"]) == (0, 2)  # Beta joins Gamma
    cli("undo", "--yes")
    assert _phases(cli.json("journey"))["interest"] == 1
    assert cli.json("stage", "list")[2]["journey_phase_chosen"] is False
    cli("stage", "set", "new", "--phase", "interest")
    assert _phases(cli.json("journey"))["awareness"] == 0  # Alpha is interested from its first day
    cli("stage", "set", "new", "--phase", "auto")
    assert _phases(cli.json("journey"))["awareness"] == 1
    # bad input
    assert (
        "choose awareness, interest, desire, action" in cli("stage", "set", "new", "--phase", "advocacy", code=1).stderr
    )
    assert "won stage" in cli("stage", "set", "won", "--phase", "desire", code=1).stderr
    assert "lost stage" in cli("stage", "set", "lost", "--phase", "desire", code=1).stderr


def test_stage_list_shows_the_effective_phase(cli):
    stages = cli.json("stage", "list")
    assert [(s["key"], s["journey_phase"], s["journey_phase_chosen"]) for s in stages] == [
        ("new", "awareness", False),
        ("verified", "interest", False),
        ("qualified", "interest", False),
        ("proposal", "desire", False),
        ("negotiation", "desire", False),
        ("won", "action", False),
        ("lost", None, False),
    ]
    assert "Journey" in cli("stage", "list").stdout


def test_an_empty_database_has_everyone_nowhere(cli, add_lead):
    add_lead("x")  # no company: no organisation
    data = cli.json("journey")
    assert (data["organisations"], data["outside"]) == (0, 0)
    assert all(p["count"] == 0 for p in data["phases"])


def test_lead_add_proposes_upsell_for_a_customer(cli, add_lead):
    won = add_lead("First deal", "--company", "ACME GmbH")
    first = cli("lead", "add", "Before the win", "--company", "Acme", "--json")
    assert json.loads(first.stdout)["kind"] == "new" and "kind:" not in first.stderr  # not a customer yet
    cli("close", str(won), "--won")
    result = cli("lead", "add", "More licences", "--company", "acme gmbh", "--json")
    record = json.loads(result.stdout)
    assert (record["kind"], record["kind_reason"]) == ("upsell", "ACME GmbH is a customer")
    assert "kind: upsell (ACME GmbH is a customer)" in result.stderr
    given = cli.json("lead", "add", "A new line of business", "--company", "ACME GmbH", "--kind", "new")
    assert (given["kind"], given["kind_reason"]) == ("new", None)  # --kind wins
    other = cli.json("lead", "add", "Elsewhere", "--company", "Bergwerk")
    assert (other["kind"], other["kind_reason"]) == ("new", None)


def test_the_journey_in_german_fits_80_columns(cli, add_lead, monkeypatch):
    cli("init", "--lang", "de")
    lead = add_lead("Angebot", "--company", "Bergwerk \x1b[31mGmbH", "--at", "2026-10-01")
    cli("close", str(lead), "--won", "--at", "2026-11-20")
    monkeypatch.setenv("COLUMNS", "80")
    overview = cli("journey").stdout
    assert "Customer Journey am" in overview and "Handlung" in overview and "Kundenbindung" in overview
    path = cli("journey", "1").stdout
    assert "Erreicht am" in path and "\x1b" not in path  # the name's escape is shown, not run
    for line in (overview + path).splitlines():
        assert len(line) <= 80, line


def test_a_schema_16_database_is_migrated(tmp_path, cli):
    import sqlite3

    from salespipe.store.db import connect
    from salespipe.store.schema_version import SCHEMA_VERSION

    path = tmp_path / "old.db"
    conn = database_before(path, "m018_add_stage_journey_phase", 16)
    conn.execute("UPDATE stages SET label = 'Identified' WHERE key = 'new'")
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT key, label, journey_phase FROM stages WHERE position = 1").fetchone() == (
        "new",
        "Identified",
        None,
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE stages SET journey_phase = 'retention' WHERE key = 'new'")
    update = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'journal_stages_update'").fetchone()[0]
    assert "journey_phase" in update  # undo restores the column
    conn.close()
    assert cli.json("--db", str(path), "stage", "list")[0]["journey_phase"] == "awareness"


def test_a_prospect_that_refers_or_promotes_is_no_advocate_before_it_buys():
    prospect = journey.OrgFacts(
        reached={"desire": date(2026, 5, 1)},
        first_referral=date(2026, 6, 1),
        latest_score=10,
        latest_score_on=date(2026, 6, 2),
    )
    assert journey.phase_on(prospect, date(2026, 11, 1)) == "desire"
    bought = journey.OrgFacts(**{**prospect.__dict__, "first_won": date(2026, 9, 1)})
    # the referral came before the sale: an advocate from the day it became a customer
    assert journey.path(bought)["advocacy"] == date(2026, 9, 1)
