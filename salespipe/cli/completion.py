"""`salespipe completion SHELL`: the shell completion scripts; the answer to a completion request,
and the values TAB offers (lead ids with their titles, stage keys, tags, sources, owners, field
names, fixed choices).

The protocol is Click's (its Bash, Zsh and Fish classes and scripts): the shell runs salespipe
with ``_SALESPIPE_COMPLETE=bash_complete`` (``zsh_complete``, ``fish_complete``) and
``COMP_WORDS``/``COMP_CWORD``; ``main`` builds only the top-level command being completed.

The value callbacks read the database with the standard library's ``sqlite3``, read-only
(``file:...?mode=ro``): a completion never creates, migrates or locks a database, and never fails
loudly (any error means no suggestions). What comes from data is cleaned before it reaches the
shell: a value with a control character is not offered, a description has them replaced, and
Bash gets quoted values (it inserts them as they are; Zsh and Fish quote what they insert).

Only Typer and the standard library are imported here at the top: the command modules import
this one for the callbacks.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

COMPLETE_VAR = "_SALESPIPE_COMPLETE"
PROG_NAME = "salespipe"
SHELLS = ("bash", "zsh", "fish")
LIMIT = 100  # suggestions at most: a long list helps nobody at a prompt
HELP_WIDTH = 60

# Fixed choices (tests check them against the lists the commands accept).
SORTS = ("stage", "value", "weighted", "age", "created", "updated", "close-date", "name", "company", "priority")
CLEARABLE = (
    "company",
    "contact",
    "email",
    "phone",
    "source",
    "probability",
    "close-date",
    "external-id",
    "forecast",
    "term",
    "referred-by",
)
FORECAST_CATEGORIES = ("commit", "best-case", "pipeline", "omit")  # domain.forecast.CATEGORIES
BREAKDOWN_BY = ("source", "tag", "lost-reason", "stage", "company", "owner", "kind")
PRESETS = ("six-phase", "seven-step", "hubspot")
PERIODS = (
    "this-month",
    "last-month",
    "this-quarter",
    "last-quarter",
    "this-year",
    "last-year",
    "last-30-days",
    "last-90-days",
    "all",
)
FORECAST_PERIODS = ("this-month", "next-month", "this-quarter", "next-quarter", "this-year", "next-year")

Suggestions = list[tuple[str, str] | str]


# The request -----------------------------------------------------------------------------------
def _click() -> Any:
    """The Click that Typer builds its commands with: its own copy (``typer._click``, since Typer
    0.26), else the Click package."""
    try:
        from typer import _click as vendored

        return vendored
    except ImportError:
        import click

        return click


def completion_class(shell: str) -> Any:
    """Click's completion class for ``shell`` (None for another shell), working on Typer's
    commands, with values and descriptions cleaned for that shell."""
    import click.shell_completion as click_completion

    base: Any = {
        "bash": click_completion.BashComplete,
        "zsh": click_completion.ZshComplete,
        "fish": click_completion.FishComplete,
    }.get(shell)
    if base is None:
        return None
    own = _click().shell_completion
    if own is not click_completion:  # Click's protocol, on the ShellComplete of Typer's Click
        methods = {
            "source_vars": click_completion.ShellComplete.source_vars,
            **{k: v for k, v in vars(base).items() if k not in ("__dict__", "__weakref__")},
            "source": _source,
        }
        base = type(base.__name__, (own.ShellComplete,), methods)

    def format_completion(self: Any, item: Any) -> str:
        value = item.value if item.type != "plain" else _shell_value(shell, str(item.value))
        described = _clean_help(item.help, shell) if item.help else None
        return base.format_completion(self, type(item)(value, type=item.type, help=described))

    def complete(self: Any) -> str:
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        return "\n".join(
            self.format_completion(item) for item in items if item.type != "plain" or _offerable(shell, str(item.value))
        )

    return type(f"Salespipe{base.__name__}", (base,), {"format_completion": format_completion, "complete": complete})


def _source(self: Any) -> str:
    """Click's ``source`` (Bash first checks its version, and warns on stderr when too old)."""
    check = getattr(self, "_check_version", None)
    if check:
        check()
    return self.source_template % self.source_vars()


def request_words() -> list[str]:
    """The complete words of a completion request (after ``salespipe``, before the one being
    typed), for ``main`` to build only the command they name."""
    instruction = os.environ.get(COMPLETE_VAR, "")
    cls = completion_class(instruction.partition("_")[0])
    if cls is None:
        return []
    try:
        return cls(None, {}, PROG_NAME, COMPLETE_VAR).get_completion_args()[0]
    except Exception:
        return []


def respond(cli: Any, ctx_args: Any, instruction: str) -> int:
    """Answer ``_SALESPIPE_COMPLETE=<shell>_<source|complete>``: the script, or the suggestions
    (none when anything goes wrong: a completion never prints an error into the prompt)."""
    shell, _, action = instruction.partition("_")
    cls = completion_class(shell)
    if cls is None or action not in ("source", "complete"):
        typer.echo(f"salespipe: unsupported completion request {instruction!r} (shells: {', '.join(SHELLS)})", err=True)
        return 1
    comp = cls(cli, ctx_args, PROG_NAME, COMPLETE_VAR)
    if action == "source":
        typer.echo(comp.source())
        return 0
    import contextlib
    import io

    try:  # what a callback might print (an eager --version) must not reach the shell
        with contextlib.redirect_stdout(io.StringIO()):
            answer = comp.complete()
    except Exception:
        answer = ""
    if answer:
        typer.echo(answer)
    return 0


def script(shell: str) -> str:
    """The completion script of ``shell`` (what `salespipe completion SHELL` prints)."""
    return completion_class(shell)(None, {}, PROG_NAME, COMPLETE_VAR).source()


# Cleaning what reaches the shell --------------------------------------------------------------
# C0 and C1 controls (newline, tab, escape ...), DEL, and the invisible format characters
# (zero-width, bidi controls, line/paragraph separators, BOM).
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_PLAIN_RE = re.compile(r"[\w@%+=:./-]+")  # what Bash can take unquoted


def _offerable(shell: str, value: str) -> bool:
    """A value the shell can take as one word: not empty (Zsh would drop the line and misread
    the rest), no control characters, and for Fish no comma (its script splits at commas)."""
    return bool(value) and not _CONTROL_RE.search(value) and not (shell == "fish" and "," in value)


def _shell_value(shell: str, value: str) -> str:
    """Bash inserts a suggestion as it is: quote anything but plain words (``$(...)`` stays
    text), and double the backslashes, which Click's script reads with ``read`` (without -r).
    Zsh and Fish quote what they insert themselves."""
    if shell != "bash" or _PLAIN_RE.fullmatch(value):
        return value
    return ("'" + value.replace("'", "'\\''") + "'").replace("\\", "\\\\")


def _clean_help(text: str, shell: str) -> str | None:
    """A description on one line: control characters become spaces, at most HELP_WIDTH
    characters; for Fish no comma (its script splits at commas)."""
    text = " ".join(_CONTROL_RE.sub(" ", text).split())
    if shell == "fish":
        text = text.replace(",", ";")
    if len(text) > HELP_WIDTH:
        text = text[: HELP_WIDTH - 1].rstrip() + "…"
    return text or None


# Reading the database -------------------------------------------------------------------------
def _database(ctx: Any) -> Path:
    from salespipe.services.config import database_location

    return database_location(ctx.find_root().params.get("db")).path


def _query(ctx: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` from the database in use, opened read-only; [] on any error."""
    try:
        uri = _database(ctx).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=0.1)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    except Exception:
        return []


def _prefix(column: str) -> str:
    return f"substr({column}, 1, ?) = ?"


def _counted(rows: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    return [(str(value), f"{count} lead{'s' if count != 1 else ''}") for value, count in rows if isinstance(value, str)]


# Callbacks (Typer's ``autocompletion=``: Typer passes ``ctx`` and ``incomplete`` by name) ----
def lead_ids(ctx: typer.Context, incomplete: str) -> Suggestions:
    """Lead ids, newest first, each with its title (and company): ``12`` "Anna Berger · Bergwerk"."""
    if incomplete and not (incomplete.isascii() and incomplete.isdigit()):
        return []
    rows = _query(
        ctx,
        "SELECT id, title, company FROM leads WHERE " + _prefix("CAST(id AS TEXT)") + " ORDER BY id DESC LIMIT ?",
        (len(incomplete), incomplete, LIMIT),
    )
    out: Suggestions = []
    for lead_id, title, company in rows:
        help_ = str(title or "")
        if company and str(company).casefold() not in help_.casefold():
            help_ += f" · {company}"
        out.append((str(lead_id), help_))
    return out


def stage_keys(ctx: typer.Context, incomplete: str) -> Suggestions:
    """Stage keys in pipeline order, with their labels."""
    rows = _query(
        ctx,
        "SELECT key, label FROM stages WHERE " + _prefix("key") + " ORDER BY position",
        (len(incomplete), incomplete),
    )
    return [(str(key), str(label)) for key, label in rows]


def tags(ctx: typer.Context, incomplete: str) -> Suggestions:
    """Tags in use, the most used first."""
    rows = _query(
        ctx,
        "SELECT t.value, count(*) FROM leads, json_each(leads.tags) AS t "
        "WHERE leads.tags != '[]' AND " + _prefix("t.value") + " GROUP BY t.value "
        "ORDER BY count(*) DESC, t.value LIMIT ?",
        (len(incomplete), incomplete, LIMIT),
    )
    return list(_counted(rows))


def _column_values(column: str) -> Callable[[typer.Context, str], Suggestions]:
    def values(ctx: typer.Context, incomplete: str) -> Suggestions:
        rows = _query(
            ctx,
            f"SELECT {column}, count(*) FROM leads WHERE {column} IS NOT NULL AND {column} != '' "
            f"AND {_prefix(column)} GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT ?",
            (len(incomplete), incomplete, LIMIT),
        )
        return list(_counted(rows))

    values.__doc__ = f"The leads' {column}s in use, the most frequent first."
    return values


def org_refs(ctx: typer.Context, incomplete: str) -> Suggestions:
    """Organisations: by id (with the name) while digits are typed, else by name (with the id)."""
    if incomplete.isascii() and incomplete.isdigit():
        rows = _query(
            ctx,
            "SELECT id, name FROM orgs WHERE " + _prefix("CAST(id AS TEXT)") + " ORDER BY id DESC LIMIT ?",
            (len(incomplete), incomplete, LIMIT),
        )
        return [(str(org_id), str(name)) for org_id, name in rows]
    return org_names(ctx, incomplete)


def org_names(ctx: typer.Context, incomplete: str) -> Suggestions:
    """Organisation names, each with its id."""
    rows = _query(
        ctx,
        "SELECT name, id FROM orgs WHERE " + _prefix("name") + " ORDER BY name COLLATE NOCASE, id LIMIT ?",
        (len(incomplete), incomplete, LIMIT),
    )
    return [(str(name), f"#{org_id}") for name, org_id in rows if isinstance(name, str)]


def person_ids(ctx: typer.Context, incomplete: str) -> Suggestions:
    """People's ids, newest first, each with the name."""
    if incomplete and not (incomplete.isascii() and incomplete.isdigit()):
        return []
    rows = _query(
        ctx,
        "SELECT id, name FROM people WHERE " + _prefix("CAST(id AS TEXT)") + " ORDER BY id DESC LIMIT ?",
        (len(incomplete), incomplete, LIMIT),
    )
    return [(str(person_id), str(name)) for person_id, name in rows]


ORG_SORTS = ("name", "deals", "value")
CUSTOMER_SORTS = ("value", "since", "deals", "last-won", "nps", "referrals")
sources = _column_values("source")
owners = _column_values("owner")


def _field_names(ctx: Any, incomplete: str) -> list[str]:
    rows = _query(
        ctx,
        "SELECT DISTINCT f.key FROM leads, json_each(leads.fields) AS f "
        "WHERE leads.fields != '{}' AND " + _prefix("f.key") + " ORDER BY f.key LIMIT ?",
        (len(incomplete), incomplete, LIMIT),
    )
    return [str(key) for (key,) in rows if isinstance(key, str)]


def field_assignments(ctx: typer.Context, incomplete: str) -> Suggestions:
    """``--field KEY=VALUE``: the custom field names in use as ``KEY=``; after the ``=``, the
    values that field has."""
    if "=" not in incomplete:
        return [f"{key}=" for key in _field_names(ctx, incomplete)]
    key, _, start = incomplete.partition("=")
    rows = _query(
        ctx,
        "SELECT f.value, count(*) FROM leads, json_each(leads.fields) AS f "
        "WHERE leads.fields != '{}' AND f.key = ? AND f.type = 'text' AND "
        + _prefix("f.value")
        + " GROUP BY f.value ORDER BY count(*) DESC, f.value LIMIT ?",
        (key, len(start), start, LIMIT),
    )
    return [(f"{key}={value}", help_) for value, help_ in _counted(rows)]


def breakdown_by(ctx: typer.Context, incomplete: str) -> Suggestions:
    """`report breakdown --by`: the fixed groupings, then the custom field names."""
    return [*BREAKDOWN_BY, *_field_names(ctx, incomplete)]


def criteria(ctx: typer.Context, incomplete: str) -> Suggestions:
    """The qualification criteria (`criteria show`), BANT unless set."""
    rows = _query(ctx, "SELECT value FROM settings WHERE key = 'criteria'")
    names = str(rows[0][0]).split(",") if rows else []
    return [name.strip() for name in names if name.strip()]


def choices(*values: str) -> Callable[[str], Suggestions]:
    """A callback offering fixed ``values``."""

    def offer(incomplete: str) -> Suggestions:
        return list(values)

    return offer


def shells(incomplete: str) -> Suggestions:
    return list(SHELLS)


# The command ----------------------------------------------------------------------------------
def completion(
    shell: Annotated[
        str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.", show_default=False, autocompletion=shells)
    ],
) -> None:
    """Print the completion script for SHELL: TAB then completes commands, options, lead ids
    (with their titles), stage keys, tags, sources, owners and field names.

    \b
    Bash, in ~/.bashrc:  eval "$(salespipe completion bash)"
    Zsh, in ~/.zshrc:    eval "$(salespipe completion zsh)"   (after compinit)
    Fish, once:          salespipe completion fish >
                           ~/.config/fish/completions/salespipe.fish

    Example: salespipe completion fish | source   (fish: completion in this session)
    """
    if shell not in SHELLS:
        raise typer.BadParameter(f"{shell!r}; choose from: {', '.join(SHELLS)}", param_hint="SHELL")
    typer.echo(script(shell))
