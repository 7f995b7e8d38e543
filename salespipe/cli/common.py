"""What every command shares: the error boundary, the database, options and output."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from salespipe.cli import completion
from salespipe.domain.errors import ExitStatus, SalespipeError

if TYPE_CHECKING:
    from datetime import datetime

    from salespipe.domain.dates import When
    from salespipe.render.present import Format, View
    from salespipe.render.terminal import Terminal
    from salespipe.services.config import Config, DbLocation

T = TypeVar("T")


def fail(message: str, code: int = ExitStatus.ERROR) -> typer.Exit:
    """``Error: ...`` on stderr, as one line however long: a script greps it and a terminal
    wraps it (other messages are wrapped by ``info``)."""
    from salespipe.render.output import visible

    typer.echo(f"Error: {visible(message)}", err=True)
    return typer.Exit(code)


class SalespipeGroup(TyperGroup):
    """The error boundary: domain errors become ``Error: ...`` on stderr and exit 1. Built with
    the whole tree below it, whose help it puts in words for people (``cli.words``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from salespipe.cli.words import humanize

        humanize(self)
        once(self)
        files_not_folders(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for position, arg in enumerate(args, 1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:  # bytes the locale could not decode (surrogate escapes)
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise typer.BadParameter(
                    f"{shown!r} is not valid UTF-8 text", ctx=ctx, param_hint=f"argument {position}"
                ) from None
        return super().parse_args(ctx, args)

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """A completion request (``_SALESPIPE_COMPLETE=bash_complete`` and Click's variables),
        whatever name salespipe was started under: answered by ``cli.completion``, then exit."""
        instruction = os.environ.get("_SALESPIPE_COMPLETE")
        if instruction:
            from salespipe.cli.completion import respond

            sys.exit(respond(self, ctx_args, instruction))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SalespipeError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise fail("the database is busy in another salespipe; try again") from None
            if "readonly" in str(exc):  # SQLite's "attempt to write a readonly database"
                raise fail(
                    "the database cannot be written (the file, or the folder it is in, is read-only): nothing "
                    "changed; commands that only read still work"
                ) from None
            if "full" in str(exc):  # "database or disk is full"
                raise fail("the disk is full: nothing changed; free some space and run the command again") from None
            raise fail(f"database error: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise fail(f"database error: {exc}") from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitStatus.INTERRUPTED) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(ExitStatus.OK) from None
        except Exception as exc:  # the last line of defence: never a traceback
            if _is_click_control_flow(exc) or os.environ.get("SALESPIPE_DEBUG"):
                raise
            raise fail(
                f"unexpected {type(exc).__name__}: {exc} (a bug: please report it; "
                "SALESPIPE_DEBUG=1 shows the traceback)"
            ) from None


def once(command: Any) -> None:
    """Every command of the tree refuses an option that takes one value given more than once
    (``--value 1 --value 2``): Click would keep the last and drop the other without a word.
    Options that collect values (``--tag``) and flags may repeat."""
    parse = command.parse_args

    def parse_args(ctx: Any, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # a completion request parses what it can
            _, _, order = command.make_parser(ctx).parse_args(args=list(args))
            seen: set[str] = set()
            for param in order:
                if getattr(param, "is_flag", True) or getattr(param, "multiple", True) or getattr(param, "count", True):
                    continue
                if param.name in seen:
                    name = max(param.opts, key=len)
                    raise typer.BadParameter("given more than once; give it once", ctx=ctx, param_hint=name)
                seen.add(param.name)
        return parse(ctx, args)

    command.parse_args = parse_args
    for sub in getattr(command, "commands", {}).values():
        once(sub)


def files_not_folders(command: Any) -> None:
    """Every path option and argument of the tree names a file (an input, ``--out``,
    ``--html``, a backup): a value ending in ``/`` names a folder and is a usage error, before
    Click's path type drops the slash (``export --out reports/`` wrote a file named
    ``reports``). ``--db``, a text option, is checked the same way (``cli.root``)."""
    import copy

    from salespipe.domain.paths import folder_words

    for param in getattr(command, "params", []):
        if getattr(param.type, "name", "") != "path":
            continue
        kind = copy.copy(param.type)

        def convert(value: Any, param: Any, ctx: Any, kind: Any = kind, given: Any = kind.convert) -> Any:
            why = folder_words(value) if isinstance(value, str) else None
            if why:
                kind.fail(why, param, ctx)
            return given(value, param, ctx)

        kind.convert = convert
        param.type = kind
    for sub in getattr(command, "commands", {}).values():
        files_not_folders(sub)


def _is_click_control_flow(exc: Exception) -> bool:
    """Exit, Abort and usage errors belong to Typer (exit codes 0-2, its own messages)."""
    return isinstance(exc, (typer.Exit, typer.Abort)) or callable(getattr(exc, "show", None))


class State:
    """The root options, for the command below (a plain class: a dataclass costs ~1 ms at start)."""

    __slots__ = ("db_flag", "color", "no_pager", "config")

    def __init__(
        self,
        db_flag: str | None = None,
        color: str | None = None,
        no_pager: bool = False,
        config: Config | None = None,
    ) -> None:
        self.db_flag = db_flag
        self.color = color
        self.no_pager = no_pager
        self.config = config  # resolved when first needed (``settings``)


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def settings(ctx: typer.Context) -> Config:
    """The settings of this command (flag > environment > config file > default), each with
    its source; the config file is read here, the first time a command needs a setting."""
    from salespipe.services.config import resolve

    current = state(ctx)
    if current.config is None:
        current.config = resolve(
            db_flag=current.db_flag,
            color_flag=current.color,  # None unless --color was given (even as auto)
            pager_flag=False if current.no_pager else None,
        )
    return current.config


def db_location(ctx: typer.Context) -> DbLocation:
    """The database file, and why that one (--db, $SALESPIPE_DB, the config file, the default)."""
    from salespipe.services.config import database_location

    return database_location(state(ctx).db_flag)


@contextmanager
def database(
    ctx: typer.Context, *, write: bool = True, journal: bool = True, create: bool | None = None
) -> Iterator[sqlite3.Connection]:
    """Open the database; with ``write``, run the body as one transaction, journaled (for
    `salespipe undo`) under the command being run unless ``journal`` is False. A command
    that only reads never creates a database (``create`` defaults to ``write``)."""
    from salespipe.services.session import unit_of_work

    with unit_of_work(
        db_location(ctx).path,
        write=write,
        create=write if create is None else create,
        journal_as=command_line(ctx) if write and journal else None,
        now=_utc_now(),
        on_wait=say_waiting,
    ) as conn:
        yield conn


def ask(question: str) -> bool:
    """A yes/no question on stderr (no is the default). Ctrl-C ends the command with exit 130
    and nothing changed; no answer at all (no terminal, end of input) is a usage error (exit 2,
    as ``erase`` and ``restore`` refuse to ask without a terminal) that says to add --yes, never
    a bare "Aborted!"."""
    from salespipe.render.output import visible

    while True:
        sys.stderr.write(visible(question) + " [y/N]: ")
        sys.stderr.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise fail("interrupted: nothing changed", ExitStatus.INTERRUPTED) from None
        if not line:
            sys.stderr.write("\n")
            raise fail(
                "no answer to the question (no terminal?); add --yes to go ahead without asking", ExitStatus.USAGE
            )
        answer = line.strip().lower()
        if answer in ("y", "yes", "j", "ja"):
            return True
        if answer in ("", "n", "no", "nein"):
            return False
        sys.stderr.write("Please answer y or n.\n")


def confirm(question: str) -> None:
    """Ask (see ``ask``); "no" ends the command (exit 1, nothing changed)."""
    if not ask(question):
        raise fail("nothing changed (answered no)")


def say_waiting() -> None:
    info("Waiting for another salespipe command to finish (an import?) ...")


def database_path(ctx: typer.Context) -> Path:
    """The database file this command uses (what no output may overwrite)."""
    return db_location(ctx).path


def command_line(ctx: typer.Context) -> str:
    """The command as it could be typed again, for `salespipe history`: arguments by value,
    options by their flag, quoted for a shell."""
    import shlex

    given: list[str] = []
    for param in ctx.command.params:  # in the order the command declares them
        name = param.name or ""
        value = ctx.params.get(name)
        if value is None or value is False or value == [] or value == () or value == param.default:
            continue
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if param.param_type_name == "argument":
            given.extend(shlex.quote(str(v)) for v in values)
            continue
        flag = next((o for o in getattr(param, "opts", []) if o.startswith("--")), f"--{name.rstrip('_')}")
        if value is True:
            given.append(flag)
        else:
            given.extend(f"{flag} {shlex.quote(str(v))}" for v in values)
    return " ".join([ctx.command_path, *given])


def _utc_now() -> str:
    from salespipe.domain.dates import utc_iso

    return utc_iso(now())


def now() -> datetime:
    from salespipe.services.clock import now as clock_now

    return clock_now()


def parse_at(text: str | None, now_: datetime, *, past: bool = True) -> When | None:
    """A date option: ``--at`` looks back (``friday``, ``31.12.`` are the last such day);
    ``past=False`` for the ones that look ahead (``--due``, ``--until``)."""
    if text is None:
        return None
    from salespipe.domain.dates import parse_when

    return parse_when(text, now=now_, past=past)


def refuse_empty(*given: tuple[str, Any]) -> None:
    """An option given with an empty value is a usage error, not "the default"."""
    for name, value in given:
        if value is not None and not str(value).strip():
            raise typer.BadParameter("empty value", param_hint=name)


def output_format(json_: bool, csv_: bool = False) -> Format:
    from salespipe.render.present import Format

    if json_ and csv_:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--json/--csv")
    return Format.JSON if json_ else Format.CSV if csv_ else Format.HUMAN


def terminal(ctx: typer.Context, stream: Any = None) -> Terminal:
    """Where this command's human output goes (width, colour, pager): see render.terminal. The
    colour and the pager as ``settings`` resolves them (flags, environment, config file), the
    same values `salespipe config show` prints."""
    from salespipe.render.terminal import Terminal

    config = settings(ctx)
    return Terminal.detect(color=config.color.value, pager=config.pager.value or None, stream=stream)


def show(ctx: typer.Context, view: View, fmt: Format) -> None:
    """Hand a view to the one output path (call it after the transaction has committed)."""
    from salespipe.render.present import present

    present(view, fmt, terminal(ctx))


def emit_json(data: Any) -> None:
    from salespipe.render.output import to_json

    sys.stdout.write(to_json(data) + "\n")


def run_hook(name: str, payload: dict[str, Any]) -> None:
    """Run a user hook after the change is committed; its failure is a warning, not an error."""
    from salespipe.services.hooks import run

    warning = run(name, payload)
    if warning:
        info(f"Warning: {warning}")


def info(message: str) -> None:
    """A message for the person (stderr), never data; control characters are shown."""
    from salespipe.render.output import fit, visible

    typer.echo(fit(visible(message).split("\n")), err=True)


# Options shared by many commands --------------------------------------------------------------
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, see README).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Free notes.")]


def pipeline_locale(conn: Any) -> Any:
    """The pipeline's language, for the views (services are imported only when a command runs)."""
    from salespipe.services.pipeline import locale

    return locale(conn)


AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="DATE",
        help="When it happened: yesterday, -3d, friday 9am, 26.11. 14:30, "
        "2026-11-20 (a weekday or day.month. is the last one).",
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept with the stage change.")]
ValueOpt = Annotated[
    str | None, typer.Option("--value", metavar="AMOUNT", help="Deal value: 12000, 12.000,50 €, $1,234, 12k.")
]
MAX_INT = 2**63 - 1  # SQLite's largest integer: a bigger id or count is a usage error, not a crash


def parse_id(text: str) -> int:
    """An id as typed: a whole number from 1 (a usage error in words otherwise)."""
    cleaned = text.strip().lstrip("#")
    if not (cleaned.isascii() and cleaned.isdigit()) or not 1 <= int(cleaned) <= MAX_INT:
        raise typer.BadParameter(f"{text!r} is not an id: give a number such as 12 (see salespipe lead list)")
    return int(cleaned)


LeadId = Annotated[
    int,
    typer.Argument(
        metavar="ID",
        help="The lead's id (see salespipe lead list).",
        show_default=False,
        parser=parse_id,
        autocompletion=completion.lead_ids,
    ),
]
