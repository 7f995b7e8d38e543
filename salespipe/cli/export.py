"""`salespipe export`: CSV, JSON Lines and the lossless `--all` JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from salespipe.cli.common import (
    database,
    database_path,
    info,
)


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or jsonl.")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: stdout).")] = None,
    what: Annotated[str, typer.Option("--what", help="all (leads with their stage history), leads or events.")] = "all",
    person: Annotated[
        str | None,
        typer.Option(
            "--person", metavar="EMAIL", help="Only what is stored about this person, as JSON (right of access)."
        ),
    ] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Everything, losslessly, as JSON: stages, settings, targets, rules, "
            "leads with events, activities, tasks and criteria "
            "(salespipe import restores it into an empty database).",
        ),
    ] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="CSV that Excel opens directly, in the pipeline's language: "
            "German ; and decimal comma, dates 27.11.2026; English , "
            "and decimal point (UTF-8 with BOM; times UTC).",
        ),
    ] = False,
) -> None:
    """Export the pipeline: leads with custom fields and their stage history.

    `salespipe import` of a CSV export rebuilds the same pipeline in another database.

    Example: salespipe export --format csv --out pipeline.csv
    """
    from salespipe.render.output import to_json, write_csv, write_json_list, write_jsonl
    from salespipe.services.exporter import FORMATS, WHATS
    from salespipe.services.exporter import export as export_records

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}; choose from: {', '.join(FORMATS)}", param_hint="--format")
    if what not in WHATS:
        raise typer.BadParameter(f"{what!r}; choose from: {', '.join(WHATS)}", param_hint="--what")
    given = {name for name in ("fmt", "what") if getattr(ctx.get_parameter_source(name), "name", "") != "DEFAULT"}
    if all_ and person is not None:
        raise typer.BadParameter("give --all or --person, not both", param_hint="--all/--person")
    if (all_ or person is not None) and "what" in given:
        raise typer.BadParameter(
            "--what is for the CSV and JSON export of leads; --all and --person write everything they cover",
            param_hint="--what",
        )
    if person is not None and "fmt" in given and fmt != "json":
        raise typer.BadParameter("--person writes JSON", param_hint="--format")
    if excel and (all_ or person is not None or fmt != "csv"):
        raise typer.BadParameter(
            "--excel writes CSV of leads or events (not with --all, --person or --format json/jsonl)",
            param_hint="--excel",
        )
    if all_:
        if "fmt" in given and fmt != "json":
            raise typer.BadParameter("--all writes JSON", param_hint="--format")
        from salespipe.services.full_export import export_all

        with database(ctx, write=False) as conn:
            everything = export_all(conn)
        with _destination(ctx, out) as target:
            json.dump(everything, target, ensure_ascii=False)
            target.write("\n")
        if out:
            info(f"Exported everything ({len(everything['tables']['leads'])} lead(s)) to {out}.")
        return
    if person is not None:
        from salespipe.services.privacy import person as person_data

        with database(ctx, write=False) as conn:
            found = person_data(conn, person)
        with _destination(ctx, out) as target:
            target.write(to_json(found) + "\n")
        if out:
            info(f"Exported {len(found['leads'])} lead(s) of {person} to {out}.")
        return

    with database(ctx, write=False) as conn:
        data = export_records(conn, fmt=fmt, what=what)
        with _destination(ctx, out) as target:
            if excel:
                from salespipe.render.spreadsheet import write_excel_csv
                from salespipe.services.pipeline import language

                count = write_excel_csv(target, data.header, data.records, lang=language(conn))
            elif fmt == "csv":
                count = write_csv(target, data.header, data.records)
            elif fmt == "jsonl":
                count = write_jsonl(target, data.records)
            else:
                count = write_json_list(target, data.key, data.records)
    if out:
        info(f"Exported {count} {data.key} to {out}.")


def _destination(ctx: typer.Context, out: Path | None) -> Any:
    """Where an export goes: ``out`` (never over the database; whole or not at all), or stdout."""
    from contextlib import nullcontext

    from salespipe.services.files import output_file

    return output_file(out, protect=[database_path(ctx)]) if out else nullcontext(sys.stdout)
