"""`salespipe forecast`: how much will be won in a period, how sure that is, and how it splits
by close month and forecast category.

Each open deal is won with its probability (its own, else its stage's: configured, or learned
from the pipeline's history); its close date is its expected close plus a slip drawn from the
history of how far won deals closed from the date they were expected (none yet: no slip), and
a deal without an expected close date draws its time to close from how long won deals took
from entering its stage. The Monte Carlo (``domain.forecast``) gives P10 / P50 / P90 of the
period's won value and the chance to reach its target.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from salespipe.domain import forecast as rules
from salespipe.domain.dates import utc_day_bounds, utc_iso
from salespipe.domain.errors import InvalidValue
from salespipe.domain.money import normalize_currency, to_major
from salespipe.services.pipeline import default_currency, pipeline
from salespipe.store import forecast as store

HISTORY_DEALS = 2000  # the most recent closed deals the probabilities and times to close are learned from
MAX_DAYS = 3660  # a forecast looks at most ten years ahead
NO_SLIP_NOTE = "no slip history: no slip assumed"
PROBABILITY_MODES = ("configured", "learned")


class History(NamedTuple):
    """What the pipeline's closed deals teach: P(won | stage), the days from entering a stage
    to winning, and how far won deals closed from the dates they were expected on."""

    closed: int  # closed deals learned from (the most recent HISTORY_DEALS)
    won: int
    learned: list[rules.Learned]
    to_close: dict[str, rules.Offsets]  # per stage: days from entering it to the win
    slips: rules.Offsets  # days from an expected close date to the win (NO_SLIP: too few)
    slip_deals: int  # won deals with expected close dates recorded before they closed


def history(conn: sqlite3.Connection, *, now: datetime, as_of: str | None = None) -> History:
    """Learn from the ``HISTORY_DEALS`` deals closed most recently before ``now``; with
    ``as_of`` (the backtest: ``now`` as UTC ISO text, the pipeline of then already rebuilt by
    ``store.open_deals_as_of``), from what was known then: the deals closed by then as their
    events up to then say, nothing that happened later."""
    stages = pipeline(conn).stages
    kinds = {s.key: s.kind.value for s in stages}
    transitions: Counter[tuple[str | None, str]] = Counter()
    visits: Counter[str] = Counter()
    to_close: dict[str, list[tuple[int, float]]] = {}
    won_ids: set[int] = set()
    closed = won = 0
    current: int | None = None
    events: list[tuple[Any, ...]] = []

    def take(deal: list[tuple[Any, ...]]) -> None:
        nonlocal closed, won
        if not deal or kinds.get(deal[-1][2]) not in ("won", "lost"):
            return  # not closed by its last event (a stage that is gone): nothing sure to learn
        closed += 1
        for _lead, source, target, _at in deal:
            transitions[(source, target)] += 1
        visits.update({target for _lead, _source, target, _at in deal})
        if kinds[deal[-1][2]] == "won":
            won += 1
            won_ids.add(deal[-1][0])
            won_day = date.fromisoformat(deal[-1][3][:10])
            entered: dict[str, str] = {}
            for _lead, _source, target, at in deal[:-1]:
                if kinds.get(target) == "open":
                    entered[target] = at  # the last entry before the win
            for stage, at in entered.items():
                to_close.setdefault(stage, []).append(((won_day - date.fromisoformat(at[:10])).days, 1.0))

    rows = (
        store.closed_history_as_of(conn, as_of, HISTORY_DEALS)
        if as_of
        else store.closed_history(conn, utc_iso(now), HISTORY_DEALS)
    )
    for row in rows:
        if row[0] != current:
            take(events)
            current, events = row[0], []
        events.append(row)
    take(events)
    infos = [rules.StageInfo(s.key, s.kind.value, s.probability) for s in stages]
    slips, slip_deals = _slips(conn, now=now, won=won_ids, as_of=as_of)
    return History(
        closed,
        won,
        rules.learn(transitions, visits, infos),
        {stage: rules.offsets(pairs) for stage, pairs in to_close.items()},
        slips,
        slip_deals,
    )


def _slips(
    conn: sqlite3.Connection, *, now: datetime, won: set[int], as_of: str | None = None
) -> tuple[rules.Offsets, int]:
    """The slips of the won deals among the ``HISTORY_DEALS`` most recently closed: each date
    a deal was expected to close on while it was open (recorded before its close), against the
    day it was won; each deal weighs the same. Too few such deals (MIN_WON): no slip."""
    from salespipe.store import estimates

    dates: dict[int, set[str]] = {}
    closed_on: dict[int, str] = {}
    rows = (
        store.close_dates_of_closed_as_of(conn, HISTORY_DEALS)
        if as_of
        else estimates.close_dates_of_closed(conn, utc_iso(now), HISTORY_DEALS)
    )
    for lead_id, closed_at, kind, old, new in rows:
        if lead_id not in won:
            continue
        held = dates.setdefault(lead_id, set())
        held.update(d for d in (new, old if kind == "change" else None) if d)
        closed_on[lead_id] = closed_at[:10]
    pairs = []
    for lead_id, held in dates.items():
        day = date.fromisoformat(closed_on[lead_id])
        pairs += [((day - date.fromisoformat(d)).days, 1 / len(held)) for d in held]
    deals = sum(1 for held in dates.values() if held)
    return (rules.offsets(pairs) if deals >= rules.MIN_WON else rules.NO_SLIP), deals


def stage_probabilities(conn: sqlite3.Connection, *, now: datetime) -> dict[str, Any]:
    """``stage probabilities``: each open stage's configured probability beside the one learned
    from the pipeline's closed deals, with the deals behind it and its interval (fractions)."""
    learned_from = history(conn, now=now)
    labels = {s.key: s.label for s in pipeline(conn).stages}
    return {
        "as_of": utc_iso(now),
        "history": {
            "closed_deals": learned_from.closed,
            "won_deals": learned_from.won,
            "enough": rules.enough_history(learned_from.closed, learned_from.won),
            "most_recent": HISTORY_DEALS,
        },
        "pseudo_count": rules.PSEUDO_COUNT,
        "interval": rules.INTERVAL,
        "stages": [
            {
                "key": item.stage,
                "label": labels[item.stage],
                "configured": round(item.configured, 4),
                "observed": None if item.observed is None else round(item.observed, 4),
                "learned": round(item.learned, 4),
                "deals": item.deals,
                "low": round(item.low, 4),
                "high": round(item.high, 4),
            }
            for item in learned_from.learned
        ],
    }


def apply_learned(conn: sqlite3.Connection, *, now: datetime) -> dict[str, Any]:
    """``stage probabilities --apply``: the learned probabilities (whole percentages) become
    the stages' configured ones. Refused while the history is too thin to learn from."""
    from salespipe.store import stages as stage_store

    data = stage_probabilities(conn, now=now)
    h = data["history"]
    if not h["enough"]:
        raise InvalidValue(
            f"{h['closed_deals']} closed deal(s), {h['won_deals']} won, are too few to learn from "
            f"(at least {rules.MIN_CLOSED} with {rules.MIN_WON} won); nothing changed"
        )
    changes = []
    own = {s.key: s.forecast_category for s in pipeline(conn).stages}
    for stage in data["stages"]:
        new = round(stage["learned"] * 100)
        old = round(stage["configured"] * 100)
        if new != old:
            stage_store.update(conn, stage["key"], probability=new)
            before = rules.stage_category(old, own.get(stage["key"]))
            after = rules.stage_category(new, own.get(stage["key"]))
            changes.append(
                {
                    "key": stage["key"],
                    "label": stage["label"],
                    "from": old,
                    "to": new,
                    # a stage without a category of its own takes it from its probability
                    "category_from": before,
                    "category_to": after,
                }
            )
    return {**data, "applied": changes}


def forecast_period(
    *, now: datetime, period: str | None, since: date | None, until: date | None
) -> tuple[date, date, str, str | None]:
    """(first day, last day, label, calendar name or None): ``--period`` (default this month)
    or ``--since``/``--until``."""
    from salespipe.domain.dates import parse_period

    today = now.date()
    if period and (since or until):
        raise InvalidValue("give either --period or --since/--until, not both")
    if since or until:
        if until is None:
            raise InvalidValue("--since needs --until: a forecast needs the period's last day")
        first = since or today
        if first > until:
            raise InvalidValue(f"--since {first} is after --until {until}")
        label, calendar = "custom", None
    else:
        named = parse_period(period or "this-month", today)
        if named.since is None or named.until is None:
            raise InvalidValue(
                f"--period {period}: a forecast is for a period with a first and a last day "
                "(this-month, next-quarter, 2026-Q4 ...)"
            )
        first, until, label, calendar = named.since, named.until, named.name, named.calendar
    if not (1900 <= first.year and until.year <= 9998) or (until - first).days >= MAX_DAYS:
        raise InvalidValue(
            f"a forecast looks at most {MAX_DAYS // 366} years ahead, within the years 1900 to 9998 "
            f"({first} to {until} is not)"
        )
    return first, until, label, calendar


def forecast(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    period: str | None = None,
    since: date | None = None,
    until: date | None = None,
    by: str = "month",
    runs: int = rules.DEFAULT_RUNS,
    seed: int | None = None,
    probabilities: str | None = None,
    currency: str | None = None,
    budget: int = rules.EXACT_BUDGET,
) -> dict[str, Any]:
    """The forecast as one JSON-ready dict (the documented ``forecast --json`` contract)."""
    import random
    from bisect import bisect_right

    if not 1 <= runs <= rules.MAX_RUNS:
        raise InvalidValue(f"--runs {runs}: give 1 to {rules.MAX_RUNS:,}")
    if probabilities is not None and probabilities not in PROBABILITY_MODES:
        raise InvalidValue(f"--probabilities {probabilities!r}: choose configured or learned")
    currency = normalize_currency(currency) if currency else default_currency(conn)
    first, last, label, calendar = forecast_period(now=now, period=period, since=since, until=until)
    buckets = rules.buckets(first, last, by)
    starts = [b.first.isoformat() for b in buckets]
    first_text, last_text = first.isoformat(), last.isoformat()
    today = now.date()
    today_text = today.isoformat()
    pipe = pipeline(conn)
    learned_from = history(conn, now=now)
    enough = rules.enough_history(learned_from.closed, learned_from.won)
    mode = probabilities or ("learned" if enough else "configured")
    learned = {item.stage: item.learned for item in learned_from.learned}
    stage_probability = {
        s.key: (learned.get(s.key, s.probability / 100) if mode == "learned" else s.probability / 100)
        for s in pipe.stages
    }
    stage_category = {s.key: rules.stage_category(s.probability, s.forecast_category) for s in pipe.stages}
    slip = learned_from.slips
    nb = len(buckets)
    # per bucket and category: deals, value, weighted value (by where the deal is expected to close)
    shown = {key: [[0, 0, 0.0] for _ in range(nb)] for key in rules.CATEGORIES}
    expected = [0.0] * nb  # per bucket: what the open deals are expected to add (value x probability x chance)
    chances: list[float] = []  # the Monte Carlo's deals: chance to be won in the period, and value
    values: list[int] = []
    omitted = without_value = unplaced = 0
    # (base day, stage, first possible day) -> (shown bucket, chance per bucket as (bucket, chance),
    # chance in the period)
    placed: dict[tuple[str, str | None, date], tuple[int, list[tuple[int, float]], float]] = {}

    def place(base: str, stage: str | None, floor: date) -> tuple[int, list[tuple[int, float]], float]:
        """The bucket a deal is shown in (-1: outside the period) and its chance to close in
        each bucket, for a deal expected to close on ``base`` (``stage`` None), or in its stage
        since ``base`` (no expected close date: time to close from the stage's history), that
        cannot close before ``floor`` (today, or the day a parked deal is back)."""
        key = (base, stage, floor)
        if key in placed:
            return placed[key]
        if stage is None:
            day = max(base, floor.isoformat())
            where = bisect_right(starts, day) - 1 if first_text <= day <= last_text else -1
            offsets = slip
        else:
            where, offsets = -1, learned_from.to_close[stage]
        if offsets is rules.NO_SLIP:
            odds = [(where, 1.0)] if where >= 0 else []
        else:
            day0 = date.fromisoformat(base)
            odds = [(i, odd) for i, b in enumerate(buckets) if (odd := offsets.chance(day0, floor, b.first, b.last))]
        placed[key] = (where, odds, sum(odd for _, odd in odds))
        return placed[key]

    own_categories = store.own_categories(conn)
    overdue = [0, 0]  # open deals past their expected close, assumed to close today: count, value
    # the deals in the pipeline by the period's last day: a parked one back by then counts, from its day
    back_by = max(last, today).isoformat()
    # the loop runs once per open deal (tens of thousands in a big pipeline): what it looks up
    # again and again is bound to a local name first, and a deal's placing is looked up in the
    # cache before ``place`` is called
    no_slip, to_close, first_day = slip is rules.NO_SLIP, learned_from.to_close, rules.first_possible_day
    add_chance, add_value = chances.append, values.append
    for lead_id, value, own, stage, expected_close, entered, back in store.open_deals(conn, currency, back_by):
        if value is None:
            without_value += 1
            continue
        probability = own / 100 if own is not None else stage_probability.get(stage, 0.0)
        category = own_categories.get(lead_id) or stage_category.get(stage, "pipeline")
        floor = today if back is None else first_day(today, back)
        if expected_close is not None:
            placing = placed.get((expected_close, None, floor)) or place(expected_close, None, floor)
            if expected_close < today_text and floor == today and no_slip and category != "omit":
                overdue[0] += 1  # past its date, and no slip history to say when: counted as today
                overdue[1] += value
        elif stage in to_close:
            placing = placed.get((entered[:10], stage, floor)) or place(entered[:10], stage, floor)
        else:
            unplaced += 1
            continue
        where, odds, in_period = placing
        if where >= 0:
            cell = shown[category][where]
            cell[0] += 1
            cell[1] += value
            cell[2] += value * probability
        if category == "omit":
            omitted += in_period > 0
            continue
        weight = value * probability
        for i, odd in odds:
            expected[i] += weight * odd
        chance = probability * in_period
        if chance > 0:
            add_chance(chance)
            add_value(value)
    won_by_bucket = [0] * nb
    won_count = won_minor = 0
    for closed_at, value in store.won_between(conn, *utc_day_bounds(first, last, now.tzinfo), currency):
        won_count += 1
        if value is None:
            continue
        won_minor += value
        day = datetime.fromisoformat(closed_at.replace("Z", "+00:00")).astimezone(now.tzinfo).date().isoformat()
        won_by_bucket[bisect_right(starts, day) - 1] += value
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    simulation = rules.simulate(random.Random(seed), chances, values, runs, budget=budget)
    target = _target(conn, calendar, currency)
    goal = target["amount_minor"] if target else None

    def major(minor: float | None) -> int | float | None:
        return None if minor is None else to_major(round(minor), currency)

    quantiles = {
        f"p{round(level * 100)}": won_minor + rules.quantile(simulation.totals, level) for level in rules.LEVELS
    }
    categories = {
        name: {
            "count": sum(c[0] for c in shown[key]),
            "value": major(sum(c[1] for c in shown[key])),
            "weighted": major(sum(c[2] for c in shown[key])),
        }
        for key, name in rules.CATEGORY_KEYS.items()
    }
    months = []
    for i, bucket in enumerate(buckets):
        whole_month = by == "month" and bucket.first.day == 1 and (bucket.last + timedelta(days=1)).day == 1
        month_target = (
            target
            if target and calendar == bucket.label
            else (_target(conn, bucket.label, currency) if whole_month else None)
        )
        forecast_minor = won_by_bucket[i] + expected[i]
        months.append(
            {
                "label": bucket.label,
                "start": bucket.first.isoformat(),
                "end": bucket.last.isoformat(),
                "won": major(won_by_bucket[i]),
                "commit": major(shown["commit"][i][1]),
                "best_case": major(shown["best-case"][i][1]),
                "pipeline": major(shown["pipeline"][i][2]),
                "forecast": major(forecast_minor),
                "target": major(month_target["amount_minor"]) if month_target else None,
                "gap": major(month_target["amount_minor"] - forecast_minor) if month_target else None,
            }
        )
    return {
        "as_of": utc_iso(now),
        "currency": currency,
        "period": {"start": first_text, "end": last_text, "label": label},
        "by": by,
        "probabilities": mode,
        "history": {
            "closed_deals": learned_from.closed,
            "won_deals": learned_from.won,
            "enough": enough,
            "most_recent": HISTORY_DEALS,
        },
        "runs": runs,
        "seed": seed,
        "won": {"count": won_count, "value": major(won_minor)},
        "open": {"count": len(values), "value": major(sum(values))},
        "weighted": major(sum(expected)),
        "mean": major(won_minor + sum(simulation.totals) / runs),
        **{key: major(value) for key, value in quantiles.items()},
        "target": (
            {"period": target["period"], "goal": major(goal), "gap": major(max(goal - won_minor, 0))}
            if target and goal is not None
            else None
        ),
        "p_hit_target": (
            round(rules.share_reaching(simulation.totals, goal - won_minor), 4) if goal is not None else None
        ),
        "slip": _slip_record(learned_from),
        "months": months,
        "categories": categories,
        "simulation": {
            "exact_deals": simulation.exact,
            "approximated_deals": simulation.approximated,
            "largest_approximated_share": round(simulation.largest_approximated, 4),
        },
        "overdue": {"count": overdue[0], "value": to_major(overdue[1], currency)},
        "left_out": {
            "without_value": without_value,
            "without_close_date": unplaced,
            "omitted": omitted,
            "other_currency": store.open_in_other_currencies(conn, currency, back_by),
        },
    }


def _slip_record(learned_from: History) -> dict[str, Any]:
    """Where the close dates' slips come from (``slip`` in JSON)."""
    used = learned_from.slips is not rules.NO_SLIP
    deals = learned_from.slip_deals
    if used:
        median = learned_from.slips.median()
        note = f"slip drawn from the recorded close dates of {deals} won deals (median {median:+d} days)"
    elif deals:
        note = (
            f"too little slip history ({deals} won deal(s) with recorded close dates, {rules.MIN_WON} needed): "
            "no slip assumed"
        )
    else:
        note = NO_SLIP_NOTE
    return {"deals": deals, "used": used, "median_days": learned_from.slips.median() if used else None, "note": note}


def _target(conn: sqlite3.Connection, name: str | None, currency: str) -> dict[str, Any] | None:
    """The target set for a month, quarter or year (``target set``), in ``currency``."""
    if name is None:
        return None
    from salespipe.store import targets as target_store

    target = target_store.get(conn, name)
    return target if target and target["currency"] == currency else None
