"""Help in words for people: no Python or Click type names.

Run over the whole Click command tree once it is built (``SalespipeGroup``):

* an option without a metavar gets one from its name (``--company COMPANY``) or, for numbers,
  ``N``; an argument shows as its name in capitals (``salespipe import FILE``), not Typer's
  ``{file}`` / ``<str>``;
* a number range reads "from 0 to 100" / "at least 1", in help and in errors, instead of
  ``0<=x<=100``; a number is a "whole number" or a "number", never an ``int``;
* an ``Example:`` paragraph is never re-wrapped (a wrapped ``--dry-\\nrun`` cannot be copied):
  it is broken before an option, with a shell continuation, to stay within 76 columns.
"""

from __future__ import annotations

import copy
import re
from typing import Any

EXAMPLE_WIDTH = 72  # plus Click's indent of 2 and the continuation's 4


def humanize(command: Any) -> None:
    for param in getattr(command, "params", []):
        if param.param_type_name == "option":
            _option(param)
        elif param.param_type_name == "argument":
            _argument(param)
    if getattr(command, "help", None):
        command.help = examples(command.help)
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)


def _option(param: Any) -> None:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return
    _range_in_words(param)
    if param.metavar is None:
        name = next((o for o in param.opts if o.startswith("--")), param.opts[0]).lstrip("-")
        numeric = getattr(param.type, "name", "") in (
            "integer",
            "int",
            "float",
            "integer range",
            "float range",
            "int range",
        )
        param.metavar = "N" if numeric else name.upper().replace("-", "_")
    _number_in_words(param)


def _argument(param: Any) -> None:
    _range_in_words(param)
    _number_in_words(param)
    name = param.metavar or (param.name or "").upper()
    param.metavar = name

    def make_metavar(ctx: Any = None, *, usage: bool = False) -> str:
        shown = name + ("..." if param.nargs != 1 and not name.endswith("...") else "")
        return f"[{shown}]" if usage and not param.required else shown

    param.make_metavar = make_metavar  # Typer would write {name} or name:<str>


def _number_in_words(param: Any) -> None:
    """A number without a range: "'5.5' is not a valid whole number.", not "... valid int."."""
    if getattr(param.type, "name", "") in ("int", "integer", "float"):
        kind = copy.copy(param.type)
        kind.name = "number" if kind.name == "float" else "whole number"
        param.type = kind


def _range_in_words(param: Any) -> None:
    kind = param.type
    if not hasattr(kind, "_describe_range"):
        return
    low, high = kind.min, kind.max
    if low is not None and high is not None:
        words = f"from {low} to {high}"
    elif low is not None:
        words = f"at least {low}"
    else:
        words = f"at most {high}"
    whole = "int" in type(kind).__name__.lower()
    kind = copy.copy(kind)
    kind._describe_range = lambda: words
    kind.name = "whole number" if whole else "number"  # "'abc' is not a valid whole number."
    param.type = kind


def examples(text: str) -> str:
    """Each ``Example: CMD`` paragraph as a block Click keeps as it is (``\\b``), broken before
    options when longer than the help is wide."""
    paragraphs = text.split("\n\n")
    for n, paragraph in enumerate(paragraphs):
        stripped = paragraph.strip()
        if not stripped.startswith("Example:") or "\n" in stripped:
            continue
        command = stripped[len("Example:") :].strip()
        if len("Example: " + command) <= EXAMPLE_WIDTH + 4:
            paragraphs[n] = "\b\nExample: " + command
            continue
        parts = re.split(r" (?=--)", command)
        lines, line = [], parts[0]
        for part in parts[1:]:
            if len(line) + 1 + len(part) + 2 > EXAMPLE_WIDTH:
                lines.append(line + " \\")
                line = "    " + part
            else:
                line += " " + part
        lines.append(line)
        paragraphs[n] = "\b\nExample:\n  " + "\n  ".join(lines)
    return "\n\n".join(paragraphs)
