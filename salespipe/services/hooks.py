"""Hooks, Taskwarrior style: executables the user puts in the hooks folder.

``$SALESPIPE_HOOKS_DIR``, else ``$XDG_CONFIG_HOME/salespipe/hooks``, else
``~/.config/salespipe/hooks``. A hook named ``on-add``, ``on-stage-change`` or ``on-task-due``
gets the event as JSON on stdin. Hooks run after the change is committed, with a time limit
(``$SALESPIPE_HOOK_TIMEOUT`` seconds, default 5), so a hook that fails or hangs is reported and
never blocks or undoes the change.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

HOOKS = ("on-add", "on-stage-change", "on-task-due")
DEFAULT_TIMEOUT_S = 5.0


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
    try:
        timeout = float(os.environ.get("SALESPIPE_HOOK_TIMEOUT", DEFAULT_TIMEOUT_S))
    except ValueError:
        timeout = DEFAULT_TIMEOUT_S
    try:
        result = subprocess.run([str(path)], input=json.dumps({"event": name, **payload}, ensure_ascii=False),
                                capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"hook {name} did not finish within {timeout:g} s and was stopped"
    except OSError as exc:
        return f"hook {name} could not run: {exc.strerror}"
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [""])[-1]
        return f"hook {name} exited {result.returncode}" + (f": {detail}" if detail else "")
    return None
