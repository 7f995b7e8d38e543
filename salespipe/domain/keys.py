"""The keys that make two leads the same when they are compared (imports, duplicate checks).

Case is folded with Unicode rules (``str.casefold``: ``JÖRG`` is ``jörg``, ``STRASSE`` is
``straße``), which SQLite's ``lower()`` does not do beyond ASCII; the keys are stored beside the
values they come from (``leads.email_key``, ``leads.name_key``) and indexed.
"""

from __future__ import annotations


def email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email else None


def name_key(title: str | None, company: str | None) -> str:
    """Title and company, case-folded with spaces collapsed: what identifies a lead that has no
    id and no e-mail."""
    return f"{' '.join((title or '').casefold().split())}\x1f{' '.join((company or '').casefold().split())}"
