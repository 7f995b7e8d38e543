"""`salespipe config ...`: the settings in use and where each came from."""

from __future__ import annotations

from typing import Any

import typer

from salespipe.cli.common import CsvOpt, JsonOpt, db_location, info, output_format, settings, show

app = typer.Typer(help="The config file: the settings in use and where each came from.", no_args_is_help=True)


@app.command("show")
def show_(ctx: typer.Context, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Print each setting, its value and where it came from: a flag, the environment, the config
    file, the database (the pipeline's language and currency) or the default.

    Example: salespipe config show --json
    """
    from salespipe.render.config import config_view
    from salespipe.services.config import Setting

    fmt = output_format(json_, csv_)
    config = settings(ctx)
    shown = config.settings()
    pipeline = _pipeline_settings(ctx, config)
    shown["language"] = pipeline.get("language") or (
        config.language if config.language.value is not None else Setting("en", "default")
    )
    shown["currency"] = pipeline.get("currency") or (
        config.currency if config.currency.value is not None else Setting("EUR", "default")
    )
    show(
        ctx,
        config_view(
            str(config.path),
            config.exists,
            {k: (s.value if k != "database" else str(s.value), s.source) for k, s in shown.items()},
        ),
        fmt,
    )
    if not config.exists and fmt.value == "human":
        info(f"(no config file at {config.path}: salespipe config path)")


def _pipeline_settings(ctx: typer.Context, config: Any) -> dict[str, Any]:
    """Language and currency as the pipeline has them, where the config file does not set them
    (only when the database exists: showing settings never creates one)."""
    if config.language.value is not None and config.currency.value is not None:
        return {}
    if not db_location(ctx).path.exists():
        return {}
    import sqlite3

    from salespipe.cli.common import database
    from salespipe.domain.errors import SalespipeError
    from salespipe.services.pipeline import language_setting, new_lead_currency

    try:
        with database(ctx, write=False) as conn:
            return {"language": language_setting(conn), "currency": new_lead_currency(conn)}
    except (SalespipeError, sqlite3.Error) as exc:
        info(f"Warning: the database could not be read, so its language and currency are not shown: {exc}")
        return {}


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the config file's path (stdout), and whether it exists (stderr).

    $XDG_CONFIG_HOME/salespipe/config.toml, else ~/.config/salespipe/config.toml.

    Example: salespipe config path   (then: $EDITOR "$(salespipe config path)")
    """
    from salespipe.render.output import visible
    from salespipe.services.config import config_path

    location = config_path()
    typer.echo(visible(str(location)))
    info("(exists)" if location.is_file() else "(not created yet: salespipe works without it)")
