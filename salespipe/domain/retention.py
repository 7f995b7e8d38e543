"""After the sale, in figures: the net promoter score of survey answers and a customer's
lifetime value. Pure functions; the store reads the answers and the won deals.

NPS = the share of promoters (9-10) minus the share of detractors (0-6), in points from -100 to
100, over the answers given in a period (each answer counts, also several from one
organisation). No answers: no score (``None``, "n/a"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
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
