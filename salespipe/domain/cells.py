"""CSV cells a spreadsheet would run as formulas (OWASP "CSV injection"), made harmless."""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A text cell that starts a formula gets a leading ``'`` (also ``'=x``, so that import,
    which removes one quote, gives it back). Numbers stay numbers."""
    if isinstance(cell, str) and (
        cell.startswith(FORMULA_PREFIXES) or (cell[:1] == "'" and cell[1:2] != "" and cell[1] in FORMULA_PREFIXES)
    ):
        return "'" + cell
    return cell
