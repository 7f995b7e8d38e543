"""``export --excel``: CSV that a spreadsheet opens directly, in the pipeline's language.

Excel takes the separator and the decimal mark from the computer's regional settings, and
reads UTF-8 only after a byte order mark. German Excel wants ``;`` between cells, a decimal
comma and days as ``27.11.2026``; English Excel ``,`` and a decimal point (days stay ISO, which
it reads). Amounts have no thousands separators and as many decimals as their currency; times
are UTC, as stored. Formula cells are neutralised as in every CSV salespipe writes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from salespipe.domain.cells import neutralise
from salespipe.domain.locale import format_date, spreadsheet_moment, spreadsheet_number
from salespipe.domain.money import minor_digits

BOM = "\ufeff"
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# The columns of salespipe's exports that hold days or moments (custom fields are text: kept).
_DAY_COLUMNS = frozenset({"expected_close"})


def _is_moment_column(column: str) -> bool:
    return column == "at" or column.endswith("_at")


def separator(lang: str) -> str:
    return ";" if lang == "de" else ","


def excel_cell(column: str, value: Any, row: dict[str, Any], lang: str) -> Any:
    """One cell as the spreadsheet should read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column == "value" and isinstance(value, (int, float)):
        return spreadsheet_number(value, lang, decimals=minor_digits(str(row.get("currency") or "EUR")))
    if isinstance(value, float):
        return spreadsheet_number(value, lang)
    if isinstance(value, str):
        if column in _DAY_COLUMNS and _DAY_RE.match(value):
            return format_date(value, lang)
        if _is_moment_column(column) and _MOMENT_RE.match(value):
            return spreadsheet_moment(value, lang)
    return value


def write_excel_csv(stream: IO[str], header: Sequence[str], rows: Iterable[dict[str, Any]], *, lang: str) -> int:
    """Rows for a spreadsheet in ``lang`` (see the module's text); returns how many rows."""
    from salespipe.render.output import visible
    from salespipe.render.terminal import is_terminal

    stream.write(BOM)
    writer = csv.writer(stream, delimiter=separator(lang), lineterminator="\r\n")
    shown = is_terminal(stream)  # a person reads it: escape sequences shown, not acted on (as write_csv)
    writer.writerow(header)
    count = 0
    for row in rows:
        cells = [neutralise(excel_cell(column, row.get(column), row, lang)) for column in header]
        writer.writerow([visible(c) if shown and isinstance(c, str) else c for c in cells])
        count += 1
    return count
