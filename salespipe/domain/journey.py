"""The customer journey of the source article: awareness, interest, desire, action (AIDA), then
retention and advocacy. Pure rules: which phase a pipeline stage stands for, and where an
organisation is on its journey, from facts the store reads.

A stage's phase is the one chosen for it (``stage set KEY --phase``), else by its kind and
probability: a won stage is action; an open stage below 20 % is awareness (a lead just
identified), below 50 % interest (verified, qualified), from 50 % desire (a proposal, a
negotiation). Lost stages stand for no phase: a deal lost moves its organisation nowhere.

An organisation's phase now is the furthest it has reached, in this order of evidence:

- **advocacy**: a customer that recommended someone (a lead referred by it or one of its
  people), or whose latest survey answer is a promoter's (9 or 10); from its first win on, as
  retention: the after-sales phases follow a sale (a prospect that refers a friend, or scores 9
  on a survey, stays where its deals are);
- **retention**: a customer (a won deal) whose first win is at least ``RETENTION_AFTER_DAYS``
  days old, or who bought again (an upsell, cross-sell or renewal won) or answered a survey;
- **action**: a customer since fewer days than that;
- **desire**, **interest**, **awareness**: not a customer yet; the phase of the furthest stage
  any of its deals has entered (a deal that skipped a stage has passed it, as in the funnel).

An organisation whose deals were all lost before reaching a phase past awareness stays where it
got; one without deals is in no phase (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PHASES = ("awareness", "interest", "desire", "action", "retention", "advocacy")
PIPELINE_PHASES = PHASES[:4]  # the ones a pipeline stage can stand for
INTEREST_FROM = 20  # %: an open stage from this probability is interest
DESIRE_FROM = 50  # %: and from this one desire
RETENTION_AFTER_DAYS = 30  # a customer's first weeks are the action; the check-in rule's 30 days
PROMOTER_FROM = 9


def stage_phase(kind: str, probability: int, chosen: str | None = None) -> str | None:
    """The journey phase a stage stands for (None for a lost stage)."""
    if chosen:
        return chosen
    if kind == "won":
        return "action"
    if kind == "lost":
        return None
    return "awareness" if probability < INTEREST_FROM else "interest" if probability < DESIRE_FROM else "desire"


def check_phase(text: str) -> str:
    """A phase as typed (any case), or ValueError naming the choices."""
    phase = text.strip().casefold()
    if phase not in PIPELINE_PHASES:
        raise ValueError(f"{text!r} is not a phase a stage can stand for: choose {', '.join(PIPELINE_PHASES)}")
    return phase


@dataclass(frozen=True)
class OrgFacts:
    """What the store knows of one organisation, for its journey (days are local dates)."""

    reached: dict[str, date]  # pipeline phase -> the first day any of its deals entered a stage of it
    first_won: date | None = None
    bought_again: date | None = None  # first win of an upsell, cross-sell or renewal
    first_survey: date | None = None
    latest_score: int | None = None
    latest_score_on: date | None = None
    first_referral: date | None = None  # the first lead it (or one of its people) referred


def path(facts: OrgFacts) -> dict[str, date]:
    """Each phase the organisation reached, with the day it got there, in phase order. Reaching
    a phase passes the ones before it: a phase skipped (a deal created in a later stage) counts
    as reached on the day the later one was."""
    reached = dict(facts.reached)
    if facts.first_won is not None:
        reached["action"] = min(reached.get("action", facts.first_won), facts.first_won)
    days: dict[str, date] = {}
    for i, phase in enumerate(PIPELINE_PHASES):
        later = [reached[p] for p in PIPELINE_PHASES[i:] if p in reached]
        if later:
            days[phase] = min(later)
    if facts.first_won is not None:
        retained = [date.fromordinal(facts.first_won.toordinal() + RETENTION_AFTER_DAYS)]
        retained += [d for d in (facts.bought_again, facts.first_survey) if d is not None]
        days["retention"] = max(min(retained), facts.first_won)
        advocated = [facts.first_referral] if facts.first_referral is not None else []
        if facts.latest_score is not None and facts.latest_score >= PROMOTER_FROM and facts.latest_score_on:
            advocated.append(facts.latest_score_on)
        if advocated:  # an advocate is a customer who recommends you: from the sale on
            days["advocacy"] = max(min(advocated), facts.first_won)
    return days


def phase_on(facts: OrgFacts, today: date) -> str | None:
    """The furthest phase the organisation has reached by ``today`` (None: no deal yet)."""
    reached = [phase for phase, day in path(facts).items() if day <= today]
    return reached[-1] if reached else None


def counts(phases: list[str | None]) -> list[dict[str, object]]:
    """How many organisations are in each phase, all six in order (``journey --json``)."""
    return [{"phase": phase, "count": sum(1 for p in phases if p == phase)} for phase in PHASES]
