"""`salespipe import` and `salespipe export`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from salespipe.cli.common import JsonOpt, database, emit_json, info, now

MAX_PRINTED_REJECTS = 20


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The CSV file.", show_default=False)],
    map_: Annotated[list[str] | None, typer.Option("--map", metavar="'COLUMN=FIELD'",
                                                   help="Map a column to a field (COLUMN= ignores it; FIELD field:NAME keeps it as a custom field). Repeatable.")] = None,
    stage_map: Annotated[list[str] | None, typer.Option("--stage-map", metavar="'VALUE=STAGE'",
                                                        help="Map a stage value of the file to a stage. Repeatable.")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", help="Column delimiter (default: detected among , ; tab |).")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="File encoding (default: detected: UTF-8, UTF-8 with BOM, cp1252).")] = None,
    decimal: Annotated[str | None, typer.Option("--decimal", help="Decimal separator of amounts, . or , (default: per value).")] = None,
    dayfirst: Annotated[bool | None, typer.Option("--dayfirst/--monthfirst",
                                                  help="Order of slashed dates (default: decided from the file).", show_default=False)] = None,
    on_duplicate: Annotated[str, typer.Option("--on-duplicate", help="skip, update or fail when a row matches a lead (by external id, else e-mail).")] = "skip",
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Where rejected rows go (default FILE.rejects.csv).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if any row is rejected.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the mapping and check every row; write nothing.")] = False,
    drop_extra: Annotated[bool, typer.Option("--drop-extra", help="Do not keep unmapped columns as custom fields.")] = False,
    currency: Annotated[str | None, typer.Option("--currency", help="Currency of amounts without one (default: the database's).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Import leads from a CSV file (CRM exports, trade-fair lists, Excel sheets).

    Every data row is inserted, updated, skipped (duplicate) or rejected; rejected rows go to
    FILE.rejects.csv with the reason, and the exit status is then 1.

    Example: salespipe import leads.csv --stage-map "Engaging=qualified" --dry-run
    """
    from salespipe.domain.money import normalize_currency
    from salespipe.services.importer import ImportOptions, import_csv

    options = ImportOptions(
        path=file, maps=map_ or [], stage_maps=stage_map or [], delimiter=delimiter,
        encoding=encoding, decimal=decimal, dayfirst=dayfirst, on_duplicate=on_duplicate,
        rejects_path=rejects, strict=strict, dry_run=dry_run, drop_extra=drop_extra,
        currency=normalize_currency(currency) if currency else None,
    )
    moment = now()
    with database(ctx, write=False) as conn, _progress(enabled=not quiet and not json_) as progress:
        summary = import_csv(conn, options, now=moment, progress=progress)
    if json_:
        emit_json(summary.to_json())
    else:
        if dry_run:
            _print_mapping(summary.mapping)
        if not quiet:
            _print_summary(summary)
    if summary.rejected:
        raise typer.Exit(1)


def _print_mapping(mapping: list[dict[str, str]]) -> None:
    from salespipe.cli.common import emit
    from salespipe.render.output import plain_table

    emit(plain_table(("Column", "Field"), [[m["column"], m["field"] or "(ignored)"] for m in mapping]))


def _print_summary(summary: Any) -> None:
    delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(summary.delimiter, summary.delimiter)
    order = f", {summary.day_order} dates" if summary.day_order else ""
    info(f"{summary.file}: {summary.encoding}, {delimiter}-delimited, header on line "
         f"{summary.header_line}{order}")
    for reject in summary.rejects[:MAX_PRINTED_REJECTS]:
        info(f"  line {reject.line}: {reject.error}")
    if summary.rejected > MAX_PRINTED_REJECTS:
        info(f"  ... and {summary.rejected - MAX_PRINTED_REJECTS} more rejected rows"
             + (f" (all are in {summary.rejects_file})" if summary.rejects_file else " (--json lists them)"))
    for line, first in summary.duplicates[:MAX_PRINTED_REJECTS]:
        info(f"  line {line}: skipped, a duplicate of line {first}")
    if summary.duplicates_in_file > MAX_PRINTED_REJECTS:
        info(f"  ... and {summary.duplicates_in_file - MAX_PRINTED_REJECTS} more duplicates (--json lists them)")
    for warning in summary.warnings[:MAX_PRINTED_REJECTS]:
        info(f"  line {warning.line}: warning: {warning.error}")
    if summary.warned > MAX_PRINTED_REJECTS:
        info(f"  ... and {summary.warned - MAX_PRINTED_REJECTS} more warnings (--json lists them)")
    verb = "Dry run, nothing written: would import" if summary.dry_run else (
        "Imported" if summary.committed else "Nothing imported (--strict): would have imported")
    info(f"{verb} {summary.rows} rows: {summary.inserted} inserted, {summary.updated} updated, "
         f"{summary.skipped} skipped, {summary.rejected} rejected"
         + (f" ({summary.duplicates_in_file} duplicates within the file)" if summary.duplicates_in_file else "")
         + (f"; {summary.blank_lines} blank lines ignored" if summary.blank_lines else ""))
    if summary.rejects_file:
        info(f"Rejected rows, with the reason, are in {summary.rejects_file}")


class _progress:
    """A transient progress bar on stderr for big files, when stderr is a terminal."""

    def __init__(self, *, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        from salespipe.render.output import make_console

        self.bar = Progress("Importing", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                            console=make_console(stderr=True), transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task("import", total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or jsonl.")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: stdout).")] = None,
    what: Annotated[str, typer.Option("--what", help="all (leads with their stage history), leads or events.")] = "all",
) -> None:
    """Export the pipeline: leads with custom fields and their stage history.

    `salespipe import` of a CSV export rebuilds the same pipeline in another database.

    Example: salespipe export --format csv --out pipeline.csv
    """
    from salespipe.domain.errors import SalespipeError
    from salespipe.render.output import write_csv, write_json_list, write_jsonl
    from salespipe.services.exporter import export as export_records

    with database(ctx, write=False) as conn:
        data = export_records(conn, fmt=fmt, what=what)
        try:
            target = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
        except OSError as exc:
            raise SalespipeError(f"cannot write {str(out)!r}: {exc.strerror}") from None
        try:
            if fmt == "csv":
                count = write_csv(target, data.header, data.records)
            elif fmt == "jsonl":
                count = write_jsonl(target, data.records)
            else:
                count = write_json_list(target, data.key, data.records)
        finally:
            if out:
                target.close()
    if out:
        info(f"Exported {count} {data.key} to {out}.")
