"""The staged import: the file's rows loaded into a TEMP table, mapped and checked in SQL,
Python kept for the rows SQL cannot decide (``store.import_staging``).

It makes the same leads, events, summary and rejects as the row-by-row import
(``importer._Writer``), which stays for what this path leaves out: ``--on-duplicate update``
and ``fail``, first and last name columns, status and won/closed columns, close-date fallbacks,
salespipe's own export, rows with neither an id nor an e-mail (matched by name), and a
database currency without two decimal places. Within a file it takes, a row is SQL's when its
cells have the plain shapes (a stage the plan maps, an amount like 1234.50, a date parsed once
per distinct value, an ASCII e-mail); every other row goes through ``convert_row``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from salespipe.domain.dates import utc_iso
from salespipe.domain.errors import InvalidValue, SalespipeError
from salespipe.domain.import_plan import Plan
from salespipe.domain.importing import (
    MAX_REPORTED_REJECTS,
    ImportRow,
    Reject,
    RowContext,
    RowConverter,
    is_report_summary,
)
from salespipe.domain.keys import name_key
from salespipe.domain.models import MAX_TEXT
from salespipe.store import import_staging as staging

LOAD_BATCH = 5000
LOADED = 0.5  # the share of the progress bar for reading the file; SQL does the rest
_FIELDS = frozenset(staging.STAGED_FIELDS)
_TIDY, _HARD, _UNTIDY, _MAX_EASY_CHARS = staging.TIDY, staging.HARD, staging.UNTIDY, staging.MAX_EASY_CHARS
_TWO_DECIMALS = frozenset({"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def may_take(options: Any, plan: Plan, currency: str) -> bool:
    """Whether the staged path can take a file with these placed columns (the full pass then
    stages its rows); ``eligible`` has the last word."""
    names = [name for _, name in plan.extras]
    return (
        options.on_duplicate == "skip"
        and not plan.is_export
        and set(plan.columns) <= _FIELDS
        and currency in _TWO_DECIMALS
        and len(set(names)) == len(names)
        and all(len(n) <= MAX_TEXT for n in names)
    )


def eligible(options: Any, ctx: RowContext) -> bool:
    """Whether the staged path makes exactly what the row-by-row import would: also, every row
    has an id or an e-mail (matching by name and created day is the row-by-row import's)."""
    return may_take(options, ctx.plan, ctx.default_currency) and ctx.plan.rows_without_id_or_email == 0


class Stager:
    """Takes the rows the plan's full pass reads into ``import_rows`` as the import would
    take them: blank lines and grouping or total lines counted, the rest staged with their line,
    as read; once the footer is known, the lines from it on are taken back."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        width: int,
        progress: Callable[[float], None] | None = None,
        size: int = 0,
        nulls: frozenset[str] = frozenset(),
    ):
        self.conn = conn
        self.width = width
        self.nulls = nulls  # the null markers the conversion knows (``RowContext.nulls``)
        self.untidy = 0
        self.dates: dict[str, set[str]] | None = None
        self.batch: list[tuple[Any, ...]] = []
        self.rows = self.blank_lines = self.summary_rows = 0
        self.before_footer: tuple[int, int, int] | None = None
        self.progress, self.size, self.read = progress, max(size, 1), 0  # characters read, about bytes
        staging.create(conn, width)
        # The rows go in as one transaction of the TEMP database (the main one is not touched):
        # 40% faster than a commit per batch, and 8 times faster once the connection has
        # dropped staging tables before (their pages are reused).
        self.open = not conn.in_transaction
        if self.open:
            staging.begin(conn)

    def blank(self) -> None:
        self.blank_lines += 1

    def footer_starts(self) -> None:
        self.before_footer = (self.rows, self.blank_lines, self.summary_rows)

    def footer_ends(self) -> None:
        self.before_footer = None

    def take(self, line: int, cells: list[str], joined: str) -> bool:
        """Stage a row; True (and nothing staged) for a grouping or total line."""
        if is_report_summary(cells):
            self.summary_rows += 1
            return True
        self.rows += 1
        # Python's: a row with white space other than a space (tabs, line breaks in a cell,
        # no-break spaces; SQL's trim() strips spaces only), a NUL or another control
        # character, a long cell, or a cell starting with a quote (to be unquoted)
        if (
            joined.isprintable()
            and len(joined) <= _MAX_EASY_CHARS
            and ("'" not in joined or not any(c.lstrip()[:1] == "'" for c in cells))
        ):
            # a row for SQL: a cell with a space around it (the only white space a printable
            # row can hold) or a null marker makes it untidy (its cells are stripped in SQL)
            seen = "\x1f".join(cells)
            if (
                seen[:1] == " "
                or seen[-1:] == " "
                or " \x1f" in seen
                or "\x1f " in seen
                or not self.nulls.isdisjoint(cells)
            ):
                hard = _UNTIDY
                self.untidy += 1
            else:
                hard = _TIDY
            plain = 1 if joined.isascii() and "  " not in joined else 0
        else:
            hard, plain = _HARD, 0
        width = self.width
        n = len(cells)
        if n == width:
            self.batch.append((line, hard, plain, None, *cells))
        elif n < width:
            self.batch.append((line, hard, plain, None, *cells, *([None] * (width - n))))
        else:  # cells past the header: empty ones are kept for the rejects file, others rejected
            hard = _HARD if any(c.strip() for c in cells[width:]) else hard
            more = json.dumps(cells[width:], ensure_ascii=False)
            self.batch.append((line, hard, plain, more, *cells[:width]))
        self.read += len(joined) + n
        if len(self.batch) >= LOAD_BATCH:
            staging.add_rows(self.conn, width, self.batch)
            self.batch = []
            if self.progress:
                self.progress(LOADED * min(self.read / self.size, 1.0))
        return False

    def finish(self, footer_line: int | None, dates: dict[str, set[str]] | None = None) -> None:
        """The last rows staged; ``dates``: each date field's distinct values (stripped, no null
        marker) in the rows the plan counted, if it kept them all."""
        self.dates = dates
        staging.add_rows(self.conn, self.width, self.batch)
        self.batch = []
        if footer_line and self.before_footer:
            self.rows, self.blank_lines, self.summary_rows = self.before_footer
            staging.forget_from(self.conn, footer_line)
        if self.open:
            staging.commit(self.conn)
            self.open = False

    def drop(self) -> None:
        """The staging tables, dropped (after a successful import they are left to go with
        the connection: dropping them costs as much as a small import)."""
        if self.open:  # the plan's pass failed half way
            staging.rollback(self.conn)
            self.open = False
        staging.drop(self.conn)


def run(
    conn: sqlite3.Connection,
    stager: Stager,
    ctx: RowContext,
    summary: Any,
    rejects: Any,
    recorded: str,
    bulk: Callable[[], Any],
) -> tuple[int, int, Any]:
    """Import the staged rows inside the caller's transaction (``summary`` and ``rejects``
    are the importer's ``ImportSummary`` and rejects writer: this module does not import the
    importer, which imports it); returns the range of new lead ids and what linking them to
    organisations and people did (``store.orgs.Linked``: the leads are written linked, never
    updated after). ``bulk`` is called once the duplicates are decided, before the new leads,
    organisations and people are written (to drop indexes and triggers)."""
    from salespipe.store import leads as lead_store
    from salespipe.store import orgs as org_store

    def done(share: float) -> None:
        if stager.progress:
            stager.progress(share)

    plan = ctx.plan
    width = len(plan.headers)
    # the stages were read before the import took the write lock: the leads go into these ones
    gone = staging.missing_stages(conn, list(ctx.stages.pipeline.by_key))
    if gone:
        raise SalespipeError(f"stage {gone[0]!r} was removed while the file was read; nothing was imported: try again")
    summary.rows, summary.blank_lines, summary.summary_rows = stager.rows, stager.blank_lines, stager.summary_rows
    converter = ctx.converter = ctx.converter or RowConverter(ctx)
    _dates(conn, ctx, converter, stager.dates)
    staging.add_stages(
        conn,
        (
            (value, stage.key, stage.kind.value)
            for value in plan.stage_values
            for stage in [ctx.stages.lookup(value)[0]]
            if stage is not None
        ),
    )
    extras = sorted(((i, name) for i, name in plan.extras), key=lambda e: e[1])
    staging.convert(
        conn,
        staging.Spec(
            # a title naming a person ("Full Name") is read as the contact's name too, as RowConverter does
            columns={**plan.columns, "contact_name": plan.columns["title"]}
            if plan.title_names_person()
            else dict(plan.columns),
            extras=[(i, json.dumps(name, ensure_ascii=False)) for i, name in extras],
            nulls=sorted(ctx.nulls),
            decimal=plan.decimal,
            by_external="external_id" in plan.columns,
            currency=ctx.default_currency,
            first_stage=ctx.stages.first.key,
            now_iso=utc_iso(ctx.now),
            untidy=stager.untidy > 0,
        ),
    )
    done(0.65)
    _convert_hard_rows(conn, ctx, rejects, width)
    first = lead_store.next_id(conn)
    staging.decide(conn, first)
    _summarise(conn, summary)
    done(0.75)
    bulk()
    try:
        linked = org_store.link_rows(conn, staging.NEW_LEADS, {}, at=recorded)
        staging.write(conn, recorded, linked.people_range[0])
    finally:
        org_store.drop_links(conn)
    done(0.85)  # the indexes and the commit remain
    return first, first + summary.inserted, linked


def _dates(
    conn: sqlite3.Connection, ctx: RowContext, converter: RowConverter, seen: dict[str, set[str]] | None
) -> None:
    """Each distinct date text of the file, parsed once; a text that does not parse, or lies in
    the future where that matters, is left out (its rows go to Python, which says why). The
    texts are those the plan's pass saw (``seen``), else read from the staged rows: a text it
    did not see (a row it did not count) leaves its row to Python, which converts it alike."""
    tz = ctx.now.tzinfo
    for name in ("created", "close_date", "expected_close"):
        index = ctx.plan.columns.get(name)
        if index is None:
            continue
        rows = []
        texts = seen[name] if seen is not None and name in seen else staging.distinct_cells(conn, index)
        for text in texts:
            if text in ctx.nulls or text[0] == "'":
                continue
            try:
                moment = converter.date(name, text)
            except InvalidValue:
                continue
            future = moment > ctx.now
            if future and name == "created":
                continue  # Python clamps a later hour of today to now and refuses a later day
            rows.append(
                (
                    index,
                    text,
                    utc_iso(moment),
                    (moment - _EPOCH) // _MICROSECOND,
                    moment.date().isoformat(),
                    moment.astimezone(tz).date().isoformat(),
                    int(future),
                )
            )
        staging.add_dates(conn, rows)


def _convert_hard_rows(conn: sqlite3.Connection, ctx: RowContext, rejects: Any, width: int) -> None:
    """The rows SQL left: converted by ``convert_row`` (or rejected with its reason)."""
    converter = ctx.converter
    assert converter is not None
    by_external = "external_id" in ctx.plan.columns
    batch: list[tuple[Any, ...]] = []
    for line, cells in staging.hard_rows(conn, width):
        try:
            row = converter(cells)
        except InvalidValue as exc:
            rejects.add(line, cells, str(exc))
            continue
        batch.append(_new_row(line, row, by_external, ctx))
        if len(batch) >= 1000:
            staging.add_converted(conn, batch)
            batch = []
    staging.add_converted(conn, batch)


def _new_row(line: int, row: ImportRow, by_external: bool, ctx: RowContext) -> tuple[Any, ...]:
    f = row.fields
    if by_external and row.external_id:
        kind, key = staging.KIND_ID, row.external_id
    elif row.email_key:
        kind, key = staging.KIND_EMAIL, row.email_key
    else:  # the plan said every row has an id or an e-mail
        raise SalespipeError(f"line {line}: neither an id nor an e-mail, which the import plan did not expect")
    created = utc_iso(row.events[0][2])
    entered = utc_iso(row.events[-1][2])
    closed = row.stage.is_closed
    return (
        line,
        kind,
        key,
        f.title,
        f.contact_name,
        f.company,
        f.email,
        f.phone,
        f.source,
        row.owner,
        row.stage.key,
        f.value_minor,
        f.currency or ctx.default_currency,
        f.probability,
        f.expected_close.isoformat() if f.expected_close else None,
        json.dumps(f.tags, ensure_ascii=False) if f.tags else "[]",
        json.dumps(f.fields, ensure_ascii=False, sort_keys=True) if f.fields else "{}",
        row.lost_reason,
        f.external_id,
        created,
        int(row.created_estimated),
        entered if closed and row.closed_known else None,
        entered,
        row.email_key,
        name_key(f.title, f.company),
        row.events[0][1] if len(row.events) == 2 else None,
        int(row.created_given),
        int(closed and not row.closed_known),
        row.warning,
    )


def _summarise(conn: sqlite3.Connection, summary: Any) -> None:
    got = staging.counts(conn)
    summary.inserted = got["inserted"]
    summary.duplicates_in_file = got["repeated"]
    summary.skipped = got["skipped"] + got["repeated"]
    summary.duplicates = staging.repeats(conn, MAX_REPORTED_REJECTS) if got["repeated"] else []
    summary.matched_by.update(got["matched"])
    summary.currencies.update(got["currencies"])
    columns = summary.plan.columns
    for key, count, asked in (
        ("value", got["without_value"], "value" in columns),
        ("created", got["without_created"], "created" in columns),
        ("close_date_won", got["won_undated"], True),
        ("close_date_lost", got["lost_undated"], True),
    ):
        if count and asked:
            summary.missing[key] += count
    summary.warned = got["warned"]
    if got["warned"]:
        summary.warnings = [Reject(line, text) for line, text in staging.warnings(conn, MAX_REPORTED_REJECTS)]
