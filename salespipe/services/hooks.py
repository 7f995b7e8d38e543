"""Hooks, Taskwarrior style: executables the user puts in the hooks folder.

``$SALESPIPE_HOOKS_DIR``, else ``$XDG_CONFIG_HOME/salespipe/hooks``, else
``~/.config/salespipe/hooks``. A hook named ``on-add``, ``on-stage-change`` or ``on-task-due``
gets the event as JSON on stdin. Hooks run after the change is committed, with a time limit
(``$SALESPIPE_HOOK_TIMEOUT`` seconds, more than 0 and at most 3600, default 5), so a hook that
fails or hangs is reported and never blocks or undoes the change.

A hook runs only when it is owned by the user running salespipe and neither it nor its folder
is writable by group or others (as git and ssh require of what they run); otherwise it is
skipped with a warning, since anyone who can write it could run code as the user.
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

HOOKS = ("on-add", "on-stage-change", "on-task-due")
DEFAULT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 3600.0


def hooks_dir() -> Path:
    if os.environ.get("SALESPIPE_HOOKS_DIR"):
        return Path(os.environ["SALESPIPE_HOOKS_DIR"]).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "salespipe" / "hooks"


def run(name: str, payload: dict[str, Any]) -> str | None:
    """Run hook ``name`` if it exists; returns a warning for the user when it did not succeed."""
    path = hooks_dir() / name
    if not path.exists():
        return None
    if not os.access(path, os.X_OK):
        return f"hook {path} is not executable (chmod +x it)"
    unsafe = _unsafe(path)
    if unsafe:
        return f"hook {path} was skipped: {unsafe}"
    timeout = timeout_from_environment()
    try:
        result = subprocess.run(
            [str(path)],
            input=json.dumps({"event": name, **payload}, ensure_ascii=False),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"hook {name} did not finish within {timeout:g} s and was stopped"
    except OSError as exc:
        return f"hook {name} could not run: {exc.strerror}"
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [""])[-1]
        return f"hook {name} exited {result.returncode}" + (f": {detail}" if detail else "")
    return None


def timeout_from_environment() -> float:
    """``$SALESPIPE_HOOK_TIMEOUT`` in seconds; ``InvalidValue`` unless 0 < t <= 3600."""
    from salespipe.domain.errors import InvalidValue

    text = os.environ.get("SALESPIPE_HOOK_TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT_S):
        raise InvalidValue(f"{text!r} is not a time limit: give seconds, more than 0 and at most {MAX_TIMEOUT_S:g}")
    return value


def _unsafe(path: Path) -> str | None:
    """Why running ``path`` would let someone else run code as this user, or None."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    for item, what in ((path, "it"), (path.parent, "its folder")):
        try:
            info = item.stat()
        except OSError as exc:
            return f"cannot check {what}: {exc.strerror}"
        if uid is not None and info.st_uid != uid:
            return f"{what} is owned by another user (uid {info.st_uid})"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{what} is writable by group or others (chmod go-w it)"
    return None
