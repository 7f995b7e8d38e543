"""Writing output files safely: never over the database or an input, never half a file.

Every output goes to a temporary file in the target's folder (created 0600) and is renamed over
the target only when complete, so a failure leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from salespipe.domain.errors import SalespipeError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: Path, protect: Iterable[Path]) -> None:
    """Refuse ``path`` when it is one of ``protect`` (an input, the database and its -wal/-shm)."""
    for other in protect:
        candidates = [other, Path(f"{other}-wal"), Path(f"{other}-shm"), Path(f"{other}-journal")]
        for candidate in candidates:
            if _same(path, candidate) or path.resolve() == candidate.resolve():
                raise SalespipeError(f"refusing to write {str(path)!r}: it is {str(candidate)!r}, "
                                     "which this command reads; choose another file")


def write_atomically(path: Path, text: str, *, protect: Iterable[Path] = ()) -> None:
    check_output(path, protect)
    if path.exists() and not path.is_file():  # a device or a pipe: written as it is
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as exc:
            raise SalespipeError(f"cannot write {str(path)!r}: {exc.strerror}") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SalespipeError(f"cannot write {str(path)!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SalespipeError(f"cannot write {str(path)!r}: {exc.strerror}") from None
