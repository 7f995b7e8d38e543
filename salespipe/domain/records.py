"""The shapes of the records passed between the layers and printed by ``--json``.

Each is a ``TypedDict``: at run time a plain dict (what ``json.dumps`` writes), for the type
checker a fixed set of keys. The keys are the stable ones the README documents. Modules import
these under ``TYPE_CHECKING`` only, so they cost nothing at start-up.
"""

from __future__ import annotations

from typing import Any, TypedDict


class LeadRecord(TypedDict):
    id: int
    title: str
    contact_name: str | None
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    owner: str | None
    stage: str
    value: float | int | None
    currency: str
    probability: int
    probability_override: int | None
    weighted_value: float | int | None
    expected_close: str | None
    tags: list[str]
    fields: dict[str, Any]
    lost_reason: str | None
    external_id: str | None
    created_at: str
    created_estimated: bool
    updated_at: str
    closed_at: str | None
    stage_entered_at: str
    forecast_override: str | None  # the deal's own forecast category; None: its stage's
    kind: str  # new, upsell, cross-sell, renewal
    term_months: int | None  # the contract term of a won deal
    renews_lead_id: int | None  # the deal a renewal continues
    nurture_until: str | None  # ISO date: parked (out of the pipeline) before this day
    nurture_note: str | None
    org_id: int | None
    person_id: int | None
    referred_by_org_id: int | None
    referred_by_person_id: int | None


class EventRecord(TypedDict):
    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    at: str
    note: str | None


class TaskRecord(TypedDict):
    id: int
    lead_id: int
    lead_title: str | None
    lead_stage: str | None
    text: str
    due_date: str
    due_time: str | None
    overdue: bool
    done_at: str | None
    done_note: str | None
    created_at: str


# One field ``lead edit`` changed ("from" is a Python keyword: the functional form).
FieldChange = TypedDict("FieldChange", {"field": str, "from": Any, "to": Any})


class TodayTask(TypedDict):
    id: int
    lead_id: int
    lead_title: str
    text: str
    due_date: str
    due_time: str | None


class TodayDeal(TypedDict):
    id: int
    title: str
    company: str | None
    stage: str
    value: float | int | None
    currency: str
    expected_close: str | None
    priority: float


class Today(TypedDict):
    date: str
    overdue_tasks: list[TodayTask]
    due_today: list[TodayTask]
    no_next_step: list[TodayDeal]
    stale: list[TodayDeal]
    closing: list[TodayDeal]
    work_first: list[TodayDeal]


class WhyTerm(TypedDict):
    term: str
    value: float
    coefficient: float
    contribution: float
    reason: str


class Why(TypedDict):
    id: int
    title: str
    priority: float
    rank: int
    open_deals: int
    terms: list[WhyTerm]


class Change(TypedDict):
    """A change in the journal (``history``, ``undo``)."""

    id: int
    at: str
    command: str
    rows: dict[str, int]


# The report's parts (report --json) ------------------------------------------------------
class PeriodRecord(TypedDict):
    since: str | None
    until: str | None
    label: str | None


class OpenFigures(TypedDict):
    count: int
    value: float | int | None
    weighted_value: float | int | None


class StageFigures(TypedDict):
    key: str
    label: str
    probability: int
    count: int
    value: float | int | None
    weighted_value: float | int | None
    share: float | None


class CountValue(TypedDict):
    count: int
    value: float | int | None


class ClosedFigures(TypedDict):
    won: CountValue
    lost: CountValue
    win_rate: float | None
    win_rate_by_value: float | None
    avg_deal_size: float | int | None


class FunnelStep(TypedDict, total=False):
    stage: str
    label: str
    probability: int
    reached: int
    conversion_to_next: float | None
    eventual_win_rate: float | None
    gap_points: float | None  # with funnel_flags
    sample_ok: bool
    flag: bool


class Velocity(TypedDict):
    per_day: float | int | None
    open_deals: int
    avg_deal_size: float | int | None
    win_rate: float | None
    cycle_days: float | None


class StageTime(TypedDict):
    stage: str
    label: str
    deals: int
    open_deals: int
    mean_days: float | None
    median_days: float | None


class Bottlenecks(TypedDict):
    slowest_stage: str | None
    weakest_conversion: str | None
    summary: str


class BreakdownGroup(TypedDict):
    group: Any
    deals: int
    won: int
    lost: int
    win_rate: float | None
    won_value: float | int | None
