"""The habits that keep the code as it is: ruff (lint and format) and mypy over salespipe/,
run with the configuration in pyproject.toml, as part of the one test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint():
    result = run("ruff", "check", "--no-cache", "salespipe", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run("ruff", "format", "--check", "--no-cache", "salespipe", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = run("mypy", "--cache-dir", str(ROOT / ".mypy_cache"))
    assert result.returncode == 0, result.stdout + result.stderr
