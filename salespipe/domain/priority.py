"""Which open deal to work first: an explainable score in the spirit of Taskwarrior's urgency.

score = sum of coefficient x term, each term between 0 and 1:

| term | 1 when | default coefficient |
|---|---|---|
| value | the deal has the biggest weighted value of the open pipeline (linear below) | 4.0 |
| idle | no touch for twice the stage's rotting days (linear from 0) | 3.0 |
| closing | the expected close date is today or past (linear over the 30 days before) | 2.0 |
| overdue_task | the deal has an overdue task | 3.0 |
| no_next_step | the deal has no open task | 1.5 |
| unqualified | no qualification criterion (default BANT) is met yet (linear) | -2.0 |

Coefficients are the user's (`salespipe priority set TERM WEIGHT`); `salespipe why ID` prints
every term, its coefficient and its contribution.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, NamedTuple

from salespipe.domain.dates import days_between
from salespipe.domain.errors import InvalidValue

DEFAULT_COEFFICIENTS: dict[str, float] = {
    "value": 4.0,
    "idle": 3.0,
    "closing": 2.0,
    "overdue_task": 3.0,
    "no_next_step": 1.5,
    "unqualified": -2.0,
}
CLOSING_WINDOW_DAYS = 30


class Term(NamedTuple):
    name: str
    value: float  # 0..1
    coefficient: float
    reason: str

    @property
    def contribution(self) -> float:
        return round(self.value * self.coefficient, 2) + 0.0  # no "-0"


MAX_WEIGHT = 1000.0


def check_coefficient(term: str, weight: str) -> float:
    if term not in DEFAULT_COEFFICIENTS:
        raise InvalidValue(f"unknown term {term!r}; terms: {', '.join(DEFAULT_COEFFICIENTS)}")
    try:
        value = float(weight)
    except ValueError:
        raise InvalidValue(f"invalid weight {weight!r}: a number such as 2.5 or -1") from None
    if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
        raise InvalidValue(f"invalid weight {weight!r}: a number from -{MAX_WEIGHT:g} to {MAX_WEIGHT:g}")
    return value


def terms(deal: dict[str, Any], *, now: datetime, max_weighted: float, coefficients: dict[str, float]) -> list[Term]:
    """The score's terms for one open deal.

    ``deal`` keys: ``weighted_minor``, ``last_touch_at``, ``rotting_days``, ``expected_close``
    (ISO date or None), ``overdue_task`` (bool), ``open_tasks`` (int), ``criteria_met`` and
    ``criteria_total`` (ints).
    """
    c = {**DEFAULT_COEFFICIENTS, **coefficients}
    value = deal["weighted_minor"] / max_weighted if max_weighted else 0.0
    idle_days = days_between(deal["last_touch_at"], now) if deal["last_touch_at"] else 0.0
    idle = min(max(idle_days / (2 * deal["rotting_days"]), 0.0), 1.0)
    closing, closing_reason = 0.0, "no expected close date"
    if deal["expected_close"]:
        days_left = (date.fromisoformat(deal["expected_close"]) - now.date()).days
        closing = 1.0 if days_left <= 0 else max(0.0, 1 - days_left / CLOSING_WINDOW_DAYS)
        closing_reason = f"expected close {deal['expected_close']}, " + (
            f"{-days_left} days past" if days_left < 0 else f"in {days_left} days"
        )
    total = deal.get("criteria_total", 0)
    unmet = (total - deal.get("criteria_met", 0)) / total if total else 0.0
    return [
        Term("value", round(value, 3), c["value"], "share of the biggest weighted value in the pipeline"),
        Term(
            "idle",
            round(idle, 3),
            c["idle"],
            f"{idle_days:.0f} days since the last touch; stale after {deal['rotting_days']}",
        ),
        Term("closing", round(closing, 3), c["closing"], closing_reason),
        Term(
            "overdue_task",
            1.0 if deal["overdue_task"] else 0.0,
            c["overdue_task"],
            "has an overdue task" if deal["overdue_task"] else "no overdue task",
        ),
        Term(
            "no_next_step", 0.0 if deal["open_tasks"] else 1.0, c["no_next_step"], f"{deal['open_tasks']} open task(s)"
        ),
        Term(
            "unqualified",
            round(unmet, 3),
            c["unqualified"],
            f"{deal.get('criteria_met', 0)} of {total} qualification criteria met"
            if total
            else "no qualification criteria defined",
        ),
    ]


def score(term_list: list[Term]) -> float:
    return round(sum(t.contribution for t in term_list), 2)
