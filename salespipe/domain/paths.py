"""What a path typed for a file may not be (the text alone: no file system)."""

from __future__ import annotations

import os

_SEPARATORS = ("/", os.sep)


def folder_words(text: str, example: str = "FILE") -> str | None:
    """Why ``text`` cannot name a file: it ends in ``/``, so it names a folder, and ``Path``
    would drop the slash and make a file of the folder's name (``--out reports/`` wrote a file
    named ``reports``); None when it can. ``example`` is the file name the advice suggests. The
    root alone is left to the checks of the file system ("is a directory")."""
    if text.endswith(_SEPARATORS) and text.strip("".join(_SEPARATORS)):
        return f"{text!r} ends in /, a folder: give a file in it, such as {text.rstrip(''.join(_SEPARATORS))}/{example}"
    return None
