"""The command tree. Thin: parse arguments, call a service, render, exit.

Modules here import only Typer at the top; everything else is imported inside the command
that needs it, so that ``salespipe --help`` and simple commands start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from salespipe.cli import db as db_cmd
from salespipe.cli import lead, moves, stage
from salespipe.cli.common import SalespipeGroup, state

app = typer.Typer(
    cls=SalespipeGroup,
    name="salespipe",
    help="The terminal sales pipeline for a solo sales rep.\n\n"
         "Example: salespipe lead add \"Anna Berger\" --company Bergwerk --value 12k",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from salespipe import __version__

        typer.echo(f"salespipe {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", metavar="PATH",
                                           help="Database file (else $SALESPIPE_DB, else the XDG data dir).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """The terminal sales pipeline for a solo sales rep."""
    state(ctx).db_flag = db


app.add_typer(lead.app, name="lead")
moves.register(app)
app.add_typer(stage.app, name="stage")
app.command("init")(stage.init)
app.add_typer(db_cmd.app, name="db")




from salespipe.cli.demo import demo  # noqa: E402
from salespipe.cli.report import report  # noqa: E402

app.command("report")(report)
app.command("demo")(demo)


def main() -> None:
    app()
