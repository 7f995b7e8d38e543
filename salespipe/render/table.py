"""The one table style, and text measured as a terminal shows it.

Every listing a person sees is drawn by ``draw``: a bold header (in colour), columns two
spaces apart, figures right-aligned. On a terminal nothing is wider than the terminal: the
least useful columns are dropped first (each column says when it may go), then the flexible
columns (names, task texts, reasons) give way: wrapped within the cell or cut with "…". Wide
characters (CJK, emoji) count as the two columns they take on screen. Piped output has no
width limit. Only the standard library is used, so listings start fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Literal, NamedTuple

from salespipe.render.output import visible

GAP = 2
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def char_width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width_of(text: str) -> int:
    """Columns ``text`` takes on a terminal (the widest line)."""
    if text.isascii():
        return max((len(line) for line in text.split("\n")), default=0)
    return max((sum(char_width(c) for c in line) for line in text.split("\n")), default=0)


def cut(text: str, width: int) -> str:
    """``text`` no wider than ``width``, ending in "…" when something was cut."""
    if width_of(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = char_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, align: str = "left") -> str:
    space = " " * max(width - width_of(text), 0)
    return space + text if align == "right" else text + space


def take(text: str, width: int) -> str:
    """The longest start of ``text`` no wider than ``width``."""
    used = 0
    for n, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:n]
    return text


def wrap(text: str, width: int, *, indent: str = "", break_long: bool = True) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (by display width), broken between words, the
    continuation lines of a paragraph indented by ``indent``; a word wider than the line is
    broken (in a table cell there is nowhere else for it to go) unless ``break_long`` is False
    (prose: a path stays whole, to be copied)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        lead, line = "", None
        for word in paragraph.split(" "):
            if line is not None and width_of(line + " " + word) <= width:
                line += " " + word
                continue
            if line is not None:
                out.append(line)
                lead = indent
            line = lead + word
            while break_long and width_of(line) > width and width > width_of(lead) + 1:
                head = take(line, width)
                out.append(head)
                lead = indent
                line = lead + line[len(head) :]
        out.append(line or "")
    return out


class Column(NamedTuple):
    """``flex``: may give way ("wrap" within the cell or "cut" with an ellipsis) down to
    ``minimum``; ``drop``: when the table does not fit even so, columns with a drop rank go,
    lowest rank first."""

    title: str
    align: Literal["left", "right"] = "left"
    flex: Literal["no", "wrap", "cut"] = "no"
    drop: int | None = None
    minimum: int = 8
    style: str = ""  # an ANSI style for the column's cells (bars), in colour only


def draw(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, width: int | None, colour: bool = False) -> str:
    """The table as text, one trailing newline; text from data is made visible first."""
    rows = [[visible(cell).replace("\t", " ") for cell in row] for row in rows]
    keep = list(range(len(columns)))
    natural = {i: max([width_of(columns[i].title)] + [width_of(row[i]) for row in rows]) for i in keep}

    def total(indexes: list[int], widths: dict[int, int]) -> int:
        return sum(widths[i] for i in indexes) + GAP * (len(indexes) - 1)

    if width is not None:
        droppable = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None)
        # a column goes only when the flexible ones, at their narrowest, still leave no room
        narrowest = {i: min(natural[i], columns[i].minimum) if columns[i].flex != "no" else natural[i] for i in keep}
        while total(keep, narrowest) > width and droppable:
            keep.remove(droppable.pop(0)[1])
    widths = dict(natural)
    if width is not None and total(keep, widths) > width:
        flexible = [i for i in keep if columns[i].flex != "no"]
        room = width - total([i for i in keep if i not in flexible], widths) - GAP * len(flexible)
        # a column narrower than an equal share keeps its width; the others share the rest in
        # proportion to their natural widths, none below its minimum
        open_ = list(flexible)
        while open_:
            small = [i for i in open_ if natural[i] <= room // len(open_)]
            if not small:
                break
            for i in small:
                room -= natural[i]
                open_.remove(i)
        while open_:
            wanted = sum(natural[i] for i in open_) or 1
            short = [i for i in open_ if room * natural[i] // wanted < min(columns[i].minimum, natural[i])]
            if not short:
                for i in open_:
                    widths[i] = min(natural[i], room * natural[i] // wanted)
                break
            for i in short:
                widths[i] = min(columns[i].minimum, natural[i])
                room -= widths[i]
                open_.remove(i)
        # a column kept whole in its equal share can leave the last ones less than their
        # minimums: take the excess back from the columns above their minimum, most above first
        floor = {i: min(columns[i].minimum, natural[i]) for i in flexible}
        excess = total(keep, widths) - width
        for i in sorted(flexible, key=lambda i: widths[i] - floor[i], reverse=True):
            give = min(max(excess, 0), widths[i] - floor[i])
            widths[i] -= give
            excess -= give
        # hand out what rounding left over, widest first
        spare = width - total(keep, widths)
        for i in sorted(flexible, key=lambda i: natural[i] - widths[i], reverse=True):
            grow = min(spare, natural[i] - widths[i])
            if grow > 0:
                widths[i] += grow
                spare -= grow

    def cell_lines(i: int, text: str) -> list[str]:
        column, w = columns[i], widths[i]
        if width_of(text) <= w and "\n" not in text:
            return [text]
        if column.flex == "wrap" or "\n" in text:
            return [cut(line, w) for line in wrap(text, w)]
        return [cut(text, w)]

    def line(cells: dict[int, list[str]], n: int) -> str:
        parts = [pad(cells[i][n] if n < len(cells[i]) else "", widths[i], columns[i].align) for i in keep]
        return (" " * GAP).join(parts).rstrip()

    def styled(cells: dict[int, list[str]], n: int) -> str:
        parts = [pad(cells[i][n] if n < len(cells[i]) else "", widths[i], columns[i].align) for i in keep]
        parts[-1] = parts[-1].rstrip()
        return (
            (" " * GAP)
            .join(style(part, columns[i].style, colour) for part, i in zip(parts, keep, strict=False))
            .rstrip()
        )

    header = (" " * GAP).join(pad(cut(columns[i].title, widths[i]), widths[i], columns[i].align) for i in keep).rstrip()
    out = [header]
    for row in rows:
        cells = {i: cell_lines(i, row[i]) for i in keep}
        height = max(len(c) for c in cells.values()) if cells else 1
        fits = width is None or width_of(line(cells, 0)) <= width
        out.extend((styled if colour and fits else line)(cells, n) for n in range(height))
    if width is not None:  # the last resort, when even the fixed columns do not fit
        out = [o if "\x1b" in o or width_of(o) <= width else cut(o, width) for o in out]
    out[0] = style(out[0], BOLD, colour)
    return "\n".join(out) + "\n"


def style(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour and code and text.strip() else text
