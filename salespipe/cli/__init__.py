"""The command tree. Thin: parse arguments, call a service, render, exit.

The files mirror the tree: one module per top-level command or group (``cli/task.py`` is
``salespipe task ...``, ``cli/import_.py`` is ``salespipe import``), except the stage verbs
(verify, qualify, propose, negotiate, close, disqualify, move, reopen), which are one family
in ``cli/moves.py``. ``cli/common.py`` holds what they share.

Modules here import only Typer at the top; everything else is imported inside the command
that needs it, so that ``salespipe --help`` and simple commands start fast.
"""

from __future__ import annotations

import copy
import gc
import importlib
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from salespipe.cli import moves
from salespipe.cli.common import SalespipeGroup, state
from salespipe.render.terminal import COLOR_CHOICES

HELP = (
    "The terminal sales pipeline for a solo sales rep.\n\n"
    'Example: salespipe lead add "Anna Berger" --company Bergwerk --value 12k'
)


def _version(value: bool) -> None:
    if value:
        from salespipe import __version__

        typer.echo(f"salespipe {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Database file (else $SALESPIPE_DB, else the config file's, else the XDG data dir).",
        ),
    ] = None,
    color: Annotated[
        str,
        typer.Option("--color", metavar="WHEN", help="Colour: auto (on a terminal, unless NO_COLOR), always or never."),
    ] = "auto",
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (else $PAGER, less -FRX).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """The terminal sales pipeline for a solo sales rep."""
    if ctx.invoked_subcommand is None:  # bare `salespipe`: the help, which is no error
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    if color not in COLOR_CHOICES:
        raise typer.BadParameter(f"{color!r}; choose auto, always or never", param_hint="--color")
    if db is not None and not db.strip():
        raise typer.BadParameter("needs a path to a database file", param_hint="--db")
    if db is not None:
        from salespipe.domain.paths import folder_words

        why = folder_words(db, "salespipe.db")
        if why:
            raise typer.BadParameter(why, param_hint="--db")
    settings = state(ctx)
    # "auto" given on the command line beats the config file's colour; only the default yields
    given = getattr(ctx.get_parameter_source("color"), "name", "DEFAULT") != "DEFAULT"
    settings.db_flag, settings.color, settings.no_pager = db, color if given else None, no_pager
    if os.environ.get("SALESPIPE_HOOK_TIMEOUT") is not None:  # a usage error before any change
        from salespipe.domain.errors import InvalidValue
        from salespipe.services.hooks import timeout_from_environment

        try:
            timeout_from_environment()
        except InvalidValue as exc:
            raise typer.BadParameter(str(exc), param_hint="$SALESPIPE_HOOK_TIMEOUT") from None


# A registrar adds one top-level command to the app; for a group, ``keep`` names the
# subcommands to build (None: all of them; an empty tuple: none, the group's help only).
Register = Callable[[typer.Typer, "tuple[str, ...] | None"], None]


def _add_command(module: str, function: str, name: str) -> Register:
    def register(app: typer.Typer, keep: tuple[str, ...] | None = None) -> None:
        app.command(name)(getattr(importlib.import_module(f"salespipe.cli.{module}"), function))

    return register


def _add_group(module: str, attribute: str, name: str) -> Register:
    def register(app: typer.Typer, keep: tuple[str, ...] | None = None) -> None:
        group = getattr(importlib.import_module(f"salespipe.cli.{module}"), attribute)
        app.add_typer(group if keep is None else _pruned(group, keep), name=name)

    return register


def _add_move(verb: str) -> Register:
    def register(app: typer.Typer, keep: tuple[str, ...] | None = None) -> None:
        moves.register(app, only=verb)

    return register


def _pruned(group: typer.Typer, keep: tuple[str, ...]) -> typer.Typer:
    """A copy of ``group`` with only the subcommands named in ``keep`` (its help, options and
    callback as they are). A name it does not have keeps them all, for Click to answer."""
    names = {info.name for info in group.registered_commands} | {info.name for info in group.registered_groups}
    if None in names or not set(keep) <= names:
        return group
    pruned = copy.copy(group)
    pruned.registered_commands = [info for info in group.registered_commands if info.name in keep]
    pruned.registered_groups = [info for info in group.registered_groups if info.name in keep]
    return pruned


# Top-level commands in the order `--help` lists them.
COMMANDS: dict[str, Register] = {
    "today": _add_command("today", "today", "today"),
    "lead": _add_group("lead", "app", "lead"),
    "org": _add_group("org", "app", "org"),
    "person": _add_group("person", "app", "person"),
    "journey": _add_command("journey", "journey", "journey"),
    "customer": _add_group("customer", "app", "customer"),
    "survey": _add_group("survey", "app", "survey"),
    **{verb: _add_move(verb) for verb in moves.VERBS},
    "nurture": _add_command("nurture", "nurture", "nurture"),
    "log": _add_command("log", "log", "log"),
    "task": _add_group("task", "app", "task"),
    "report": _add_group("report", "app", "report"),
    "target": _add_group("target", "app", "target"),
    "forecast": _add_group("forecast", "app", "forecast"),
    "why": _add_command("why", "why", "why"),
    "priority": _add_group("priority", "app", "priority"),
    "criteria": _add_group("criteria", "app", "criteria"),
    "rule": _add_group("rule", "app", "rule"),
    "undo": _add_command("undo", "undo", "undo"),
    "history": _add_command("history", "history", "history"),
    "import": _add_command("import_", "import_", "import"),
    "export": _add_command("export", "export", "export"),
    "stage": _add_group("stage", "app", "stage"),
    "init": _add_command("init", "init", "init"),
    "demo": _add_command("demo", "demo", "demo"),
    "erase": _add_command("erase", "erase", "erase"),
    "backup": _add_command("backup", "backup", "backup"),
    "restore": _add_command("restore", "restore", "restore"),
    "db": _add_group("db", "app", "db"),
    "config": _add_group("config", "app", "config"),
    "completion": _add_command("completion", "completion", "completion"),
}


def build_app(only: str | None = None, sub: str | None = None, *, shallow: bool = False) -> typer.Typer:
    """The command tree; with ``only``, just that top-level command, and with ``sub`` just that
    command of the group ``only``. ``shallow`` leaves out the commands inside the groups: the
    top-level help (and an unknown command's error) needs only the groups' names and helps.

    Typer inspects every command's signature when it builds the Click tree (~40 ms for the
    whole tree, ~1 ms a command), so ``main`` builds only what the command line names.
    """
    app = typer.Typer(
        cls=SalespipeGroup,
        name="salespipe",
        help=HELP,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Plain Click-style help: Typer's Rich help imports rich.markdown and markdown-it
        # (~120 ms), which would double the time of `salespipe --help`.
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(invoke_without_command=True)(root)
    for name, register in COMMANDS.items():
        if only is None or name == only:
            register(app, () if shallow else (sub,) if sub is not None and name == only else None)
    return app


def invoked_command(argv: list[str]) -> str | None:
    """The top-level command named in ``argv`` (skipping root options), if it is one of ours."""
    return command_path(argv)[0]


def command_path(argv: list[str]) -> tuple[str | None, str | None]:
    """The top-level command named in ``argv`` (skipping root options), if it is one of ours,
    and the word right after it when that is no option (a group's subcommand, if it has one
    by that name: ``_pruned`` checks). A word after a group's own options is not taken, as it
    might be an option's value."""
    for position, arg in enumerate(argv):
        if arg in ("--db", "--color") or (position and argv[position - 1] in ("--db", "--color")):
            continue
        if arg.startswith("-"):
            continue
        if arg not in COMMANDS:
            return None, None
        after = argv[position + 1] if position + 1 < len(argv) else None
        return arg, (after if after is not None and not after.startswith("-") else None)
    return None, None


def __getattr__(name: str) -> typer.Typer:
    """``salespipe.cli.app``, the whole tree (for tests and ``python -m``), built when first asked
    for: ``main`` builds only the command being run, and importing this module builds nothing."""
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# How many new container objects (tuples, dicts ...) the cyclic garbage collector lets pass
# between two of its youngest-generation passes; Python's default is 700. A report or an import
# reads hundreds of thousands of rows as tuples, none of them in a reference cycle, and at 700 the
# collector ran some 150 times per 100,000 rows and walked the older generations over and over:
# about 3% of `report` and of `import` (benchmarks/). Cycles are still collected, only later.
GC_YOUNG_THRESHOLD = 20_000


def main() -> None:
    # What start-up built (modules, the command tree's classes) lives until the process ends: it
    # leaves the collector's generations, so their passes do not walk it again and again.
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    # salespipe uses no pydantic plugins; looking them up scans every installed package's
    # entry points (~30 ms on each start).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ.get("_SALESPIPE_COMPLETE"):  # TAB: build only the command being completed
        from salespipe.cli.completion import PROG_NAME, request_words

        build_app(*command_path(request_words()))(prog_name=PROG_NAME)
        return
    top, sub = command_path(sys.argv[1:])
    # without a command of ours: the top-level help, or an error that names the commands
    build_app(top, sub, shallow=top is None)()
