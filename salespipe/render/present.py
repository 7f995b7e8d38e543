"""The one output path: every listing and report is a ``View`` handed to ``present``.

A view carries the plain records ``--json`` prints, the header and rows ``--csv`` prints (when
the view is tabular), and a function that draws the same records for a person on a given
``Terminal``. ``present`` handles every ``Format`` in one place, after the command's
transaction has committed (a reader that goes away, ``salespipe ... | head``, can then never
undo a change).
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, assert_never

from salespipe.render.terminal import Terminal, page


class Format(enum.Enum):
    HUMAN = "human"
    JSON = "json"
    CSV = "csv"


class Rows(NamedTuple):
    """What ``--csv`` prints: a header and one dict per row (keys as in the header)."""

    header: Sequence[str]
    rows: Iterable[Mapping[str, Any]]


class View(NamedTuple):
    data: Any
    human: Callable[[Terminal], str]
    csv: Rows | None = None
    empty: str | None = None  # said on stderr instead of an empty table, for a person


def present(view: View, fmt: Format, terminal: Terminal) -> None:
    from salespipe.render.output import to_json, visible, write_csv

    match fmt:
        case Format.JSON:
            sys.stdout.write(to_json(view.data) + "\n")
        case Format.CSV:
            if view.csv is None:  # the command offers no --csv; a programming error
                raise ValueError("this view has no CSV form")
            write_csv(sys.stdout, view.csv.header, view.csv.rows)
        case Format.HUMAN:
            if view.empty is not None:
                from salespipe.render.output import fit

                sys.stderr.write(fit(visible(view.empty).split("\n"), terminal.width or None) + "\n")
                return
            page(view.human(terminal), terminal)
        case _:
            assert_never(fmt)


def rich_text(renderable: Any, terminal: Terminal) -> str:
    """A Rich renderable as text for ``terminal``: its width (unlimited when piped: nothing is
    cropped), ANSI colour only when the terminal has colour, data's control characters made
    visible. Only views that need Rich's drawing (the report's bars and panels) use this."""
    import io

    from rich.console import Console

    from salespipe.render.output import safe_renderable

    console = Console(
        file=io.StringIO(),
        width=terminal.width or 100_000,
        force_terminal=terminal.colour,
        color_system="standard" if terminal.colour else None,
        no_color=not terminal.colour,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    console.print(safe_renderable(console, renderable))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
