"""`salespipe init`: start a pipeline from a preset."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import (
    database,
    settings,
)
from salespipe.cli.stage import _records, _show


def init(
    ctx: typer.Context,
    preset: Annotated[str, typer.Option("--preset", help="six-phase, seven-step or hubspot.",
                                        autocompletion=completion.choices(*completion.PRESETS))] = "six-phase",
    lang: Annotated[str | None, typer.Option("--lang", help="The pipeline's language, en or de: stage labels, and "
                                                             "the words, numbers, money and dates of lists, cards "
                                                             "and reports (default: the config file's, else en).",
                                             autocompletion=completion.choices("en", "de"))] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Default currency (ISO 4217; default: the "
                                                                    "config file's, else EUR).")] = None,
) -> None:
    """Start a new database's pipeline from a preset.

    Example: salespipe init --preset six-phase --lang de --currency EUR
    """
    from salespipe.services import stages

    config = settings(ctx)
    with database(ctx) as conn:
        stages.init(conn, preset_name=preset, lang=lang or config.language.value or "en",
                    currency=currency or config.currency.value)
        records = _records(conn)
    _show(ctx, records)
