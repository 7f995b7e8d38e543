"""Deal kinds, contract terms and renewals, and nurture (issue 13, items 3 and 6).

Every expected figure is worked out by hand in the comments. "Now" is 2026-11-26 10:00 UTC
(conftest) unless a test moves the clock.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import database_before
from hypothesis import given
from hypothesis import strategies as st

from salespipe.domain import deals
from salespipe.domain.errors import InvalidValue


@pytest.fixture
def clock(monkeypatch):
    def at(moment: str) -> None:
        monkeypatch.setenv("SALESPIPE_NOW", moment + "+00:00")

    return at


# The term parser ---------------------------------------------------------------------------


@given(st.integers(1, 1200), st.sampled_from(["m", "M", " months", "month", " mo", " Monate", "mon"]), st.booleans())
def test_months_read_as_months(n, unit, padded):
    text = f"  {n}{unit} " if padded else f"{n}{unit}"
    assert deals.parse_term(text) == n


@given(st.integers(1, 100), st.sampled_from(["y", "Y", " years", "year", " yr", " Jahre", "j"]))
def test_years_read_as_twelve_months_each(n, unit):
    assert deals.parse_term(f"{n}{unit}") == 12 * n


@given(st.integers(1, 1200))
def test_a_bare_number_is_months_and_the_shown_form_reads_back(n):
    assert deals.parse_term(str(n)) == n
    assert deals.parse_term(deals.term_text(n)) == n


@given(st.text(max_size=20))
def test_any_text_is_a_term_or_one_plain_error(text):
    try:
        months = deals.parse_term(text)
    except InvalidValue as exc:
        assert "\n" not in str(exc) and "term" in str(exc)
    else:
        assert 1 <= months <= deals.MAX_TERM_MONTHS


@pytest.mark.parametrize("text", ["0m", "0", "-3m", "1.5y", "12 weeks", "", "m", "101y", "1201", "12m 1y", "٣m"])
def test_terms_refused(text):
    with pytest.raises(InvalidValue):
        deals.parse_term(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("new", "new"),
        ("Upsell", "upsell"),
        ("cross sell", "cross-sell"),
        ("Cross_Selling", "cross-sell"),
        ("New business", "new"),
        ("Verlängerung", "renewal"),
        (" renewal ", "renewal"),
        ("Upgrade", "upsell"),
    ],
)
def test_kinds(text, kind):
    assert deals.parse_kind(text) == kind


def test_unknown_kind():
    with pytest.raises(InvalidValue, match="choose from: new, upsell, cross-sell, renewal"):
        deals.parse_kind("downsell")


@pytest.mark.parametrize(
    ("won", "months", "end"),
    [
        (date(2026, 11, 26), 12, date(2027, 11, 26)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),  # a leap year's February
        (date(2026, 3, 15), 18, date(2027, 9, 15)),
    ],
)
def test_term_end(won, months, end):
    assert deals.term_end(won, months) == end


def test_renewal_task_due():
    assert deals.renewal_task_due(date(2027, 11, 26), 60, date(2026, 11, 26)) == date(2027, 9, 27)
    # an end closer than the lead time: due today, not in the past
    assert deals.renewal_task_due(date(2026, 12, 1), 60, date(2026, 11, 26)) == date(2026, 11, 26)


# Kinds and renewals through the CLI --------------------------------------------------------------


def test_kind_defaults_to_new_and_is_in_the_json(cli, add_lead):
    a = add_lead("A")
    b = add_lead("B", "--kind", "cross sell")
    assert cli.json("lead", "show", str(a))["kind"] == "new"
    record = cli.json("lead", "show", str(b))
    assert (record["kind"], record["term_months"], record["renews_lead_id"]) == ("cross-sell", None, None)
    assert cli.json("lead", "edit", str(b), "--kind", "upsell")["changes"] == [
        {"field": "kind", "from": "cross-sell", "to": "upsell"}
    ]
    assert "unknown deal kind 'x'" in cli("lead", "add", "C", "--kind", "x", code=1).stderr
    assert "invalid term '0m'" in cli("lead", "edit", str(a), "--term", "0m", code=1).stderr


def test_winning_a_deal_with_a_term_creates_its_renewal(cli, add_lead):
    lead = add_lead("Acme ERP", "--company", "Acme", "--contact", "Eva", "--value", "12k", "--term", "1y")
    moved = cli("close", str(lead), "--won", "--json")
    data = __import__("json").loads(moved.stdout)
    # won 2026-11-26, term 12 months: ends 2027-11-26; task 60 days before: 2027-09-27
    renewal = data["renewal_created"]
    assert renewal == {
        "id": lead + 1,
        "title": "Renewal: Acme ERP",
        "renews_lead_id": lead,
        "expected_close": "2027-11-26",
        "task_id": renewal["task_id"],
        "task_due": "2027-09-27",
    }
    shown = cli.json("lead", "show", str(renewal["id"]))
    assert (shown["kind"], shown["stage"], shown["company"], shown["contact_name"], shown["value"]) == (
        "renewal",
        "new",
        "Acme",
        "Eva",
        12000,
    )
    assert [(t["text"], t["due_date"]) for t in shown["tasks"]] == [
        (f"Renewal ahead: contract #{lead} ends 2027-11-26", "2027-09-27")
    ]
    # in words too
    other = add_lead("Beta", "--value", "1k", "--term", "24 months")
    said = cli("close", str(other), "--won", "--yes").stderr
    assert "Renewal created:" in said and "expected to close 2028-11-26" in said
    # a deal without a term brings none
    plain = add_lead("Gamma")
    assert cli.json("close", str(plain), "--won", "--yes")["renewal_created"] is None


def test_back_dated_win_and_the_lead_days_setting(cli, add_lead, tmp_path):
    config = tmp_path / "config" / "salespipe" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[renewal]\nlead_days = 30\n")
    lead = add_lead("A", "--value", "500", "--term", "3m", "--at", "2026-01-10")
    renewal = cli.json("close", str(lead), "--won", "--at", "2026-10-31", "--yes")["renewal_created"]
    # won 2026-10-31 + 3 months = 2027-01-31; 30 days before: 2027-01-01
    assert (renewal["expected_close"], renewal["task_due"]) == ("2027-01-31", "2027-01-01")
    assert cli.json("config", "show")["settings"]["renewal.lead_days"]["value"] == 30
    config.write_text("[renewal]\nlead_days = -1\n")
    assert "renewal.lead_days = -1" in cli("lead", "list", code=2).stderr


def test_a_term_set_on_a_won_deal_creates_one_renewal(cli, add_lead):
    lead = add_lead("A", "--value", "2k")
    cli("close", str(lead), "--won", "--yes")
    first = cli.json("lead", "edit", str(lead), "--term", "2y")["renewal_created"]
    assert first["expected_close"] == "2028-11-26"
    assert cli.json("lead", "edit", str(lead), "--term", "1y")["renewal_created"] is None  # it has one
    renewals = [r for r in cli.json("lead", "list", "--all") if r["renews_lead_id"] == lead]
    assert [r["id"] for r in renewals] == [first["id"]]
    # a term on an open deal waits for the win
    other = add_lead("B", "--term", "12")
    assert cli.json("lead", "show", str(other))["term_months"] == 12
    assert len(cli.json("lead", "list", "--all")) == 3
    assert cli.json("lead", "edit", str(other), "--clear", "term")["term_months"] is None


def test_undo_takes_the_renewal_back_with_the_win(cli, add_lead, db_path):
    from conftest import dump

    lead = add_lead("A", "--value", "2k", "--term", "1y")
    before = dump(db_path)
    cli("close", str(lead), "--won", "--yes")
    assert len(cli.json("lead", "list", "--all")) == 2
    cli("undo", "--yes")
    journal = ('INSERT INTO "changes"', 'INSERT INTO "undo_log"', 'INSERT INTO "undo_values"')
    assert [x for x in dump(db_path) if not x.startswith(journal)] == [x for x in before if not x.startswith(journal)]


# Reports by kind ---------------------------------------------------------------------------------


def test_breakdown_by_kind_and_new_vs_expansion(cli, add_lead):
    # won this month: new 10,000 + 2,000; upsell 3,000; renewal 5,000 -> expansion 8,000 of 20,000 = 40 %
    for name, kind, value in (("A", "new", "10k"), ("B", "new", "2k"), ("C", "upsell", "3k"), ("D", "renewal", "5k")):
        cli("close", str(add_lead(name, "--kind", kind, "--value", value, "--at", "2026-11-02")), "--won", "--yes")
    lost = add_lead("E", "--kind", "upsell", "--value", "4k", "--at", "2026-11-02")
    cli("close", str(lost), "--lost", "--yes")
    report = cli.json("report")
    assert report["new_vs_expansion"] == {
        "new": {"count": 2, "value": 12000},
        "expansion": {"count": 2, "value": 8000},
        "expansion_share": 0.4,
    }
    line = next(x for x in cli("report").stdout.splitlines() if x.startswith("New/expansion"))
    assert line.split() == ["New/expansion", "€12,000", "new", "€8,000", "expansion", "(40%", "of", "won)"]
    groups = {g["group"]: g for g in cli.json("report", "breakdown", "--by", "kind")["groups"]}
    assert {k: (g["deals"], g["won"], g["lost"], g["won_value"]) for k, g in groups.items()} == {
        "new": (2, 2, 0, 12000),
        "upsell": (2, 1, 1, 3000),
        "renewal": (1, 1, 0, 5000),
    }
    # nothing won: no share (null), never a division error
    assert cli.json("report", "--period", "last-month")["new_vs_expansion"]["expansion_share"] is None


# Nurture -----------------------------------------------------------------------------------------


@pytest.fixture
def two_deals(cli, add_lead):
    """A: 10,000 in new (10 %); B: 5,000 in proposal (60 %), both since 2026-11-01."""
    a = add_lead("A", "--value", "10k", "--at", "2026-11-01", "--close-date", "2026-12-20")
    b = add_lead("B", "--value", "5k", "--at", "2026-11-01", "--close-date", "2026-12-10")
    cli("propose", str(b), "--at", "2026-11-01")
    return a, b


def _open(report):
    return report["open"]["count"], report["open"]["value"], report["open"]["weighted_value"]


def test_a_parked_deal_is_out_of_the_pipeline_until_its_day(cli, two_deals, clock):
    a, b = two_deals
    # both: 2 deals, 15,000, weighted 1,000 + 3,000 = 4,000
    assert _open(cli.json("report")) == (2, 15000, 4000)
    parked = cli.json("nurture", str(b), "--until", "2026-12-31", "--note", "budget in January")
    assert parked["nurture_until"] == "2026-12-31" and parked["task"]["due_date"] == "2026-12-31"
    # without B: 1 deal, 10,000, weighted 1,000
    assert _open(cli.json("report")) == (1, 10000, 1000)
    assert [d["id"] for d in cli.json("today")["work_first"]] == [a]
    assert cli.json("why", str(a))["open_deals"] == 1
    assert [r["id"] for r in cli.json("lead", "list", "--nurtured")] == [b]
    assert {r["id"]: r["nurture_until"] for r in cli.json("lead", "list")} == {a: None, b: "2026-12-31"}
    assert "⏸12-31 Proposal" in cli("lead", "list").stdout
    forecast = cli.json("forecast", "--period", "2026-12")
    # B is back on 2026-12-31, within December: A 10,000 x 10 % + B 5,000 x 60 % on its day
    assert forecast["weighted"] == 4000 and forecast["months"][0]["forecast"] == 4000
    # as of a day before it was parked: in the pipeline then
    assert _open(cli.json("report", "--as-of", "2026-11-20")) == (2, 15000, 4000)
    # on its day it is back, and its follow-up is due
    clock("2026-12-31T09:00:00")
    assert _open(cli.json("report")) == (2, 15000, 4000)
    today = cli.json("today")
    assert [t["text"] for t in today["due_today"]] == ["Nurture ended: follow up"]
    assert b in [d["id"] for d in today["work_first"]]
    assert cli.json("lead", "list", "--nurtured") == []
    # and as of a day it was parked, the past report leaves it out
    assert _open(cli.json("report", "--as-of", "2026-12-15")) == (1, 10000, 1000)


def test_forecast_and_target_count_a_parked_deal_in_the_period_it_is_back(cli, two_deals):
    _, b = two_deals
    cli("nurture", str(b), "--until", "2027-01-15")  # B: 5,000 at 60 %, expected 2026-12-10
    december = cli.json("forecast", "--period", "2026-12", "--seed", "1")
    # A alone: 10,000 x 10 % (B is still parked on 31 December)
    assert (december["open"], december["weighted"]) == ({"count": 1, "value": 10000}, 1000)
    january = cli.json("forecast", "--period", "2027-01", "--seed", "1")
    # B, back on 15 January, cannot close on 10 December: it closes no earlier than its day, in
    # January (no slip history): 5,000 x 60 % = 3,000; A is expected in December, not January
    assert (january["open"], january["weighted"]) == ({"count": 1, "value": 5000}, 3000)
    both = cli.json("forecast", "--since", "2026-12-01", "--until", "2027-01-31", "--seed", "1")
    assert [(m["label"], m["forecast"]) for m in both["months"]] == [("2026-12", 1000), ("2027-01", 3000)]
    assert both["overdue"] == {"count": 0, "value": 0}
    # target coverage: the same deals, by the same close dates
    assert cli.json("target", "set", "20k", "--period", "2026-12")["expected_to_close"] == {
        "count": 1,
        "value": 10000,
        "weighted_value": 1000,
    }
    assert cli.json("target", "set", "20k", "--period", "2027-01")["expected_to_close"] == {
        "count": 1,
        "value": 5000,
        "weighted_value": 3000,
    }


def test_the_backtest_counts_a_deal_parked_at_the_snapshot_and_back_in_the_period(cli, add_lead, clock):
    e = add_lead("E", "--value", "10000", "--close-date", "2026-09-20", "--at", "2026-09-01")
    cli("propose", str(e), "--at", "2026-09-02")
    clock("2026-09-15T09:00:00")
    cli("nurture", str(e), "--until", "2026-10-10")
    clock("2026-11-26T10:00:00")
    # the snapshot of October (2026-09-30 23:59:59): E parked, back on 10 October, within it:
    # 10,000 x 60 %, expected no earlier than its day
    [october] = cli.json("forecast", "backtest", "--from", "2026-10-01", "--to", "2026-10-31")["periods"]
    assert october["open"]["count"] == 1 and october["forecast"]["weighted_configured"] == 6000
    # September's snapshot (2026-08-31) is before E was added: nothing open
    [september, _] = cli.json("forecast", "backtest", "--from", "2026-09-01", "--to", "2026-10-31")["periods"]
    assert september["open"]["count"] == 0


def test_today_leaves_out_the_tasks_of_a_parked_deal_until_it_is_back(cli, two_deals, clock):
    a, b = two_deals
    cli("task", "add", str(b), "call back", "--due", "2026-11-20")  # overdue
    cli("task", "add", str(b), "send the offer", "--due", "2026-11-26")  # due today
    cli("task", "add", str(a), "demo", "--due", "2026-11-26")
    cli("nurture", str(b), "--until", "2026-12-31")
    today = cli.json("today")
    assert today["overdue_tasks"] == [] and [t["text"] for t in today["due_today"]] == ["demo"]
    assert "call back" not in cli("today").stdout
    # the task list still has them: parked is not forgotten
    assert {"call back", "send the offer"} <= {t["text"] for t in cli.json("task", "list")}
    clock("2026-12-30T09:00:00")  # the day before it is back: still out
    assert [t["text"] for t in cli.json("today")["overdue_tasks"]] == ["demo"]
    clock("2026-12-31T09:00:00")  # back: its tasks are in today again, the follow-up due today
    today = cli.json("today")
    # by due day: B's rule task from the proposal (2026-11-04), 11-20, then 11-26 by id
    assert [t["text"] for t in today["overdue_tasks"]] == [
        "Follow up on the proposal",
        "call back",
        "send the offer",
        "demo",
    ]
    assert [t["text"] for t in today["due_today"]] == ["Nurture ended: follow up"]


def test_why_says_a_parked_deal_is_nurtured_until_its_day(cli, two_deals):
    _, b = two_deals
    cli("nurture", str(b), "--until", "2027-01-15")
    said = cli("why", str(b), code=1).stderr.strip()
    assert said.count("\n") == 0 and "closed" not in said
    assert f"lead #{b} is nurtured until 2027-01-15" in said and f"salespipe nurture {b} --end" in said
    cli("nurture", str(b), "--end")
    assert cli.json("why", str(b))["open_deals"] == 2


def test_organisation_figures_count_a_parked_deal_apart(cli, add_lead, clock):
    add_lead("Rollout", "--company", "Bergwerk GmbH", "--value", "12000")
    later = add_lead("Extension", "--company", "Bergwerk GmbH", "--value", "3000")
    cli("nurture", str(later), "--until", "2027-01-15")
    [org] = cli.json("org", "list")
    # open: Rollout alone (12,000); Extension is parked, counted apart; both are deals
    assert (org["deals"], org["open_deals"], org["open_value"], org["nurtured_deals"]) == (2, 1, 12000, 1)
    card = cli("org", "show", "1").stdout
    assert "Nurtured" in card and "1 deal(s), €12,000" in card
    clock("2027-01-15T09:00:00")  # back: open again, nothing parked, no Nurtured line
    [org] = cli.json("org", "list")
    assert (org["open_deals"], org["open_value"], org["nurtured_deals"]) == (2, 15000, 0)
    assert "Nurtured" not in cli("org", "show", "1").stdout


@pytest.mark.parametrize(("lang", "mark"), [("en", "⏸01-15 "), ("de", "⏸15.01. ")])
def test_lead_list_at_80_columns_keeps_the_park_day(cli, add_lead, tmp_path, monkeypatch, lang, mark):
    config = tmp_path / "config" / "salespipe" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'language = "{lang}"\n')
    if lang == "de":
        cli("init", "--lang", "de")
    monkeypatch.setenv("COLUMNS", "80")
    lead = add_lead(
        "Rollout of the new CRM system for the whole sales team",
        "--company",
        "Bergwerk Maschinenbau GmbH & Co. KG",
        "--value",
        "1234567",
        "--close-date",
        "2026-12-20",
    )
    cli("negotiate", str(lead))
    cli("nurture", str(lead), "--until", "2027-01-15")
    later = add_lead("Far", "--value", "5")
    cli("nurture", str(later), "--until", "2028-02-01")  # a year or more away: its month
    lines = cli("lead", "list").stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert mark in lines[1]
    assert ("⏸2028-02 " if lang == "en" else "⏸02.2028 ") in lines[2]


def test_stale_and_the_stale_rule_skip_a_parked_deal(cli, two_deals, clock):
    a, b = two_deals
    cli("rule", "add", "--on-stale", "--task", "Wake it up", "--due", "+1d")
    cli("nurture", str(b), "--until", "2027-01-15")
    clock("2026-12-20T09:00:00")  # both idle since 2026-11-01: more than 14 days
    report = cli.json("report")
    assert report["stale_count"] == 1 and [s["id"] for s in report["stale"]] == [a]
    assert [d["id"] for d in cli.json("today")["stale"]] == [a]
    tasks = cli.json("task", "list", "--all")
    assert [t["lead_id"] for t in tasks if t["text"] == "Wake it up"] == [a]
    # back on 2027-01-15, B is idle from that day: not stale 5 days later, stale after 14
    clock("2027-01-20T09:00:00")
    assert [s["id"] for s in cli.json("report")["stale"]] == [a]
    clock("2027-01-30T09:00:00")
    stale = {s["id"]: s["days_idle"] for s in cli.json("report")["stale"]}
    assert stale[b] == 15  # 2027-01-15 00:00 to 2027-01-30 09:00, whole days
    assert {d["id"] for d in cli.json("today")["stale"]} == {a, b}


def _nurture_tasks(card):
    return [(t["text"], t["due_date"]) for t in card["tasks"] if t["text"].startswith("Nurture")]


def test_ending_a_nurture_early_and_undo(cli, two_deals, db_path, clock):
    _, b = two_deals
    cli("nurture", str(b), "--until", "2027-02-01")
    ended = cli.json("nurture", str(b), "--end")
    assert ended["nurture_until"] is None and ended["task"]["due_date"] == "2026-11-26"  # due today now
    assert _open(cli.json("report"))[0] == 2
    cli("undo", "--yes")  # the end undone: parked again, the task due on its day
    shown = cli.json("lead", "show", str(b))
    assert shown["nurture_until"] == "2027-02-01"
    assert _nurture_tasks(shown) == [("Nurture ended: follow up", "2027-02-01")]
    cli("undo", "--yes")  # the nurture undone: no task, no history of it
    shown = cli.json("lead", "show", str(b))
    assert shown["nurture_until"] is None and _nurture_tasks(shown) == []
    assert [e["field"] for e in shown["estimates"]] == ["expected_close"]


def test_parking_again_moves_the_one_follow_up(cli, two_deals):
    _, b = two_deals
    cli("nurture", str(b), "--until", "2027-01-10")
    cli("nurture", str(b), "--until", "2027-03-01")
    assert _nurture_tasks(cli.json("lead", "show", str(b))) == [("Nurture ended: follow up", "2027-03-01")]


def test_the_nurture_note_stays_when_parked_again_and_goes_with_the_end(cli, two_deals):
    _, b = two_deals
    assert cli.json("nurture", str(b), "--until", "2027-01-10", "--note", " budget in January ")["nurture_note"] == (
        "budget in January"
    )
    assert cli.json("nurture", str(b), "--until", "2027-03-01")["nurture_note"] == "budget in January"
    assert "until 2027-03-01: budget in January" in cli("lead", "show", str(b)).stdout
    assert cli.json("nurture", str(b), "--until", "2027-04-01", "--note", "CFO back in April")["nurture_note"] == (
        "CFO back in April"
    )
    assert cli.json("nurture", str(b), "--end")["nurture_note"] is None
    assert cli.json("lead", "show", str(b))["nurture_note"] is None
    cli("undo", "--yes")  # the end undone: the note is back
    assert cli.json("lead", "show", str(b))["nurture_note"] == "CFO back in April"


def test_a_nurture_note_with_control_characters_is_kept_and_shown_escaped(cli, two_deals):
    _, b = two_deals
    assert cli.json("nurture", str(b), "--until", "2027-01-10", "--note", "call\x1b[31m back")["nurture_note"] == (
        "call\x1b[31m back"
    )
    card = cli("lead", "show", str(b)).stdout
    assert "\x1b" not in card and "call\\x1b[31m back" in card


def test_a_lost_deal_is_recycled_into_nurture(cli, two_deals):
    _, b = two_deals
    cli("close", str(b), "--lost", "--reason", "no budget", "--yes")
    said = cli("nurture", str(b), "--until", "2027-04-01").stderr
    assert "reopened from Closed lost into Proposal" in said
    events = cli.json("lead", "show", str(b))["events"]
    assert [(e["from_stage"], e["to_stage"]) for e in events][-2:] == [("proposal", "lost"), ("lost", "proposal")]
    assert _open(cli.json("report"))[0] == 1  # parked: still out
    cli("close", str(b), "--lost", "--yes")
    data = cli.json("nurture", str(b), "--until", "2027-05-01")
    assert (data["stage"], data["reopened_from"]) == ("proposal", "lost")


@pytest.mark.parametrize("close", [("--lost", "--reason", "x"), ("--won",)])
def test_closing_a_parked_deal_ends_its_park_and_a_reopen_is_back_in_the_pipeline(cli, two_deals, close):
    _, b = two_deals
    cli("nurture", str(b), "--until", "+3m", "--note", "budget in spring")
    cli("close", str(b), *close, "--yes")
    shown = cli.json("lead", "show", str(b))
    assert (shown["nurture_until"], shown["nurture_note"]) == (None, None)
    assert [e["field"] for e in shown["estimates"]][-2:] == ["nurture_until", "nurture_until"]  # set, then ended
    cli("undo", "--yes")  # the close undone: parked again, with its note
    shown = cli.json("lead", "show", str(b))
    assert (shown["nurture_until"], shown["nurture_note"]) == ("2027-02-26", "budget in spring")
    cli("close", str(b), *close, "--yes")
    cli("reopen", str(b))
    assert cli.json("lead", "show", str(b))["nurture_until"] is None
    assert cli.json("lead", "list", "--nurtured") == []
    assert _open(cli.json("report"))[0] == 2  # back in the open pipeline today
    assert cli.json("why", str(b))["open_deals"] == 2


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--until", "2026-11-26"), 1, "not in the future"),
        (("--until", "yesterday"), 1, "not in the future"),
        ((), 2, "give --until DATE"),
        (("--until", ""), 2, "empty value"),
        (("--until", "soonish"), 1, "soonish"),
        (("--end",), 1, "is not nurtured"),
        (("--end", "--until", "2027-01-01"), 2, "--end takes neither"),
        (("--until", "2027-01-01", "--note", " "), 1, "--note is empty"),
        (("--until", "2027-01-01", "--note", "x" * 2001), 1, "--note is longer than 2,000 characters"),
        (("--until", "2027-01-01", "--note", "a\udcff"), 2, "is not valid UTF-8 text"),
    ],
)
def test_nurture_refusals(cli, add_lead, args, code, words):
    lead = add_lead("A")
    result = cli("nurture", str(lead), *args, code=code)
    assert words in result.stderr.strip().splitlines()[-1]
    assert result.stderr.count("Error") == 1


def test_a_won_deal_cannot_be_nurtured(cli, add_lead):
    lead = add_lead("A")
    cli("close", str(lead), "--won", "--yes")
    assert "is won" in cli("nurture", str(lead), "--until", "2027-01-01", code=1).stderr
    assert "no lead with id 99" in cli("nurture", "99", "--until", "2027-01-01", code=1).stderr


def test_german_words(cli, add_lead, tmp_path):
    config = tmp_path / "config" / "salespipe" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('language = "de"\n')
    lead = add_lead("A", "--kind", "upsell")
    said = cli("nurture", str(lead), "--until", "2027-01-01").stderr
    assert "geparkt bis" in said and "Aufgabe" in said
    card = cli("lead", "show", str(lead)).stdout
    assert "Art" in card and "Upselling" in card and "Geparkt" in card


# Import ------------------------------------------------------------------------------------------


def test_import_reads_kind_and_term(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "name,company,value,kind,term\n"
        "A,Acme,1000,Upsell,12m\n"
        "B,Beta,2000,renewal,2 Jahre\n"
        "C,Gamma,300,,\n"
        "D,Delta,400,downsell,\n"
        "E,Epsilon,500,new,0m\n"
    )
    summary = __import__("json").loads(cli("import", str(path), "--json", code=1).stdout)
    assert (summary["inserted"], summary["rejected"]) == (3, 2)
    got = {r["title"]: (r["kind"], r["term_months"]) for r in cli.json("lead", "list", "--all")}
    assert got == {"A": ("upsell", 12), "B": ("renewal", 24), "C": ("new", None)}
    rejects = (tmp_path / "deals.csv.rejects.csv").read_text()
    assert "unknown deal kind 'downsell'" in rejects and "invalid term '0m'" in rejects


def test_a_schema_13_database_is_migrated(tmp_path, cli):
    from salespipe.store.db import connect
    from salespipe.store.schema_version import SCHEMA_VERSION

    path = tmp_path / "old.db"
    conn = database_before(path, "m015_add_deal_kind_term_and_nurture", 13)
    conn.execute(
        "INSERT INTO leads (title, stage, value_minor, currency, expected_close, created_at, updated_at, "
        "stage_entered_at) VALUES ('Old', 'proposal', 500000, 'EUR', '2026-12-20', '2026-11-01T09:00:00Z', "
        "'2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')"
    )
    conn.execute(
        "INSERT INTO estimate_history (lead_id, field, kind, new_value, at, source) "
        "VALUES (1, 'expected_close', 'set', '2026-12-20', '2026-11-01T09:00:00Z', 'add')"
    )
    conn.close()
    connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT kind, term_months, nurture_until FROM leads").fetchall() == [("new", None, None)]
    assert conn.execute("SELECT id, field, new_value FROM estimate_history").fetchall() == [
        (1, "expected_close", "2026-12-20")
    ]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'estimate_history'")}
    assert {"journal_estimate_history_insert", "journal_estimate_history_update"} <= triggers
    conn.close()
    assert cli.json("--db", str(path), "nurture", "1", "--until", "2027-01-01")["nurture_until"] == "2027-01-01"
    cli("--db", str(path), "undo", "--yes")
    assert cli.json("--db", str(path), "lead", "show", "1")["nurture_until"] is None
