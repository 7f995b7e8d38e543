"""Output modes: human (Rich on a terminal, plain text otherwise), JSON and CSV.

Plain mode (no colour, no box drawing) applies when stdout is not a terminal or ``NO_COLOR``
is set. The Console is built per invocation, never at import time.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from salespipe.domain.cells import neutralise
from salespipe.render.terminal import is_terminal

# What a terminal acts on instead of showing: C0 controls but newline and tab (ESC starts
# OSC 52 clipboard writes, OSC 8 links, screen clears; CR and backspace overwrite what was
# shown), DEL, C1 controls (CSI as one byte), and the Unicode bidi controls that reorder text;
# and what it shows as nothing, so that "AC\u200bME" looked like "ACME": the zero-width space,
# the line and paragraph separators, the word joiner and invisible operators, the deprecated
# format characters and the BOM. The joiners emoji sequences and scripts need (U+200C, U+200D)
# stay.
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def visible(text: str) -> str:
    """Text as a terminal should show it: every control character written out (``\x1b``,
    ``\r``, ``\u202e``) instead of acted on. Newlines and tabs stay."""
    return _UNSAFE_RE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _wide(text: str) -> bool:
    import unicodedata

    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def fit(lines: list[str], width: int | None = None) -> str:
    """Prose no wider than the terminal: a long line wraps under itself, indented two more than
    where it started; a word longer than the width (a path) is not broken."""
    import shutil

    from salespipe.render.table import width_of, wrap

    width = width or shutil.get_terminal_size((80, 24)).columns
    out = []
    for line in lines:
        if width_of(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        # a path stays whole (to be copied); text without spaces in a wide script (CJK) breaks
        out.extend(wrap(line, width, indent=indent + "  ", break_long=not line.isascii() and _wide(line)))
    return "\n".join(out)


def safe_renderable(console: Any, renderable: Any) -> Any:
    """``renderable`` rendered for ``console`` with the text of every segment made visible;
    Rich's own styles and control segments are kept as they are."""
    from rich.segment import Segment, Segments

    segments = [
        seg if seg.control or not _UNSAFE_RE.search(seg.text) else Segment(visible(seg.text), seg.style, seg.control)
        for seg in console.render(renderable, console.options)
    ]
    return Segments(segments)


def is_plain(stream: IO[str] | None = None) -> bool:
    return bool(os.environ.get("NO_COLOR")) or not is_terminal(stream or sys.stdout)


def make_console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    plain = is_plain(stream)
    # markup=False: text from data ("[/red]", "[link=...]") is never read as Rich markup
    return Console(
        file=stream,
        highlight=False,
        no_color=plain,
        force_terminal=None if not plain else False,
        emoji=False,
        soft_wrap=False,
        markup=False,
    )


def _json_safe(text: str) -> str:
    """JSON text with every character a terminal acts on written as a ``\\u`` escape. ``json``
    escapes C0 controls itself but writes DEL, C1 controls and the bidi controls as they are;
    they occur only inside strings, where the escape reads back as the same character."""
    return _UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def to_json(data: Any) -> str:
    return _json_safe(json.dumps(data, indent=2, ensure_ascii=False))


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Rows as CSV (formula cells neutralised); returns how many rows. Lines end in CRLF (RFC
    4180), which makes the csv module quote every cell holding a CR or LF: a bare CR can never
    start a row of its own in a reader that breaks lines on CR. Written to a terminal, a person
    reads it: text cells are made ``visible`` (an escape sequence in a cell is shown, not acted
    on); to a file or a pipe they stay exact."""
    writer = csv.writer(stream, lineterminator="\r\n")
    shown = is_terminal(stream)
    writer.writerow([visible(h) for h in header] if shown else header)
    count = 0
    for row in rows:
        cells = [neutralise(_cell(row.get(column))) for column in header]
        writer.writerow([visible(c) if shown and isinstance(c, str) else c for c in cells])
        count += 1
    return count


def _cell(value: Any) -> Any:
    """A value as a CSV cell: null is empty, booleans ``true``/``false`` as in JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_jsonl(stream: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        stream.write(_json_safe(json.dumps(row, ensure_ascii=False)) + "\n")
        count += 1
    return count


def write_json_list(stream: IO[str], key: str, rows: Iterable[dict[str, Any]]) -> int:
    """``{"key": [row, ...]}`` written row by row, never held in memory whole."""
    stream.write("{" + json.dumps(key) + ": [")
    count = 0
    for row in rows:
        stream.write(("," if count else "") + "\n  " + _json_safe(json.dumps(row, ensure_ascii=False)))
        count += 1
    stream.write("\n]}\n")
    return count
