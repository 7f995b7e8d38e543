"""The report's figures, against a pipeline worked out by hand."""

import pytest


@pytest.fixture
def pipeline(cli, add_lead):
    """Six deals; "now" is 2026-11-26 10:00 UTC (conftest), so this month = 1-30 Nov and the
    rates period (last 90 days) = 29 Aug - 26 Nov."""
    a = add_lead("A", "--value", "10000", "--at", "2026-11-02")
    for verb, day in (("verify", "11-03"), ("qualify", "11-05"), ("propose", "11-10")):
        cli(verb, str(a), "--at", f"2026-{day}")
    cli("close", str(a), "--won", "--at", "2026-11-20")
    b = add_lead("B", "--value", "5000", "--at", "2026-11-03")
    cli("verify", str(b), "--at", "2026-11-04")
    cli("close", str(b), "--lost", "--reason", "price", "--at", "2026-11-06")
    c = add_lead("C", "--value", "20000", "--probability", "50", "--at", "2026-11-05")
    cli("qualify", str(c), "--at", "2026-11-08")  # skips verified
    cli("propose", str(c), "--at", "2026-11-12")
    d = add_lead("D", "--value", "8000", "--at", "2026-10-01")
    cli("close", str(d), "--won", "--at", "2026-10-15")  # last month, inside the rates period
    add_lead("E", "--value", "3000", "--at", "2026-11-10")
    f = add_lead("F", "--value", "4000", "--at", "2026-06-01")
    cli("close", str(f), "--lost", "--at", "2026-07-01")  # outside every default period


def test_report_json_matches_hand_computed_figures(cli, pipeline):
    r = cli.json("report")
    assert r["as_of"] == "2026-11-26T10:00:00Z" and r["currency"] == "EUR"
    assert r["period"] == {"since": "2026-11-01", "until": "2026-11-30", "label": "this-month"}
    assert r["rates_period"] == {"since": "2026-08-29", "until": "2026-11-26", "label": "last-90-days"}
    # open: C 20,000 at its own 50% = 10,000; E 3,000 at new's 10% = 300
    assert r["open"] == {"count": 2, "value": 23000, "weighted_value": 10300}
    # closed this month: A won (10,000), B lost (5,000)
    assert r["won"] == {"count": 1, "value": 10000}
    assert r["lost"] == {"count": 1, "value": 5000}
    assert r["avg_deal_size"] == 10000
    # rates over 90 days: A and D won, B lost -> 2/3; by value 18,000 / 23,000
    assert r["closed_in_rates_period"] == {"won": 2, "lost": 1}
    assert r["win_rate"] == 0.6667
    assert r["win_rate_by_value"] == 0.7826
    stages = {s["key"]: s for s in r["stages"]}
    assert list(stages) == ["new", "verified", "qualified", "proposal", "negotiation"]
    assert stages["new"] == {"key": "new", "label": "New (identified)", "probability": 10, "count": 1,
                             "value": 3000, "weighted_value": 300, "share": 0.1304}  # 3/23
    assert stages["proposal"]["weighted_value"] == 10000 and stages["proposal"]["share"] == 0.8696
    assert stages["verified"]["count"] == 0 and stages["verified"]["share"] == 0.0
    # funnel cohort = created in the last 90 days: A, B, C, D, E (F is older).
    # furthest: A won, B verified, C proposal (skipped verified), D won (skipped all), E new
    funnel = [(f["stage"], f["reached"], f["conversion_to_next"], f["eventual_win_rate"]) for f in r["funnel"]]
    assert funnel == [
        ("new", 5, 0.8, 0.4),            # 4 of 5 reached verified; 2 of 5 won
        ("verified", 4, 0.75, 0.5),      # A B C D; 3 of them reached qualified
        ("qualified", 3, 1.0, 0.6667),   # A C D
        ("proposal", 3, 0.6667, 0.6667),  # A C D; A and D reached negotiation or later
        ("negotiation", 2, 1.0, 1.0),    # A D
        ("won", 2, None, 1.0),
    ]
    assert r["other_currency_leads"] == 0


def test_report_periods(cli, pipeline):
    r = cli.json("report", "--period", "last-month")
    assert r["won"] == {"count": 1, "value": 8000}  # D
    assert r["win_rate"] == 1.0  # rates follow --period
    r = cli.json("report", "--period", "all")
    assert r["closed_in_rates_period"] == {"won": 2, "lost": 2}
    assert r["funnel"][0]["reached"] == 6
    r = cli.json("report", "--since", "2026-11-05", "--until", "2026-11-06")
    assert r["lost"]["count"] == 1 and r["won"]["count"] == 0
    assert r["period"]["label"] == "custom"
    assert "either --period or --since" in cli("report", "--period", "all", "--since", "today", code=1).stderr
    assert "unknown period 'fortnight'" in cli("report", "--period", "fortnight", code=1).stderr
    assert "is after --until" in cli("report", "--since", "2026-11-10", "--until", "2026-11-01", code=1).stderr


def test_report_text_shows_the_same_numbers(cli, pipeline):
    text = cli("report").stdout
    assert "\x1b[" not in text and "█" not in text
    assert "Open pipeline  2 deals, €23,000" in text and "weighted €10,300" in text
    assert "67% by count, 78% by value" in text
    assert "Proposal" in text and "87%" in text


def test_empty_database_report(cli):
    r = cli.json("report")
    assert r["open"] == {"count": 0, "value": 0, "weighted_value": 0}
    assert r["win_rate"] is None and r["win_rate_by_value"] is None and r["avg_deal_size"] is None
    assert all(f["reached"] == 0 and f["eventual_win_rate"] is None for f in r["funnel"])
    assert "n/a by count" in cli("report").stdout


def test_all_lost_and_other_currencies(cli, add_lead):
    cli("close", str(add_lead("A", "--value", "100")), "--lost")
    add_lead("B", "--value", "$500")
    r = cli.json("report")
    assert r["win_rate"] == 0.0 and r["win_rate_by_value"] == 0.0
    assert r["other_currency_leads"] == 1
    usd = cli.json("report", "--currency", "usd")
    assert usd["open"]["value"] == 500 and usd["currency"] == "USD"
    assert "not in these EUR figures" in cli("report").stdout


def test_reopened_and_backwards_deals(cli, add_lead):
    a = add_lead("A", "--value", "1000", "--at", "2026-11-01")
    cli("propose", str(a), "--at", "2026-11-02")
    cli("move", str(a), "qualified", "--at", "2026-11-03")
    cli("close", str(a), "--won", "--at", "2026-11-04")
    cli("reopen", str(a), "--at", "2026-11-05")
    r = cli.json("report")
    assert r["won"]["count"] == 0 and r["open"]["count"] == 1
    assert r["stages"][2]["count"] == 1  # back in qualified
    # it reached proposal once; moving back does not undo that
    assert [f["reached"] for f in r["funnel"]][:4] == [1, 1, 1, 1]


def test_demo_loads_and_reports(cli, tmp_path):
    result = cli("demo", "--json")
    data = __import__("json").loads(result.stdout)
    assert "Loaded 120 example deals" in result.stderr
    assert data["open"]["count"] > 20 and data["closed_in_rates_period"]["won"] > 0
    kept = tmp_path / "demo.db"
    cli("demo", "--db", str(kept))
    leads = cli.json("--db", str(kept), "lead", "list", "--all")
    assert len(leads) == 120
    assert {l["source"] for l in leads} >= {"referral", "website", "trade fair"}
    assert any(l["lost_reason"] for l in leads)
    assert "needs an empty database" in cli("demo", "--db", str(kept), code=1).stderr
