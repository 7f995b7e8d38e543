"""`salespipe init`: start a pipeline from a preset."""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import completion
from salespipe.cli.common import database, info, settings
from salespipe.cli.stage import _records, _show


def init(
    ctx: typer.Context,
    preset: Annotated[
        str,
        typer.Option(
            "--preset", help="six-phase, seven-step or hubspot.", autocompletion=completion.choices(*completion.PRESETS)
        ),
    ] = "six-phase",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="The pipeline's language, en or de: stage labels, and "
            "the words, numbers, money and dates of lists, cards "
            "and reports (default: the config file's, else en).",
            autocompletion=completion.choices("en", "de"),
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="Default currency (ISO 4217; default: the config file's, else EUR)."),
    ] = None,
) -> None:
    """Start a new database's pipeline from a preset.

    Example: salespipe init --preset six-phase --lang de --currency EUR
    """
    from salespipe.services import stages

    config = settings(ctx)
    chosen_lang = lang or config.language.value or "en"
    with database(ctx) as conn:
        stages.init(conn, preset_name=preset, lang=chosen_lang, currency=currency or config.currency.value)
        records = _records(conn)
        from salespipe.services.pipeline import default_currency

        money = default_currency(conn)
    info(
        f"Started the pipeline from the {preset} preset: {len(records)} stages, language {chosen_lang}, "
        f"currency {money}."
    )
    _show(ctx, records)
