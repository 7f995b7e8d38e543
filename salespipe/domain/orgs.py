"""Organisations and people: which stored organisation a company name means (pure rules).

A company name is compared in two ways:

- its **fold**: Unicode NFKC, case-folded (``str.casefold``: ``STRASSE`` is ``straße``), white
  space collapsed. ``ACME GmbH`` and ``acme  gmbh`` fold alike: the same name.
- its **key** (``orgs.name_key``): the fold with one trailing legal form trimmed (``LEGAL_FORMS``:
  ``ACME GmbH``, ``Acme Inc.`` and ``ACME`` all have the key ``acme``).

``match`` links a name to an organisation: the one of the same fold first; else, by the key,
the one organisation of the same key and the same legal form (or, for a name without one, the
one without one); else, where there is none such, the one organisation that is a candidate;
else none (a new organisation is made). Never a guess between two. A candidate for a name
without a legal form is any organisation of its key; for a name with one, an organisation named
without one that has taken no other legal form: none of its deals' company texts (of that key)
has another one (``OrgRef.forms``). So after ``Müller`` and ``Müller AG`` (one organisation),
``Müller GmbH`` is a new one: ``Müller AG`` is not ``Müller GmbH``.
"""

from __future__ import annotations

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
    "partg mbb",
    "partg",
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
    "e v",
    "eg",
    "ek",
    "e k",
    "ekfm",
    "e kfm",
    "ekfr",
    "e kfr",
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
    "e v": "ev",  # e. V.
    "e k": "ek",
    "e kfm": "ekfm",
    "e kfr": "ekfr",
}
_FORMS = frozenset(LEGAL_FORMS)
_LONGEST = max(len(form.split()) for form in LEGAL_FORMS)
_LAST_WORDS = frozenset(form.rsplit(" ", 1)[-1] for form in LEGAL_FORMS)
_LAST_OF_LONGER = frozenset(form.rsplit(" ", 1)[-1] for form in LEGAL_FORMS if " " in form)


@lru_cache(maxsize=1 << 16)  # an import asks for each company several times
def fold(name: str) -> str:
    """The name as compared for "the same name": NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).split())


@lru_cache(maxsize=1 << 16)
def split_legal_form(name: str) -> tuple[str, str | None]:
    """(key, legal form or None): the folded name without its trailing legal form (one; never
    the whole name) and that form in its one spelling. ``"ACME, Inc."`` -> ``("acme", "inc")``."""
    folded = fold.__wrapped__(name)  # (this is cached: the fold's cache would only be filled)
    cut = folded.rfind(" ")
    if cut < 0:
        return folded, None  # one word: never the whole name
    # An import splits every company it names, so the usual names are settled first: a last
    # word (as compared) that ends no legal form; one that is a one-word form only, after a
    # word (the form is that word).
    last = folded[cut + 1 :].replace(".", "").replace(",", "")
    if last and last not in _LAST_WORDS:
        return folded, None
    before = folded[:cut]
    if last and last not in _LAST_OF_LONGER and before[before.rfind(" ") + 1 :].strip(".,"):
        rest = before.rstrip(" ,")
        return (rest, _SAME_FORM.get(last, last)) if rest else (folded, None)
    words = folded.split(" ")
    longest = min(_LONGEST, len(words) - 1)
    tail = " ".join(words[-longest:]).replace(".", "").replace(",", "").split(" ")  # a word of marks only: ""
    if last or next(filter(None, reversed(tail)), "") in _LAST_WORDS:
        for n in range(longest, 0, -1):
            form = " ".join(filter(None, tail[-n:]))
            if form in _FORMS:
                rest = " ".join(words[:-n]).rstrip(" ,")
                if rest:
                    return rest, _SAME_FORM.get(form, form)
    return folded, None


def org_key(name: str) -> str:
    """``orgs.name_key``: the folded name, its trailing legal form trimmed."""
    return split_legal_form(name)[0]


class OrgRef(NamedTuple):
    """A stored organisation as matching needs it: for one named without a legal form, the legal
    forms its deals' company texts of its key have (``Müller AG`` linked to ``Müller``: ag)."""

    id: int
    name: str
    forms: frozenset[str] = frozenset()


class _Pool:
    """Organisations by fold and by key, growing as new ones are made (``resolve``)."""

    def __init__(self, orgs: Iterable[OrgRef]) -> None:
        self.by_fold: dict[str, int] = {}
        self.by_key: dict[str, list[tuple[int, str | None, frozenset[str]]]] = {}
        for org in sorted(orgs):
            self.add(org.id, org.name, org.forms)

    def add(self, org_id: int, name: str, forms: frozenset[str] = frozenset()) -> None:
        self.by_fold.setdefault(fold(name), org_id)  # the lowest id of a fold
        key, form = split_legal_form(name)
        self.by_key.setdefault(key, []).append((org_id, form, forms))

    def same_form(self, name: str) -> list[int]:
        """The organisations of the name's key and its legal form (both without one: alike)."""
        key, form = split_legal_form(name)
        return [i for i, f, _ in self.by_key.get(key, ()) if f == form]

    def candidates(self, name: str, brought: frozenset[str] | None = None) -> list[int]:
        """The organisations ``name`` may mean, by its key (see the module's text). ``brought``:
        the legal forms a batch brings to a bare organisation (``resolve``), the name's own
        form alone when None."""
        key, form = split_legal_form(name)
        orgs = self.by_key.get(key, [])
        same = [i for i, f, _ in orgs if f == form]
        if same or form is None:
            return same or [i for i, _, _ in orgs]
        alone = frozenset({form})
        return [i for i, f, taken in orgs if f is None and taken <= alone and (taken or (brought or alone) <= alone)]

    def match(self, name: str, brought: frozenset[str] | None = None) -> int | None:
        same = self.by_fold.get(fold(name))
        if same is not None:
            return same
        found = self.candidates(name, brought)
        return found[0] if len(found) == 1 else None


def match(name: str, orgs: Iterable[OrgRef]) -> int | None:
    """The id of the organisation ``name`` means among ``orgs``, or None for "a new one"."""
    return _Pool(orgs).match(name)


def candidates(name: str, orgs: Iterable[OrgRef]) -> list[int]:
    """The organisations ``name`` may mean when it does not name one by its fold: more than one
    is ambiguous (``--org NAME`` refuses it); the same fold is ``match``'s, first."""
    pool = _Pool(orgs)
    same = pool.by_fold.get(fold(name))
    return [same] if same is not None else pool.candidates(name)


def resolve(names: Sequence[str], orgs: Iterable[OrgRef], first_new_id: int) -> tuple[dict[str, int], list[str]]:
    """Many names at once (an import, the migration): name -> org id, and the new
    organisations' names in id order from ``first_new_id``. The outcome does not depend on the
    order of ``names``: names with a legal form are decided first, a new organisation being a
    candidate for the names after it; and an organisation named without a legal form is taken
    by such names only where all of them that look for one (no organisation of their fold or
    form was stored) bring one legal form (``ACME AG`` and ``ACME GmbH`` together: neither is
    the stored ``ACME``, in any order)."""
    pool = _Pool(orgs)
    out: dict[str, int] = {}
    new: list[str] = []
    formed = [n for n in names if split_legal_form(n)[1] is not None]
    bare = [n for n in names if split_legal_form(n)[1] is None]
    brought: dict[str, set[str]] = {}
    for name in formed:
        if pool.by_fold.get(fold(name)) is None and not pool.same_form(name):
            key, form = split_legal_form(name)
            brought.setdefault(key, set()).add(form or "")
    for name in (*formed, *bare):
        if name in out:
            continue
        found = pool.match(name, frozenset(brought.get(org_key(name), ())))
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
