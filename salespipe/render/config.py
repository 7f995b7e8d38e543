"""`salespipe config show`: each setting, its value and where it came from."""

from __future__ import annotations

from typing import Any

from salespipe.render.present import Rows, View
from salespipe.render.table import Column, draw

CONFIG_KEYS = ("setting", "value", "source")


def shown_value(value: Any) -> str:
    """A setting's value for a person: report.sections as a list or "all", no pager as "false"."""
    if value is None:
        return "all"  # report.sections: the whole report
    if value is False:
        return "false (none)"
    if isinstance(value, (tuple, list)):
        return ", ".join(value)
    return str(value)


def config_view(path: str, exists: bool, settings: dict[str, tuple[Any, str]]) -> View:
    """``settings``: key -> (value, source). --json: ``{"path", "exists", "settings": {key:
    {"value", "source"}}}``; --csv and the table: one row per setting."""
    data = {
        "path": path,
        "exists": exists,
        "settings": {
            key: {"value": list(value) if isinstance(value, tuple) else value, "source": source}
            for key, (value, source) in settings.items()
        },
    }
    rows = [[key, shown_value(value), source] for key, (value, source) in settings.items()]
    columns = (Column("Setting"), Column("Value", flex="wrap", minimum=12), Column("From", flex="wrap", minimum=12))
    return View(
        data,
        lambda t: draw(columns, rows, width=t.width, colour=t.colour),
        csv=Rows(CONFIG_KEYS, [dict(zip(CONFIG_KEYS, row, strict=False)) for row in rows]),
    )
