"""The customer journey and the after-sales figures: the pure rules (domain.journey,
domain.retention) against hand-worked cases."""

from datetime import date

import pytest
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
        assert got["nps"] is not None and abs(got["nps"] - exact) <= 0.05 and -100 <= got["nps"] <= 100


@given(
    st.dictionaries(st.sampled_from(journey.PIPELINE_PHASES), st.dates(date(2020, 1, 1), date(2030, 1, 1)), max_size=4),
    st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
)
def test_path_days_never_go_backwards(reached, first_won):
    days = list(journey.path(journey.OrgFacts(reached=reached, first_won=first_won)).values())
    assert days == sorted(days)
