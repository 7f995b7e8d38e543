"""`salespipe forecast backtest` (issue 12, part 4): the forecast made at each period's start
against what was won, worked out by hand, and no leakage from after a snapshot."""

from __future__ import annotations

import pytest

from salespipe.domain import forecast as rules
from salespipe.domain.errors import InvalidValue


def test_metrics_by_hand():
    pairs = [(110.0, 100.0), (50.0, 100.0), (30.0, 0.0)]
    assert rules.mape(pairs) == pytest.approx((0.1 + 0.5) / 2)  # the period with nothing won is left out
    assert rules.bias(pairs) == pytest.approx((190 - 200) / 200)
    assert rules.mape([(5.0, 0.0)]) is None and rules.bias([(5.0, 0.0)]) is None
    assert rules.coverage([(1, 3, 2), (1, 3, 4), (0, 0, 0)]) == pytest.approx(2 / 3)
    assert rules.brier([(0.6, True), (0.8, False), (0.0, True)]) == pytest.approx((0.16 + 0.64 + 1) / 3)
    assert rules.brier([(0.5, True), (0.5, False)]) == 0.25
    table = rules.reliability([(0.05, True), (0.05, False), (0.95, True), (1.0, True)])
    assert table[0] == rules.Reliability(0.0, 0.1, 2, 0.05, 0.5)
    assert table[9] == rules.Reliability(0.9, 1.0, 2, 0.975, 1.0)
    assert table[5] == rules.Reliability(0.5, 0.6, 0, None, None)


def test_periods():
    from datetime import date

    months = rules.periods(date(2026, 1, 15), date(2026, 4, 1), "month")
    assert [(m.label, str(m.first), str(m.last)) for m in months] == [
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-03", "2026-03-01", "2026-03-31"),
        ("2026-04", "2026-04-01", "2026-04-30"),
    ]
    quarters = rules.periods(date(2025, 10, 1), date(2026, 6, 30), "quarter")
    assert [q.label for q in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert quarters[0].last == date(2025, 12, 31)
    with pytest.raises(InvalidValue):
        rules.periods(date(2026, 1, 1), date(2026, 2, 1), "week")


@pytest.fixture
def pipeline(cli, add_lead):
    """Snapshot of October 2026: 2026-09-30 23:59:59. Open then: A 10,000 at proposal (60 %,
    best case), expected 15 October; B 20,000 at negotiation (80 %, commit), expected 20
    October; C 5,000 in new (10 %), expected 15 November. No deal closed before: configured
    probabilities, no slip. Then A is won on 20 October, B lost on 25 October, C won early on
    5 October, and D, created on 10 October, won on 12 October (3,000)."""
    a = add_lead("A", "--value", "10000", "--close-date", "2026-10-15", "--at", "2026-09-01")
    cli("propose", str(a), "--at", "2026-09-10")
    b = add_lead("B", "--value", "20000", "--close-date", "2026-10-20", "--at", "2026-09-01")
    cli("negotiate", str(b), "--at", "2026-09-05")
    c = add_lead("C", "--value", "5000", "--close-date", "2026-11-15", "--at", "2026-09-02")
    return a, b, c


def close_october(cli, add_lead, a, b, c):
    cli("close", str(a), "--won", "--at", "2026-10-20")
    cli("close", str(b), "--lost", "--reason", "price", "--at", "2026-10-25")
    cli("close", str(c), "--won", "--at", "2026-10-05")
    d = add_lead("D", "--value", "3000", "--at", "2026-10-10")
    cli("close", str(d), "--won", "--at", "2026-10-12")


def test_backtest_by_hand(cli, add_lead, pipeline):
    close_october(cli, add_lead, *pipeline)
    r = cli.json("forecast", "backtest", "--from", "2026-10-01", "--to", "2026-10-31", "--runs", "20000")
    assert (r["from"], r["to"], r["every"]) == ("2026-10-01", "2026-10-31", "month")
    [p] = r["periods"]
    assert p["snapshot"] == "2026-09-30T23:59:59Z" and p["probabilities"] == "configured"
    assert p["actual"] == {"count": 3, "value": 18000, "without_value": 0}  # A, C and D
    assert p["open"] == {"count": 3, "value": 35000, "without_value": 0, "without_close_date": 0}
    # weighted: 10,000 x 60 % + 20,000 x 80 % (C is expected in November); commit: B
    assert p["forecast"] == {
        "weighted_configured": 22000,
        "weighted_learned": 22000,
        "monte_carlo": 20000,
        "commit": 20000,
    }
    # nothing 0.08, A 0.12, B 0.32, both 0.48: P10 10,000, P50 20,000, P90 30,000
    assert (p["p10"], p["p90"], p["in_range"]) == (10000, 30000, True)
    # deals: 0 (0.08), 1 (0.44), 2 (0.48); 3 were won
    assert p["forecast_count"] == {"weighted_configured": 1.4, "weighted_learned": 1.4, "monte_carlo": 1, "commit": 1}
    assert (p["count_p10"], p["count_p90"], p["count_in_range"]) == (1, 2, False)
    assert r["mape"] == {
        "weighted_configured": 0.2222,
        "weighted_learned": 0.2222,
        "monte_carlo": 0.1111,
        "commit": 0.1111,
    }
    assert r["bias"] == r["mape"]  # all too high
    assert r["coverage"] == 1.0 and r["count"]["coverage"] == 0.0
    assert r["count"]["mape"]["weighted_configured"] == round(1.6 / 3, 4)
    assert r["count"]["bias"]["monte_carlo"] == round(-2 / 3, 4)
    # A said 60 % and was won, B 80 % and was lost, C 10 % x 0 (November) and was won: (0.16 + 0.64 + 1) / 3
    assert r["brier"] == {"configured": 0.6, "learned": 0.6, "deals": 3}
    buckets = {b["low"]: b["configured"] for b in r["reliability"]}
    assert buckets[0.0] == {"deals": 1, "predicted": 0.0, "observed": 1.0}
    assert buckets[0.6] == {"deals": 1, "predicted": 0.6, "observed": 1.0}
    assert buckets[0.8] == {"deals": 1, "predicted": 0.8, "observed": 0.0}
    assert r["values_known_at_close"] == {"deals": 0, "note": None}
    text = cli("forecast", "backtest", "--from", "2026-10-01", "--to", "2026-10-31", "--runs", "20000").stdout
    assert "2026-10  €18,000      3     €22,000  €22,000  €20,000  €10,000–€30,000  €20,000" in text
    assert "Monte Carlo P50         11%  +11%            67%          -67%" in text
    csv = cli("forecast", "backtest", "--from", "2026-10-01", "--to", "2026-10-31", "--csv").stdout.splitlines()
    assert csv[0].startswith("label,start,end,actual_count,actual_value,weighted_configured,") and len(csv) == 2


def forecast_part(period):
    keys = ("snapshot", "probabilities", "history", "open", "forecast", "forecast_count", "p10", "p90")
    return {k: period[k] for k in (*keys, "count_p10", "count_p90")}


@pytest.fixture
def history(cli, add_lead):
    """20 deals closed in August (6 won from proposal): enough to learn from by September."""
    for i in range(20):
        lead = add_lead(f"H{i}", "--value", "1000", "--close-date", "2026-08-20", "--at", "2026-08-01")
        if i < 6:
            cli("propose", str(lead), "--at", "2026-08-02")
            cli("close", str(lead), "--won", "--at", "2026-08-1" + str(i))
        else:
            cli("disqualify", str(lead), "--reason", "no budget", "--at", "2026-08-03")


def test_no_leakage_from_after_a_snapshot(cli, add_lead, history, pipeline):
    a, b, c = pipeline
    args = ("forecast", "backtest", "--from", "2026-09-01", "--to", "2026-10-31")
    before = [forecast_part(p) for p in cli.json(*args)["periods"]]
    assert before[1]["probabilities"] == "learned" and before[1]["history"]["closed_deals"] == 20
    # after October's snapshot: stage moves, values, close dates, probabilities and categories
    # change, deals close, a deal closed before it is reopened, new deals come and close
    cli("qualify", str(c), "--at", "2026-10-03")
    cli("lead", "edit", str(b), "--value", "50000", "--close-date", "2026-12-01", "--probability", "5")
    cli("lead", "edit", str(a), "--forecast", "omit")
    close_october(cli, add_lead, a, b, c)
    cli("reopen", "1", "--at", "2026-10-02")
    cli("close", "1", "--lost", "--reason", "price", "--at", "2026-10-04")
    cli("stage", "set", "new", "--forecast", "commit")  # a stage's category is today's (not recorded)
    cli("stage", "set", "new", "--forecast", "auto")
    after = cli.json(*args)
    assert [forecast_part(p) for p in after["periods"]] == before
    assert after["periods"][1]["actual"]["count"] == 3  # while what happened did change


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-10-01", "--to", "2026-11-01"), "2026-11 has not ended yet"),
        (("--from", "2026-10-02", "--to", "2026-10-30"), "no month starts between"),
        (("--from", "2026-10-01", "--to", "2026-09-01"), "is after --to"),
        (("--from", "2000-01-01", "--to", "2026-10-31"), "at most 10 years"),
    ],
)
def test_backtest_refuses_what_it_cannot_do(cli, args, message):
    result = cli("forecast", "backtest", *args, code=1)
    assert message in result.stderr and result.stderr.startswith("Error: ") and result.stdout == ""


@pytest.mark.parametrize("args", [("--every", "week"), ("--runs", "0"), ("--from", "someday")])
def test_backtest_usage_errors(cli, args):
    result = cli("forecast", "backtest", *args, code=2 if args[0] != "--from" else 1)
    assert result.stdout == ""


def test_backtest_default_range_and_an_empty_pipeline(cli):
    r = cli.json("forecast", "backtest")
    assert (r["from"], r["to"], len(r["periods"])) == ("2025-11-01", "2026-10-31", 12)
    assert r["mape"]["monte_carlo"] is None and r["brier"] == {"configured": None, "learned": None, "deals": 0}
    q = cli.json("forecast", "backtest", "--every", "quarter")
    assert [p["label"] for p in q["periods"]] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


@pytest.mark.parametrize("columns", ["100", "60", "40"])
def test_backtest_fits_the_terminal(cli, add_lead, pipeline, monkeypatch, columns):
    import re

    from salespipe.render.table import width_of

    close_october(cli, add_lead, *pipeline)
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = cli("forecast", "backtest", "--from", "2026-08-01", "--to", "2026-10-31").stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert max(width_of(line) for line in plain.splitlines()) <= int(columns), plain


def test_coverage_leaves_out_periods_that_test_no_range(cli, add_lead):
    """July, August and October have nothing open and nothing won: no test of P10-P90. In
    September a deal nobody knew of on the 1st was won: the range (0 to 0) missed it."""
    lead = add_lead("Late comer", "--value", "1000", "--stage", "proposal", "--at", "2026-09-05")
    cli("close", str(lead), "--won", "--at", "2026-09-10")
    r = cli.json("forecast", "backtest", "--from", "2026-07-01", "--to", "2026-10-31", "--seed", "1")
    assert r["coverage"] == 0.0 and r["count"]["coverage"] == 0.0


def test_the_refusal_hints_can_be_followed(cli):
    """The --to a refusal suggests is accepted; a default bound is named as such."""
    said = cli("forecast", "backtest", "--to", "2027-01-01", code=1).stderr
    hint = said.split("give --to ")[1].split()[0]
    assert hint == "2026-10-31"
    cli("forecast", "backtest", "--to", hint)
    assert (
        "the last whole quarter, which ends 2026-09-30"
        in cli("forecast", "backtest", "--from", "2026-10-01", "--every", "quarter", code=1).stderr
    )
