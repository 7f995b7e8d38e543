"""Where human output goes: how wide it may be, whether it has colour, whether it is paged.

Decided once per command (``Terminal.detect``) and passed to every view, so that a view never
looks at the environment itself. The rules, in order:

* colour: ``--color always|never`` wins; then ``NO_COLOR`` (any non-empty value) removes colour;
  then ``FORCE_COLOR`` / ``CLICOLOR_FORCE`` (non-empty, not ``0``) force it; then the config
  file's ``color``; otherwise colour exactly when stdout is a terminal and ``TERM`` is not
  ``dumb``. Colour changes nothing but colour: the layout is the same with and without it.
* width: on a terminal (or when colour is forced, as for ``watch -c`` and ``less -R``) the
  terminal's width (``COLUMNS`` wins); piped to a program, no limit, so that nothing is cut,
  unless ``COLUMNS`` is set.
* pager: long output on a terminal goes through a pager, as git does: ``--no-pager`` wins;
  then ``SALESPIPE_PAGER``, the config file's ``pager``, ``PAGER``, then ``less -FRX``. An empty
  value or ``false`` means no pager.

Only the standard library is imported here: every command starts through this module.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import IO, NamedTuple

DEFAULT_PAGER = "less -FRX"
COLOR_CHOICES = ("auto", "always", "never")


class Terminal(NamedTuple):
    """What a view may draw: ``width`` None means no limit (a pipe); ``height`` the rows of the
    screen a pager compares with; ``colour`` whether ANSI styles are written."""

    width: int | None = None
    colour: bool = False
    height: int | None = None
    pager: str | None = None

    @classmethod
    def detect(
        cls,
        *,
        color: str = "auto",
        pager: str | None = DEFAULT_PAGER,
        stream: IO[str] | None = None,
        environ: dict[str, str] | None = None,
    ) -> Terminal:
        env = os.environ if environ is None else environ
        stream = stream or sys.stdout
        tty = is_terminal(stream)
        if color == "always":
            colour = True
        elif color == "never":
            colour = False
        elif env.get("NO_COLOR"):
            colour = False
        elif _truthy(env.get("FORCE_COLOR")) or _truthy(env.get("CLICOLOR_FORCE")):
            colour = True
        else:
            colour = tty and env.get("TERM") != "dumb"
        size = shutil.get_terminal_size((80, 24))
        columns = _columns(env)
        if tty or colour or columns:
            width = max(columns or (size.columns if tty else _other_terminal_width() or size.columns), 20)
        else:
            width = None
        return cls(
            width=width, colour=colour, height=size.lines if tty else None, pager=pager if tty and pager else None
        )


def is_terminal(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal (a stream that cannot say, or is closed, is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _truthy(value: str | None) -> bool:
    return bool(value) and value not in ("0", "false", "no")


def _columns(env: dict[str, str] | os._Environ[str]) -> int | None:
    value = env.get("COLUMNS", "")
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


def _other_terminal_width() -> int | None:
    """With stdout piped but colour forced (``salespipe today --color always | less -R``), the
    width of the terminal stderr or stdin is on."""
    for stream in (sys.stderr, sys.stdin):
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            continue
    return None


def choose_pager(flag_off: bool, configured: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The pager command, or None for none (see the module docstring for the order)."""
    env = os.environ if environ is None else environ
    if flag_off:
        return None
    for value in (env.get("SALESPIPE_PAGER"), configured, env.get("PAGER")):
        if value is not None:
            return None if value.strip() in ("", "false", "cat") else value
    return DEFAULT_PAGER


def page(text: str, terminal: Terminal, stream: IO[str] | None = None) -> None:
    """Write ``text``; through the pager when it is longer than the screen."""
    stream = stream or sys.stdout
    if terminal.pager and terminal.height and text.count("\n") >= terminal.height - 1:
        import subprocess

        env = dict(os.environ)
        env.setdefault("LESS", "FRX")  # as git: quit if one screen, keep colour, leave the text on screen
        env.setdefault("LV", "-c")
        try:
            stream.flush()
            done = subprocess.run(terminal.pager, shell=True, input=text, text=True, env=env, check=False)
            if done.returncode not in (126, 127):  # the shell found no such pager: write the text
                return
        except (OSError, ValueError):
            pass
    stream.write(text)
    stream.flush()
