"""The forecast's rules: forecast categories, close-date offsets, the Monte Carlo of deal
outcomes, and win probabilities learned from the pipeline's own stage history.

Pure: no I/O and no clock; the simulation takes its ``random.Random``. Only the standard
library (``random``, ``math``, ``bisect``) is used, so the forecast starts as fast as the rest.

**The Monte Carlo.** Each run draws every open deal's outcome: won in the period with its
*chance* (its win probability times the chance that its close date falls in the period), lost
or elsewhere otherwise; a run's total is the won value. Drawing a deal's close date in each run
and then asking whether it falls in the period is the same distribution as drawing "won in the
period" with that product, since a deal's close date and outcome are drawn independently of the
other deals': ``Offsets.chance`` works the close-date part out exactly from the history, and
the runs draw the rest. Deals are drawn one by one (as geometric gaps between the runs a deal
is won in, so a run costs nothing for a deal it does not change); beyond ``EXACT_BUDGET``
draws, and only when at least ``MIN_NORMAL`` deals remain, none of them more than
``MAX_NORMAL_SHARE`` of their sum's spread, the remaining deals (the ones that move the total
least) are drawn together as the normal distribution of their sum (same mean and variance),
which is what hundreds of small independent deals add up to. ``Simulation`` says how many deals went which way.
"""

from __future__ import annotations

import math
import operator
import random
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from salespipe.domain.errors import InvalidValue

# Forecast categories (Salesforce's and HubSpot's, without "closed": a won deal is won).
CATEGORIES = ("commit", "best-case", "pipeline", "omit")
# Their keys in JSON (``categories``), in the same order.
CATEGORY_KEYS = {"commit": "commit", "best-case": "best_case", "pipeline": "pipeline", "omit": "omitted"}
COMMIT_FROM, BEST_CASE_FROM = 80, 60  # a stage's default category, by its probability

DEFAULT_RUNS = 10_000
MAX_RUNS = 1_000_000
EXACT_BUDGET = 500_000  # what the deals drawn one by one may cost, in draws (about 0.06 s)
MIN_NORMAL = 200  # ... and only when at least this many deals are left for the normal sum,
MAX_NORMAL_SHARE = 0.05  # none of them more than this share of their sum's spread (standard deviation)
SKIP_BELOW = 0.25  # a deal won (or lost) in fewer runs than this is drawn by geometric gaps
LEVELS = (0.1, 0.5, 0.9)  # P10, P50, P90

PSEUDO_COUNT = 10  # the weight of the configured probability, in deals
INTERVAL = 0.8  # the learned probability's interval: from its 10th to its 90th percentile
MIN_CLOSED, MIN_WON = 20, 5  # history enough to learn from (as the target's "thin history")


# Categories ------------------------------------------------------------------------------------


def parse_category(text: str, *, auto: bool = False) -> str | None:
    """``commit``, ``best-case`` (``best case``, ``best_case``), ``pipeline``, ``omit``
    (``omitted``); with ``auto``, also ``auto``: back to the stage's default (None)."""
    value = "-".join(text.strip().lower().replace("_", " ").split())
    value = {"omitted": "omit", "bestcase": "best-case"}.get(value, value)
    if auto and value == "auto":
        return None
    if value not in CATEGORIES:
        choices = ", ".join(CATEGORIES) + (" or auto (by the stage's probability)" if auto else "")
        raise InvalidValue(f"unknown forecast category {text!r}; choose from: {choices}")
    return value


def stage_category(probability: int, chosen: str | None) -> str:
    """A stage's forecast category: the one chosen for it (``stage set --forecast``), else by
    its probability: commit from 80 %, best case from 60 %, pipeline below."""
    if chosen:
        return chosen
    return "commit" if probability >= COMMIT_FROM else "best-case" if probability >= BEST_CASE_FROM else "pipeline"


# Close dates -------------------------------------------------------------------------------------


class Offsets(NamedTuple):
    """An empirical distribution of whole days (close-date slips, or days from entering a stage
    to winning): ``days`` ascending, ``cumulative`` their running total weight."""

    days: tuple[int, ...]
    cumulative: tuple[float, ...]

    def chance(self, base: date, today: date, first: date, last: date) -> float:
        """The chance that ``base`` + a draw lands in [first, last], given that the deal has not
        closed before ``today`` (draws that end before today are not possible any more). When
        none of the history reaches today, the deal is taken to close today."""
        floor = (today - base).days
        start = bisect_left(self.days, floor)
        total = self.cumulative[-1] - (self.cumulative[start - 1] if start else 0.0) if self.days else 0.0
        if total <= 0:
            return 1.0 if first <= today <= last else 0.0
        lo = max((first - base).days, floor)
        hi = (last - base).days
        if lo > hi:
            return 0.0
        i, j = bisect_left(self.days, lo), bisect_right(self.days, hi)
        if j <= i:
            return 0.0
        mass = self.cumulative[j - 1] - (self.cumulative[i - 1] if i else 0.0)
        return min(mass / total, 1.0)

    def median(self) -> int:
        """The middle of the distribution (by weight)."""
        return self.days[bisect_left(self.cumulative, self.cumulative[-1] / 2)]


NO_SLIP = Offsets((0,), (1.0,))


def offsets(pairs: Iterable[tuple[int, float]]) -> Offsets:
    """(days, weight) pairs -> ``Offsets`` (weights of equal days add up)."""
    merged: dict[int, float] = {}
    for days, weight in pairs:
        merged[days] = merged.get(days, 0.0) + weight
    days_sorted = sorted(merged)
    running, cumulative = 0.0, []
    for d in days_sorted:
        running += merged[d]
        cumulative.append(running)
    return Offsets(tuple(days_sorted), tuple(cumulative))


def first_possible_day(today: date, back: date | str | None) -> date:
    """The first day an open deal can close on: today, or the day a parked deal is back
    (``nurture_until``, when later)."""
    if back is None:
        return today
    back_day = back if isinstance(back, date) else date.fromisoformat(back)
    return back_day if back_day > today else today


def close_day(base: date, today: date) -> date:
    """With no slip history: the expected close date, or today for a deal already past it."""
    return base if base >= today else today


class Bucket(NamedTuple):
    label: str  # 2026-11, or the ISO week 2026-W48
    first: date
    last: date


def buckets(first: date, last: date, by: str) -> list[Bucket]:
    """The months (``by="month"``) or ISO weeks (``"week"``) that [first, last] touches, each
    cut to the period."""
    if by not in ("month", "week"):
        raise InvalidValue(f"--by {by!r}: choose month or week")
    out: list[Bucket] = []
    day = first
    while day <= last:
        if by == "month":
            nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            label = f"{day.year}-{day.month:02d}"
        else:
            nxt = day + timedelta(days=7 - day.weekday())
            year, week, _ = day.isocalendar()
            label = f"{year}-W{week:02d}"
        out.append(Bucket(label, day, min(nxt - timedelta(days=1), last)))
        day = nxt
    return out


class Slip(NamedTuple):
    pushes: int  # times the expected close date was moved later
    days: int  # how much later it is now than first expected
    first: str  # the first expected close date recorded (ISO)


def close_date_slip(history: Sequence[Mapping[str, object]], current: str | None) -> Slip | None:
    """How a deal's expected close date slipped, from its history of estimates (oldest first):
    None when it was never moved later."""
    rows = [r for r in history if r["field"] == "expected_close"]
    pushes = sum(
        1
        for r in rows
        if r["kind"] == "change" and r["old_value"] and r["new_value"] and str(r["new_value"]) > str(r["old_value"])
    )
    if not pushes:
        return None
    head = rows[0]
    first = str(head["old_value"] if head["kind"] == "change" and head["old_value"] else head["new_value"])
    days = (date.fromisoformat(current) - date.fromisoformat(first)).days if current else 0
    return Slip(pushes, days, first)


# The Monte Carlo --------------------------------------------------------------------------------


class Simulation(NamedTuple):
    totals: list[int]  # the won value of each run (minor units), ascending
    exact: int  # deals drawn one by one
    approximated: int  # deals drawn together, as the normal distribution of their sum
    largest_approximated: float  # the biggest of those deals' spread, as a share of their sum's


def simulate(
    rng: random.Random, chances: Sequence[float], values: Sequence[int], runs: int, *, budget: int = EXACT_BUDGET
) -> Simulation:
    """``runs`` draws of Σ value × [won], each deal won with its chance, independently. The
    deals that spread the total most are drawn one by one, until ``budget`` draws; the rest
    (if any) as one normal sum. Same ``rng`` state, same result."""
    if runs < 1:
        raise InvalidValue("--runs must be at least 1")
    drawn = [i for i, (c, v) in enumerate(zip(chances, values, strict=True)) if 0 < c < 1 and v > 0]
    base = sum(v for c, v in zip(chances, values, strict=True) if c >= 1 and v > 0)  # won in every run
    cs, vs = [chances[i] for i in drawn], [values[i] for i in drawn]
    spreads = [c * (1 - c) * v * v for c, v in zip(cs, vs, strict=True)]
    # biggest spread first (stable: ties keep the given order, so a seed repeats exactly)
    order = sorted(range(len(drawn)), key=spreads.__getitem__, reverse=True)
    # the deals to draw one by one: all, unless the budget runs out while what is left is a sum
    # the normal distribution describes well (many deals, none of them a big part of it)
    left = sum(spreads)  # the variance of the deals not yet taken
    cost, exact = 0.0, 0
    for position, k in enumerate(order):
        if cost > budget and len(order) - position >= MIN_NORMAL and spreads[k] <= MAX_NORMAL_SHARE**2 * left:
            break
        cost += _cost(cs[k], runs)
        left -= spreads[k]
        exact += 1
    deals = [(cs[k], vs[k]) for k in order[:exact]]
    rest = len(order) - exact
    totals = [0] * runs
    rand, log = rng.random, math.log
    for c, v in deals:
        if min(c, 1 - c) >= SKIP_BELOW:  # a draw in every run
            for r in range(runs):
                if rand() < c:
                    totals[r] += v
        else:  # only the runs that differ from the usual outcome, by geometric gaps
            if c > 0.5:  # won in most runs: counted in all, taken out where it is lost
                base += v
                miss, delta = 1 - c, -v
            else:
                miss, delta = c, v
            rate = math.log1p(-miss)  # < 0: the gaps log(U) / rate are geometric
            pos, gap = 0, log(1.0 - rand()) / rate
            while gap < runs - pos:  # compared as floats: a gap may be beyond any integer
                pos += int(gap)
                totals[pos] += delta
                pos += 1
                gap = log(1.0 - rand()) / rate
    largest = 0.0
    if rest:  # their sum's mean, spread and most: all deals' less those drawn one by one
        mean = sum(map(operator.mul, cs, vs)) - sum(c * v for c, v in deals)
        spread = math.sqrt(max(left, 0.0))
        ceiling = sum(vs) - sum(v for _, v in deals)
        largest = math.sqrt(spreads[order[exact]]) / spread if spread else 0.0
        gauss = rng.gauss
        totals = [t + min(max(round(gauss(mean, spread)), 0), ceiling) for t in totals]
    totals = sorted(t + base for t in totals)
    return Simulation(totals, exact, rest, largest)


def _cost(chance: float, runs: int) -> float:
    """What drawing a deal in every run costs, in draws: one per run, or, by geometric gaps,
    one per run it changes (each about 3.5 times dearer)."""
    rare = min(chance, 1 - chance)
    return runs * (1.0 if rare >= SKIP_BELOW else 3.5 * rare) + 1


def quantile(totals: Sequence[int], level: float) -> int:
    """The smallest total that at least ``level`` of the runs reach no higher than (``totals``
    ascending): P10, P50, P90."""
    return totals[max(math.ceil(level * len(totals)) - 1, 0)]


def share_reaching(totals: Sequence[int], threshold: float) -> float:
    """The share of runs whose total is at least ``threshold``."""
    return (len(totals) - bisect_left(totals, threshold)) / len(totals)


# Learned probabilities ------------------------------------------------------------------------


class StageInfo(NamedTuple):
    key: str
    kind: str  # open, won or lost
    probability: int  # configured, 0-100


class Learned(NamedTuple):
    stage: str
    configured: float  # 0..1
    observed: float | None  # P(won | in this stage) from the history alone; None without data
    learned: float  # shrunk toward the configured value by the prior
    deals: int  # closed deals of the history that were in this stage
    low: float  # the interval (INTERVAL) of the learned value
    high: float


def learn(
    transitions: Mapping[tuple[str | None, str], int],
    visits: Mapping[str, int],
    stages: Sequence[StageInfo],
    *,
    pseudo: float = PSEUDO_COUNT,
    interval: float = INTERVAL,
) -> list[Learned]:
    """P(won | open stage) for each open stage of ``stages``.

    ``transitions`` counts moves (from stage, to stage) of closed deals; ``visits`` how many of
    those deals entered each stage. The stages form an absorbing Markov chain: each open stage
    moves on to the next stage in the proportions seen, and the won and lost stages absorb; the
    chance to end in a won stage from each open stage solves ``(I - Q) x = r``. A stage no deal
    left keeps its configured value. The result is shrunk toward the configured probability by
    a Beta prior worth ``pseudo`` deals: (n x + pseudo p) / (n + pseudo), with the interval of
    that Beta distribution."""
    kinds = {s.key: s.kind for s in stages}
    configured = {s.key: s.probability / 100 for s in stages}
    outflow: dict[str, dict[str, int]] = {}
    for (source, target), n in transitions.items():
        if source is None or n <= 0 or kinds.get(source, "open") != "open":
            continue  # creations, and reopened deals leaving a closed stage
        outflow.setdefault(source, {})
        outflow[source][target] = outflow[source].get(target, 0) + n
    unknowns = sorted(outflow)  # stages deals left: their chance is solved for
    index = {key: i for i, key in enumerate(unknowns)}

    def fixed(key: str) -> float:
        """The chance of a stage not solved for: won 1, lost 0, an open stage no deal left
        its configured value, a stage no longer in the pipeline 0."""
        kind = kinds.get(key)
        return 1.0 if kind == "won" else configured.get(key, 0.0) if kind == "open" else 0.0

    size = len(unknowns)
    matrix = [[0.0] * (size + 1) for _ in range(size)]
    for key, targets in outflow.items():
        row = matrix[index[key]]
        total = sum(targets.values())
        row[index[key]] += 1.0
        for target, n in targets.items():
            share = n / total
            if target in index:
                row[index[target]] -= share
            else:
                row[size] += share * fixed(target)
    solved = dict(zip(unknowns, _solve(matrix), strict=True)) if size else {}
    out = []
    for stage in stages:
        if stage.kind != "open":
            continue
        prior = configured[stage.key]
        observed = solved.get(stage.key)
        n = visits.get(stage.key, 0) if observed is not None else 0
        x = observed if observed is not None else prior
        a, b = n * x + pseudo * prior, n * (1 - x) + pseudo * (1 - prior)
        tail = (1 - interval) / 2
        out.append(
            Learned(
                stage.key,
                prior,
                observed,
                a / (a + b) if a + b else prior,
                n,
                beta_quantile(tail, a, b),
                beta_quantile(1 - tail, a, b),
            )
        )
    return out


def _solve(matrix: list[list[float]]) -> list[float]:
    """Gaussian elimination with partial pivoting on an augmented matrix (changed in place);
    a singular system (no way out of some stages) leaves those unknowns at 0."""
    n = len(matrix)
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(matrix[r][col]))
        if abs(matrix[pivot][col]) < 1e-12:
            continue
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        head = matrix[col]
        for r in range(n):
            if r != col and matrix[r][col]:
                factor = matrix[r][col] / head[col]
                row = matrix[r]
                for k in range(col, n + 1):
                    row[k] -= factor * head[k]
    return [min(max(matrix[i][n] / matrix[i][i], 0.0), 1.0) if abs(matrix[i][i]) >= 1e-12 else 0.0 for i in range(n)]


def enough_history(closed: int, won: int) -> bool:
    return closed >= MIN_CLOSED and won >= MIN_WON


# The Beta distribution (regularized incomplete beta function, Numerical Recipes' continued
# fraction), for the interval of a learned probability.


def _continued_fraction(a: float, b: float, x: float) -> float:
    tiny, qab, qap, qam = 1e-300, a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c
            c = c if abs(c) > tiny else tiny
            step = d * c
            h *= step
        if abs(step - 1) < 3e-14:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X <= x) for X ~ Beta(a, b) (a, b > 0)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _continued_fraction(a, b, x) / a
    return 1 - front * _continued_fraction(b, a, 1 - x) / b


def beta_quantile(level: float, a: float, b: float) -> float:
    """The ``level`` quantile of Beta(a, b); a distribution with a or b 0 sits at 1 or 0.
    Newton's method on the distribution function from the normal approximation, kept inside
    a bracket that bisection narrows when a step would leave it."""
    if a <= 0:
        return 0.0
    if b <= 0:
        return 1.0
    lo, hi = 0.0, 1.0
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    z = math.sqrt(2) * _erfinv(2 * level - 1)
    x = min(max(mean + z * sd, 1e-9), 1 - 1e-9)
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for _ in range(100):
        error = beta_cdf(x, a, b) - level
        if abs(error) < 1e-10:
            break
        if error < 0:
            lo = x
        else:
            hi = x
        density = math.exp(log_norm + (a - 1) * math.log(x) + (b - 1) * math.log1p(-x))
        step = x - error / density if density > 0 else lo - 1
        x = step if lo < step < hi else (lo + hi) / 2
        if hi - lo < 1e-12:
            break
    return x


def _erfinv(y: float) -> float:
    """The inverse error function (Giles' approximation, then two Newton steps)."""
    y = min(max(y, -1 + 1e-15), 1 - 1e-15)
    w = -math.log((1 - y) * (1 + y))
    if w < 5:
        w -= 2.5
        p = 2.81022636e-08
        for c in (
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ):
            p = c + p * w
    else:
        w = math.sqrt(w) - 3
        p = -0.000200214257
        for c in (
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ):
            p = c + p * w
    x = p * y
    for _ in range(2):
        x -= (math.erf(x) - y) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


# Backtest ---------------------------------------------------------------------------------------

EVERY = ("month", "quarter")
RELIABILITY_BUCKETS = 10  # predicted probabilities in tenths: 0-10 %, 10-20 %, ... 90-100 %


def periods(first: date, last: date, every: str) -> list[Bucket]:
    """The calendar months (``every="month"``) or quarters whose first day lies in [first,
    last], whole: a backtest's periods."""
    if every not in EVERY:
        raise InvalidValue(f"--every {every!r}: choose month or quarter")
    step = 1 if every == "month" else 3
    month = first.month if every == "month" else (first.month - 1) // 3 * 3 + 1
    day = date(first.year, month, 1)
    if day < first:
        day = _add_months(day, step)
    out: list[Bucket] = []
    while day <= last:
        nxt = _add_months(day, step)
        label = f"{day.year}-{day.month:02d}" if every == "month" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        out.append(Bucket(label, day, nxt - timedelta(days=1)))
        day = nxt
    return out


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def mape(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean absolute percentage error of (forecast, actual) pairs, over those with an actual
    above 0 (a share: 0.12 is 12 %); None when there are none."""
    errors = [abs(f - a) / a for f, a in pairs if a > 0]
    return sum(errors) / len(errors) if errors else None


def bias(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Signed: (Σ forecast − Σ actual) / Σ actual; above 0 the forecasts were too high. None
    when nothing was actually won."""
    actual = sum(a for _, a in pairs)
    return (sum(f for f, _ in pairs) - actual) / actual if actual > 0 else None


def coverage(triples: Sequence[tuple[float, float, float]]) -> float | None:
    """The share of (low, high, actual) whose actual fell in [low, high]; None without any."""
    return sum(low <= a <= high for low, high, a in triples) / len(triples) if triples else None


def brier(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """The mean of (predicted − outcome)² over (predicted probability, happened) pairs: 0 is
    perfect, always saying 50 % scores 0.25. None without any."""
    return sum((p - (1.0 if won else 0.0)) ** 2 for p, won in pairs) / len(pairs) if pairs else None


class Reliability(NamedTuple):
    low: float  # the bucket's predicted probabilities: [low, high), the last one [low, 1]
    high: float
    deals: int
    predicted: float | None  # their mean predicted probability
    observed: float | None  # the share of them that happened


def reliability(pairs: Sequence[tuple[float, bool]], buckets: int = RELIABILITY_BUCKETS) -> list[Reliability]:
    """Predicted probability against observed share, per bucket of predicted probability."""
    sums = [[0, 0.0, 0] for _ in range(buckets)]
    for p, won in pairs:
        cell = sums[min(int(p * buckets), buckets - 1)]
        cell[0] += 1
        cell[1] += p
        cell[2] += won
    return [
        Reliability(
            i / buckets,
            (i + 1) / buckets,
            int(n),
            total / n if n else None,
            hits / n if n else None,
        )
        for i, (n, total, hits) in enumerate(sums)
    ]
