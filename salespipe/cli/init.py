"""`salespipe init`: start a pipeline from a preset."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli.common import (
    database,
)
from salespipe.cli.stage import _records, _show


def init(
    ctx: typer.Context,
    preset: Annotated[str, typer.Option("--preset", help="six-phase, seven-step or hubspot.")] = "six-phase",
    lang: Annotated[str, typer.Option("--lang", help="The pipeline's language, en or de: stage labels, and the words, numbers, money and dates of lists, cards and reports.")] = "en",
    currency: Annotated[str | None, typer.Option("--currency", help="Default currency (ISO 4217), EUR unless set.")] = None,
) -> None:
    """Start a new database's pipeline from a preset.

    Example: salespipe init --preset six-phase --lang de --currency EUR
    """
    from salespipe.services import stages

    with database(ctx) as conn:
        stages.init(conn, preset_name=preset, lang=lang, currency=currency)
        records = _records(conn)
    _show(ctx, records)
