"""Writing output files safely: never over the database or an input, never half a file.

Every output goes to a temporary file in the target's folder (created 0600, as the database)
and is renamed over the target only when complete, so a failure leaves the old file as it was.
A target that is a device or a pipe (``/dev/stdout``) is written as it is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from salespipe.domain.errors import SalespipeError

SIDE_FILES = ("-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(path: Path, protect: Iterable[Path]) -> None:
    """Refuse ``path`` when it is one of ``protect`` (an input, the database and its -wal,
    -shm and -journal files), by name or as the same file under another name, and when it is
    empty or ``-`` (which other tools read as standard output: ``/dev/stdout`` is that here)."""
    if not str(path):
        raise SalespipeError("an output path cannot be empty")
    if str(path) == "-":  # the usual "standard output" of other tools would be a file named "-"
        raise SalespipeError("an output path of '-' would be a file named '-'; for standard output give /dev/stdout")
    for other in protect:
        for candidate in (other, *(Path(f"{other}{side}") for side in SIDE_FILES)):
            if _same(path, candidate):
                raise SalespipeError(
                    f"refusing to write {str(path)!r}: it is {str(candidate)!r}, "
                    "which this command reads; choose another file"
                )


@contextmanager
def output_file(path: Path, *, protect: Iterable[Path] = (), binary: bool = False, what: str = "") -> Iterator[IO[Any]]:
    """A file to write ``path`` through; it replaces ``path`` only if the block succeeds.
    ``what`` names it in messages ("the rejects file ")."""
    from salespipe.store.db import expand_path

    path = expand_path(path)
    check_output(path, protect)
    mode = "wb" if binary else "w"
    encoding = None if binary else "utf-8"
    newline = None if binary else ""
    if path.exists() and not path.is_file():  # a device or a pipe: written as it is
        try:
            with open(path, mode, encoding=encoding, newline=newline) as f:
                yield f
        except OSError as exc:
            raise SalespipeError(f"cannot write {what}{str(path)!r}: {exc.strerror}") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SalespipeError(f"cannot write {what}{str(path)!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as f:
            yield f
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SalespipeError(f"cannot write {what}{str(path)!r}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: str | bytes, *, protect: Iterable[Path] = ()) -> None:
    with output_file(path, protect=protect, binary=isinstance(data, bytes)) as f:
        f.write(data)


def expand(path: str | Path) -> Path:
    """``~`` and ``~user`` expanded, an unknown user a clear error (``store.db.expand_path``)."""
    from salespipe.store.db import expand_path

    return expand_path(path)
