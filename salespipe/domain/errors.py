"""Typed errors. Only the CLI layer turns them into ``Error: ...`` and an exit status."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes of every salespipe command (documented in the README)."""

    OK = 0
    ERROR = 1  # domain error: unknown lead, illegal transition, invalid value, rejected rows
    USAGE = 2  # usage error: unknown option, missing argument (Typer's convention)
    INTERRUPTED = 130


class SalespipeError(Exception):
    """Base class for errors the user can act on. ``str(err)`` is the one-line message."""

    exit_code: int = ExitStatus.ERROR


class InvalidValue(SalespipeError):
    """A value the user typed or imported cannot be understood."""


class NotFound(SalespipeError):
    """An id or key that does not exist."""


class IllegalTransition(SalespipeError):
    """A stage change the pipeline rules forbid."""


class Conflict(SalespipeError):
    """The change clashes with what is stored (duplicate key, stage still holding deals...)."""
