"""Deciding the import plan from the whole file, before anything is written.

Two reads: the first rows give each column's look (for names that content decides and for
suggestions), then one pass over every row collects what the plan needs from the mapped
columns: stage values with their counts, each date column's day/month evidence, the decimal
separator of amounts, null markers and empty key cells. The write pass then applies the plan
row by row without deciding anything again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import Any

from salespipe.domain.errors import InvalidValue
from salespipe.domain.import_columns import (
    CUSTOM_PREFIX,
    EXPORT_DERIVED,
    FIELDS,
    ColumnProfile,
    by_content_candidates,
    content_fits,
    fold,
    match_header,
    normalise_header,
    suggest_field,
)
from salespipe.domain.import_dates import DateEvidence
from salespipe.domain.import_plan import (
    DATE_FIELDS,
    MappingFile,
    Plan,
    Question,
    StageResolver,
)
from salespipe.domain.import_vocabulary import KEY_FIELDS, NULL_MARKERS, PER_UNIT_VALUE_NAMES, PERIOD_BASIS_WORDS
from salespipe.domain.importing import is_report_summary
from salespipe.services.import_reading import NULL_SENTINEL, Layout, rows

SAMPLE_ROWS = 2000
_COMMA_DECIMAL_RE = re.compile(r"\d,\d{1,2}(?!\d)(?:\s*\D*)$")
_DOT_DECIMAL_RE = re.compile(r"\d\.\d{1,2}(?!\d)(?:\s*\D*)$")
# Fields whose column must hold the right kind of values to be taken by its name alone.
_CONTENT_CHECKED = (
    "status",
    "is_won",
    "is_closed",
    "active",
    "value",
    "created",
    "close_date",
    "won_time",
    "lost_time",
    "modified",
    "expected_close",
    "duration_basis",
    "duration",
)


@dataclass
class PlanOptions:
    maps: list[str] = field(default_factory=list)
    stage_maps: list[str] = field(default_factory=list)
    dayfirst: bool | None = None
    decimal: str | None = None
    drop_extra: bool = False
    mapping: MappingFile | None = None


def _forced_columns(headers: list[str], options: PlanOptions) -> dict[int, str | None]:
    """Columns the user mapped (mapping file, then --map): index -> field, None = ignored."""
    seen: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = normalise_header(header) or f"#{i}"
        if key in seen:
            raise InvalidValue(
                f"the header names column {header!r} twice (columns {seen[key] + 1} and {i + 1}); "
                "rename one, or for a file without a header pass --columns"
            )
        seen[key] = i
    forced: dict[int, str | None] = {}
    items = [
        (f"mapping file column {c!r}", c, t) for c, t in (options.mapping.columns.items() if options.mapping else [])
    ]
    for item in options.maps:
        column, sep, target = item.partition("=")
        if not sep:
            raise InvalidValue(f'invalid --map {item!r}: use "CSV column=field" (or "CSV column=" to ignore)')
        items.append((f"--map {item!r}", column, target))
    for where, column, target in items:
        index = seen.get(normalise_header(column))
        if index is None:
            raise InvalidValue(f"{where}: the file has no column {column.strip()!r}; columns: {', '.join(headers)}")
        target = target.strip()
        if target and not target.startswith(CUSTOM_PREFIX) and target not in FIELDS:
            raise InvalidValue(f"{where}: unknown field {target!r}; fields: {', '.join(FIELDS)} or {CUSTOM_PREFIX}NAME")
        forced[index] = target or None
    taken = [t for t in forced.values() if t and not t.startswith(CUSTOM_PREFIX)]
    if len(taken) != len(set(taken)):
        double = next(t for t in taken if taken.count(t) > 1)
        raise InvalidValue(f"two columns are mapped to the field {double!r}")
    return forced


def _sample(path: Path, layout: Layout, nulls: frozenset[str], seen: Counter[str]) -> list[ColumnProfile]:
    """The first rows' values per column; ``seen`` counts the null markers among them."""
    profiles = [ColumnProfile(h) for h in layout.headers]
    width = len(profiles)
    for count, (_, cells) in enumerate(rows(path, layout)):
        if count >= SAMPLE_ROWS:
            break
        for i, cell in enumerate(cells[:width]):
            value = cell.strip()
            if value in nulls:
                seen[value] += 1
            elif value:
                profiles[i].values.append(value)
    return profiles


def _assign(plan: Plan, profiles: list[ColumnProfile], forced: dict[int, str | None], drop_extra: bool) -> None:
    headers = plan.headers
    is_export = plan.is_export = any(normalise_header(h) == "history" for h in headers)
    if is_export:
        plan.export_closed_at = next((i for i, h in enumerate(headers) if normalise_header(h) == "closedat"), None)
    taken: dict[str, int] = {t: i for i, t in forced.items() if t and not t.startswith(CUSTOM_PREFIX)}
    proposals: list[tuple[int, int, str]] = []  # (rank, column, field)
    for i, header in enumerate(headers):
        if i in forced:
            continue
        candidates = by_content_candidates(header)
        match = match_header(header)
        if candidates:
            fitting = [c for c in candidates if content_fits(c, profiles[i])]
            if fitting:
                proposals.append((match[1] if match else 1, i, fitting[0]))
            continue
        if match and (match[0] not in _CONTENT_CHECKED or content_fits(match[0], profiles[i], strict=match[1] > 1)):
            proposals.append((match[1], i, match[0]))
        elif match and match[0] == "status" and content_fits("stage", profiles[i]):
            proposals.append((match[1] + 1, i, "stage"))
    names = {f for _, _, f in proposals} & {"first_name", "last_name"}
    for _, i, target in sorted(proposals):
        if target == "title" and names and normalise_header(headers[i]) in ("title", "titel", "titre"):
            continue  # beside first and last name, "Title" is the person's job title: a custom field
        if target not in taken and i not in taken.values():
            taken[target] = i
    if "duration" in taken and "duration_basis" not in taken and taken["duration"] not in forced:
        del taken["duration"]  # a number of periods of nothing: a custom field
    plan.columns = taken
    plan.value_per_period = _value_per_period(plan)
    for i, header in enumerate(headers):
        if i in taken.values():
            continue
        chosen = forced.get(i, "")
        if i in forced and chosen is None:
            plan.ignored.append(i)
        elif chosen and chosen.startswith(CUSTOM_PREFIX):
            plan.extras.append((i, chosen[len(CUSTOM_PREFIX) :]))
        elif is_export and normalise_header(header) in EXPORT_DERIVED | {"id"}:
            plan.ignored.append(i)
        elif drop_extra or not header.strip():
            plan.ignored.append(i)
        else:
            name = header.strip()
            plan.extras.append((i, name[len(CUSTOM_PREFIX) :] if name.startswith(CUSTOM_PREFIX) else name))


def _value_per_period(plan: Plan) -> bool:
    """Whether the value column, beside a duration basis column, is a price per period: it is,
    unless it is named for the whole value and a column named as a price per unit
    (``PER_UNIT_VALUE_NAMES``) stands beside it (Insightly's OPPORTUNITY_VALUE, bid x duration,
    beside its BID_AMOUNT). Capsule's one Value is per period; so is BID_AMOUNT alone."""
    if "value" not in plan.columns or "duration_basis" not in plan.columns:
        return False
    per_unit = {i for i, h in enumerate(plan.headers) if normalise_header(h) in PER_UNIT_VALUE_NAMES}
    return plan.columns["value"] in per_unit or not per_unit


def _period_questions(plan: Plan, profiles: list[ColumnProfile]) -> None:
    """Values per period without a duration column: the deals' whole values are unknown."""
    if not plan.value_per_period or "duration" in plan.columns:
        return
    basis = plan.headers[plan.columns["duration_basis"]]
    periods = [v for v in profiles[plan.columns["duration_basis"]].values if fold(v) in PERIOD_BASIS_WORDS]
    if periods:
        value = plan.headers[plan.columns["value"]]
        plan.questions.append(
            Question(
                "column",
                basis,
                len(periods),
                f"column {basis!r} says the amounts in {value!r} are per period (e.g. {periods[0]!r}) and the "
                "file has no duration column: the deals' whole values (value x duration) are unknown",
                "duration",
                f"--map 'COLUMN=duration' for the column holding the number of periods, or "
                f"--map '{basis}=field:{basis}' to read {value!r} as whole values (the basis kept as a custom field)",
            )
        )


def _has(plan: Plan, name: str) -> bool:
    groups = {
        "stage": ("stage", "status", "is_won", "is_closed", "history"),
        "close_date": ("close_date", "won_time", "lost_time", "history"),
        "created": ("created", "history"),
        "value": ("value",),
    }
    return any(f in plan.columns for f in groups.get(name, (name,)))


def _column_questions(plan: Plan, profiles: list[ColumnProfile], forced: dict[int, str | None]) -> None:
    missing = {f for f in (*KEY_FIELDS, "owner", "expected_close") if not _has(plan, f)}
    mapped = set(plan.columns.values())
    for i, profile in enumerate(profiles):
        if i in mapped or i in forced:
            continue
        guess = suggest_field(profile, missing)
        if guess is None or _has(plan, guess):
            continue
        plan.suggestions[i] = guess
        if guess in KEY_FIELDS:
            header = plan.headers[i]
            example = profile.values[0] if profile.values else ""
            plan.questions.append(
                Question(
                    "column",
                    header,
                    len(profile.values),
                    f"column {header!r} looks like the {guess} (e.g. {example!r}) but its name is not one "
                    f"salespipe knows, and the file has no other {guess} column",
                    guess,
                    f"--map '{header}={guess}'  (or --map '{header}=' to ignore it)",
                )
            )


def decide(
    path: Path,
    layout: Layout,
    options: PlanOptions,
    resolver_for: dict[str, str],
    pipeline: object,
    stager_for: Callable[[Plan], Any] | None = None,
) -> tuple[Plan, StageResolver]:
    """The plan for ``path``; ``resolver_for`` is the stage map (mapping file + --stage-map).
    ``stager_for`` may return, once the columns are placed, a stager (``import_staged.Stager``)
    that the full pass hands every row, so that the import need not read the file again."""
    mapping = options.mapping
    nulls = frozenset(NULL_MARKERS | {NULL_SENTINEL} | set(mapping.nulls if mapping and mapping.nulls else ()))
    plan = Plan(headers=list(layout.headers), escape=layout.escape, no_header=layout.header_line == 0)
    forced = _forced_columns(plan.headers, options)
    sample_nulls: Counter[str] = Counter()
    profiles = _sample(path, layout, nulls, sample_nulls)
    _assign(plan, profiles, forced, options.drop_extra)
    _column_questions(plan, profiles, forced)
    _period_questions(plan, profiles)
    stages = StageResolver(pipeline, resolver_for)  # type: ignore[arg-type]
    seen = _full_pass(path, layout, plan, nulls, stager_for(plan) if stager_for else None)
    plan.nulls = {("\\N" if k == NULL_SENTINEL else k): v for k, v in sample_nulls.items()}
    _date_orders(plan, options, seen.evidence)
    _stage_questions(plan, stages, seen.closed_by_status)
    if options.decimal:
        plan.decimal, plan.decimal_evidence = options.decimal, "given"
    elif mapping and mapping.decimal:
        plan.decimal, plan.decimal_evidence = mapping.decimal, "mapping file"
    return plan, stages


class _Collect:
    """What the full pass gathers."""

    def __init__(self, plan: Plan):
        self.stage = plan.columns.get("stage")
        self.value = plan.columns.get("value")
        self.dates = {f: plan.columns[f] for f in DATE_FIELDS if f in plan.columns}
        self.evidence = {f: DateEvidence() for f in self.dates}
        self.stage_counts: Counter[str] = Counter()
        self.closed_by_status: Counter[str] = Counter()  # rows whose status says won or lost
        self.comma = self.dot = 0
        self.comma_example = self.dot_example = ""
        self.nulls: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()


class _Counting:
    """What the full pass counts of the data rows, in file order: a chunk of rows as wide as the
    header column by column (the loops run in C: a 100k-row file's pass 0.25 s faster), any
    other chunk row by row (``row``); the two count alike."""

    def __init__(self, c: _Collect, plan: Plan, nulls: frozenset[str]):
        self.c, self.plan, self.nulls = c, plan, nulls
        self.absent = nulls | {""}
        self.width = len(plan.headers)
        self.key_columns = {
            f: plan.columns[f] for f in ("stage", "value", "created", "close_date") if f in plan.columns
        }
        self.id_column, self.email_column = plan.columns.get("external_id"), plan.columns.get("email")
        self.status_column = plan.columns.get("status", plan.columns.get("is_won"))
        self.seen_dates: dict[str, set[str]] = {f: set() for f in c.dates}
        self.every_date_seen = True  # no date column's seen values were forgotten
        self.closing: dict[str, bool] = {}

    def row(self, cells: list[str]) -> None:
        c, plan, nulls = self.c, self.plan, self.nulls
        n = len(cells)
        for name, i in self.key_columns.items():
            cell = cells[i].strip() if i < n else ""
            if not cell or cell in nulls:
                c.missing[name] += 1
        id_column, email_column, status_column = self.id_column, self.email_column, self.status_column
        id_cell = cells[id_column].strip() if id_column is not None and id_column < n else ""
        if not id_cell or id_cell in nulls:
            plan.rows_without_id += 1
            mail = cells[email_column].strip() if email_column is not None and email_column < n else ""
            if not mail or mail in nulls:
                plan.rows_without_id_or_email += 1
        if c.stage is not None and c.stage < n:
            value = cells[c.stage].strip()
            if value and value not in nulls:
                c.stage_counts[value] += 1
                if status_column is not None and status_column < n and _closes(cells[status_column], self.closing):
                    c.closed_by_status[value] += 1
        if c.value is not None and c.value < n:
            self._amount(cells[c.value])
        for date_column, i in c.dates.items():
            if i < n:
                self._date(date_column, cells[i].strip())

    def _amount(self, amount: str) -> None:
        c = self.c
        last_comma, last_dot = amount.rfind(","), amount.rfind(".")
        if last_comma > last_dot and _COMMA_DECIMAL_RE.search(amount):
            c.comma += 1
            c.comma_example = c.comma_example or amount.strip()
        elif last_dot > last_comma and _DOT_DECIMAL_RE.search(amount):
            c.dot += 1
            c.dot_example = c.dot_example or amount.strip()

    def _date(self, date_column: str, value: str) -> None:
        seen = self.seen_dates[date_column]
        if value and value not in seen and value not in self.nulls:
            seen.add(value)
            if len(seen) > 50_000:
                seen.clear()  # bounded memory; evidence already counted
                self.every_date_seen = False
            self.c.evidence[date_column].add(value)

    def chunk(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        if min(map(len, rows)) < self.width:  # short rows: cells past their end are no cells
            for cells in rows:
                self.row(cells)
            return
        c, plan, absent = self.c, self.plan, self.absent
        is_absent = absent.__contains__
        stripped: dict[int, list[str]] = {}

        def column(i: int) -> list[str]:
            if i not in stripped:
                stripped[i] = list(map(str.strip, map(itemgetter(i), rows)))
            return stripped[i]

        new: list[tuple[int, int, str, int]] = []
        for order, (field_name, i) in enumerate(self.key_columns.items()):
            values = column(i)
            missing = len(list(filter(is_absent, values)))
            if missing and field_name in c.missing:
                c.missing[field_name] += missing
            elif missing:  # a new key goes in at its first missing row, as row by row
                new.append((next(k for k, v in enumerate(values) if v in absent), order, field_name, missing))
        for *_, first_missing, missing in sorted(new):
            c.missing[first_missing] = missing
        ids = column(self.id_column) if self.id_column is not None else None
        without_id = len(rows) if ids is None else len(list(filter(is_absent, ids)))
        if without_id:
            plan.rows_without_id += without_id
            if self.email_column is None:
                plan.rows_without_id_or_email += without_id
            elif ids is None:
                plan.rows_without_id_or_email += len(list(filter(is_absent, column(self.email_column))))
            else:
                mails = column(self.email_column)
                plan.rows_without_id_or_email += sum(
                    1 for i, m in zip(ids, mails, strict=True) if i in absent and m in absent
                )
        if c.stage is not None:
            values = column(c.stage)
            if self.status_column is None:
                c.stage_counts.update(filterfalse(is_absent, values))
            else:
                statuses = list(map(itemgetter(self.status_column), rows))
                for value, status in zip(values, statuses, strict=True):
                    if value not in absent:
                        c.stage_counts[value] += 1
                        if _closes(status, self.closing):
                            c.closed_by_status[value] += 1
        if c.value is not None:
            amounts = list(map(itemgetter(c.value), rows))
            text = "".join(amounts)
            if "," in text and "." in text:
                for amount in amounts:
                    self._amount(amount)
            elif "," in text or "." in text:  # one separator: an amount counts when the pattern matches
                pattern, comma = (_COMMA_DECIMAL_RE, True) if "," in text else (_DOT_DECIMAL_RE, False)
                found = list(filter(pattern.search, amounts))
                if comma:
                    c.comma += len(found)
                    c.comma_example = c.comma_example or (found[0].strip() if found else "")
                else:
                    c.dot += len(found)
                    c.dot_example = c.dot_example or (found[0].strip() if found else "")
        for date_column, i in c.dates.items():
            values = column(i)
            if len(self.seen_dates[date_column]) + len(values) <= 50_000:
                # no clearing of the seen values inside the chunk: each new value once, in order
                values = list(dict.fromkeys(values))
            for value in values:
                self._date(date_column, value)


def _amounts(count: int) -> str:
    return f"{count:,} amount" + ("s" if count != 1 else "")


def _closes(cell: str, cache: dict[str, bool]) -> bool:
    """Whether a status (or won yes/no) cell says the deal is won or lost."""
    hit = cache.get(cell)
    if hit is None:
        from salespipe.domain.import_columns import fold
        from salespipe.domain.import_plan import status_kind
        from salespipe.domain.import_vocabulary import TRUE_WORDS
        from salespipe.domain.models import StageKind

        kind = status_kind(cell)
        hit = cache[cell] = kind in (StageKind.WON, StageKind.LOST) or fold(cell) in TRUE_WORDS
    return hit


_CHUNK_ROWS = 2000  # data rows counted together, column by column (``_count``)


def _full_pass(path: Path, layout: Layout, plan: Plan, nulls: frozenset[str], stager: Any = None) -> _Collect:
    c = _Collect(plan)
    count = _Counting(c, plan, nulls)
    after_blank, footer_rows = False, 0
    wide = len(plan.headers) >= 3
    chunk: list[list[str]] = []
    for line, cells in rows(path, layout):
        joined = "".join(cells)
        if not joined.strip():
            after_blank = plan.rows > 0
            if stager:
                stager.blank()
            continue
        if after_blank and wide and sum(1 for cell in cells if cell.strip()) == 1:
            # A report footer ("Confidential Information - Do Not Distribute", a copyright
            # line) after the data; data rows after it would make it data again.
            if stager and not plan.footer_line:
                stager.footer_starts()
            plan.footer_line = plan.footer_line or line
            footer_rows += 1
            if stager:
                stager.take(line, cells, joined)  # as the import would, should data follow
            continue
        if plan.footer_line:
            plan.footer_line, footer_rows, after_blank = None, 0, False
            if stager:
                stager.footer_ends()
        if stager.take(line, cells, joined) if stager else is_report_summary(cells):
            plan.summary_rows += 1
            continue
        plan.rows += 1
        chunk.append(cells)
        if len(chunk) == _CHUNK_ROWS:
            count.chunk(chunk)
            chunk = []
    count.chunk(chunk)
    plan.footer_lines = footer_rows
    if stager:
        # the distinct dates of each date column, for the staged import to parse (it would
        # read them from the staging table again)
        stager.finish(plan.footer_line, count.seen_dates if count.every_date_seen else None)
    plan.missing = dict(c.missing)
    if c.comma and not c.dot:
        plan.decimal, plan.decimal_evidence = (
            ",",
            f"{_amounts(c.comma)} with a decimal comma (e.g. {c.comma_example!r})",
        )
    elif c.dot and not c.comma:
        plan.decimal, plan.decimal_evidence = ".", f"{_amounts(c.dot)} with a decimal point (e.g. {c.dot_example!r})"
    plan.stage_values = {v: (None, n, "") for v, n in c.stage_counts.items()}
    plan.date_evidence = {f: e.describe() for f, e in c.evidence.items()}
    return c


SMALL_FILE_ROWS = 50


def _stage_questions(plan: Plan, stages: StageResolver, closed_by_status: Counter[str]) -> None:
    """A stage value that matches nothing is a question when it repeats (or the file is too
    small to tell a bad cell from a stage); seen once in a bigger file it is a bad cell and
    rejects its row, unless the plan asks anyway: then every unknown value is listed."""
    unknown: list[tuple[str, int, str]] = []
    for value, (_, count, _) in list(plan.stage_values.items()):
        stage, how = stages.lookup(value)
        if stage is not None:
            plan.stage_values[value] = (stage.key, count, how)
            continue
        plan.stage_values[value] = (None, count, "unknown")
        open_rows = count - closed_by_status.get(value, 0)
        if open_rows:  # on won or lost rows the stage is only where the deal closed from
            unknown.append((value, count, stages.closest(value).key))
    asking = bool(plan.questions) or plan.rows < SMALL_FILE_ROWS or any(n >= 2 for _, n, _ in unknown)
    for value, count, suggestion in sorted(unknown, key=lambda u: (-u[1], u[0])) if asking else ():
        plan.questions.append(
            Question(
                "stage",
                value,
                count,
                f"stage value {value!r} ({count} row{'s' if count != 1 else ''}) names no stage of this pipeline",
                suggestion,
                f"--stage-map '{value}={suggestion}'",
            )
        )


def _date_orders(plan: Plan, options: PlanOptions, evidence: dict[str, DateEvidence]) -> None:
    proven = {e.order for e in evidence.values() if e.order in ("dayfirst", "monthfirst")}
    file_order = proven.pop() if len(proven) == 1 else None
    given = None if options.dayfirst is None else ("dayfirst" if options.dayfirst else "monthfirst")
    by_column = options.mapping.dates if options.mapping else {}
    for name, ev in evidence.items():
        header = plan.headers[plan.columns[name]]
        column_given = next((o for c, o in by_column.items() if normalise_header(c) == normalise_header(header)), None)
        order = ev.order
        if column_given or given:
            plan.date_orders[name] = column_given or given
            plan.date_evidence[name] = ("mapping file" if column_given else "given") + f"; {ev.describe()}"
        elif order in ("dayfirst", "monthfirst"):
            plan.date_orders[name] = order
        elif order == "mixed":
            plan.date_orders[name] = None
            plan.questions.append(
                Question(
                    "dates",
                    header,
                    ev.dayfirst + ev.monthfirst,
                    f"date column {header!r} mixes the orders: {ev.describe()}",
                    None,
                    "fix the file, or pass --dayfirst or --monthfirst and let the other rows be rejected",
                )
            )
        elif order == "ambiguous" and file_order:
            plan.date_orders[name] = file_order
            plan.date_evidence[name] = f"{ev.describe()}; the file's other date columns prove {file_order}"
        elif order == "ambiguous":
            plan.date_orders[name] = None
            plan.questions.append(
                Question(
                    "dates",
                    header,
                    ev.ambiguous,
                    f"date column {header!r}: every numeric date could be day/month or month/day "
                    f"(e.g. {ev.examples.get('ambiguous')!r})",
                    None,
                    "--dayfirst or --monthfirst",
                )
            )
        else:
            plan.date_orders[name] = None
