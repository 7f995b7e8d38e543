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
    assert stages["new"] == {
        "key": "new",
        "label": "New (identified)",
        "probability": 10,
        "count": 1,
        "value": 3000,
        "weighted_value": 300,
        "share": 0.1304,
    }  # 3/23
    assert stages["proposal"]["weighted_value"] == 10000 and stages["proposal"]["share"] == 0.8696
    assert stages["verified"]["count"] == 0 and stages["verified"]["share"] == 0.0
    # funnel cohort = created in the last 90 days: A, B, C, D, E (F is older).
    # furthest: A won, B verified, C proposal (skipped verified), D won (skipped all), E new
    funnel = [(f["stage"], f["reached"], f["conversion_to_next"], f["eventual_win_rate"]) for f in r["funnel"]]
    assert funnel == [
        ("new", 5, 0.8, 0.4),  # 4 of 5 reached verified; 2 of 5 won
        ("verified", 4, 0.75, 0.5),  # A B C D; 3 of them reached qualified
        ("qualified", 3, 1.0, 0.6667),  # A C D
        ("proposal", 3, 0.6667, 0.6667),  # A C D; A and D reached negotiation or later
        ("negotiation", 2, 1.0, 1.0),  # A D
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


def test_report_text_shows_the_same_numbers(cli, pipeline, monkeypatch):
    # NO_COLOR removes colour only: the terminal's layout (bars, rules) stays
    text = cli("report").stdout
    assert "\x1b[" not in text and "█" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    # piped with no terminal width: plain characters, nothing cut
    monkeypatch.delenv("COLUMNS")
    piped = cli("report").stdout
    assert "█" not in piped and "─" not in piped and "#" in piped
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
    # every company became an organisation and every contact a person, each linked
    orgs = cli.json("--db", str(kept), "org", "list")
    assert len(orgs) == len({l["company"] for l in leads}) and all(l["org_id"] and l["person_id"] for l in leads)
    assert "needs an empty database" in cli("demo", "--db", str(kept), code=1).stderr


def test_cycle_velocity_time_in_stage_and_attention(cli, pipeline):
    r = cli.json("report")
    # won in the rates period: A 2 Nov -> 20 Nov = 18 days, D 1 Oct -> 15 Oct = 14 days
    assert r["sales_cycle_days"] == {"mean": 16.0, "median": 16.0}
    # 2 open deals x avg won deal 9,000 (A 10,000, D 8,000) x 2/3 / 16 days = 750 per day
    assert r["sales_velocity"] == {
        "per_day": 750,
        "open_deals": 2,
        "avg_deal_size": 9000,
        "win_rate": 0.6667,
        "cycle_days": 16.0,
    }
    tis = {t["stage"]: t for t in r["time_in_stage"]}
    # new: A 1, B 1, C 3, D 14 days, E 15.92 so far (10 Nov 12:00 -> 26 Nov 10:00)
    assert tis["new"] == {
        "stage": "new",
        "label": "New (identified)",
        "deals": 5,
        "open_deals": 1,
        "mean_days": 7.0,
        "median_days": 3.0,
    }
    assert (tis["verified"]["mean_days"], tis["verified"]["median_days"]) == (2.0, 2.0)  # A 2, B 2
    assert (tis["qualified"]["mean_days"], tis["qualified"]["median_days"]) == (4.5, 4.5)  # A 5, C 4
    # proposal: A 10 days, C 13.92 so far -> mean and median 11.96
    assert tis["proposal"] == {
        "stage": "proposal",
        "label": "Proposal",
        "deals": 2,
        "open_deals": 1,
        "mean_days": 12.0,
        "median_days": 12.0,
    }
    assert tis["negotiation"]["deals"] == 0 and tis["negotiation"]["mean_days"] is None
    assert r["bottlenecks"] == {
        "slowest_stage": "new",
        "weakest_conversion": "new",
        "summary": "Deals wait longest in New (identified): 3 days (median) over 5 deals. The weakest "
        "step is New (identified) to Verified: 80% of 5 deals get through.",
    }
    # E has sat in "new" for 15.9 days > 14; C in proposal for 13.9 days is not stale yet
    assert r["stale_count"] == 1
    assert r["stale"] == [
        {
            "id": 5,
            "title": "E",
            "company": None,
            "stage": "new",
            "value": 3000,
            "currency": "EUR",
            "days_idle": 15,
            "rotting_days": 14,
        }
    ]
    assert r["past_close_count"] == 0 and r["past_close"] == []
    new = r["funnel"][0]
    assert (new["gap_points"], new["sample_ok"], new["flag"]) == (30.0, False, False)  # 40% won vs 10% set
    assert r["target"] is None


def test_as_of_rebuilds_the_pipeline_from_events(cli, pipeline):
    r = cli.json("report", "--as-of", "2026-11-07")
    # end of 7 Nov: A in qualified (10,000 at 40%), C in new (20,000 at its 50%), E not created,
    # B lost on 6 Nov, D won in October
    assert r["as_of"] == "2026-11-07T23:59:59Z"
    assert r["open"] == {"count": 2, "value": 30000, "weighted_value": 14000}
    assert {s["key"]: s["count"] for s in r["stages"]} == {
        "new": 1,
        "verified": 0,
        "qualified": 1,
        "proposal": 0,
        "negotiation": 0,
    }
    assert r["won"]["count"] == 0 and r["lost"] == {"count": 1, "value": 5000}
    # cohort: created in the 90 days to 7 Nov = A, B, C, D (E came later); stage changes after
    # the day do not count: A had reached qualified, B verified, C only new, D won
    assert [f["reached"] for f in r["funnel"]] == [4, 3, 2, 1, 1, 1]
    assert cli.json("report", "--as-of", "today") == cli.json("report")


def test_sections_print_their_part(cli, pipeline):
    full = cli.json("report")
    context = {k: full[k] for k in ("as_of", "currency", "period", "rates_period")}
    assert cli.json("report", "pipeline") == {**context, "open": full["open"], "stages": full["stages"]}
    assert cli.json("report", "funnel") == {**context, "funnel": full["funnel"]}
    assert cli.json("report", "velocity") == {
        **context,
        "sales_velocity": full["sales_velocity"],
        "data_gaps": full["data_gaps"],
    }
    assert cli.json("report", "cycle")["time_in_stage"] == full["time_in_stage"]
    assert cli.json("report", "stale")["stale_count"] == 1
    assert cli.json("report", "conversion")["win_rate"] == full["win_rate"]
    # options given to `report` itself reach the section
    assert (
        cli("report", "--period", "all", "--json", "pipeline").stdout
        == cli("report", "pipeline", "--period", "all", "--json").stdout
    )
    text = cli("report", "cycle").stdout
    assert "Sales cycle of won deals: 16.0 days mean, 16.0 median." in text
    assert "Deals wait longest in New (identified)" in text
    assert "Stale: 1 open deals idle" in cli("report", "stale").stdout


def test_breakdown_as_of(cli, pipeline):
    """As of a day, each deal counts in the stage it was in then; what is not history (the lost
    reason) is the deal's own."""
    # end of 7 Nov: A qualified, B lost (price), C new, D won (8,000), E not yet created, F lost
    groups = cli.json("report", "breakdown", "--by", "stage", "--period", "all", "--as-of", "2026-11-07")["groups"]
    assert {g["group"]: (g["deals"], g["won"], g["lost"], g["won_value"]) for g in groups} == {
        "qualified": (1, 0, 0, 0),
        "new": (1, 0, 0, 0),
        "won": (1, 1, 0, 8000),
        "lost": (2, 0, 2, 0),
    }
    groups = cli.json("report", "breakdown", "--by", "lost-reason", "--period", "all", "--as-of", "2026-11-07")
    assert {g["group"]: (g["deals"], g["won"], g["lost"]) for g in groups["groups"]} == {
        "price": (1, 0, 1),
        "(none)": (4, 1, 1),
    }


def test_breakdown(cli, add_lead):
    for name, source, agent, outcome, value in [
        ("a", "referral", "Moses", "won", "1000"),
        ("b", "referral", "Moses", "lost", "500"),
        ("c", "web", "Darcel", "won", "2000"),
        ("d", "web", "Darcel", "won", "3000"),
        ("e", None, "Moses", None, "100"),
    ]:
        options = ["--value", value, "--field", f"agent={agent}", "--tag", "hot"]
        if source:
            options += ["--source", source]
        lead_id = add_lead(name, *options)
        if outcome:
            cli("close", str(lead_id), f"--{outcome}")
    by_source = cli.json("report", "breakdown", "--by", "source")["groups"]
    assert by_source == [
        {"group": "web", "deals": 2, "won": 2, "lost": 0, "win_rate": 1.0, "won_value": 5000},
        {"group": "referral", "deals": 2, "won": 1, "lost": 1, "win_rate": 0.5, "won_value": 1000},
        {"group": "(none)", "deals": 1, "won": 0, "lost": 0, "win_rate": None, "won_value": 0},
    ]
    by_agent = {g["group"]: g for g in cli.json("report", "breakdown", "--by", "agent")["groups"]}
    assert by_agent["Moses"]["win_rate"] == 0.5 and by_agent["Darcel"]["won_value"] == 5000
    assert cli.json("report", "breakdown", "--by", "tag")["groups"][0]["deals"] == 5
    lost = cli.json("report", "breakdown", "--by", "lost-reason")["groups"]
    assert {g["group"] for g in lost} == {"(none)"}
    rows = cli("report", "breakdown", "--by", "source", "--csv").stdout.splitlines()
    assert rows[0] == "group,deals,won,lost,win_rate,won_value" and rows[1] == "web,2,2,0,1.0,5000"
    cli("report", "breakdown", code=2)


def test_targets(cli, pipeline):
    status = cli.json("target", "set", "50k", "--period", "2026-11", "--deals", "3")
    # won in November: A (10,000); 26-30 Nov = 5 days left; nothing expected to close by then
    assert status["goal"] == 50000 and status["won"] == {"count": 1, "value": 10000}
    assert status["progress"] == 0.2 and status["gap"] == 40000 and status["deals_gap"] == 2
    assert status["days_left"] == 5 and status["pace_per_week"] == 56000  # 40,000 / (5/7)
    assert status["expected_to_close"] == {"count": 0, "value": 0, "weighted_value": 0}
    assert status["coverage"] == 0.0
    # history: only F was created 90+ days ago, and it was lost: no lead-to-win rate yet
    assert status["leads_needed"] is None
    assert status["leads_needed_inputs"] == {
        "gap": 40000,
        "avg_deal_size": 9000,
        "lead_to_win_rate": 0.0,
        "history_created": 1,
        "history_won": 0,
    }
    assert status["warnings"] and status["warnings"][0].startswith("thin history")
    assert cli.json("report")["target"] == status
    assert cli.json("target", "show") == status
    assert cli.json("target", "show", "2026-11") == status
    assert [t["period"] for t in cli.json("target", "list")] == ["2026-11"]
    cli("target", "set", "200k", "--period", "2026-q4")
    assert cli.json("target", "show", "2026-Q4")["won"]["value"] == 18000  # A and D
    assert "no target for 2027" in cli("target", "show", "2027", code=1).stderr
    assert "invalid target period '11/2026'" in cli("target", "set", "1k", "--period", "11/2026", code=1).stderr
    text = cli("target", "show").stdout
    assert "Won so far         €10,000 of €50,000 (20%), 1 deal of 3" in text
    assert "Warning: thin history" in text


def test_leads_needed_from_history(cli, add_lead):
    # 20 deals created in the spring, 5 won at 2,000: lead-to-win 25%, avg deal 2,000
    for i in range(20):
        lead_id = add_lead(f"old {i}", "--value", "2000", "--at", "2026-04-01")
        if i < 5:
            cli("close", str(lead_id), "--won", "--at", "2026-09-01")
    status = cli.json("target", "set", "30000", "--period", "2026-12")
    # gap 30,000 / 2,000 / 0.25 = 60 leads
    assert status["leads_needed"] == 60 and status["warnings"] == []


def test_html_and_svg(cli, pipeline, tmp_path):
    html, svg = tmp_path / "r.html", tmp_path / "r.svg"
    result = cli("report", "--html", str(html), "--svg", str(svg))
    assert result.stdout == "" and f"Wrote {html}" in result.stderr
    assert "<html" in html.read_text() and "Pipeline by stage" in html.read_text()
    assert svg.read_text().lstrip().startswith("<svg")
    assert "cannot write" in cli("report", "--html", str(tmp_path / "no" / "r.html"), code=1).stderr


def test_one_open_deal_and_no_closed_deals(cli, add_lead):
    add_lead("Only", "--value", "1000", "--at", "2026-11-20")
    r = cli.json("report")
    assert r["open"] == {"count": 1, "value": 1000, "weighted_value": 100}
    assert r["win_rate"] is None and r["sales_cycle_days"] == {"mean": None, "median": None}
    assert r["sales_velocity"]["per_day"] is None
    assert r["bottlenecks"]["summary"] == "Not enough history to name a bottleneck yet."
    text = cli("report").stdout
    # nothing to compute is said in words, not as "n/a = 0 x n/a x n/a / n/ad"
    assert "Velocity       n/a                         (no deals closed in the rates period)" in text
    assert "Sales cycle    n/a                         (no deals won in the rates period)" in text
    assert "n/ad" not in text and "= 0 x" not in text
    velocity = cli("report", "velocity").stdout
    assert "Nothing to compute: no deals closed in the rates period." in velocity


def test_backdated_events_out_of_insertion_order(cli, add_lead):
    """History written today about October counts where it happened, not when it was typed."""
    late = add_lead("Typed first, happened later", "--value", "100", "--at", "2026-11-20")
    early = add_lead("Typed second, happened earlier", "--value", "200", "--at", "2026-10-01")
    cli("close", str(early), "--won", "--at", "2026-10-10")
    cli("close", str(late), "--lost", "--at", "2026-11-21")
    october = cli.json("report", "--period", "last-month")
    assert october["won"] == {"count": 1, "value": 200} and october["lost"]["count"] == 0
    assert october["sales_cycle_days"] == {"mean": 9.0, "median": 9.0}
    assert cli.json("report", "--as-of", "2026-10-05")["open"]["count"] == 1
    assert cli.json("report", "--as-of", "2026-09-30")["open"]["count"] == 0


def test_as_of_takes_the_newest_of_events_at_the_same_moment(cli, add_lead):
    """Date-only moves on one day share the day's first moment; the state as of that day is the
    last of them (the newest event), not any event of that moment."""
    lead = add_lead("Tie", "--value", "1000", "--at", "2026-11-20")
    cli("verify", str(lead), "--at", "2026-11-20")
    cli("propose", str(lead), "--at", "2026-11-20")
    stages = cli.json("report", "pipeline", "--as-of", "2026-11-21")["stages"]
    assert {s["key"]: s["count"] for s in stages if s["count"]} == {"proposal": 1}


def test_the_report_reads_one_state_of_the_file(cli, pipeline, db_path, monkeypatch):
    """A change another command commits while the report runs does not reach the parts read
    after it: every part is read in one transaction (here F moves to another currency just
    before the won figures are read; the count of other-currency leads is read later)."""
    import sqlite3

    from salespipe.store import reports

    real = reports.closed_between
    committed = []

    def closed_between_after_a_commit(*args, **kwargs):
        if not committed:
            other = sqlite3.connect(db_path, isolation_level=None)
            other.execute("UPDATE leads SET currency = 'USD' WHERE title = 'F'")
            other.close()
            committed.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "closed_between", closed_between_after_a_commit)
    r = cli.json("report")
    assert committed == [True]
    assert r["other_currency_leads"] == 0  # as the file was when the report began
    monkeypatch.setattr(reports, "closed_between", real)
    assert cli.json("report")["other_currency_leads"] == 1  # the next report sees it


def test_as_of_invents_no_close_date(cli, tmp_path):
    """A deal imported won or lost without a close date has one event (created in its closed
    stage) and no closed_at: the live report leaves it out of every period but "all", the
    sales cycle and velocity, and so does the report as of a past day (the event's moment is
    its creation, not its close)."""
    csv = tmp_path / "closed.csv"
    csv.write_text(
        "Id,Name,Email,Stage,Amount,Created\n"
        "1,Won undated,w@x.de,Won,1000,2026-11-05\n"
        "2,Lost undated,l@x.de,Lost,2000,2026-11-05\n"
        "3,Open,o@x.de,Qualified,3000,2026-11-05\n",
        encoding="utf-8",
    )
    cli("import", str(csv))
    live = cli.json("report")
    assert live["won"] == {"count": 0, "value": 0} and live["lost"]["count"] == 0
    as_of = cli.json("report", "--as-of", "2026-11-25")
    assert as_of["won"] == live["won"] and as_of["lost"] == live["lost"]
    assert as_of["closed_in_rates_period"] == live["closed_in_rates_period"] == {"won": 0, "lost": 0}
    assert as_of["sales_cycle_days"] == live["sales_cycle_days"]
    # in --period all it counts, as in the live report
    every = cli.json("report", "--period", "all", "--as-of", "2026-11-25")
    assert every["won"] == {"count": 1, "value": 1000} and every["lost"]["count"] == 1


def test_demo_prints_the_report_as_report_does(cli, tmp_path):
    """`demo` shows the same text as `report` on the database it made (stage labels in the
    attention lists, not keys)."""
    kept = tmp_path / "demo.db"
    shown = cli("demo", "--db", str(kept)).stdout
    assert shown == cli("--db", str(kept), "report").stdout
    assert "New (identified)" in shown.split("Needs attention")[1]
