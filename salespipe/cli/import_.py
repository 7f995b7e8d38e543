"""`salespipe import`: CSV files from CRMs and lead lists, and `export --all` files."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from salespipe.cli.common import (
    JsonOpt,
    database,
    database_path,
    emit_json,
    info,
    now,
    output_format,
    say_waiting,
    settings,
    show,
)


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The CSV file.", show_default=False)],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="'COLUMN=FIELD'",
            help="Map a column to a field (COLUMN= ignores it; FIELD field:NAME keeps it as a custom field). Repeatable.",
        ),
    ] = None,
    stage_map: Annotated[
        list[str] | None,
        typer.Option(
            "--stage-map", metavar="'VALUE=STAGE'", help="Map a stage value of the file to a stage. Repeatable."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="FILE.toml",
            help="Apply a mapping saved with --save-mapping (flags given beside it win).",
        ),
    ] = None,
    save_mapping: Annotated[
        Path | None,
        typer.Option(
            "--save-mapping",
            metavar="FILE.toml",
            help="Write the plan (columns, stages, date orders) as a mapping file.",
        ),
    ] = None,
    accept_partial: Annotated[
        bool,
        typer.Option(
            "--accept-partial",
            help="Import what is understood when the plan has open questions: unplaced columns stay custom fields, rows with unknown stages are rejected.",
        ),
    ] = False,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="Column delimiter (default: detected among , ; tab |).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="File encoding (default: detected: UTF-8, UTF-8 with BOM, cp1252).")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns", metavar="'A,B,C'", help="The file has no header: these are its column names, in order."
        ),
    ] = None,
    escape: Annotated[
        str | None,
        typer.Option(
            "--escape",
            metavar="CHAR",
            help="Escape character inside cells, such as a backslash for MySQL dumps (default: a backslash when the file has \\N cells).",
        ),
    ] = None,
    decimal: Annotated[
        str | None,
        typer.Option("--decimal", help="Decimal separator of amounts, . or , (default: decided from the file)."),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="Order of numeric dates that could be read both ways (default: decided per column from the file).",
            show_default=False,
        ),
    ] = None,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="skip, update or fail when a row matches a lead (by external id, e-mail, or name, company and created day).",
        ),
    ] = "skip",
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Where rejected rows go (default FILE.rejects.csv).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if any row is rejected.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the import plan and check every row; write nothing.")
    ] = False,
    drop_extra: Annotated[
        bool, typer.Option("--drop-extra", help="Do not keep unmapped columns as custom fields.")
    ] = False,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency", help="Currency of amounts without one (default: the config file's, else the database's)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Import leads from a CSV file (CRM exports, trade-fair lists, Excel sheets).

    The import plan (which column is which field, how stage values map, the date order of
    each column) is decided from the whole file first. When the file has a column or stage
    values salespipe cannot place, nothing is written: the command lists each with the flag
    that fixes it and exits 2. Every data row is then inserted, updated, skipped (duplicate)
    or rejected; rejected rows go to FILE.rejects.csv with the reason, and the exit status is 1.

    Example: salespipe import deals.csv --dry-run --save-mapping crm.toml
    """
    from salespipe.domain.money import normalize_currency
    from salespipe.services.importer import ImportOptions, import_csv

    column_names = [c.strip() for c in columns.split(",")] if columns is not None else None
    _check_import_usage(column_names, on_duplicate, decimal, escape, encoding)
    options = ImportOptions(
        path=file,
        maps=map_ or [],
        stage_maps=stage_map or [],
        delimiter=delimiter,
        encoding=encoding,
        decimal=decimal,
        dayfirst=dayfirst,
        on_duplicate=on_duplicate,
        rejects_path=rejects,
        strict=strict,
        dry_run=dry_run,
        drop_extra=drop_extra,
        currency=normalize_currency(currency) if currency else settings(ctx).currency.value,
        mapping_path=mapping,
        save_mapping=save_mapping,
        accept_partial=accept_partial,
        columns=column_names,
        escape=escape,
    )
    from salespipe.services.full_export import import_all, is_full_export_file

    if is_full_export_file(file):
        given = [
            flag
            for flag, value in (
                ("--dry-run", dry_run),
                ("--strict", strict),
                ("--map", map_),
                ("--stage-map", stage_map),
                ("--mapping", mapping),
                ("--save-mapping", save_mapping),
                ("--accept-partial", accept_partial),
                ("--rejects", rejects),
                ("--columns", columns),
            )
            if value
        ]
        if given or on_duplicate != "skip":
            raise typer.BadParameter(
                f"{file} is an export --all file, restored whole into a new database; "
                f"it takes none of {', '.join(given) or '--on-duplicate'}",
                param_hint=(given or ["--on-duplicate"])[0],
            )
        # not journaled: it fills a new database, and removing that file undoes it
        with database(ctx, journal=False, create=True) as conn:
            counts = import_all(conn, file.read_text(encoding="utf-8"))
        if json_:
            emit_json({"file": str(file), "restored": counts})
        elif not quiet:
            info(
                f"Restored {counts.get('leads', 0)} lead(s), {counts.get('stage_events', 0)} stage event(s), "
                f"{counts.get('activities', 0)} activit(ies), {counts.get('tasks', 0)} task(s) from {file}."
            )
        return
    moment = now()
    target = database_path(ctx)
    created = not target.exists()
    with database(ctx, write=False, create=True) as conn, _progress(enabled=not quiet and not json_) as progress:
        summary = import_csv(conn, options, now=moment, progress=progress, on_wait=say_waiting)
    if created and not summary.committed:  # a dry run or a refusal leaves no database behind
        for leftover in (target, *(target.with_name(target.name + side) for side in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    from salespipe.render.imports import plan_lines, plan_view, questions_lines, summary_lines

    if json_ or dry_run:  # the plan is what a dry run asked for: stdout
        show(ctx, plan_view(summary), output_format(json_))
    if not json_:
        if summary.refused and not dry_run:
            info("\n".join(plan_lines(summary.plan)))
        if summary.refused:
            from salespipe.cli.common import state

            db_flag = state(ctx).db_flag
            prefix = "salespipe" + (f" --db {shlex.quote(db_flag)}" if db_flag else "")
            info("\n".join(questions_lines(summary, prefix=prefix)))
        elif not quiet:
            info("\n".join(summary_lines(summary)))
    if summary.refused:
        raise typer.Exit(2)
    if summary.rejected:
        raise typer.Exit(1)


def _check_import_usage(
    column_names: list[str] | None, on_duplicate: str, decimal: str | None, escape: str | None, encoding: str | None
) -> None:
    """Option values that can be judged without the file are usage errors (exit 2)."""
    import codecs

    from salespipe.services.importer import ON_DUPLICATE

    if column_names is not None and not all(column_names):
        raise typer.BadParameter("give one name per column, separated by commas", param_hint="--columns")
    if on_duplicate not in ON_DUPLICATE:
        raise typer.BadParameter(
            f"{on_duplicate!r}; choose from: {', '.join(ON_DUPLICATE)}", param_hint="--on-duplicate"
        )
    if decimal is not None and decimal not in (".", ","):
        raise typer.BadParameter(f"{decimal!r}; use . or ,", param_hint="--decimal")
    if escape is not None and len(escape) != 1:
        raise typer.BadParameter(f"{escape!r}; one character, such as a backslash", param_hint="--escape")
    if encoding is not None:
        try:
            text_encoding = getattr(codecs.lookup(encoding), "_is_text_encoding", True)
        except LookupError:
            text_encoding = False
        if not text_encoding:
            raise typer.BadParameter(
                f"unknown encoding {encoding!r}; e.g. utf-8, cp1252, latin-1", param_hint="--encoding"
            )


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

        self.bar = Progress(
            "Importing",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=make_console(stderr=True),
            transient=True,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("import", total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
