"""Reading an import file: encoding, delimiter, header line, MySQL escapes, headerless dumps.

The layout is decided from the first 256 KB; the rows are then streamed (``rows``), each with
the line it starts on, so memory stays flat however long the file is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from salespipe.domain.errors import InvalidValue, SalespipeError
from salespipe.domain.import_dates import is_date_like

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 256 * 1024
MAX_FIELD_CHARS = 16 * 1024 * 1024  # one cell; the csv module's default is 128 KB
# MySQL's SELECT ... INTO OUTFILE: backslash escapes, \N for NULL. While reading, an escaped
# backslash and \N are swapped for private-use characters, so that the csv module's escape
# handling cannot eat them.
NULL_SENTINEL = "\ue000"
_BACKSLASH_SENTINEL = "\ue001"
_MYSQL_NULL_RE = re.compile(r"(^|[,;\t|])\\N([,;\t|]|$)", re.MULTILINE)
_NUMBER_RE = re.compile(r"^[-+]?\d+([.,]\d+)?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Layout:
    encoding: str
    delimiter: str
    header_line: int  # 0 when the file has no header (--no-header)
    headers: list[str]
    escape: str | None = None
    escape_reason: str | None = None


class CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for the progress bar)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.position += n or 0
        return n or 0


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the first lines into the most, equally many, columns."""
    best, best_score = ",", (-1, -1)
    text = "\n".join(lines)
    for candidate in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(io.StringIO(text), delimiter=candidate) if any(row)]
        except csv.Error:
            continue
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal) if modal > 1 else 0, modal)
        if score > best_score:
            best, best_score = candidate, score
    return best


def open_text(path: Path, encoding: str) -> tuple[IO[str], CountingReader]:
    raw = CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the caller
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")
    return text, raw


def first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The line holding the first byte that ``encoding`` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines_before + chunk[: max(exc.start, 0)].count(b"\n") + 1
            lines_before += chunk.count(b"\n")
    return None


# MySQL's escapes for characters (``\t`` is a tab inside a cell, not a "t"), swapped for
# private-use characters while the csv module reads the line, then for the characters.
_MYSQL_ESCAPES = {
    "\\t": ("\ue002", "\t"),
    "\\n": ("\ue003", "\n"),
    "\\r": ("\ue004", "\r"),
    "\\0": ("\ue005", "\x00"),
    "\\Z": ("\ue006", "\x1a"),
    "\\b": ("\ue007", "\b"),
}
_UNSENTINEL = {ord(sentinel): char for sentinel, char in _MYSQL_ESCAPES.values()}
_UNSENTINEL[ord(_BACKSLASH_SENTINEL)] = "\\"


def _protect(lines: IO[str]) -> Iterator[str]:
    for line in lines:
        line = line.replace("\\\\", _BACKSLASH_SENTINEL).replace("\\N", NULL_SENTINEL)
        if "\\" in line:
            for escape, (sentinel, _) in _MYSQL_ESCAPES.items():
                line = line.replace(escape, sentinel)
        yield line


def reader(text: IO[str], layout: Layout) -> Any:
    if layout.escape:
        return csv.reader(_protect(text), delimiter=layout.delimiter, escapechar=layout.escape)
    return csv.reader(text, delimiter=layout.delimiter)


def rows(path: Path, layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) of every row after the header."""
    text, _ = open_text(path, layout.encoding)
    with text:
        yield from iterate(reader(text, layout), layout, path)


def iterate(csv_reader: Any, layout: Layout, path: Path | None) -> Iterator[tuple[int, list[str]]]:
    """Rows after the header; decoding errors become one clear message with the line."""
    last = 0
    escaped = layout.escape is not None
    while True:
        try:
            cells = next(csv_reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            line = first_undecodable_line(path, exc.encoding) if path else None
            where = f"on line {line}" if line else f"after line {last}"
            raise InvalidValue(f"the file is not {exc.encoding} {where}; give --encoding (e.g. cp1252)") from None
        except UnicodeError as exc:  # e.g. UTF-16 without a byte order mark
            raise InvalidValue(f"cannot decode the file as given: {exc}; give another --encoding") from None
        except csv.Error as exc:
            raise InvalidValue(f"line {last + 1}: malformed CSV ({exc})") from None
        line = last + 1
        last = csv_reader.line_num
        if line <= layout.header_line:
            continue
        if escaped:
            cells = [c.translate(_UNSENTINEL) for c in cells]
        yield line, cells


def _looks_like_data(cells: list[str]) -> str | None:
    """Why a header row looks like a data row, or None."""
    filled = [c.strip() for c in cells if c.strip()]
    if any(c in ("\\N", NULL_SENTINEL) for c in filled):
        return "it holds \\N (a MySQL null)"
    data = [c for c in filled if _NUMBER_RE.match(c) or _EMAIL_RE.match(c) or is_date_like(c)]
    if filled and len(data) * 2 >= len(filled):
        return f"{len(data)} of its {len(filled)} cells are numbers, dates or e-mail addresses (e.g. {data[0]!r})"
    return None


def require_regular_file(path: Path) -> None:
    """An import reads its file twice (the plan, then the rows): a device or a pipe (``/dev/zero``
    never ends, ``/dev/stdin`` cannot be read again) is refused before anything is read."""
    try:
        if path.exists() and not path.is_file():
            raise InvalidValue(
                f"{str(path)!r} is not a regular file (a folder, device or pipe); "
                "save the data to a file and import that"
            )
    except OSError as exc:
        raise SalespipeError(f"cannot read {str(path)!r}: {exc.strerror}") from None


# The binary files people pass for a CSV by mistake, by their first bytes: read as cp1252 text,
# every "row" of them would be rejected (or none found), with a rejects file of binary.
BINARY_KINDS = (
    (b"SQLite format 3\x00", "an SQLite database (a salespipe database?)", "`salespipe restore` takes a backup"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .ods workbook?)", "save it as CSV and import that"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) workbook", "save it as CSV and import that"),
    (b"\x1f\x8b", "gzip-compressed", "unpack it (gunzip) and import the CSV"),
    (b"%PDF-", "a PDF document", "export the data as CSV"),
)


def binary_kind(sample: bytes) -> str | None:
    """What a file starting with ``sample`` is and what to do, when it is a known binary format."""
    for magic, what, advice in BINARY_KINDS:
        if sample.startswith(magic):
            return f"{what}, not CSV: {advice}"
    return None


def sniff(
    path: Path, *, encoding: str | None, delimiter: str | None, escape: str | None, columns: list[str] | None
) -> Layout:
    """The layout of ``path``; ``columns`` names the columns of a file without a header."""
    require_regular_file(path)
    try:
        with open(path, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise SalespipeError(f"cannot read {str(path)!r}: {exc.strerror}") from None
    kind = binary_kind(sample)
    if kind:
        raise InvalidValue(f"{str(path)!r} is {kind}")
    encoding = encoding or detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InvalidValue(f"unknown encoding {encoding!r}") from None
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        decoded = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    except UnicodeError as exc:
        raise InvalidValue(f"cannot decode {str(path)!r} as {encoding}: {exc}") from None
    lines = decoded.splitlines()[:50]
    if delimiter:
        delimiter = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise InvalidValue(f"invalid --delimiter {delimiter!r}: one character, or tab")
    else:
        delimiter = detect_delimiter(lines)
    reason = None
    if escape is not None:
        if len(escape) != 1:
            raise InvalidValue(f"invalid --escape {escape!r}: one character, such as \\")
        reason = "given"
    elif _MYSQL_NULL_RE.search("\n".join(lines)):
        escape, reason = "\\", "\\N cells (a MySQL dump): backslash escapes"
    layout = Layout(encoding, delimiter, 0, [], escape, reason)
    if columns is not None:
        layout.headers = [c.strip() for c in columns]
        return layout
    try:
        top = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidValue(f"malformed CSV near the top of the file ({exc})") from None
    counts = [len(r) for r in top if any(c.strip() for c in r)]
    if not counts:
        raise InvalidValue(f"{str(path)!r} has no rows")
    modal = max(set(counts), key=counts.count)
    text, _ = open_text(path, encoding)
    # The header is the first row with as many cells as the rows below it (a title line or
    # blank lines above it are skipped and reported as such).
    with text:
        for line, cells in iterate(reader(text, layout), layout, path):
            if len(cells) >= modal and sum(1 for c in cells if c.strip()) >= min(modal, 2):
                why = _looks_like_data(cells)
                if why:
                    raise InvalidValue(
                        f"line {line} should be the header but looks like data: {why}; for a file "
                        f"without a header pass --columns 'name,company,email,...' (one name per column, "
                        f"{len(cells)} columns)"
                    )
                layout.header_line = line
                layout.headers = [c.strip().lstrip("\ufeff") for c in cells]
                return layout
    raise InvalidValue(f"{str(path)!r} has no header row")
