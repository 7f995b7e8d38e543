"""The lookups every use case shares: the pipeline's stages, its settings (currency, language),
a lead by id.

Kept apart from the use-case modules so that they can all use them without importing each
other (leads, agenda, work, rules and stages form no cycle).
"""

from __future__ import annotations

import sqlite3

from salespipe.domain.errors import NotFound
from salespipe.domain.locale import Locale
from salespipe.domain.models import Lead
from salespipe.domain.stages import Pipeline
from salespipe.services.config import Setting, file_setting
from salespipe.store import leads as lead_store
from salespipe.store import stages as stage_store


def pipeline(conn: sqlite3.Connection) -> Pipeline:
    return Pipeline(stage_store.all_stages(conn))


def default_currency(conn: sqlite3.Connection) -> str:
    return stage_store.get_setting(conn, "currency", "EUR")


def language_setting(conn: sqlite3.Connection) -> Setting:
    """The pipeline's language, and where it comes from: the config file's ``language``, else
    the pipeline's own (``init --lang``; a database made before the language was stored speaks
    German when its stages carry exactly the German labels of a preset, what ``init --lang de``
    wrote), else English."""
    from salespipe.domain.locale import DEFAULT_LANG, LANGS
    from salespipe.domain.stages import preset_language

    configured = file_setting("language")
    if configured is not None:
        return configured
    stored = stage_store.get_setting(conn, "language", "")
    if stored in LANGS:
        return Setting(stored, "database (init --lang)")
    guessed = preset_language(pipeline(conn).stages)
    if guessed and guessed != DEFAULT_LANG:
        return Setting(guessed, "database (its stage labels)")
    return Setting(DEFAULT_LANG, "default")


def language(conn: sqlite3.Connection) -> str:
    """The pipeline's language: what its views are written in (see ``language_setting``)."""
    return language_setting(conn).value


def locale(conn: sqlite3.Connection, lang: str | None = None) -> Locale:
    """What a view needs to speak the pipeline's language: the language (``lang`` overrides
    the pipeline's) and the stage labels."""
    from salespipe.domain.locale import check_lang

    return Locale(
        lang=check_lang(lang) if lang else language(conn), stage_labels={s.key: s.label for s in pipeline(conn).stages}
    )


def new_lead_currency(conn: sqlite3.Connection) -> Setting:
    """The currency of a new lead's value when none is given, and where it comes from: the
    config file's ``currency``, else the pipeline's (``init --currency``; EUR unless set)."""
    configured = file_setting("currency")
    if configured is not None:
        return configured
    stored = stage_store.get_setting(conn, "currency", "")
    return Setting(stored, "database (init --currency)") if stored else Setting("EUR", "default")


def get_lead(conn: sqlite3.Connection, lead_id: int) -> Lead:
    lead = lead_store.get(conn, lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id} (salespipe lead list --all shows the ids)")
    return lead
