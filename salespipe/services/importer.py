"""`salespipe import`: a CSV file in, every line accounted for, or nothing written.

First the plan is decided from the whole file (``import_planning``); when it has open questions
(a key column or stage values it cannot place) the import writes nothing and says what would
fix it. Then, in one transaction, either the staged import (``import_staged``: the plan's pass
loaded the rows into a TEMP table; SQL maps and checks the plain ones, Python the rest) or, for
what it leaves out, the row-by-row import: the file streamed again, rows converted and written
in chunks. Memory stays flat however long the file is either way.

Duplicates: a row matches a lead by its external id when the file has an id column and the row
an id; else by e-mail (Unicode case-folded); else by title and company (case-folded) and, when
the row has a created date, the same created day. Rows written earlier by the same import are
in the database already, so duplicates inside the file are found the same way, whatever chunk
they fall in.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from salespipe.domain.cells import neutralise
from salespipe.domain.dates import utc_iso
from salespipe.domain.errors import Conflict, InvalidValue, SalespipeError
from salespipe.domain.import_plan import MappingFile, Plan, read_mapping
from salespipe.domain.import_vocabulary import NULL_MARKERS
from salespipe.domain.importing import (
    MAX_REPORTED_REJECTS,
    ImportRow,
    Reject,
    RowContext,
    convert_row,
    is_report_summary,
)
from salespipe.domain.keys import name_key
from salespipe.services import import_staged
from salespipe.services.import_planning import PlanOptions, decide
from salespipe.services.import_reading import NULL_SENTINEL, iterate, open_text, reader, sniff
from salespipe.services.pipeline import default_currency, pipeline
from salespipe.store import leads as lead_store

CHUNK_ROWS = 1000
ON_DUPLICATE = ("skip", "update", "fail")
BULK_MIN_ROWS = 20_000
IMPORT_NULLS = frozenset(NULL_MARKERS | {NULL_SENTINEL})  # the cells that mean "no value"
# The tables a bulk import (but with --on-duplicate update) writes only by statements it
# journals as ranges (the new leads, their events, organisations and people) or that go with
# the new leads (their estimates): their INSERT triggers are dropped while it runs, so that
# none is evaluated per row (``journal.drop_insert_triggers``).
BULK_JOURNALED = ("leads", "stage_events", "orgs", "people", "estimate_history")


@dataclass
class ImportOptions:
    path: Path
    maps: list[str] = field(default_factory=list)
    stage_maps: list[str] = field(default_factory=list)
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    dayfirst: bool | None = None
    on_duplicate: str = "skip"
    rejects_path: Path | None = None
    strict: bool = False
    dry_run: bool = False
    drop_extra: bool = False
    currency: str | None = None
    mapping_path: Path | None = None
    save_mapping: Path | None = None
    accept_partial: bool = False
    columns: list[str] | None = None
    escape: str | None = None


@dataclass
class ImportSummary:
    file: str
    encoding: str
    delimiter: str
    header_line: int
    plan: Plan
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    duplicates_in_file: int = 0
    blank_lines: int = 0
    summary_rows: int = 0  # grouping and total lines of a report, skipped
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    warned: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, line it repeats)
    rejects_file: str | None = None
    mapping_file: str | None = None
    dry_run: bool = False
    committed: bool = False
    refused: bool = False
    missing: Counter[str] = field(default_factory=Counter)  # key field -> rows without it
    matched_by: Counter[str] = field(default_factory=Counter)  # how duplicates were found
    currencies: Counter[str] = field(default_factory=Counter)  # inserted leads per currency
    database_currency: str = ""
    # the inserted leads linked to organisations and people (store.orgs.link_leads)
    orgs_created: int = 0
    orgs_matched: int = 0  # distinct organisations stored before
    people_created: int = 0
    people_matched: int = 0
    # the inserted leads' "referred by" column (store.customers.link_referrers)
    referrals_linked: int = 0
    referrers_unknown: int = 0  # kept as text in the lead's fields

    @property
    def day_order(self) -> str | None:
        orders = {o for o in self.plan.date_orders.values() if o}
        return orders.pop() if len(orders) == 1 else None

    def to_json(self) -> dict[str, Any]:
        plan = self.plan.to_json()
        return {
            "file": self.file,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_line": self.header_line,
            "day_order": self.day_order,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "duplicates_in_file": self.duplicates_in_file,
            "blank_lines": self.blank_lines,
            "summary_rows": self.summary_rows,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "refused": self.refused,
            "questions": plan["questions"],
            "rejects_file": self.rejects_file,
            "mapping_file": self.mapping_file,
            "rejects": [{"line": r.line, "error": r.error} for r in self.rejects],
            "duplicates": [{"line": line, "duplicate_of_line": first} for line, first in self.duplicates],
            "warned": self.warned,
            "warnings": [{"line": r.line, "warning": r.error} for r in self.warnings],
            "missing": dict(self.missing),
            "matched_by": dict(self.matched_by),
            "currencies": dict(self.currencies),
            "orgs_created": self.orgs_created,
            "orgs_matched": self.orgs_matched,
            "people_created": self.people_created,
            "people_matched": self.people_matched,
            "referrals_linked": self.referrals_linked,
            "referrers_unknown": self.referrers_unknown,
            "mapping": plan["columns"],
            "plan": plan,
        }


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (dry run, --strict)."""


def _mapping_file(options: ImportOptions) -> MappingFile | None:
    if options.mapping_path is None:
        return None
    from salespipe.services.import_reading import require_regular_file

    require_regular_file(options.mapping_path)
    if options.mapping_path.exists() and options.mapping_path.stat().st_size > 10_000_000:
        raise InvalidValue(f"mapping file {str(options.mapping_path)!r} is over 10 MB: not a mapping")
    try:
        text = options.mapping_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SalespipeError(
            f"cannot read mapping file {str(options.mapping_path)!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    return read_mapping(text, str(options.mapping_path))


def _stage_map(options: ImportOptions, mapping: MappingFile | None) -> dict[str, str]:
    result = dict(mapping.stages) if mapping else {}
    for item in options.stage_maps:
        value, sep, key = item.rpartition("=")
        if not sep or not value.strip():
            raise InvalidValue(f'invalid --stage-map {item!r}: use "CSV value=stage"')
        result[value.strip()] = key.strip()
    return result


def plan_import(
    conn: sqlite3.Connection, options: ImportOptions, stager_for: Callable[[Plan], Any] | None = None
) -> tuple[Any, Plan, Any]:
    """(layout, plan, stage resolver) for ``options.path``, nothing written (``stager_for``:
    see ``import_planning.decide``)."""
    mapping = _mapping_file(options)
    columns = options.columns or (mapping.header_columns if mapping else None)
    layout = sniff(
        options.path,
        encoding=options.encoding,
        delimiter=options.delimiter,
        escape=options.escape if options.escape is not None else (mapping.escape if mapping else None),
        columns=columns,
    )
    plan_options = PlanOptions(
        maps=options.maps,
        dayfirst=options.dayfirst,
        decimal=options.decimal,
        drop_extra=options.drop_extra,
        mapping=mapping,
    )
    plan, stages = decide(options.path, layout, plan_options, _stage_map(options, mapping), pipeline(conn), stager_for)
    return layout, plan, stages


def save_mapping(plan: Plan, path: Path, protect: list[Path]) -> None:
    from salespipe.services.files import write_atomically

    write_atomically(path, plan.to_toml(source=protect[0].name), protect=protect)


def import_csv(
    conn: sqlite3.Connection,
    options: ImportOptions,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import ``options.path``; returns the summary. Valid rows commit together unless
    ``dry_run``, (``strict`` and a row was rejected), or the plan has open questions
    (``refused``, unless ``accept_partial``). ``on_wait`` is called when another salespipe
    holds the database (the import then waits for it)."""
    if options.on_duplicate not in ON_DUPLICATE:
        raise InvalidValue(f"invalid --on-duplicate {options.on_duplicate!r}; choose from: {', '.join(ON_DUPLICATE)}")
    currency = (options.currency or default_currency(conn)).upper()
    stagers: list[import_staged.Stager] = []

    def stager_for(plan: Plan) -> import_staged.Stager | None:
        """The full pass stages the rows of a file the staged import may take."""
        if not import_staged.may_take(options, plan, currency):
            return None
        size = options.path.stat().st_size
        share = (lambda part: progress(round(part * size), size)) if progress else None
        stagers.append(import_staged.Stager(conn, len(plan.headers), share, size, IMPORT_NULLS))
        return stagers[0]

    try:
        layout, plan, stages = plan_import(conn, options, stager_for)
    except BaseException:
        for made in stagers:
            made.drop()
        raise
    stager = stagers[0] if stagers else None
    try:
        return _import_planned(conn, options, now, progress, on_wait, layout, plan, stages, stager, currency)
    except BaseException:
        if stager:
            stager.drop()
        raise


def _import_planned(
    conn: sqlite3.Connection,
    options: ImportOptions,
    now: datetime,
    progress: Callable[[int, int], None] | None,
    on_wait: Callable[[], None] | None,
    layout: Any,
    plan: Plan,
    stages: Any,
    stager: import_staged.Stager | None,
    currency: str,
) -> ImportSummary:
    from salespipe.store.db import (
        database_file,
        foreign_keys_unchecked,
        prepare_bulk_write,
        rollback_journal,
        transaction,
    )

    summary = ImportSummary(
        file=str(options.path),
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        header_line=layout.header_line,
        plan=plan,
        dry_run=options.dry_run,
    )
    db_file = database_file(conn)
    protect = [options.path] + ([db_file] if db_file else [])
    if options.save_mapping:
        save_mapping(plan, options.save_mapping, protect)
        summary.mapping_file = str(options.save_mapping)
    summary.database_currency = default_currency(conn)
    ctx = RowContext(plan=plan, stages=stages, default_currency=currency, now=now, nulls=IMPORT_NULLS)
    if stager and not import_staged.eligible(options, ctx):
        stager = None
    if plan.questions and not options.accept_partial:
        summary.refused, summary.rows = True, plan.rows
        return summary
    rejects = _RejectsWriter(options, layout.headers, summary, protect)
    total = options.path.stat().st_size
    # A big file into a small database: indexes are rebuilt once at the end (a sort) rather
    # than updated row by row in random order. Estimated at ~150 bytes a row.
    bulk = total / 150 > max(BULK_MIN_ROWS, lead_store.count(conn))
    import gc

    # What exists now (modules, the plan) lives to the end of the import: the collector stops
    # rescanning it, and runs less often while rows stream through (freed by reference count).
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    # into an empty database: the rollback journal writes each page once (store.db.rollback_journal)
    empty = bulk and lead_store.count(conn) == 0
    try:
        # the staged bulk import makes every row its new rows refer to (but the stages, which it
        # checks): no foreign key is looked up per row (store.db.foreign_keys_unchecked)
        with (
            foreign_keys_unchecked(conn, bool(stager) and bulk),
            rollback_journal(conn, empty),
            transaction(conn, on_wait),
        ):
            from salespipe.store import journal

            prepare_bulk_write(conn)
            journal.begin(conn, f"salespipe import {options.path}", utc_iso(now))
            recorded = utc_iso(now)
            untriggered: list[str] = []
            deferred: list[str] = []
            linked = None  # the staged import links as it writes
            if stager:

                def for_bulk() -> None:  # once the duplicates are decided: no look-ups remain
                    nonlocal untriggered, deferred
                    if bulk:
                        deferred = lead_store.drop_bulk_indexes(conn, set())
                        untriggered = journal.drop_insert_triggers(conn, BULK_JOURNALED)

                with journal.paused(conn):  # the new leads are journaled as one range
                    first_new_id, next_id, linked = import_staged.run(
                        conn, stager, ctx, summary, rejects, recorded, for_bulk
                    )
            else:
                # the duplicate look-ups this file makes keep their index; the rest are rebuilt
                keep = {"idx_leads_email_key"} if plan.rows_without_id else set()
                keep |= {"idx_leads_name_key"} if plan.rows_without_id_or_email else set()
                deferred = lead_store.drop_bulk_indexes(conn, keep) if bulk else []
                # New leads and their events are journaled as one range: no trigger per row. With
                # --on-duplicate update, updated leads get events that must be journaled one by one.
                if bulk and options.on_duplicate != "update":
                    untriggered = journal.drop_insert_triggers(conn, BULK_JOURNALED)
                writer = _Writer(conn, options, ctx, summary, now)
                _write_rows(options, layout, plan, summary, writer, rejects, progress, total)
                first_new_id, next_id = writer.first_new_id, writer.next_id
            if progress:
                progress(total, total)
            # the new leads' organisations and people, set-based; undo removes them as ranges
            from salespipe.domain.import_columns import normalise_header
            from salespipe.store import orgs as org_store
            from salespipe.store.customers import REFERRER_HEADERS, link_referrers

            with journal.paused(conn):
                if linked is None:
                    linked = org_store.link_leads(conn, first_new_id, next_id, at=recorded)
                # only a file with a referrer column has referrers to link (reading every new
                # lead's fields for one cost a 100k-row import 0.3 s)
                if any(normalise_header(name) in REFERRER_HEADERS for _, name in plan.extras):
                    summary.referrals_linked, summary.referrers_unknown = link_referrers(conn, first_new_id, next_id)
            summary.orgs_created, summary.orgs_matched = linked.orgs_created, linked.orgs_matched
            summary.people_created, summary.people_matched = linked.people_created, linked.people_matched
            for table, (first_row, end_row) in (("orgs", linked.orgs_range), ("people", linked.people_range)):
                journal.record_inserted_range(conn, journal.current(conn), table, first_row, end_row)
            # the new open deals' expected close dates, as known now (what their closes are measured
            # against), written before the indexes are rebuilt
            from salespipe.store import estimates

            with journal.paused(conn):
                estimates.record_close_dates(conn, first_new_id, next_id, at=recorded, source="import")
            journal.restore_insert_triggers(conn, untriggered)
            if not (options.dry_run or (options.strict and summary.rejected)):
                lead_store.restore_indexes(conn, deferred)
            # undo removes the inserted leads (their events and estimates go with them) in one statement
            journal.record_inserted_range(conn, journal.current(conn), "leads", first_new_id, next_id)
            journal.end(conn)
            if options.dry_run or (options.strict and summary.rejected):
                raise _Rollback
    except _Rollback:
        pass
    else:
        summary.committed = True
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        rejects.close()
    assert summary.inserted + summary.updated + summary.skipped + summary.rejected == summary.rows
    return summary


def _write_rows(
    options: ImportOptions,
    layout: Any,
    plan: Plan,
    summary: ImportSummary,
    writer: _Writer,
    rejects: _RejectsWriter,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """The row-by-row import: the file streamed in chunks through ``writer``."""
    text, raw = open_text(options.path, layout.encoding)
    with text:
        chunk: list[tuple[int, list[str]]] = []
        for line, cells in iterate(reader(text, layout), layout, options.path):
            if plan.footer_line and line >= plan.footer_line:
                break
            if not "".join(cells).strip():
                summary.blank_lines += 1
                continue
            if is_report_summary(cells):
                summary.summary_rows += 1
                continue
            chunk.append((line, cells))
            if len(chunk) >= CHUNK_ROWS:
                writer.write(chunk, rejects)
                chunk = []
                if progress:
                    progress(raw.position, total)
        writer.write(chunk, rejects)


class _RejectsWriter:
    """Rejected rows, as they were, with ``line`` and ``error`` columns (not in a dry run).

    Written through ``files.output_file`` (a temporary file renamed over the target when
    complete), opened at the first rejected row; never over the file being imported or the
    database."""

    def __init__(self, options: ImportOptions, headers: list[str], summary: ImportSummary, protect: list[Path]):
        from salespipe.services.files import check_output

        self.path = options.rejects_path or options.path.with_name(options.path.name + ".rejects.csv")
        self.protect = protect
        self.enabled = not options.dry_run
        if self.enabled:
            check_output(self.path, protect)
        self.headers = headers
        self.summary = summary
        self.output: Any = None  # the output_file context, once entered
        self.writer: Any = None

    def add(self, line: int, cells: list[str], error: str) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejects) < MAX_REPORTED_REJECTS:
            self.summary.rejects.append(Reject(line, error))
        if not self.enabled:
            return
        if self.writer is None:
            from salespipe.services.files import output_file

            self.output = output_file(self.path, protect=self.protect, what="the rejects file ")
            self.writer = csv.writer(self.output.__enter__(), lineterminator="\r\n")
            self.writer.writerow([*self.headers, "line", "error"])
        padded = cells + [""] * (len(self.headers) - len(cells))
        try:
            self.writer.writerow([neutralise(c) for c in [*padded, str(line), error]])
        except OSError as exc:
            raise SalespipeError(f"cannot write the rejects file {str(self.path)!r}: {exc.strerror}") from None

    def close(self) -> None:
        if self.output is not None:
            self.output.__exit__(None, None, None)
            self.summary.rejects_file = str(self.path)


class _Writer:
    def __init__(
        self, conn: sqlite3.Connection, options: ImportOptions, ctx: RowContext, summary: ImportSummary, now: datetime
    ):
        self.conn = conn
        self.options = options
        self.ctx = ctx
        self.summary = summary
        self.first_new_id = lead_store.next_id(conn)
        self.next_id = self.first_new_id
        self.recorded = utc_iso(now)
        self.by_external = "external_id" in ctx.plan.columns
        # line of each lead this import inserted, by (id - first_new_id): 4 bytes a row
        from array import array

        self.lines = array("I")
        # existing leads that a line of this file matched: a later line is a duplicate in the file
        self.matched_existing: dict[int, int] = {}

    def _keys(self, row: ImportRow) -> tuple[str, str, str | None]:
        """(kind, key, created day or None): external id, else e-mail, else title + company."""
        if self.by_external and row.external_id:
            return ("external_id", row.external_id, None)
        if row.email_key:
            return ("email", row.email_key, None)
        day = utc_iso(row.events[0][2])[:10] if row.created_given else None
        return ("name", name_key(row.fields.title, row.fields.company), day)

    def write(self, chunk: list[tuple[int, list[str]]], rejects: _RejectsWriter) -> None:
        """Convert, check for duplicates and insert one chunk (inserts are journaled in bulk)."""
        if not chunk:
            return
        converted: list[tuple[int, list[str], ImportRow, tuple[str, str, str | None]]] = []
        for line, cells in chunk:
            self.summary.rows += 1
            try:
                row = convert_row(cells, self.ctx)
            except InvalidValue as exc:
                rejects.add(line, cells, str(exc))
                continue
            converted.append((line, cells, row, self._keys(row)))
        wanted: dict[str, set[str]] = {"external_id": set(), "email": set(), "name": set()}
        for *_, (kind, key, _) in converted:
            wanted[kind].add(key)
        by_id = lead_store.ids_by_external_id(self.conn, wanted["external_id"])
        by_email = lead_store.ids_by_email(self.conn, wanted["email"])
        by_name = lead_store.ids_by_name_key(self.conn, wanted["name"])
        leads: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        for line, cells, row, (kind, key, day) in converted:
            if kind == "external_id":
                match = by_id.get(key)
            elif kind == "email":
                match = by_email.get(key)
            else:
                match = next((i for i, created in by_name.get(key, ()) if day is None or created[:10] == day), None)
            if match is not None:
                self.summary.matched_by[kind] += 1
                self._duplicate(line, cells, row, match, rejects)
                continue
            lead_id = self.next_id
            self.next_id += 1
            self.lines.append(line)
            tuple_ = self._lead_tuple(lead_id, row)
            # every key of the new lead, as the database look-ups of later chunks will find it
            if self.by_external and row.external_id:
                by_id[row.external_id] = lead_id
            if row.email_key:
                by_email.setdefault(row.email_key, lead_id)
            by_name.setdefault(tuple_[24], []).append((lead_id, tuple_[17]))
            if row.warning:
                self.summary.warned += 1
                if len(self.summary.warnings) < MAX_REPORTED_REJECTS:
                    self.summary.warnings.append(Reject(line, row.warning))
            self._count_missing(row)
            leads.append(tuple_)
            previous_at = None
            for from_stage, to_stage, at, note in row.events:
                at_text = utc_iso(at)
                events.append((lead_id, from_stage, to_stage, at_text, previous_at, note, self.recorded))
                previous_at = at_text
            self.summary.inserted += 1
        from salespipe.store import journal

        with journal.paused(self.conn):
            lead_store.insert_many(self.conn, leads, events)

    def _count_missing(self, row: ImportRow) -> None:
        self.summary.currencies[row.fields.currency or self.ctx.default_currency] += 1
        missing, columns = self.summary.missing, self.ctx.plan.columns
        if row.fields.value_minor is None and "value" in columns:
            missing["value"] += 1
        if not row.created_given and "created" in columns:
            missing["created"] += 1
        if row.stage.is_closed and not row.closed_known:
            missing[f"close_date_{row.stage.kind.value}"] += 1
        if row.close_from:
            missing[f"close_date_from_{row.close_from}"] += 1

    def _lead_tuple(self, lead_id: int, row: ImportRow) -> tuple[Any, ...]:
        f = row.fields
        created = utc_iso(row.events[0][2])
        entered = utc_iso(row.events[-1][2])
        return (
            lead_id,
            f.title,
            f.contact_name,
            f.company,
            f.email,
            f.phone,
            f.source,
            row.owner,
            row.stage.key,
            f.value_minor,
            f.currency,
            f.probability,
            f.expected_close.isoformat() if f.expected_close else None,
            json.dumps(f.tags, ensure_ascii=False) if f.tags else "[]",
            json.dumps(f.fields, ensure_ascii=False, sort_keys=True) if f.fields else "{}",
            row.lost_reason,
            f.external_id,
            created,
            int(row.created_estimated),
            self.recorded,
            entered if row.stage.is_closed and row.closed_known else None,
            entered,
            entered,
            row.email_key,
            name_key(f.title, f.company),
            f.kind or "new",
            f.term_months,
        )

    def _duplicate(self, line: int, cells: list[str], row: ImportRow, lead_id: int, rejects: _RejectsWriter) -> None:
        earlier_match = self.matched_existing.get(lead_id) if lead_id < self.first_new_id else None
        if lead_id >= self.first_new_id or earlier_match is not None:
            earlier = earlier_match or self.lines[lead_id - self.first_new_id]
            self.summary.duplicates_in_file += 1
            self.summary.skipped += 1
            if len(self.summary.duplicates) < MAX_REPORTED_REJECTS:
                self.summary.duplicates.append((line, earlier))
            return
        self.matched_existing[lead_id] = line
        if self.options.on_duplicate == "fail":
            raise Conflict(
                f"line {line} matches existing lead #{lead_id}; nothing was imported "
                "(--on-duplicate skip or update to go on)"
            )
        if self.options.on_duplicate != "update":
            self.summary.skipped += 1
            return
        try:
            changed = self._update(lead_id, row)
        except SalespipeError as exc:
            rejects.add(line, cells, f"cannot update lead #{lead_id}: {exc}")
            return
        if changed:
            self.summary.updated += 1
        else:
            self.summary.skipped += 1

    def _update(self, lead_id: int, row: ImportRow) -> bool:
        """Bring an existing lead's fields (and stage) in line with the row; False if equal."""
        from salespipe.services.leads import change_stage, get_lead

        lead = get_lead(self.conn, lead_id)
        given = row.fields.given()
        if row.currency_implied:  # the file said nothing of currency: keep the lead's
            given.pop("currency", None)
        changes = {k: v for k, v in given.items() if getattr(lead, k) != v}
        if "email" in changes and (lead.email or "").casefold() == changes["email"].casefold():
            del changes["email"]  # the same address, written in another case
        if row.owner is not None and row.owner != lead.owner:
            changes["owner"] = row.owner
        if row.fields.tags:
            tags = lead.tags + [t for t in row.fields.tags if t not in lead.tags]
            if tags != lead.tags:
                changes["tags"] = tags
        if row.fields.fields:
            merged = {**lead.fields, **row.fields.fields}
            if merged != lead.fields:
                changes["fields"] = merged
        if row.stage.kind == "lost" and row.lost_reason and row.lost_reason != lead.lost_reason:
            changes["lost_reason"] = row.lost_reason
        # A closed deal is not reopened by an import; an open one moves to the row's stage.
        moved = row.stage.key != lead.stage and not self._is_closed(lead.stage)
        if moved:
            from salespipe.domain.dates import When, from_iso

            at = row.events[-1][2]
            last = lead_store.last_event(self.conn, lead_id)
            if last and at < from_iso(last.at):
                at = from_iso(last.at)
            change_stage(
                self.conn,
                lead_id,
                now=self.ctx.now,
                to=row.stage.key,
                at=When(min(at, self.ctx.now), False),
                note="import",
                fire_rules=False,
                reason=row.lost_reason if row.stage.kind == "lost" else None,
            )
        if changes:
            changes["updated_at"] = self.recorded
            lead_store.update(self.conn, lead_id, changes, source="import")
        return bool(changes) or moved

    def _is_closed(self, key: str) -> bool:
        stage = self.ctx.stages.pipeline.by_key.get(key)
        return bool(stage and stage.is_closed)
