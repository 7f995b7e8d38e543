"""After the sale, in figures: the net promoter score of survey answers and why a customer is
at risk. Pure functions; the store reads the answers, the won deals and the touches.

NPS = the share of promoters (9-10) minus the share of detractors (0-6), in points from -100 to
100, over the answers given in a period (each answer counts, also several from one
organisation). No answers: no score (``None``, "n/a"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypedDict

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
MIN_SCORE, MAX_SCORE = 0, 10


class Nps(TypedDict):
    nps: float | None  # points, one decimal
    answers: int
    promoters: int
    passives: int
    detractors: int


def check_score(score: int) -> int:
    """A survey score 0 to 10, or ValueError."""
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"a score is a whole number from {MIN_SCORE} to {MAX_SCORE}, not {score!r}")
    return score


def nps(scores: Iterable[int]) -> Nps:
    """The net promoter score of ``scores`` (each 0-10)."""
    promoters = passives = detractors = 0
    for score in scores:
        check_score(score)
        if score >= PROMOTER_FROM:
            promoters += 1
        elif score <= DETRACTOR_UP_TO:
            detractors += 1
        else:
            passives += 1
    answers = promoters + passives + detractors
    value = round((promoters - detractors) * 100 / answers, 1) if answers else None
    return {"nps": value, "answers": answers, "promoters": promoters, "passives": passives, "detractors": detractors}


def score_group(score: int) -> str:
    """promoter, passive or detractor."""
    check_score(score)
    return "promoter" if score >= PROMOTER_FROM else "detractor" if score <= DETRACTOR_UP_TO else "passive"


# Customers at risk ------------------------------------------------------------------------------
DEFAULT_RISK_DAYS = 90
NO_TOUCH = "no_touch"  # no activity, stage change, done task or survey for the days given
FALLING_SCORE = "falling_score"  # the latest survey answer is lower than the one before
RISKS = (NO_TOUCH, FALLING_SCORE)


def risk_reasons(*, last_touch: datetime | None, scores: Sequence[int], now: datetime, days: int) -> list[str]:
    """Why a customer is at risk (``RISKS``, in that order; empty: it is not): no touch for
    ``days`` days or more (none at all counts as none for long), or a falling score: ``scores``
    newest first, the newest lower than the one before."""
    if days < 1:
        raise ValueError(f"the days without a touch are a whole number from 1, not {days!r}")
    reasons = []
    if last_touch is None or (now - last_touch).total_seconds() >= days * 86_400:
        reasons.append(NO_TOUCH)
    if len(scores) >= 2 and scores[0] < scores[1]:
        reasons.append(FALLING_SCORE)
    return reasons
