"""The config file, and where each setting comes from.

``$XDG_CONFIG_HOME/salespipe/config.toml`` (default ``~/.config/salespipe/config.toml``), read
with ``tomllib``. Each setting is resolved once per command: a flag beats the environment, the
environment beats the file, the file beats the default. Every resolved value knows its source
(``Setting.source``: ``flag --db``, ``environment SALESPIPE_DB``, ``file /path``, ``default``),
which `salespipe config show` prints.

This is on every command's path (it finds the database), so it imports only the standard
library and ``tomllib`` (only when the file exists); a broken file is a ``ConfigError``: one
line naming the file, the line when known, the key and what is valid (exit 2).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from salespipe.domain.errors import ExitStatus, SalespipeError

if TYPE_CHECKING:
    from salespipe.store.db import DbLocation as DbLocation  # the type cli/ names

# Every key the file may hold; anything else is an error (a typo must not be ignored).
KEYS = ("database", "language", "currency", "color", "pager", "report.sections", "renewal.lead_days")
TABLES = ("report", "renewal")  # [report] sections = ..., [renewal] lead_days = ...
LANGUAGES = ("en", "de")  # = domain.stages.LANGS (a test keeps them equal)
COLORS = ("auto", "always", "never")
# What `salespipe report` can show (= render.report ALL_SECTIONS and the `report SECTION` names).
REPORT_SECTIONS = ("headline", "pipeline", "funnel", "conversion", "cycle", "velocity", "stale", "target")
DEFAULT_PAGER = "less -FRX"
DEFAULT_RENEWAL_LEAD_DAYS = 60  # = domain.deals.DEFAULT_RENEWAL_LEAD_DAYS
MAX_RENEWAL_LEAD_DAYS = 3650

Environ = Mapping[str, str]


class ConfigError(SalespipeError):
    """The config file cannot be used as it is: a usage error, before anything is changed."""

    exit_code = ExitStatus.USAGE


class Setting(NamedTuple):
    value: Any
    source: str  # "flag --db", "environment NO_COLOR", "file /path/config.toml", "default", ...

    @property
    def from_file(self) -> bool:
        return self.source.startswith("file ")


class Config(NamedTuple):
    """The settings as they apply to this command. ``language`` and ``currency`` are None when
    the file does not set them: then the pipeline's own apply (``services.pipeline``)."""

    path: Path
    exists: bool
    database: Setting  # Path
    language: Setting  # "en" | "de" | None
    currency: Setting  # ISO code | None
    color: Setting  # "auto" | "always" | "never"
    pager: Setting  # a command (str) | False
    report_sections: Setting  # tuple of REPORT_SECTIONS | None (the whole report)
    renewal_lead_days: Setting  # int: a renewal's task is due this many days before the contract ends

    def settings(self) -> dict[str, Setting]:
        """Each setting by its key in the file."""
        return {
            "database": self.database,
            "language": self.language,
            "currency": self.currency,
            "color": self.color,
            "pager": self.pager,
            "report.sections": self.report_sections,
            "renewal.lead_days": self.renewal_lead_days,
        }


def config_path(environ: Environ = os.environ) -> Path:
    """``$XDG_CONFIG_HOME/salespipe/config.toml``, else ``~/.config/salespipe/config.toml``
    (the same folder the hooks live in)."""
    base = environ.get("XDG_CONFIG_HOME")
    if not base:
        try:
            base = str(Path.home() / ".config")
        except RuntimeError:  # no home folder at all: no config file either
            base = "/nonexistent"
    return Path(base) / "salespipe" / "config.toml"


def resolve(
    *,
    db_flag: str | None = None,
    color_flag: str | None = None,
    pager_flag: bool | None = None,
    environ: Environ = os.environ,
    path: Path | str | None = None,
) -> Config:
    """Every setting with its source. ``color_flag``: ``--color`` as given, ``auto`` included (it
    beats the file's colour; None when not given); ``pager_flag``: False for ``--no-pager`` (None when not given)."""
    path = Path(path) if path else config_path(environ)
    values = read_file(path)
    file_source = f"file {path}"

    def from_file(key: str, default: Any) -> Setting:
        return Setting(values[key], file_source) if key in values else Setting(default, "default")

    return Config(
        path=path,
        exists=path.is_file(),
        database=_database(db_flag, environ, values, path),
        language=from_file("language", None),
        currency=from_file("currency", None),
        color=_color(color_flag, environ) or from_file("color", "auto"),
        pager=_pager(pager_flag, environ, values, path),
        report_sections=from_file("report.sections", None),
        renewal_lead_days=from_file("renewal.lead_days", DEFAULT_RENEWAL_LEAD_DAYS),
    )


def file_setting(key: str, environ: Environ = os.environ) -> Setting | None:
    """``key`` as the config file sets it (with its source), or None when the file does not."""
    path = config_path(environ)
    values = read_file(path)
    return Setting(values[key], f"file {path}") if key in values else None


def database_location(db_flag: str | None, environ: Environ = os.environ) -> DbLocation:
    """The database file (``store.db.DbLocation``: path, reason, source): ``--db``, else
    ``$SALESPIPE_DB``, else the file's ``database``, else the XDG data folder."""
    from salespipe.store.db import resolve_path

    path = config_path(environ)
    configured = read_file(path).get("database")
    return resolve_path(db_flag, environ, configured=(configured, path) if configured else None)


def _database(flag: str | None, environ: Environ, values: dict[str, Any], path: Path) -> Setting:
    from salespipe.store.db import resolve_path

    configured = values.get("database")
    location = resolve_path(flag, environ, configured=(configured, path) if configured else None)
    return Setting(location.path, location.source)


def _color(flag: str | None, environ: Environ) -> Setting | None:
    """``--color always|never``, else NO_COLOR (never; it wins over the forcing variables, as in
    CPython), else FORCE_COLOR or CLICOLOR_FORCE (always): the rules of ``render.terminal``."""
    if flag is not None:
        return Setting(flag, "flag --color")
    if environ.get("NO_COLOR"):  # https://no-color.org: set and not empty, whatever the value
        return Setting("never", "environment NO_COLOR")
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE"):
        if environ.get(name, "") not in ("", "0", "false", "no"):
            return Setting("always", f"environment {name}")
    return None


NO_PAGER = ("", "false", "cat")  # a pager setting that means none (as git takes cat)


def _pager(flag: bool | None, environ: Environ, values: dict[str, Any], path: Path) -> Setting:
    """``--no-pager``, else ``$SALESPIPE_PAGER``, else the file's ``pager``, else ``$PAGER``, else
    ``less -FRX``: the order of ``render.terminal.choose_pager``, as git's (GIT_PAGER, core.pager,
    PAGER), so that a pager chosen for salespipe is not overridden by a general one."""
    if flag is False:
        return Setting(False, "flag --no-pager")
    for value, source in (
        (environ.get("SALESPIPE_PAGER"), "environment SALESPIPE_PAGER"),
        (values.get("pager"), f"file {path}"),
        (environ.get("PAGER"), "environment PAGER"),
    ):
        if value is not None:
            return Setting(False if value is False or value.strip() in NO_PAGER else value, source)
    return Setting(DEFAULT_PAGER, "default")


# Reading and checking the file ----------------------------------------------------------------
_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def read_file(path: Path) -> dict[str, Any]:
    """The file's settings by key (``report.sections`` flat), checked; {} when there is no file.
    Read once per process while the file is unchanged."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"config file {path}, line {line}: not UTF-8 text (save it as UTF-8)") from None
    values = parse(text, path)
    _cache[path] = (stamp, values)
    return values


def parse(text: str, path: Path | str) -> dict[str, Any]:
    """The checked settings of a config file's ``text`` (``path`` is for the messages)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if found:
            message = message[: found.start()]
            where = f", line {found.group(1)}, column {found.group(2)}"
        else:
            where = ""
            message = message.replace(" (at end of document)", " at the end of the file")
        raise ConfigError(f"config file {path}{where}: not valid TOML: {message[:1].lower()}{message[1:]}") from None

    def problem(key: str, what: str) -> ConfigError:
        line = _line_of(text, key)
        return ConfigError(f"config file {path}{f', line {line}' if line else ''}: {what}")

    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in TABLES and not isinstance(value, dict):
            example = "sections = [...]" if key == "report" else "lead_days = 60"
            raise problem(key, f"{key} must be a table: a line [{key}], then {example} below it")
        if key in TABLES:
            for sub, sub_value in value.items():
                flat[f"{key}.{sub}"] = sub_value
        else:
            flat[key] = value
    values: dict[str, Any] = {}
    for key, value in flat.items():
        if key not in KEYS:
            raise problem(key, f"unknown setting {key!r}{_did_you_mean(key)}; the settings are: {', '.join(KEYS)}")
        values[key] = _check(key, value, problem)
    return values


def _check(key: str, value: Any, problem: Any) -> Any:
    shown = _shown(value)
    if key == "database":
        if not isinstance(value, str) or not value.strip():
            raise problem(
                key, f'database = {shown}: give the database file\'s path in quotes, such as "~/sales/salespipe.db"'
            )
        from salespipe.store.db import expand_path

        try:
            expanded = expand_path(value.strip())
        except SalespipeError as exc:
            raise problem(key, f"database = {shown}: {exc}") from None
        if not expanded.is_absolute():
            raise problem(
                key,
                f"database = {shown} is a relative path (it would change with the current "
                'folder); give a full path or one starting with ~, such as "~/sales/salespipe.db"',
            )
        return value.strip()
    if key == "language":
        if value not in LANGUAGES:
            raise problem(
                key,
                f"language = {shown} is not one salespipe speaks; choose "
                + " or ".join(f'"{lang}"' for lang in LANGUAGES),
            )
        return value
    if key == "currency":
        from salespipe.domain.errors import InvalidValue
        from salespipe.domain.money import normalize_currency

        if not isinstance(value, str):
            raise problem(key, f'currency = {shown}: give a three-letter ISO 4217 code in quotes, such as "EUR"')
        try:
            return normalize_currency(value)
        except InvalidValue:
            raise problem(
                key, f'currency = {shown} is not an ISO 4217 currency code; give one such as "EUR", "USD" or "CHF"'
            ) from None
    if key == "color":
        if value not in COLORS:
            raise problem(key, f"color = {shown}; choose " + ", ".join(f'"{c}"' for c in COLORS))
        return value
    if key == "pager":
        if value is False:
            return False
        if not isinstance(value, str) or not value.strip():
            raise problem(
                key, f'pager = {shown}: give a command in quotes (such as "{DEFAULT_PAGER}"), or false for no pager'
            )
        return value.strip()
    if key == "renewal.lead_days":
        if type(value) is not int or not 0 <= value <= MAX_RENEWAL_LEAD_DAYS:
            raise problem(
                key,
                f"renewal.lead_days = {shown}: give whole days from 0 to {MAX_RENEWAL_LEAD_DAYS}, such as 60 "
                "(a renewal's task is due that many days before the contract ends)",
            )
        return value
    # report.sections
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise problem(
            key,
            f"report.sections = {shown}: give a list of sections, such as "
            '["headline", "pipeline"]; the sections are: ' + ", ".join(REPORT_SECTIONS),
        )
    unknown = [v for v in value if v not in REPORT_SECTIONS]
    if unknown:
        raise problem(
            key,
            f"report.sections: {unknown[0]!r} is not a section{_did_you_mean(unknown[0], REPORT_SECTIONS)}; "
            "the sections are: " + ", ".join(REPORT_SECTIONS),
        )
    return tuple(dict.fromkeys(value))


def _shown(value: Any) -> str:
    """A TOML value as the user wrote it, roughly: strings in double quotes, booleans lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # escaped as TOML (and JSON) write it: a newline stays on the one line
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _did_you_mean(word: str, choices: tuple[str, ...] = KEYS) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_HEADER = r"""\[\s*([^\]]+?)\s*\]"""
_KEY = r"""("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*)?[=.]"""


def _line_of(text: str, key: str) -> int | None:
    """The line that sets ``key`` (``report.sections`` as ``[report] sections = ...``,
    ``report.sections = ...`` or ``report = {...}``), if it can be found."""
    first, _, second = key.partition(".")
    table = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            found = re.match(_HEADER, line.replace("[[", "[", 1))
            table = re.sub(r"\s*\.\s*", ".", found.group(1)).replace('"', "").replace("'", "") if found else ""
            if table == key:  # an unknown table such as [colours]
                return number
            continue
        found = re.match(_KEY, line)
        if not found:
            continue
        name, sub = found.group(1).strip("\"'"), (found.group(2) or "").strip("\"'")
        if table == "" and name == first and (not second or not sub or sub == second):
            return number
        if table == first and name == second:
            return number
    return None
