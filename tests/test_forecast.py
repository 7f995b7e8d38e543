"""The forecast (issue 12): categories, the Monte Carlo against the exact distribution, the
close-date rules, and `salespipe forecast` on a pipeline worked out by hand."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date

import pytest
from conftest import dump
from hypothesis import given, settings
from hypothesis import strategies as st

from salespipe.domain import forecast as rules
from salespipe.domain.errors import InvalidValue

# The Monte Carlo against the exact distribution ------------------------------------------------

DEALS = [(0.5, 100), (0.3, 250), (0.8, 40), (0.12, 1000)]  # (probability, value)


def exact_distribution(deals):
    """Every outcome of the deals (2^n of them) -> {total: probability}."""
    out: dict[int, float] = {}
    for won in itertools.product((False, True), repeat=len(deals)):
        chance = math.prod(p if w else 1 - p for (p, _), w in zip(deals, won, strict=True))
        total = sum(v for (_, v), w in zip(deals, won, strict=True) if w)
        out[total] = out.get(total, 0.0) + chance
    return dict(sorted(out.items()))


def cdf(distribution, x):
    return sum(p for total, p in distribution.items() if total <= x)


def exact_quantile(distribution, level):
    running = 0.0
    for total, p in distribution.items():
        running += p
        if running >= level - 1e-12:
            return total
    raise AssertionError


def test_the_exact_distribution_by_hand():
    dist = exact_distribution(DEALS)
    assert len(dist) == 16 and math.isclose(sum(dist.values()), 1)
    # nothing won: 0.5 x 0.7 x 0.2 x 0.88
    assert math.isclose(dist[0], 0.0616)
    # at least 1,000 exactly when the 1,000 deal is won
    assert math.isclose(sum(p for t, p in dist.items() if t >= 1000), 0.12)
    # at least 300: the 1,000 deal, or else 250 with 100: 0.12 + 0.88 x 0.3 x 0.5
    assert math.isclose(sum(p for t, p in dist.items() if t >= 300), 0.252)
    # without the 1,000 deal (x 0.88): 0 0.07, 40 0.28, 100 0.07, 140 0.28, ..., 390 0.12; so
    # P(<= 40) = 0.308, P(<= 100) = 0.3696, P(<= 140) = 0.616, P(<= 390) = 0.88,
    # P(<= 1,000) = 0.8876, P(<= 1,040) = 0.88 + 0.12 x 0.35 = 0.922
    assert math.isclose(cdf(dist, 140), 0.616) and math.isclose(cdf(dist, 1040), 0.922)
    assert [exact_quantile(dist, level) for level in rules.LEVELS] == [40, 140, 1040]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_seeded_monte_carlo_matches_the_exact_distribution(seed):
    runs = 40_000
    dist = exact_distribution(DEALS)
    sim = rules.simulate(random.Random(seed), [p for p, _ in DEALS], [v for _, v in DEALS], runs)
    assert sim.exact == len(DEALS) and sim.approximated == 0
    assert len(sim.totals) == runs and sim.totals == sorted(sim.totals)
    for level in rules.LEVELS:
        drawn = rules.quantile(sim.totals, level)
        assert drawn in dist
        tolerance = 4 * math.sqrt(level * (1 - level) / runs)
        # the drawn quantile is one the exact distribution allows within sampling error ...
        assert cdf(dist, drawn) >= level - tolerance
        assert cdf(dist, drawn - 1) <= level + tolerance
        # ... and here, where no step of the distribution is near the level, the exact one
        assert drawn == exact_quantile(dist, level)
    for goal in (140, 300, 1000):
        exact = sum(p for t, p in dist.items() if t >= goal)
        assert abs(rules.share_reaching(sim.totals, goal) - exact) <= 4 * math.sqrt(exact * (1 - exact) / runs)


def test_the_same_seed_gives_the_same_runs():
    chances, values = [0.2, 0.55, 0.9, 0.05], [700, 300, 1200, 99]
    one = rules.simulate(random.Random(42), chances, values, 5000)
    two = rules.simulate(random.Random(42), chances, values, 5000)
    assert one == two
    assert one != rules.simulate(random.Random(43), chances, values, 5000)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 10**9)), max_size=12), st.integers(1, 300), st.integers(0, 2**32)
)
def test_every_run_is_a_sum_of_some_of_the_deals(deals, runs, seed):
    chances, values = [c for c, _ in deals], [v for _, v in deals]
    sim = rules.simulate(random.Random(seed), chances, values, runs)
    certain = sum(v for c, v in deals if c >= 1)
    possible = sum(v for c, v in deals if c > 0)
    assert len(sim.totals) == runs
    assert all(certain <= t <= possible for t in sim.totals)
    assert sim.approximated == 0  # a small pipeline is always drawn deal by deal
    assert rules.quantile(sim.totals, 0.1) <= rules.quantile(sim.totals, 0.5) <= rules.quantile(sim.totals, 0.9)


def test_a_big_pipeline_draws_its_small_deals_as_one_normal_sum():
    rng = random.Random(5)
    chances = [rng.choice([0.1, 0.2, 0.4, 0.6, 0.8]) for _ in range(3000)]
    values = [rng.randint(5, 900) * 100 for _ in range(3000)]
    sim = rules.simulate(random.Random(9), chances, values, 4000, budget=100_000)
    assert sim.approximated > rules.MIN_NORMAL and sim.exact + sim.approximated == 3000
    assert sim.largest_approximated <= rules.MAX_NORMAL_SHARE
    mean = sum(c * v for c, v in zip(chances, values, strict=True))
    spread = math.sqrt(sum(c * (1 - c) * v * v for c, v in zip(chances, values, strict=True)))
    # the sum of thousands of independent deals is normal: P10/P50/P90 at -1.28, 0, +1.28 spreads
    for level, z in ((0.1, -1.2816), (0.5, 0.0), (0.9, 1.2816)):
        assert abs(rules.quantile(sim.totals, level) - (mean + z * spread)) < 0.1 * spread


def test_runs_must_be_positive():
    with pytest.raises(InvalidValue):
        rules.simulate(random.Random(1), [0.5], [10], 0)


# Close dates --------------------------------------------------------------------------------


def test_without_slip_history_a_deal_closes_on_its_date_or_today_when_past():
    today = date(2026, 11, 26)
    assert rules.close_day(date(2026, 12, 3), today) == date(2026, 12, 3)
    assert rules.close_day(date(2026, 10, 3), today) == today
    nov = (date(2026, 11, 1), date(2026, 11, 30))
    assert rules.NO_SLIP.chance(date(2026, 11, 28), today, *nov) == 1.0
    assert rules.NO_SLIP.chance(date(2026, 12, 1), today, *nov) == 0.0
    assert rules.NO_SLIP.chance(date(2026, 9, 1), today, *nov) == 1.0  # past: today


def test_offsets_chance_by_hand():
    # slips of -5, 0, 10 and 40 days, each once
    slips = rules.offsets([(10, 1.0), (-5, 1.0), (40, 1.0), (0, 1.0)])
    assert slips.days == (-5, 0, 10, 40) and slips.cumulative == (1.0, 2.0, 3.0, 4.0)
    today = date(2026, 11, 26)
    nov, dec = (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31))
    # expected 2026-11-28: -5 lands before today (not possible any more): 0 and 10 and 40 remain;
    # 0 -> 28 Nov, 10 -> 8 Dec, 40 -> 7 Jan
    assert slips.chance(date(2026, 11, 28), today, *nov) == pytest.approx(1 / 3)
    assert slips.chance(date(2026, 11, 28), today, *dec) == pytest.approx(1 / 3)
    # expected 2026-12-10: all four possible: 5 Dec, 10 Dec, 20 Dec in December, 19 Jan not
    assert slips.chance(date(2026, 12, 10), today, *dec) == pytest.approx(3 / 4)
    # expected long ago: no slip reaches today, so it is taken to close today
    assert slips.chance(date(2025, 1, 1), today, *nov) == 1.0
    assert slips.chance(date(2025, 1, 1), today, *dec) == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-60, 120), st.floats(0.1, 5)), min_size=1, max_size=15), st.integers(-90, 90))
def test_the_chances_of_the_months_add_up_to_one(pairs, offset):
    slips = rules.offsets(pairs)
    today = date(2026, 11, 26)
    base = date.fromordinal(today.toordinal() + offset)
    months = rules.buckets(date(2025, 1, 1), date(2027, 12, 31), "month")
    assert sum(slips.chance(base, today, b.first, b.last) for b in months) == pytest.approx(1.0)


def test_buckets():
    assert rules.buckets(date(2026, 11, 15), date(2027, 1, 10), "month") == [
        rules.Bucket("2026-11", date(2026, 11, 15), date(2026, 11, 30)),
        rules.Bucket("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        rules.Bucket("2027-01", date(2027, 1, 1), date(2027, 1, 10)),
    ]
    weeks = rules.buckets(date(2026, 11, 1), date(2026, 11, 30), "week")  # 1 Nov 2026 is a Sunday
    assert [(w.label, w.first.day, w.last.day) for w in weeks] == [
        ("2026-W44", 1, 1),
        ("2026-W45", 2, 8),
        ("2026-W46", 9, 15),
        ("2026-W47", 16, 22),
        ("2026-W48", 23, 29),
        ("2026-W49", 30, 30),
    ]


def test_categories():
    assert rules.parse_category("Best case") == "best-case" == rules.parse_category("best_case")
    assert rules.parse_category("omitted") == "omit"
    assert rules.parse_category("auto", auto=True) is None
    with pytest.raises(InvalidValue, match="choose from: commit, best-case, pipeline, omit"):
        rules.parse_category("maybe")
    with pytest.raises(InvalidValue):
        rules.parse_category("auto")
    assert [rules.stage_category(p, None) for p in (10, 59, 60, 79, 80, 100)] == [
        "pipeline",
        "pipeline",
        "best-case",
        "best-case",
        "commit",
        "commit",
    ]
    assert rules.stage_category(90, "omit") == "omit"


# `salespipe forecast` ----------------------------------------------------------------------------


@pytest.fixture
def pipeline(cli, add_lead):
    """ "Now" is 2026-11-26 10:00 UTC (conftest). This month, by hand (configured probabilities):
    won G 7,000; open in November: A 10,000 at 60 % (proposal: best case) and C 5,000 at 10 %
    (new: pipeline; expected in October, so taken to close today); B 20,000 at 80 % (commit)
    is expected in December; D 8,000 is omitted; E has no value; F no close date, and no deal
    was ever won from its stage (qualified) to draw one from; H 2,000 has no close date either,
    but G was won 16 days after entering new, so H, new today, closes on 12 December."""
    a = add_lead("A", "--value", "10000", "--close-date", "2026-11-30", "--at", "2026-11-02")
    cli("propose", str(a), "--at", "2026-11-03")
    b = add_lead("B", "--value", "20000", "--close-date", "2026-12-15", "--at", "2026-11-02")
    cli("negotiate", str(b), "--at", "2026-11-04")
    add_lead("C", "--value", "5000", "--close-date", "2026-10-10", "--at", "2026-10-01")
    d = add_lead("D", "--value", "8000", "--close-date", "2026-11-20", "--at", "2026-11-01")
    cli("qualify", str(d), "--at", "2026-11-02")
    cli("lead", "edit", str(d), "--forecast", "omit")
    add_lead("E", "--close-date", "2026-11-20")
    add_lead("F", "--value", "3000", "--stage", "qualified")
    add_lead("H", "--value", "2000")
    g = add_lead("G", "--value", "7000", "--at", "2026-10-20")
    cli("close", str(g), "--won", "--at", "2026-11-05")
    cli("target", "set", "15000", "--period", "2026-11")


def test_forecast_json_by_hand(cli, pipeline):
    r = cli.json("forecast", "--seed", "11", "--probabilities", "configured")
    assert r["period"] == {"start": "2026-11-01", "end": "2026-11-30", "label": "this-month"}
    assert r["probabilities"] == "configured" and r["runs"] == 10_000 and r["seed"] == 11
    assert r["won"] == {"count": 1, "value": 7000}
    assert r["open"] == {"count": 2, "value": 15000}
    assert r["weighted"] == 6500  # 10,000 x 60 % + 5,000 x 10 %
    # won 7,000 plus: nothing (0.4 x 0.9 = 0.36), C (0.04), A (0.54), both (0.06)
    assert (r["p10"], r["p50"], r["p90"]) == (7000, 17000, 17000)
    assert r["target"] == {"period": "2026-11", "goal": 15000, "gap": 8000}
    assert abs(r["p_hit_target"] - 0.60) < 0.02  # A won
    assert r["categories"] == {
        "commit": {"count": 0, "value": 0, "weighted": 0},
        "best_case": {"count": 1, "value": 10000, "weighted": 6000},
        "pipeline": {"count": 1, "value": 5000, "weighted": 500},
        "omitted": {"count": 1, "value": 8000, "weighted": 3200},
    }
    assert r["months"] == [
        {
            "label": "2026-11",
            "start": "2026-11-01",
            "end": "2026-11-30",
            "won": 7000,
            "commit": 0,
            "best_case": 10000,
            "pipeline": 500,
            "forecast": 13500,
            "target": 15000,
            "gap": 1500,
        }
    ]
    assert r["slip"] == {"deals": 0, "used": False, "median_days": None, "note": "no slip history: no slip assumed"}
    assert r["left_out"] == {"without_value": 1, "without_close_date": 1, "omitted": 1, "other_currency": 0}
    assert r["verdict"] == f"{round(r['p_hit_target'] * 100)}% chance to reach the €15,000 target (median €17,000)."
    assert {
        "period",
        "won",
        "weighted",
        "p10",
        "p50",
        "p90",
        "target",
        "p_hit_target",
        "probabilities",
        "months",
        "categories",
    } <= set(r)


def test_forecast_by_month_over_a_quarter(cli, pipeline):
    r = cli.json("forecast", "--period", "this-quarter", "--seed", "3", "--probabilities", "configured")
    assert r["period"] == {"start": "2026-10-01", "end": "2026-12-31", "label": "this-quarter"}
    assert [
        (m["label"], m["won"], m["commit"], m["best_case"], m["pipeline"], m["forecast"], m["target"])
        for m in r["months"]
    ] == [
        ("2026-10", 0, 0, 0, 0, 0, None),
        ("2026-11", 7000, 0, 10000, 500, 13500, 15000),
        ("2026-12", 0, 20000, 0, 0, 16200, None),
    ]  # B 20,000 x 80 % and H 2,000 x 10 %
    assert r["target"] is None and r["p_hit_target"] is None  # no target for 2026-Q4
    assert r["categories"]["commit"] == {"count": 1, "value": 20000, "weighted": 16000}
    csv = cli("forecast", "--period", "this-quarter", "--seed", "3", "--csv").stdout.splitlines()
    assert csv[0] == "label,start,end,won,commit,best_case,pipeline,forecast,target,gap"
    assert len(csv) == 4


def test_forecast_is_repeatable_with_a_seed_and_says_it(cli, pipeline):
    one = cli("forecast", "--seed", "5").stdout
    assert one == cli("forecast", "--seed", "5").stdout
    assert "10,000 runs, seed 5 (--seed 5 repeats them)." in one
    drawn = cli.json("forecast")["seed"]
    assert cli.json("forecast", "--seed", str(drawn))["p50"] == cli.json("forecast", "--seed", str(drawn))["p50"]


def test_forecast_text(cli, pipeline):
    out = cli("forecast", "--seed", "11", "--probabilities", "configured").stdout
    lines = out.splitlines()
    assert lines[0] == "Forecast, this month (2026-11-01 to 2026-11-30), EUR"
    chance = round(cli.json("forecast", "--seed", "11", "--probabilities", "configured")["p_hit_target"] * 100)
    assert lines[1] == f"{chance}% chance to reach the €15,000 target (median €17,000)."
    assert "Close dates    no slip history: no slip assumed" in lines
    assert "Probabilities  configured: 1 closed deal(s) (1 won) are too few to learn from" in lines
    assert "2026-11  €7,000      €0    €10,000      €500   €13,500  €15,000  €1,500" in lines
    assert "1 deal(s) in the omit category are left out." in out
    assert "1 open deal(s) without a value are left out." in out


@pytest.mark.parametrize("columns", ["80", "60", "40"])
def test_forecast_fits_the_terminal(cli, pipeline, monkeypatch, columns):
    from salespipe.render.table import width_of

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("FORCE_COLOR", "1")  # the width of a terminal
    for args in (("forecast",), ("forecast", "--period", "this-quarter", "--by", "week")):
        out = cli(*args, "--seed", "1").stdout
        import re

        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert max(width_of(line) for line in plain.splitlines()) <= int(columns), plain


def test_forecast_in_german(cli, pipeline):
    import os
    from pathlib import Path

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "salespipe" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('language = "de"\n')
    out = cli("forecast", "--seed", "11", "--probabilities", "configured").stdout
    chance = round(cli.json("forecast", "--seed", "11", "--probabilities", "configured")["p_hit_target"] * 100)
    assert out.splitlines()[1] == (f"{chance} % Chance, das Ziel von 15.000 € zu erreichen (Median 17.000 €).")
    assert "Monat" in out and "Bester Fall" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "all"), "a forecast is for a period with a first and a last day"),
        (("--period", "someday"), "unknown period 'someday'"),
        (("--since", "2026-12-01"), "--since needs --until"),
        (("--since", "2026-12-10", "--until", "2026-12-01"), "is after --until"),
        (("--period", "this-month", "--until", "2026-12-01"), "either --period or --since/--until"),
        (("--since", "2026-01-01", "--until", "2040-01-01"), "at most 10 years ahead"),
        (("--currency", "EURO"), "currency"),
    ],
)
def test_forecast_refuses_what_it_cannot_do(cli, pipeline, args, message):
    result = cli("forecast", *args, code=1)
    assert message in result.stderr and result.stderr.startswith("Error: ") and result.stdout == ""


@pytest.mark.parametrize(
    "args", [("--by", "day"), ("--runs", "0"), ("--probabilities", "guessed"), ("--json", "--csv"), ("--seed", "-1")]
)
def test_forecast_usage_errors(cli, pipeline, args):
    assert cli("forecast", *args, code=2).stdout == ""


def test_forecast_changes_nothing(cli, pipeline, db_path):
    before = dump(db_path)
    cli("forecast", "--period", "next-quarter", "--json")
    cli("forecast", "--period", "all", code=1)
    assert dump(db_path) == before


def test_an_empty_pipeline(cli):
    r = cli.json("forecast", "--seed", "1")
    assert (r["p10"], r["p50"], r["p90"], r["weighted"]) == (0, 0, 0, 0)
    assert r["verdict"] == "Nothing open is expected to close in this period; won so far €0."
    assert r["probabilities"] == "configured" and r["history"]["closed_deals"] == 0


# Forecast categories ------------------------------------------------------------------------------


def test_a_deals_category_survives_stage_moves_until_cleared(cli, add_lead):
    lead = add_lead("A", "--value", "1000", "--close-date", "2026-11-28")
    edited = cli.json("lead", "edit", str(lead), "--forecast", "commit")
    assert edited["forecast_override"] == "commit"
    assert edited["changes"] == [{"field": "forecast_override", "from": None, "to": "commit"}]
    cli("verify", str(lead))
    cli("propose", str(lead))
    card = cli("lead", "show", str(lead)).stdout
    assert "Forecast        commit (the deal's own)" in card
    assert cli.json("lead", "show", str(lead))["forecast_override"] == "commit"
    assert cli.json("forecast", "--seed", "1")["categories"]["commit"]["count"] == 1
    cli("lead", "edit", str(lead), "--clear", "forecast")
    assert "Forecast        best case (the stage's)" in cli("lead", "show", str(lead)).stdout
    assert cli.json("forecast", "--seed", "1")["categories"]["best_case"]["count"] == 1
    assert "unknown forecast category 'later'" in cli("lead", "edit", str(lead), "--forecast", "later", code=1).stderr


def test_a_stages_category(cli, add_lead):
    add_lead("A", "--value", "1000", "--close-date", "2026-11-28")  # in new: pipeline by its 10 %
    assert cli.json("forecast", "--seed", "1")["categories"]["pipeline"]["count"] == 1
    said = cli("stage", "set", "new", "--forecast", "best case").stderr
    assert "forecast best case." in said
    assert [s["forecast_category"] for s in cli.json("stage", "list")][:2] == ["best-case", None]
    assert cli.json("forecast", "--seed", "1")["categories"]["best_case"]["count"] == 1
    assert "negotiation  Negotiation        80%  open          14  commit*" in cli("stage", "list").stdout
    cli("stage", "set", "new", "--forecast", "auto")
    assert cli.json("stage", "list")[0]["forecast_category"] is None
    assert "is a won stage" in cli("stage", "set", "won", "--forecast", "commit", code=1).stderr


def test_undo_reverts_a_category(cli, add_lead):
    lead = add_lead("A")
    cli("lead", "edit", str(lead), "--forecast", "omit")
    cli("undo", "--yes")
    assert cli.json("lead", "show", str(lead))["forecast_override"] is None


# The report's headline -----------------------------------------------------------------------------


def test_the_report_headline_has_the_forecast(cli, pipeline):
    r = cli.json("report")
    f = r["forecast"]
    assert (f["p10"], f["p50"], f["p90"], f["goal"]) == (7000, 17000, 17000, 15000)
    assert f["runs"] == 2000 and f["seed"] == 20261126
    assert abs(f["p_hit_target"] - 0.60) < 0.05
    assert f == cli.json("report")["forecast"]  # seeded by the date: the same all day
    text = cli("report").stdout
    assert "Forecast       €17,000 median (P50)" in text
    assert "Forecast: 2,000 runs seeded by the date; salespipe forecast has more." in text
    assert cli.json("report", "--as-of", "2026-11-20")["forecast"] is None
    assert cli.json("report", "--period", "all")["forecast"] is None
    assert cli.json("report", "--since", "2000-01-01", "--until", "2026-11-26")["forecast"] is None  # > 10 years


def test_next_periods():
    from salespipe.domain.dates import parse_period

    day = date(2026, 12, 26)
    assert parse_period("next-month", day)[1:] == (date(2027, 1, 1), date(2027, 1, 31), "2027-01")
    assert parse_period("next-quarter", day)[1:] == (date(2027, 1, 1), date(2027, 3, 31), "2027-Q1")
    assert parse_period("next-year", day)[1:] == (date(2027, 1, 1), date(2027, 12, 31), "2027")


# Probabilities learned from the stage events (part 2) -------------------------------------------

STAGES = [
    rules.StageInfo("new", "open", 10),
    rules.StageInfo("qualified", "open", 40),
    rules.StageInfo("proposal", "open", 60),
    rules.StageInfo("won", "won", 100),
    rules.StageInfo("lost", "lost", 0),
]


def learned(transitions, visits=None, pseudo=0):
    return {item.stage: item for item in rules.learn(transitions, visits or {}, STAGES, pseudo=pseudo)}


def test_a_straight_pipeline_is_the_product_of_its_advance_rates():
    moves = {
        ("new", "qualified"): 6,
        ("new", "lost"): 4,
        ("qualified", "proposal"): 4,
        ("qualified", "lost"): 2,
        ("proposal", "won"): 3,
        ("proposal", "lost"): 1,
        (None, "new"): 10,
    }
    result = learned(moves)
    assert result["proposal"].observed == pytest.approx(3 / 4)
    assert result["qualified"].observed == pytest.approx(4 / 6 * 3 / 4)  # 0.5
    assert result["new"].observed == pytest.approx(6 / 10 * 4 / 6 * 3 / 4)  # 0.3
    assert list(result) == ["new", "qualified", "proposal"]  # open stages only


def test_a_deal_sent_back_is_a_step_of_the_chain():
    # proposal: 3 won, 1 lost, 1 back to qualified; qualified: 4 on to proposal, 2 lost
    # x_p = 3/5 + 1/5 x_q, x_q = 4/6 x_p  =>  x_p = 9/13, x_q = 6/13
    moves = {
        ("qualified", "proposal"): 4,
        ("qualified", "lost"): 2,
        ("proposal", "won"): 3,
        ("proposal", "lost"): 1,
        ("proposal", "qualified"): 1,
    }
    result = learned(moves)
    assert result["proposal"].observed == pytest.approx(9 / 13)
    assert result["qualified"].observed == pytest.approx(6 / 13)
    # new: no deal left it, so it keeps its configured value
    assert result["new"].observed is None and result["new"].learned == pytest.approx(0.1)


def test_the_prior_pulls_toward_the_configured_value_by_the_number_of_deals():
    moves = {("proposal", "won"): 3, ("proposal", "lost"): 1}
    item = learned(moves, {"proposal": 4}, pseudo=10)["proposal"]
    # (4 x 0.75 + 10 x 0.6) / 14
    assert item.learned == pytest.approx(9 / 14) and item.deals == 4
    # the interval is that of Beta(4 x 0.75 + 6, 4 x 0.25 + 4) = Beta(9, 5)
    assert rules.beta_cdf(item.low, 9, 5) == pytest.approx(0.1) and rules.beta_cdf(item.high, 9, 5) == pytest.approx(
        0.9
    )
    many = learned({("proposal", "won"): 750, ("proposal", "lost"): 250}, {"proposal": 1000}, pseudo=10)["proposal"]
    assert many.learned == pytest.approx((750 + 6) / 1010) and many.high - many.low < 0.04
    assert learned({}, {}, pseudo=10)["proposal"].learned == pytest.approx(0.6)


def test_the_beta_distribution_by_hand():
    assert rules.beta_cdf(0.3, 1, 1) == pytest.approx(0.3)  # uniform
    assert rules.beta_cdf(0.3, 2, 2) == pytest.approx(3 * 0.3**2 - 2 * 0.3**3)
    assert rules.beta_quantile(0.5, 2, 2) == pytest.approx(0.5)
    assert rules.beta_quantile(0.9, 1, 1) == pytest.approx(0.9)
    assert rules.beta_quantile(0.5, 0, 5) == 0.0 and rules.beta_quantile(0.5, 5, 0) == 1.0


@settings(max_examples=200, deadline=None)
@given(st.floats(0.3, 3000), st.floats(0.3, 3000), st.floats(0.02, 0.98))
def test_the_beta_quantile_inverts_the_distribution(a, b, level):
    x = rules.beta_quantile(level, a, b)
    assert 0 <= x <= 1
    assert rules.beta_cdf(x, a, b) == pytest.approx(level, abs=1e-6)


@pytest.fixture
def history(cli, add_lead):
    """20 closed deals: 6 won from proposal, 2 lost there, 4 lost in qualified, 8 in new. By
    hand: proposal 6/8 = 0.75, qualified 8/12 x 0.75 = 0.5, new 12/20 x 0.5 = 0.3."""

    def deal(name, *moves):
        lead = add_lead(name, "--value", "1000", "--at", "2026-09-01")
        for day, move in enumerate(moves, start=2):
            cli(*move(str(lead)), "--at", f"2026-09-{day:02d}")

    for i in range(6):
        deal(f"W{i}", lambda d: ("qualify", d), lambda d: ("propose", d), lambda d: ("close", d, "--won"))
    for i in range(2):
        deal(f"P{i}", lambda d: ("qualify", d), lambda d: ("propose", d), lambda d: ("close", d, "--lost"))
    for i in range(4):
        deal(f"Q{i}", lambda d: ("qualify", d), lambda d: ("close", d, "--lost"))
    for i in range(8):
        deal(f"N{i}", lambda d: ("disqualify", d, "--reason", "no budget"))


def test_stage_probabilities_by_hand(cli, history):
    r = cli.json("stage", "probabilities")
    assert r["history"] == {"closed_deals": 20, "won_deals": 6, "enough": True, "most_recent": 2000}
    stages = {s["key"]: s for s in r["stages"]}
    assert list(stages) == ["new", "verified", "qualified", "proposal", "negotiation"]
    assert (stages["new"]["observed"], stages["new"]["deals"], stages["new"]["learned"]) == (0.3, 20, 0.2333)
    assert (stages["qualified"]["observed"], stages["qualified"]["deals"]) == (0.5, 12)
    assert stages["qualified"]["learned"] == 0.4545  # (12 x 0.5 + 10 x 0.4) / 22
    assert (stages["proposal"]["observed"], stages["proposal"]["learned"]) == (0.75, 0.6667)  # (6 + 6) / 18
    assert stages["verified"] == {
        "key": "verified",
        "label": "Verified",
        "configured": 0.2,
        "observed": None,
        "learned": 0.2,
        "deals": 0,
        "low": stages["verified"]["low"],
        "high": stages["verified"]["high"],
    }
    assert stages["proposal"]["low"] < 0.6667 < stages["proposal"]["high"]
    out = cli("stage", "probabilities").stdout
    assert "Proposal                 60%      67%" in out
    assert cli("stage", "probabilities", "--csv").stdout.splitlines()[0] == (
        "key,label,configured,observed,learned,deals,low,high"
    )


def test_deals_closed_at_one_moment_are_learned_from_newest_first(cli, history, monkeypatch):
    """Eight deals of the history closed at one moment (six won, two lost, ids 1-8): with room
    for four, the four newest by id are learned from (the two lost, two won), not whichever the
    index happens to hold first."""
    from salespipe.services import forecast as service

    monkeypatch.setattr(service, "HISTORY_DEALS", 4)
    assert cli.json("stage", "probabilities")["history"] == {
        "closed_deals": 4,
        "won_deals": 2,
        "enough": False,
        "most_recent": 4,
    }


def test_the_forecast_uses_learned_probabilities_once_there_is_history(cli, history, add_lead):
    lead = add_lead("Open", "--value", "9000", "--close-date", "2026-11-28")
    cli("propose", str(lead))
    r = cli.json("forecast", "--seed", "1")
    assert r["probabilities"] == "learned" and r["weighted"] == 6000  # 9,000 x 0.6667
    assert "learned from the 20 most recently closed deals (6 won)" in cli("forecast", "--seed", "1").stdout
    assert cli.json("forecast", "--seed", "1", "--probabilities", "configured")["weighted"] == 5400


def test_applying_the_learned_probabilities_and_undoing_it(cli, history, db_path):
    before = dump(db_path)
    said = " ".join(cli("stage", "probabilities", "--apply").stderr.split())
    assert said == (
        "Set the learned probabilities (learning again now shrinks toward these: apply once per batch of "
        "newly closed deals): New (identified): 10% -> 23% Qualified: 40% -> 45% Proposal: 60% -> 67%"
    )
    assert [s["probability"] for s in cli.json("stage", "list")][:5] == [23, 20, 45, 67, 80]
    cli("undo", "--yes")
    assert [s["probability"] for s in cli.json("stage", "list")][:5] == [10, 20, 40, 60, 80]
    assert dump(db_path) == before


def test_apply_refuses_a_thin_history(cli, add_lead, db_path):
    lead = add_lead("A", "--value", "10")
    cli("close", str(lead), "--won")
    before = dump(db_path)
    result = cli("stage", "probabilities", "--apply", code=1)
    assert result.stderr == (
        "Error: 1 closed deal(s), 1 won, are too few to learn from (at least 20 with 5 won); nothing changed\n"
    )
    assert dump(db_path) == before
    assert "Too few closed deals to rely on" in cli("stage", "probabilities").stdout


def test_deals_in_other_currencies_are_counted_not_converted(cli, add_lead):
    add_lead("EUR deal", "--value", "1000", "--close-date", "2026-11-28")
    add_lead("CHF deal", "--value", "CHF 5000", "--close-date", "2026-11-28")
    r = cli.json("forecast", "--seed", "1", "--probabilities", "configured")
    assert r["open"]["value"] == 1000 and r["left_out"]["other_currency"] == 1
    said = " ".join(cli("forecast", "--seed", "1").stdout.split())
    assert "1 open deal(s) in other currencies are left out (--currency CODE forecasts them)." in said
    chf = cli.json("forecast", "--seed", "1", "--currency", "chf", "--probabilities", "configured")
    assert chf["currency"] == "CHF" and chf["open"]["value"] == 5000 and chf["left_out"]["other_currency"] == 1


def test_deals_past_their_close_date_are_counted_and_said(cli, add_lead):
    """Without slip history an overdue deal is assumed to close today: the forecast says how
    many and how much, so that an inflated month is visible."""
    add_lead("Late", "--value", "8000", "--stage", "proposal", "--close-date", "2026-11-01", "--at", "2026-10-01")
    add_lead("On time", "--value", "2000", "--stage", "proposal", "--close-date", "2026-11-28")
    data = cli.json("forecast", "--seed", "1")
    assert data["overdue"] == {"count": 1, "value": 8000}
    text = " ".join(cli("forecast", "--seed", "1").stdout.split())
    assert "1 open deal(s), €8,000, are past their expected close date and counted as closing today" in text


def test_forecast_category_refusals(cli, add_lead, db_path):
    lead = add_lead("A", "--value", "1000")
    assert "contradict" in cli("lead", "edit", str(lead), "--forecast", "commit", "--clear", "forecast", code=1).stderr
    cli("close", str(lead), "--lost", "--reason", "no budget")
    before = dump(db_path)
    assert (
        "a forecast category is for open deals" in cli("lead", "edit", str(lead), "--forecast", "commit", code=1).stderr
    )
    assert dump(db_path) == before


def test_a_pipeline_typed_in_after_the_fact_learns_its_slips(cli, add_lead):
    """Deals added with --at and their close dates: the close date counts as known from the day
    the deal came in, so wins after it are slips (each here won 28 days late)."""
    for n in range(6):
        lead = add_lead(f"W{n}", "--value", "1000", "--at", f"2026-0{n + 2}-01", "--close-date", f"2026-0{n + 2}-10")
        cli("close", str(lead), "--won", "--at", f"2026-0{n + 3}-10")
    slip = cli.json("forecast")["slip"]
    assert slip["used"] and slip["deals"] == 6 and 28 <= slip["median_days"] <= 31
