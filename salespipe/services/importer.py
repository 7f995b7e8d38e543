"""`salespipe import`: a CSV file in, every line accounted for.

The file is streamed: rows are converted and written in chunks inside one transaction, so memory
stays flat however long the file is. Duplicates (by external id when the file has one, else by
e-mail) are looked up in the database chunk by chunk; rows written earlier by the same import
are in the database already, which is how duplicates inside the file are found.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from salespipe.domain.dates import utc_iso
from salespipe.domain.errors import Conflict, InvalidValue, SalespipeError
from salespipe.domain.importing import (
    ImportRow,
    Mapping,
    RowContext,
    StageResolver,
    build_mapping,
    convert_row,
    slash_order_evidence,
)
from salespipe.services.leads import default_currency, pipeline
from salespipe.store import leads as lead_store

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 256 * 1024
CHUNK_ROWS = 1000
MAX_REPORTED_REJECTS = 1000
ON_DUPLICATE = ("skip", "update", "fail")
BULK_MIN_ROWS = 20_000
MAX_FIELD_CHARS = 16 * 1024 * 1024  # one cell; the csv module's default is 128 KB


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


@dataclass
class Reject:
    line: int
    error: str


@dataclass
class ImportSummary:
    file: str
    encoding: str
    delimiter: str
    header_line: int
    mapping: list[dict[str, str]]
    day_order: str | None = None
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    duplicates_in_file: int = 0
    blank_lines: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    warned: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, line it repeats)
    rejects_file: str | None = None
    dry_run: bool = False
    committed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "encoding": self.encoding, "delimiter": self.delimiter,
            "header_line": self.header_line, "day_order": self.day_order, "rows": self.rows,
            "inserted": self.inserted, "updated": self.updated, "skipped": self.skipped,
            "rejected": self.rejected, "duplicates_in_file": self.duplicates_in_file,
            "blank_lines": self.blank_lines, "dry_run": self.dry_run, "committed": self.committed,
            "rejects_file": self.rejects_file,
            "rejects": [{"line": r.line, "error": r.error} for r in self.rejects],
            "duplicates": [{"line": line, "duplicate_of_line": first} for line, first in self.duplicates],
            "warned": self.warned,
            "warnings": [{"line": r.line, "warning": r.error} for r in self.warnings],
            "mapping": self.mapping,
        }


class _CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for the progress bar)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.position += n or 0
        return n or 0


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the first lines into the most, equally many, columns."""
    best, best_score = ",", (-1, -1)
    text = "\n".join(lines)
    for candidate in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(io.StringIO(text), delimiter=candidate) if any(row)]
        except csv.Error:
            continue
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal) if modal > 1 else 0, modal)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _open(path: Path, encoding: str) -> tuple[IO[str], _CountingReader]:
    raw = _CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the caller
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")
    return text, raw


def first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The line holding the first byte that ``encoding`` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines_before + chunk[: max(exc.start, 0)].count(b"\n") + 1
            lines_before += chunk.count(b"\n")
    return None


def _rows(reader: Any, path: Path | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells), decoding errors turned into one clear message."""
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            line = first_undecodable_line(path, exc.encoding) if path else None
            where = f"on line {line}" if line else f"after line {last}"
            raise InvalidValue(
                f"the file is not {exc.encoding} {where}; give --encoding (e.g. cp1252)"
            ) from None
        except csv.Error as exc:
            raise InvalidValue(f"line {last + 1}: malformed CSV ({exc})") from None
        yield last + 1, cells
        last = reader.line_num


@dataclass
class _Layout:
    encoding: str
    delimiter: str
    header_line: int
    headers: list[str]


def sniff(options: ImportOptions) -> _Layout:
    try:
        with open(options.path, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise SalespipeError(f"cannot read {str(options.path)!r}: {exc.strerror}") from None
    encoding = options.encoding or detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InvalidValue(f"unknown encoding {encoding!r}") from None
    csv.field_size_limit(MAX_FIELD_CHARS)
    decoded = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    lines = decoded.splitlines()[:50]
    if options.delimiter:
        delimiter = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}.get(
            options.delimiter, options.delimiter)
        if len(delimiter) != 1:
            raise InvalidValue(f"invalid --delimiter {options.delimiter!r}: one character, or tab")
    else:
        delimiter = detect_delimiter(lines)
    # The header is the first row with as many cells as the rows below it (a title line or
    # blank lines above it are skipped and reported as such).
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidValue(f"malformed CSV near the top of the file ({exc})") from None
    counts = [len(r) for r in rows if any(c.strip() for c in r)]
    if not counts:
        raise InvalidValue(f"{str(options.path)!r} has no rows")
    modal = max(set(counts), key=counts.count)
    text, _ = _open(options.path, encoding)
    with text:
        reader = csv.reader(text, delimiter=delimiter)
        for line, cells in _rows(reader, options.path):
            if len(cells) >= modal and sum(1 for c in cells if c.strip()) >= min(modal, 2):
                headers = [c.strip().lstrip("\ufeff") for c in cells]
                return _Layout(encoding, delimiter, line, headers)
    raise InvalidValue(f"{str(options.path)!r} has no header row")


def decide_day_order(options: ImportOptions, layout: _Layout, mapping: Mapping) -> bool | None:
    """For slashed dates (``03/04/2026``) the order is decided once, for the whole file."""
    if options.dayfirst is not None:
        return options.dayfirst
    columns = [mapping.columns[f] for f in ("created", "close_date", "expected_close") if f in mapping.columns]
    if not columns:
        return None
    seen: set[str] = set()
    text, _ = _open(options.path, layout.encoding)
    with text:
        for line, cells in _rows(csv.reader(text, delimiter=layout.delimiter), options.path):
            if line <= layout.header_line:
                continue
            for index in columns:
                if index < len(cells):
                    evidence = slash_order_evidence(cells[index])
                    if evidence:
                        seen.add(evidence)
    if "dayfirst" in seen and "monthfirst" in seen:
        raise InvalidValue("the file mixes day-first and month-first dates; fix the file or pass "
                           "--dayfirst or --monthfirst")
    if "dayfirst" in seen:
        return True
    if "monthfirst" in seen:
        return False
    if "ambiguous" in seen:
        raise InvalidValue("every slashed date in the file could be day/month or month/day; "
                           "pass --dayfirst or --monthfirst")
    return None


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (dry run, --strict)."""


def import_csv(
    conn: sqlite3.Connection,
    options: ImportOptions,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import ``options.path``; returns the summary. Valid rows commit together unless
    ``dry_run`` or (``strict`` and a row was rejected)."""
    from sqlite_utils import Database

    if options.on_duplicate not in ON_DUPLICATE:
        raise InvalidValue(f"invalid --on-duplicate {options.on_duplicate!r}; choose from: {', '.join(ON_DUPLICATE)}")
    layout = sniff(options)
    mapping = build_mapping(layout.headers, options.maps, drop_extra=options.drop_extra)
    ctx = RowContext(
        mapping=mapping,
        stages=StageResolver(pipeline(conn), options.stage_maps),
        default_currency=(options.currency or default_currency(conn)).upper(),
        now=now,
        decimal=options.decimal,
        dayfirst=decide_day_order(options, layout, mapping),
    )
    summary = ImportSummary(
        file=str(options.path), encoding=layout.encoding, delimiter=layout.delimiter,
        header_line=layout.header_line, mapping=mapping.describe(), dry_run=options.dry_run,
        day_order=None if ctx.dayfirst is None else ("dayfirst" if ctx.dayfirst else "monthfirst"),
    )
    rejects = _RejectsWriter(options, layout.headers, summary)
    total = options.path.stat().st_size
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    # A bigger page cache keeps the growing indexes in memory (32 MB at most, this connection only).
    conn.execute("PRAGMA cache_size = -32768")
    # A big file into a small database: indexes are rebuilt once at the end (a sort) rather
    # than updated row by row in random order. Estimated at ~150 bytes a row.
    bulk = total / 150 > max(BULK_MIN_ROWS, lead_store.count(conn))
    try:
        with db.atomic():
            from salespipe.store import journal

            journal.begin(conn, f"salespipe import {options.path}", utc_iso(now))
            deferred = lead_store.drop_bulk_indexes(conn) if bulk else []
            writer = _Writer(conn, options, ctx, summary, now)
            text, raw = _open(options.path, layout.encoding)
            with text:
                chunk: list[tuple[int, list[str]]] = []
                for line, cells in _rows(csv.reader(text, delimiter=layout.delimiter), options.path):
                    if line <= layout.header_line:
                        continue
                    if not any(c.strip() for c in cells):
                        summary.blank_lines += 1
                        continue
                    chunk.append((line, cells))
                    if len(chunk) >= CHUNK_ROWS:
                        writer.write(chunk, rejects)
                        chunk = []
                        if progress:
                            progress(raw.position, total)
                writer.write(chunk, rejects)
                if progress:
                    progress(total, total)
            if not (options.dry_run or (options.strict and summary.rejected)):
                lead_store.restore_indexes(conn, deferred)
            # undo removes the inserted leads (their events go with them) in one statement
            if writer.next_id > writer.first_new_id:
                journal.record(conn, journal.current(conn),
                               f"DELETE FROM leads WHERE id >= {writer.first_new_id} AND id < {writer.next_id}")
            journal.end(conn)
            if options.dry_run or (options.strict and summary.rejected):
                raise _Rollback
    except _Rollback:
        pass
    else:
        summary.committed = True
    finally:
        rejects.close()
    assert summary.inserted + summary.updated + summary.skipped + summary.rejected == summary.rows
    return summary


class _RejectsWriter:
    """Rejected rows, as they were, with ``line`` and ``error`` columns (not in a dry run)."""

    def __init__(self, options: ImportOptions, headers: list[str], summary: ImportSummary):
        self.path = options.rejects_path or options.path.with_name(options.path.name + ".rejects.csv")
        self.enabled = not options.dry_run
        self.headers = headers
        self.summary = summary
        self.file: IO[str] | None = None
        self.writer: Any = None

    def add(self, line: int, cells: list[str], error: str) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejects) < MAX_REPORTED_REJECTS:
            self.summary.rejects.append(Reject(line, error))
        if not self.enabled:
            return
        if self.writer is None:
            self.file = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self.writer = csv.writer(self.file)
            self.writer.writerow([*self.headers, "line", "error"])
            self.summary.rejects_file = str(self.path)
        padded = cells + [""] * (len(self.headers) - len(cells))
        self.writer.writerow([*padded, line, error])

    def close(self) -> None:
        if self.file:
            self.file.close()


class _Writer:
    def __init__(self, conn: sqlite3.Connection, options: ImportOptions, ctx: RowContext,
                 summary: ImportSummary, now: datetime):
        self.conn = conn
        self.options = options
        self.ctx = ctx
        self.summary = summary
        self.first_new_id = lead_store.next_id(conn)
        self.next_id = self.first_new_id
        self.recorded = utc_iso(now)
        self.by_external = "external_id" in ctx.mapping.columns
        # line of each lead this import inserted, by (id - first_new_id): 4 bytes a row
        from array import array

        self.lines = array("I")

    def _key(self, row: ImportRow) -> tuple[str, str] | None:
        if self.by_external and row.external_id:
            return ("external_id", row.external_id)
        if row.email:
            return ("email", row.email)
        return None

    def write(self, chunk: list[tuple[int, list[str]]], rejects: _RejectsWriter) -> None:
        """Convert, check for duplicates and insert one chunk (inserts are journaled in bulk)."""
        if not chunk:
            return
        converted: list[tuple[int, list[str], ImportRow]] = []
        for line, cells in chunk:
            self.summary.rows += 1
            try:
                converted.append((line, cells, convert_row(cells, self.ctx)))
            except InvalidValue as exc:
                rejects.add(line, cells, str(exc))
        existing = {
            "external_id": lead_store.ids_by_external_id(
                self.conn, {r.external_id for _, _, r in converted if r.external_id}),
            "email": lead_store.ids_by_email(self.conn, {r.email for _, _, r in converted if r.email}),
        }
        in_chunk: dict[tuple[str, str], int] = {}
        leads: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        for line, cells, row in converted:
            key = self._key(row)
            match = (in_chunk.get(key) or existing[key[0]].get(key[1])) if key else None
            if match is not None:
                self._duplicate(line, cells, row, match, rejects)
                continue
            lead_id = self.next_id
            self.next_id += 1
            self.lines.append(line)
            if key:
                in_chunk[key] = lead_id
            if row.warning:
                self.summary.warned += 1
                if len(self.summary.warnings) < MAX_REPORTED_REJECTS:
                    self.summary.warnings.append(Reject(line, row.warning))
            leads.append(self._lead_tuple(lead_id, row))
            previous_at = None
            for from_stage, to_stage, at, note in row.events:
                at_text = utc_iso(at)
                events.append((lead_id, from_stage, to_stage, at_text, previous_at, note, self.recorded))
                previous_at = at_text
            self.summary.inserted += 1
        from salespipe.store import journal

        with journal.paused(self.conn):
            lead_store.insert_many(self.conn, leads, events)

    def _lead_tuple(self, lead_id: int, row: ImportRow) -> tuple[Any, ...]:
        f = row.fields
        created = utc_iso(row.events[0][2])
        entered = utc_iso(row.events[-1][2])
        return (
            lead_id, f.title, f.contact_name, f.company, f.email, f.phone, f.source, row.stage.key,
            f.value_minor or 0, f.currency, f.probability,
            f.expected_close.isoformat() if f.expected_close else None,
            json.dumps(f.tags, ensure_ascii=False) if f.tags else "[]",
            json.dumps(f.fields, ensure_ascii=False, sort_keys=True) if f.fields else "{}",
            row.lost_reason, f.external_id, created, self.recorded,
            entered if row.stage.is_closed else None, entered, entered,
        )

    def _duplicate(self, line: int, cells: list[str], row: ImportRow, lead_id: int,
                   rejects: _RejectsWriter) -> None:
        if lead_id >= self.first_new_id:
            earlier = self.lines[lead_id - self.first_new_id]
            self.summary.duplicates_in_file += 1
            self.summary.skipped += 1
            if len(self.summary.duplicates) < MAX_REPORTED_REJECTS:
                self.summary.duplicates.append((line, earlier))
            return
        if self.options.on_duplicate == "fail":
            raise Conflict(f"line {line} matches existing lead #{lead_id}; nothing was imported "
                           "(--on-duplicate skip or update to go on)")
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
        given = row.fields.model_dump(exclude_none=True, exclude={"fields", "tags"})
        changes = {k: v for k, v in given.items() if getattr(lead, k) != v}
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
            change_stage(self.conn, lead_id, now=self.ctx.now, to=row.stage.key,
                         at=When(min(at, self.ctx.now), False), note="import", fire_rules=False,
                         reason=row.lost_reason if row.stage.kind == "lost" else None)
        if changes:
            changes["updated_at"] = self.recorded
            lead_store.update(self.conn, lead_id, changes)
        return bool(changes) or moved

    def _is_closed(self, key: str) -> bool:
        stage = self.ctx.stages.pipeline.by_key.get(key)
        return bool(stage and stage.is_closed)
