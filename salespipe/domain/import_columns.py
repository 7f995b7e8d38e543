"""Which column is which field: header names matched against ``import_vocabulary``, content
where a name is ambiguous, and suggestions for the columns that look like a field but whose
name is not known.

A header is matched, in this order: as written after normalising (``Deal - Won time`` ->
``dealwontime``); as ``ENTITY - NAME`` or ``Entity.Name`` of a related record
(``Organization - Name`` is the company, ``Person - Email`` the e-mail); with a known prefix
taken off (``Deal``, ``Opportunity``); with an ``ID`` suffix taken off for the fields where an
id is the value (``STAGE_ID``). Two columns for one field: the better match wins (own name,
then synonym, then prefix, then suffix; then the first column), the other is kept as a custom
field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from salespipe.domain.import_vocabulary import (
    BY_CONTENT,
    CONTACT_LEVEL_NAMES,
    FALSE_WORDS,
    FIELD_NAMES,
    FIXED_BASIS_WORDS,
    ID_SUFFIX_FIELDS,
    LOST_WORDS,
    NUMBERED_PARTS,
    OPEN_WORDS,
    PER_UNIT_VALUE_NAMES,
    PERIOD_BASIS_WORDS,
    PREFIXES,
    TRUE_WORDS,
    WON_WORDS,
)

FIELDS = tuple(FIELD_NAMES)
CUSTOM_PREFIX = "field:"
# Columns of a salespipe export that an import recomputes rather than stores.
EXPORT_DERIVED = {"updatedat", "closedat", "value_known"}
NAME_TO_FIELD: dict[str, str] = {}
for _field, _names in FIELD_NAMES.items():
    for _name in _names:
        NAME_TO_FIELD.setdefault(_name, _field)
OWN_NAMES = {names[0]: f for f, names in FIELD_NAMES.items()}
# Names that win over a field's own name: Close exports ``value`` in cents beside
# ``value_formatted`` ("$18,500.75"), which says the amount as people read it.
PREFERRED = {
    "valueformatted": "value",
    "formattedvalue": "value",
    "amountformatted": "value",
    "formattedamount": "value",
}
# Related records in "ENTITY - NAME" headers (Pipedrive) and "Entity.Name" (Salesforce).
ENTITIES: dict[str, dict[str, str]] = {
    "organization": {"name": "company", "": "company"},
    "organisation": {"name": "company", "": "company"},
    "org": {"name": "company"},
    "company": {"name": "company"},
    "account": {"name": "company"},
    "person": {"name": "contact_name", "email": "email", "phone": "phone", "": "contact_name"},
    "contact": {"name": "contact_name", "email": "email", "phone": "phone", "fullname": "contact_name"},
    "owner": {"name": "owner", "": "owner"},
    "user": {"name": "owner"},
}
_FIRST_NUMBERED_RE = re.compile(r"^([a-z]+?)1(" + "|".join(p for p in NUMBERED_PARTS if p) + r")?$")
_ENTITY_SPLIT_RE = re.compile(r"^\s*([^\W\d_][\w ]*?)\s*(?: - |\.)\s*(\S.*)$")


def fold(text: str) -> str:
    """Case and accents folded, spaces collapsed: how values are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(header.strip().lstrip("\ufeff")))


def match_header(header: str) -> tuple[str, int] | None:
    """(field, rank) for a header name, or None; a lower rank is a better match."""
    n = normalise_header(header)
    if not n:
        return None
    if n in PREFERRED:
        return PREFERRED[n], -1
    if n in OWN_NAMES:
        return OWN_NAMES[n], 0
    if n in NAME_TO_FIELD:
        return NAME_TO_FIELD[n], 2 if n in PER_UNIT_VALUE_NAMES or n in CONTACT_LEVEL_NAMES else 1
    m = _ENTITY_SPLIT_RE.match(header)
    if m:
        entity, rest = normalise_header(m.group(1)), normalise_header(m.group(2))
        if entity in ENTITIES and rest in ENTITIES[entity]:
            return ENTITIES[entity][rest], 2
        if entity in PREFIXES:
            inner = match_header(m.group(2))
            if inner:
                return inner[0], max(inner[1], 2)
    for prefix in PREFIXES:
        if n.startswith(prefix) and len(n) > len(prefix):
            rest = n[len(prefix) :]
            if rest in NAME_TO_FIELD:
                return NAME_TO_FIELD[rest], 3
    numbered = _FIRST_NUMBERED_RE.match(n)
    if numbered:
        found = NAME_TO_FIELD.get(numbered.group(1)) or NAME_TO_FIELD.get(numbered.group(1) + (numbered.group(2) or ""))
        if found:
            return found, 3
    if n.endswith("id") and len(n) > 2:
        for stem in (n[:-2], *(n[len(p) : -2] for p in PREFIXES if n.startswith(p))):
            found = NAME_TO_FIELD.get(stem)
            if found in ID_SUFFIX_FIELDS:
                return found, 4
    return None


def by_content_candidates(header: str) -> tuple[str, ...] | None:
    """The fields an ambiguous name may mean, in order, when its content decides."""
    n = normalise_header(header)
    for prefix in ("", *PREFIXES):
        if n.startswith(prefix) and n[len(prefix) :] in BY_CONTENT:
            return BY_CONTENT[n[len(prefix) :]]
    return None


# Content ------------------------------------------------------------------------------------
_AMOUNT_RE = re.compile(r"^[^\d]{0,4}\s*\d[\d.,' \u00a0]*(?:[kKmM]|mio|Mio)?\s*[^\d]{0,4}$")
# Money that is not the deal's: a company's revenue, a budget line.
_NOT_DEAL_VALUE_RE = re.compile(
    r"(annualrevenue|companyrevenue|umsatzdesunternehmens|employees|"
    r"salary|gehalt|cost|kosten|tax|steuer|phone|telefon|mobile|mobil|fax)"
)
_ID_LIKE_RE = re.compile(
    r"(id|nr|no|number|nummer|code|phone|zip|plz|postal|year|jahr|age|count|"
    r"employees|mitarbeiter|quantity|qty|menge|anzahl|rank|score|percent|prozent|"
    r"probability|wahrscheinlichkeit|days|tage)$"
)


@dataclass
class ColumnProfile:
    """A sample of one column's values (the first rows of the file)."""

    header: str
    values: list[str] = field(default_factory=list)

    def share(self, test: Callable[[str], object]) -> float:
        if not self.values:
            return 0.0
        return sum(1 for v in self.values if test(v)) / len(self.values)

    @property
    def distinct(self) -> int:
        return len(set(self.values))


def is_amount(value: str) -> bool:
    return bool(_AMOUNT_RE.match(value)) and any(c.isdigit() for c in value)


def is_bool(value: str) -> bool:
    folded = fold(value)
    return folded in TRUE_WORDS or folded in FALSE_WORDS


def is_basis_word(value: str) -> bool:
    """A duration basis: fixed, or a period (``MONTH``, ``Per Month``, ``monthly``)."""
    folded = fold(value)
    return folded in FIXED_BASIS_WORDS or folded in PERIOD_BASIS_WORDS


_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


def is_number(value: str) -> bool:
    return bool(_NUMBER_RE.match(value.strip()))


def is_status_word(value: str) -> bool:
    folded = fold(value)
    return folded in WON_WORDS or folded in LOST_WORDS or folded in OPEN_WORDS


def content_fits(target: str, profile: ColumnProfile, *, strict: bool = True) -> bool:
    """Whether a column's values are what ``target`` holds. ``strict=False`` (a column named
    exactly as the field): some values must fit, the others are rows to reject."""
    from salespipe.domain.import_dates import is_date_like

    if not profile.values:
        return True
    need = 0.8 if strict else 1e-9
    if target == "value":
        return profile.share(is_amount) >= need
    if target in ("is_won", "is_closed", "active"):
        return profile.share(is_bool) >= 0.95
    if target == "status":
        return len({fold(v) for v in profile.values if not is_status_word(v)}) == 0
    if target in ("close_date", "won_time", "lost_time", "created", "modified", "expected_close"):
        return profile.share(is_date_like) >= need
    if target == "title":
        return profile.share(is_amount) < 0.5
    if target == "duration_basis":  # an unknown word in it rejects its row, loudly
        return profile.share(is_basis_word) > 0
    if target == "duration":  # a number of periods ("Duration" of a call, 00:05:32, is none)
        return profile.share(is_number) >= need
    return True


# Suggestions for columns whose names are not known -------------------------------------------
_DATE_HINTS = (
    (
        "created",
        (
            "creat",
            "erstell",
            "engag",
            "open",
            "start",
            "added",
            "report",
            "entered",
            "since",
            "angelegt",
            "creation",
            "creacion",
            "received",
            "eingang",
            "first",
        ),
    ),
    (
        "close_date",
        ("clos", "won", "lost", "abschluss", "cierre", "cloture", "signed", "end", "ende", "decided", "finish"),
    ),
    ("expected_close", ("expect", "due", "target", "forecast", "deadline", "planned", "erwartet", "prevu", "previst")),
    ("modified", ("modif", "updat", "change", "geander", "edited", "modstamp")),
)
# Dates that are none of a deal's: a birthday, a transfer, the last login or activity.
_OTHER_DATES = (
    "birth",
    "geburt",
    "transfer",
    "activity",
    "aktivit",
    "login",
    "visit",
    "besuch",
    "contacted",
    "email",
    "call",
    "meeting",
    "termin",
    "viewed",
    "opened",
    "clicked",
)
_VALUE_HINTS = (
    "size",
    "amount",
    "value",
    "revenue",
    "mrr",
    "arr",
    "price",
    "total",
    "sum",
    "volume",
    "betrag",
    "wert",
    "umsatz",
    "montant",
    "importe",
    "valor",
    "usd",
    "eur",
    "gbp",
    "chf",
    "dollar",
    "euro",
    "budget",
    "acv",
    "tcv",
)
_STAGE_HINTS = ("stage", "phase", "status", "step", "etape", "etapa", "stufe", "state")
_OWNER_HINTS = (
    "agent",
    "rep",
    "owner",
    "manager",
    "salesperson",
    "seller",
    "verant",
    "assigned",
    "betreu",
    "berater",
    "commercial",
    "vendedor",
    "vendeur",
    "account executive",
)


def suggest_field(profile: ColumnProfile, missing: set[str]) -> str | None:
    """The field an unmapped column probably is, judged by its name and values, or None."""
    from salespipe.domain.import_dates import is_date_like

    name = fold(profile.header)
    n = normalise_header(profile.header)
    if not profile.values:
        return None
    if profile.share(is_date_like) >= 0.8:
        for target, hints in _DATE_HINTS:
            if any(h in name for h in hints):
                return target
        if any(h in n for h in _OTHER_DATES):
            return None
        return "created" if "created" in missing else None
    if any(h in name for h in _STAGE_HINTS) and profile.distinct <= max(2, len(profile.values) // 3):
        return "stage"
    if any(h in name for h in _OWNER_HINTS):
        return "owner"
    amounts = profile.share(is_amount)
    if amounts >= 0.8 and not _ID_LIKE_RE.search(n) and not _NOT_DEAL_VALUE_RE.search(n):
        if any(h in name for h in _VALUE_HINTS):
            return "value"
    return None
