"""Organisations and people: which stored organisation a company name means (pure rules).

A company name is compared in two ways:

- its **fold**: Unicode NFKC, case-folded (``str.casefold``: ``STRASSE`` is ``straße``), white
  space collapsed. ``ACME GmbH`` and ``acme  gmbh`` fold alike: the same name.
- its **key** (``orgs.name_key``): the fold with one trailing legal form trimmed (``LEGAL_FORMS``:
  ``ACME GmbH``, ``Acme Inc.`` and ``ACME`` all have the key ``acme``).

``match`` links a name to an organisation: the one of the same fold first; else, by the key,
only where exactly one organisation is a candidate; else none (a new organisation is made).
Never a guess between two. A candidate has the same key and a legal form that does not
contradict the name's: the same form, or either of them without one (``Müller AG`` is not
``Müller GmbH``; ``Müller`` may be either, so with both stored it is a new organisation).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

# Trailing legal forms that a name's key leaves out, as they are compared: folded, full stops
# and commas dropped, white space collapsed. Longer ones are tried first ("gmbh & co kg"
# before "kg"). Spellings of one form map to one name (``_SAME_FORM``).
LEGAL_FORMS = (
    # German-speaking countries
    "gmbh & co kg",
    "gmbh & co kgaa",
    "gmbh & co ohg",
    "ag & co kg",
    "ug (haftungsbeschränkt)",
    "ug (haftungsbeschraenkt)",
    "gmbh",
    "ggmbh",
    "gesmbh",
    "mbh",
    "ag",
    "kgaa",
    "kg",
    "ohg",
    "gbr",
    "ug",
    "ev",
    "eg",
    "se",
    # English-speaking countries
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "co ltd",
    "ltd",
    "limited",
    "pty ltd",
    "llc",
    "llp",
    "lp",
    "plc",
    # the rest of Europe
    "sa",
    "sas",
    "sarl",
    "s à r l",
    "sà rl",
    "sàrl",
    "sl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "as",
    "a/s",
    "aps",
    "oy",
    "sp z o o",
    "kft",
    "sro",
)
_SAME_FORM = {
    "incorporated": "inc",
    "corporation": "corp",
    "company": "co",
    "limited": "ltd",
    "ug (haftungsbeschraenkt)": "ug (haftungsbeschränkt)",
    "sàrl": "sarl",
    "s à r l": "sarl",
    "sà rl": "sarl",
}
_FORMS = frozenset(LEGAL_FORMS)
_LONGEST = max(len(form.split()) for form in LEGAL_FORMS)
_MARKS = re.compile(r"[.,]")


@lru_cache(maxsize=1 << 16)  # an import asks for each company several times
def fold(name: str) -> str:
    """The name as compared for "the same name": NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).split())


@lru_cache(maxsize=1 << 16)
def split_legal_form(name: str) -> tuple[str, str | None]:
    """(key, legal form or None): the folded name without its trailing legal form (one; never
    the whole name) and that form in its one spelling. ``"ACME, Inc."`` -> ``("acme", "inc")``."""
    words = fold(name).split(" ")
    for n in range(min(_LONGEST, len(words) - 1), 0, -1):
        tail = " ".join(w for w in (_MARKS.sub("", word) for word in words[-n:]) if w)
        if tail in _FORMS:
            rest = " ".join(words[:-n]).rstrip(" ,")
            if rest:
                return rest, _SAME_FORM.get(tail, tail)
    return " ".join(words), None


def org_key(name: str) -> str:
    """``orgs.name_key``: the folded name, its trailing legal form trimmed."""
    return split_legal_form(name)[0]


class OrgRef(NamedTuple):
    """A stored organisation as matching needs it."""

    id: int
    name: str


class _Pool:
    """Organisations by fold and by key, growing as new ones are made (``resolve``)."""

    def __init__(self, orgs: Iterable[OrgRef]) -> None:
        self.by_fold: dict[str, int] = {}
        self.by_key: dict[str, list[tuple[int, str | None]]] = {}
        for org in sorted(orgs):
            self.add(org.id, org.name)

    def add(self, org_id: int, name: str) -> None:
        self.by_fold.setdefault(fold(name), org_id)  # the lowest id of a fold
        key, form = split_legal_form(name)
        self.by_key.setdefault(key, []).append((org_id, form))

    def match(self, name: str) -> int | None:
        same = self.by_fold.get(fold(name))
        if same is not None:
            return same
        key, form = split_legal_form(name)
        candidates = {i for i, f in self.by_key.get(key, ()) if f is None or form is None or f == form}
        return candidates.pop() if len(candidates) == 1 else None


def match(name: str, orgs: Iterable[OrgRef]) -> int | None:
    """The id of the organisation ``name`` means among ``orgs``, or None for "a new one"."""
    return _Pool(orgs).match(name)


def resolve(names: Sequence[str], orgs: Iterable[OrgRef], first_new_id: int) -> tuple[dict[str, int], list[str]]:
    """Many names at once (an import, the migration): name -> org id, and the new
    organisations' names in id order from ``first_new_id``. Names with a legal form are decided
    first, each in the order given, so the outcome does not depend on whether ``ACME`` came
    before ``ACME GmbH`` in the file; a new organisation is a candidate for the names after it."""
    pool = _Pool(orgs)
    out: dict[str, int] = {}
    new: list[str] = []
    formed = [n for n in names if split_legal_form(n)[1] is not None]
    bare = [n for n in names if split_legal_form(n)[1] is None]
    for name in (*formed, *bare):
        if name in out:
            continue
        found = pool.match(name)
        if found is None:
            found = first_new_id + len(new)
            new.append(name)
            pool.add(found, name)
        out[name] = found
    return out, new


def person_key(name: str | None, email: str | None) -> str | None:
    """What makes two contacts at one organisation the same person: the e-mail (case-folded)
    when there is one, else the folded name; None when there is neither."""
    if email and email.strip():
        return "e:" + email.strip().casefold()
    if name and name.strip():
        return "n:" + fold(name)
    return None


def check_text(value: str | None, option: str, *, required: bool = False) -> str | None:
    """A name, role, note ... as typed: stripped, not empty, at most ``MAX_TEXT`` characters,
    valid text; ``InvalidValue`` naming ``option`` otherwise. None stays None (not given)."""
    from salespipe.domain.errors import InvalidValue
    from salespipe.domain.models import MAX_TEXT

    if value is None:
        if required:
            raise InvalidValue(f"{option} is needed")
        return None
    text = value.strip()
    if not text:
        raise InvalidValue(f"{option} is empty")
    if len(text) > MAX_TEXT:
        raise InvalidValue(f"{option} is longer than {MAX_TEXT:,} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"{option} is not valid text") from None
    return text


def check_email(value: str | None) -> str | None:
    from salespipe.domain.errors import InvalidValue
    from salespipe.domain.models import EMAIL_RE

    text = check_text(value, "--email")
    if text is not None and not EMAIL_RE.match(text):
        raise InvalidValue(f"--email {text!r} is not an e-mail address")
    return text
