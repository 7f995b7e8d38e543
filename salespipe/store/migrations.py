"""Schema migrations, applied in order when the database is opened.

Append-only: never edit an applied migration, add ``mNNN_verb_noun`` instead and bump
``SCHEMA_VERSION``. Applied names are recorded by sqlite-utils in ``_sqlite_migrations``; the
count is mirrored in ``PRAGMA user_version`` so that opening can skip this module entirely.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from salespipe.store.journal import TABLES as JOURNALED
from salespipe.store.journal import insert_trigger_sql
from salespipe.store.schema_version import SCHEMA_VERSION

migrations = Migrations("salespipe")


@migrations()
def m001_create_tables(db: Database) -> None:
    for statement in (
        """
        CREATE TABLE stages (
            key          TEXT PRIMARY KEY,            -- stable id used in commands: 'qualified'
            label        TEXT NOT NULL,               -- what reports show: 'Qualified'
            position     INTEGER NOT NULL UNIQUE,     -- pipeline order, 1 = first
            probability  INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100), -- default win %
            kind         TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
            rotting_days INTEGER CHECK (rotting_days IS NULL OR rotting_days > 0) -- NULL = 14
        )
        """,
        """
        CREATE TABLE leads (
            id               INTEGER PRIMARY KEY,
            title            TEXT NOT NULL,           -- the lead's / deal's name
            contact_name     TEXT,
            company          TEXT,
            email            TEXT,
            phone            TEXT,
            source           TEXT,                    -- referral, trade fair, import ...
            stage            TEXT NOT NULL REFERENCES stages(key),
            value_minor      INTEGER NOT NULL DEFAULT 0 CHECK (value_minor >= 0), -- cents
            currency         TEXT NOT NULL DEFAULT 'EUR',                       -- ISO 4217
            probability      INTEGER CHECK (probability BETWEEN 0 AND 100),    -- overrides stage
            expected_close   TEXT,                    -- ISO date, YYYY-MM-DD
            tags             TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
            fields           TEXT NOT NULL DEFAULT '{}',  -- JSON object: custom fields
            lost_reason      TEXT,
            external_id      TEXT UNIQUE,             -- id in the system it was imported from
            created_at       TEXT NOT NULL,           -- ISO 8601 UTC, = first stage event
            updated_at       TEXT NOT NULL,
            closed_at        TEXT,                    -- set while in a won/lost stage
            stage_entered_at TEXT NOT NULL            -- = latest stage event's time
        )
        """,
        """
        CREATE TABLE stage_events (
            id          INTEGER PRIMARY KEY,
            lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            from_stage  TEXT,                         -- NULL for the creation event
            to_stage    TEXT NOT NULL,
            at          TEXT NOT NULL,                -- when it happened (may be back-dated)
            prev_at     TEXT,                         -- when the lead entered from_stage
            note        TEXT,
            recorded_at TEXT NOT NULL                 -- when salespipe wrote it
        )
        """,
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_leads_stage ON leads(stage)",
        "CREATE INDEX idx_leads_email ON leads(lower(email))",
        "CREATE INDEX idx_stage_events_lead ON stage_events(lead_id, at)",
        "CREATE INDEX idx_stage_events_to_stage ON stage_events(to_stage, lead_id)",
        "CREATE INDEX idx_stage_events_at ON stage_events(at)",
        "INSERT INTO settings (key, value) VALUES ('currency', 'EUR')",
    ):
        db.execute(statement)


@migrations()
def m002_seed_six_phase_pipeline(db: Database) -> None:
    from salespipe.domain.models import as_record
    from salespipe.domain.stages import preset

    # the columns stages had then (later ones came with their own migrations)
    db.table("stages").insert_all(
        as_record(stage, exclude=("forecast_category", "journey_phase")) for stage in preset("six-phase")
    )


@migrations()
def m003_create_targets(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE targets (
            period       TEXT PRIMARY KEY,   -- '2026-11' (month), '2026-Q4' (quarter), '2026' (year)
            amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),  -- revenue goal, in cents
            currency     TEXT NOT NULL,
            deals        INTEGER CHECK (deals IS NULL OR deals > 0),  -- optional deal-count goal
            updated_at   TEXT NOT NULL
        )
        """
    )


@migrations()
def m004_add_report_indexes(db: Database) -> None:
    # Report periods select deals by when they were created or closed ...
    db.execute("CREATE INDEX idx_leads_created ON leads(created_at)")
    db.execute("CREATE INDEX idx_leads_closed ON leads(closed_at)")
    # ... and the open pipeline, stale and late deals by stage: covering, so those reports
    # read only this index.
    db.execute("DROP INDEX idx_leads_stage")
    db.execute(
        "CREATE INDEX idx_leads_stage ON leads(stage, stage_entered_at, currency, "
        "value_minor, probability, expected_close)"
    )
    # ... and stage visits by when they ended: covering, so time in stage reads only the index.
    db.execute("DROP INDEX idx_stage_events_at")
    db.execute("CREATE INDEX idx_stage_events_at ON stage_events(at, from_stage, prev_at, lead_id)")


@migrations()
def m005_create_activities_and_tasks(db: Database) -> None:
    for statement in (
        """
        CREATE TABLE activities (
            id          INTEGER PRIMARY KEY,
            lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            kind        TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note')),
            text        TEXT NOT NULL,
            at          TEXT NOT NULL,             -- when it happened (ISO 8601 UTC)
            recorded_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_activities_lead ON activities(lead_id, at)",
        """
        CREATE TABLE tasks (
            id          INTEGER PRIMARY KEY,
            lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            text        TEXT NOT NULL,
            due_date    TEXT NOT NULL,             -- ISO date, local
            due_time    TEXT,                      -- HH:MM local, or NULL for "that day"
            done_at     TEXT,                      -- ISO 8601 UTC; NULL while open
            done_note   TEXT,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_tasks_open ON tasks(done_at, due_date)",
        "CREATE INDEX idx_tasks_lead ON tasks(lead_id, done_at)",
        # Last stage change, activity or completed task: what "stale" is measured from.
        "ALTER TABLE leads ADD COLUMN last_touch_at TEXT",
        "UPDATE leads SET last_touch_at = stage_entered_at",
        "DROP INDEX idx_leads_stage",
        "CREATE INDEX idx_leads_stage ON leads(stage, last_touch_at, stage_entered_at, currency, "
        "value_minor, probability, expected_close)",
    ):
        db.execute(statement)


@migrations()
def m006_create_rules(db: Database) -> None:
    for statement in (
        """
        CREATE TABLE rules (
            id         INTEGER PRIMARY KEY,
            trigger    TEXT NOT NULL CHECK (trigger IN ('enter', 'create', 'stale')),
            stage      TEXT,                  -- for 'enter' (and optionally 'stale'): the stage key
            task_text  TEXT NOT NULL,         -- the task the rule creates
            due        TEXT NOT NULL,         -- when it is due, relative: '+3d', '+1w'
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE rule_runs (              -- so that a stale rule fires once per idle spell
            rule_id  INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
            lead_id  INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            marker   TEXT NOT NULL,           -- the lead's last touch when it fired
            PRIMARY KEY (rule_id, lead_id, marker)
        )
        """,
        "INSERT INTO rules (trigger, stage, task_text, due, created_at) VALUES "
        "('enter', 'proposal', 'Follow up on the proposal', '+3d', '1970-01-01T00:00:00Z'), "
        "('enter', 'won', 'After-sales check-in: satisfaction, cross- and upselling', '+30d', "
        "'1970-01-01T00:00:00Z')",
    ):
        db.execute(statement)


@migrations()
def m007_cover_stage_event_lookups(db: Database) -> None:
    # The funnel reads each deal's stages from this index alone.
    db.execute("DROP INDEX idx_stage_events_lead")
    db.execute("CREATE INDEX idx_stage_events_lead ON stage_events(lead_id, at, to_stage)")


@migrations()
def m008_create_lead_criteria(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE lead_criteria (      -- qualification criteria a deal meets (default BANT)
            lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            criterion TEXT NOT NULL,      -- one of the names in settings 'criteria'
            met_at    TEXT NOT NULL,
            PRIMARY KEY (lead_id, criterion)
        )
        """
    )
    db.execute("INSERT INTO settings (key, value) VALUES ('criteria', 'budget,authority,need,timeline')")


# Tables whose changes `salespipe undo` can revert (store.journal.TABLES). A migration that
# adds a table or a column to one of these must call `create_row_image_triggers` again (it
# drops and recreates them).


def create_journal_triggers(db: Database) -> None:
    """For each change to a journaled table, a trigger records the SQL that reverts it, under
    the command being run (``journal_state.change_id``; NULL = not recording)."""
    recording = "(SELECT change_id FROM journal_state) IS NOT NULL"
    log = "INSERT INTO undo_log (change_id, sql) VALUES ((SELECT change_id FROM journal_state), {})"
    for table in JOURNALED:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()]
        if not columns:  # a table a later migration creates (and triggers then)
            continue
        for event in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS journal_{table}_{event}")
        db.execute(
            f"CREATE TRIGGER journal_{table}_insert AFTER INSERT ON {table} WHEN {recording} BEGIN "
            + log.format(f"'DELETE FROM {table} WHERE rowid = ' || new.rowid")
            + "; END"
        )
        assignments = " || ', ' || ".join(f"'{c} = ' || quote(old.{c})" for c in columns)
        db.execute(
            f"CREATE TRIGGER journal_{table}_update AFTER UPDATE ON {table} WHEN {recording} BEGIN "
            + log.format(f"'UPDATE {table} SET ' || {assignments} || ' WHERE rowid = ' || old.rowid")
            + "; END"
        )
        values = " || ', ' || ".join(f"quote(old.{c})" for c in columns)
        db.execute(
            f"CREATE TRIGGER journal_{table}_delete BEFORE DELETE ON {table} WHEN {recording} BEGIN "
            + log.format(
                f"'INSERT INTO {table} (rowid, {', '.join(columns)}) VALUES (' || old.rowid || ', ' || {values} || ')'"
            )
            + "; END"
        )


@migrations()
def m009_create_journal(db: Database) -> None:
    for statement in (
        """
        CREATE TABLE changes (            -- one row per command that changed something
            id      INTEGER PRIMARY KEY,
            command TEXT NOT NULL,         -- as typed: 'salespipe propose 12 --value 14k'
            at      TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE undo_log (           -- the SQL that reverts a change, in the order written
            id        INTEGER PRIMARY KEY,
            change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
            sql       TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_undo_log_change ON undo_log(change_id)",
        "CREATE TABLE journal_state (id INTEGER PRIMARY KEY CHECK (id = 1), change_id INTEGER)",
        "INSERT INTO journal_state (id, change_id) VALUES (1, NULL)",
    ):
        db.execute(statement)
    create_journal_triggers(db)


@migrations()
def m010_rebuild_leads_for_imports(db: Database) -> None:
    """Leads gain what real CRM exports carry: an owner, an unknown value (NULL, not 0), a
    close date nobody knows (``closed_at`` NULL while closed), a created date that is a
    stand-in, and Unicode-folded keys for duplicate matching. SQLite cannot drop NOT NULL, so
    the table is rebuilt (the documented twelve-step way; ``migrate`` turns foreign keys off).
    A custom field ``owner`` moves to the column. Leads stored before keep their value 0: a
    value that was never given cannot be told from a real 0 there."""
    for statement in (
        """
        CREATE TABLE leads_new (
            id                INTEGER PRIMARY KEY,
            title             TEXT NOT NULL,           -- the lead's / deal's name
            contact_name      TEXT,
            company           TEXT,
            email             TEXT,
            phone             TEXT,
            source            TEXT,                    -- referral, trade fair, import ...
            owner             TEXT,                    -- who works the deal (an imported sales agent)
            stage             TEXT NOT NULL REFERENCES stages(key),
            value_minor       INTEGER CHECK (value_minor >= 0), -- cents; NULL = value unknown
            currency          TEXT NOT NULL DEFAULT 'EUR',      -- ISO 4217
            probability       INTEGER CHECK (probability BETWEEN 0 AND 100), -- overrides stage
            expected_close    TEXT,                    -- ISO date, YYYY-MM-DD
            tags              TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
            fields            TEXT NOT NULL DEFAULT '{}',  -- JSON object: custom fields
            lost_reason       TEXT,
            external_id       TEXT UNIQUE,             -- id in the system it was imported from
            created_at        TEXT NOT NULL,           -- ISO 8601 UTC, = first stage event
            created_estimated INTEGER NOT NULL DEFAULT 0 CHECK (created_estimated IN (0, 1)),
                                                       -- 1: the source had no created date
            updated_at        TEXT NOT NULL,
            closed_at         TEXT,                    -- when it was won/lost; NULL while open,
                                                       -- or closed on a date nobody knows
            stage_entered_at  TEXT NOT NULL,           -- = latest stage event's time
            last_touch_at     TEXT,
            email_key         TEXT,                    -- e-mail, Unicode case-folded (duplicates)
            name_key          TEXT                     -- title and company, case-folded (duplicates)
        )
        """,
        """
        INSERT INTO leads_new (id, title, contact_name, company, email, phone, source, owner, stage,
            value_minor, currency, probability, expected_close, tags, fields, lost_reason,
            external_id, created_at, updated_at, closed_at, stage_entered_at, last_touch_at)
        SELECT id, title, contact_name, company, email, phone, source,
            json_extract(fields, '$.owner'), stage, value_minor, currency, probability,
            expected_close, tags, json_remove(fields, '$.owner'), lost_reason, external_id, created_at, updated_at,
            closed_at, stage_entered_at, last_touch_at
        FROM leads
        """,
        "DROP TABLE leads",
        "ALTER TABLE leads_new RENAME TO leads",
        "CREATE INDEX idx_leads_email_key ON leads(email_key)",
        "CREATE INDEX idx_leads_name_key ON leads(name_key)",
        "CREATE INDEX idx_leads_created ON leads(created_at)",
        "CREATE INDEX idx_leads_closed ON leads(closed_at)",
        "CREATE INDEX idx_leads_stage ON leads(stage, last_touch_at, stage_entered_at, currency, "
        "value_minor, probability, expected_close)",
    ):
        db.execute(statement)
    from salespipe.domain.keys import email_key, name_key

    rows = db.execute("SELECT id, email, title, company FROM leads").fetchall()
    db.conn.executemany(
        "UPDATE leads SET email_key = ?, name_key = ? WHERE id = ?",
        [(email_key(e), name_key(t, c), i) for i, e, t, c in rows],
    )
    create_journal_triggers(db)


def create_row_image_triggers(db: Database) -> None:
    """For each change to a journaled table, a trigger records what reverts it as data: the
    table, the operation and the rowid in ``undo_log``, the old values (exactly, NUL bytes and
    all) in ``undo_values``, under the command being run (``journal_state.change_id``; NULL =
    not recording). ``salespipe undo`` builds the statements in code; no SQL text is stored."""
    recording = "(SELECT change_id FROM journal_state) IS NOT NULL"
    entry = (
        "INSERT INTO undo_log (change_id, tbl, op, row_id) "
        "VALUES ((SELECT change_id FROM journal_state), '{table}', '{op}', {row})"
    )
    newest = "(SELECT max(id) FROM undo_log)"
    for table in JOURNALED:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()]
        if not columns:  # a table a later migration creates (and triggers then)
            continue
        for event in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS journal_{table}_{event}")
        image = "INSERT INTO undo_values (entry_id, col, value) VALUES " + ", ".join(
            f"({newest}, '{c}', old.\"{c}\")" for c in columns
        )
        db.execute(insert_trigger_sql(table))  # the same statement a bulk import makes again
        db.execute(
            f"CREATE TRIGGER journal_{table}_update AFTER UPDATE ON {table} WHEN {recording} BEGIN "
            f"{entry.format(table=table, op='update', row='old.rowid')}; {image}; END"
        )
        db.execute(
            f"CREATE TRIGGER journal_{table}_delete BEFORE DELETE ON {table} WHEN {recording} BEGIN "
            f"{entry.format(table=table, op='delete', row='old.rowid')}; {image}; END"
        )


@migrations()
def m011_journal_row_images(db: Database) -> None:
    """Undo data becomes row images instead of SQL text, which a received database file could
    have planted. Old undo data cannot be read as images, so the journal starts afresh."""
    for statement in (
        "DROP TABLE undo_log",
        "DELETE FROM changes",
        """
        CREATE TABLE undo_log (           -- what reverts a change, one row change at a time
            id         INTEGER PRIMARY KEY,
            change_id  INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
            tbl        TEXT NOT NULL,      -- a journaled salespipe table
            op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'insert_range')),
            row_id     INTEGER NOT NULL,   -- the row's rowid ('insert_range': the first)
            row_id_end INTEGER             -- 'insert_range': one past the last rowid
        )
        """,
        "CREATE INDEX idx_undo_log_change ON undo_log(change_id)",
        """
        CREATE TABLE undo_values (        -- the old values of an updated or deleted row
            entry_id INTEGER NOT NULL REFERENCES undo_log(id) ON DELETE CASCADE,
            col      TEXT NOT NULL,
            value,                         -- exactly as it was (any type)
            PRIMARY KEY (entry_id, col)
        ) WITHOUT ROWID
        """,
    ):
        db.execute(statement)
    create_row_image_triggers(db)


_CATEGORY = "CHECK (forecast_category IS NULL OR forecast_category IN ('commit', 'best-case', 'pipeline', 'omit'))"


@migrations()
def m012_add_forecast_and_estimate_history(db: Database) -> None:
    """Forecast categories (issue 12): a stage's default (NULL: by its probability) and a
    deal's own, which overrides its stage's and survives stage moves (NULL: its stage's). And
    the history of estimates: every change of a deal's value, expected close date, probability
    override and forecast category, so that past figures use the values of their time and a
    pushed close date shows. The open deals' expected close dates are recorded as first known."""
    for statement in (
        f"ALTER TABLE stages ADD COLUMN forecast_category TEXT {_CATEGORY}",
        f"ALTER TABLE leads ADD COLUMN forecast_category TEXT {_CATEGORY}",
        """
        CREATE TABLE estimate_history (   -- append-only: how a deal's estimates changed
            id        INTEGER PRIMARY KEY,
            lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            field     TEXT NOT NULL CHECK (field IN ('value', 'expected_close', 'probability',
                                                     'forecast_category')),
            kind      TEXT NOT NULL CHECK (kind IN ('set', 'change')),
                                          -- set: the value as first known; change: from old_value
            old_value,                    -- as stored before a change (NULL: none)
            new_value,                    -- as stored after (NULL: emptied): value_minor in cents,
                                          -- expected_close an ISO date, probability 0-100
            at        TEXT NOT NULL,      -- when (ISO 8601 UTC): the command's, or its stage move's
            source    TEXT NOT NULL CHECK (source IN ('add', 'edit', 'move', 'import', 'start'))
        )
        """,
        "CREATE INDEX idx_estimate_history_lead ON estimate_history(lead_id, field, at)",
        # the deals whose estimates changed (as-of figures, slipping deals): usually few
        "CREATE INDEX idx_estimate_history_changes ON estimate_history(kind, field, lead_id)",
        # the deals with a forecast category of their own: usually few (the forecast reads the
        # open deals from the covering stage index, and these apart)
        "CREATE INDEX idx_leads_forecast_category ON leads(forecast_category) WHERE forecast_category IS NOT NULL",
    ):
        db.execute(statement)
    # known at the latest when the deal last changed (its updated_at)
    db.execute(
        "INSERT INTO estimate_history (lead_id, field, kind, new_value, at, source) "
        "SELECT l.id, 'expected_close', 'set', l.expected_close, l.updated_at, 'start' FROM leads l "
        "JOIN stages s ON s.key = l.stage WHERE s.kind = 'open' AND l.expected_close IS NOT NULL"
    )
    create_row_image_triggers(db)  # the journal's row images name every column, and a new table


@migrations()
def m013_create_forecast_snapshots(db: Database) -> None:
    """Stored forecasts (issue 12, ``forecast snapshot``): one per day, period and currency, so
    that ``forecast accuracy`` can compare them with what was won once the period has ended.
    Figures only, no lead and no person: ``erase`` has nothing to take from here."""
    db.execute(
        """
        CREATE TABLE forecast_snapshots (
            id              INTEGER PRIMARY KEY,
            taken_on        TEXT NOT NULL CHECK (taken_on = date(taken_on)),  -- the local day: one a day
            taken_at        TEXT NOT NULL,          -- ISO 8601 UTC
            period_label    TEXT NOT NULL,          -- 2026-11, 2026-Q4, 2026
            period_start    TEXT NOT NULL CHECK (period_start = date(period_start)),
            period_end      TEXT NOT NULL CHECK (period_end = date(period_end) AND period_end >= period_start),
            currency        TEXT NOT NULL,          -- ISO 4217; the figures below in its minor units
            probabilities   TEXT NOT NULL CHECK (probabilities IN ('configured', 'learned')),
            runs            INTEGER NOT NULL CHECK (runs >= 1),
            seed            INTEGER NOT NULL CHECK (seed >= 0),
            p10_minor       INTEGER NOT NULL,       -- won so far included, as forecast --json gives them
            p50_minor       INTEGER NOT NULL,
            p90_minor       INTEGER NOT NULL,
            weighted_minor  INTEGER NOT NULL,       -- the open deals' weighted value in the period
            commit_minor    INTEGER NOT NULL,
            best_case_minor INTEGER NOT NULL,
            pipeline_minor  INTEGER NOT NULL,       -- weighted
            won_count       INTEGER NOT NULL CHECK (won_count >= 0),  -- won in the period so far
            won_minor       INTEGER NOT NULL,
            target_minor    INTEGER,                -- the period's target (NULL: none)
            p_hit_target    REAL CHECK (p_hit_target IS NULL OR p_hit_target BETWEEN 0 AND 1),
            UNIQUE (taken_on, period_start, period_end, currency)
        )
        """
    )
    create_row_image_triggers(db)  # undo covers the new table


@migrations()
def m014_create_orgs_and_people(db: Database) -> None:
    """Organisations and people as records (issue 13): a deal links to an organisation and a
    contact person. The company and contact text of every lead stay as written; one
    organisation is made per company that is not the same as another (``domain.orgs``: the
    same folded name, or the same key where that is unambiguous), one person per contact
    (e-mail, else name) at it, and every lead with a company is linked."""
    for statement in (
        """
        CREATE TABLE orgs (               -- organisations (accounts): the companies deals are with
            id         INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,      -- as first written: 'ACME GmbH'
            name_key   TEXT NOT NULL,      -- folded, legal form trimmed: 'acme' (matching; not unique)
            website    TEXT,
            notes      TEXT,               -- free text; a merge adds the merged name here
            created_at TEXT NOT NULL,      -- ISO 8601 UTC
            updated_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_orgs_name_key ON orgs(name_key)",
        """
        CREATE TABLE people (             -- contact persons, usually at an organisation
            id         INTEGER PRIMARY KEY,
            org_id     INTEGER REFERENCES orgs(id),  -- NULL: at no organisation
            name       TEXT NOT NULL,      -- the contact's name (else the e-mail it came with)
            email      TEXT,
            phone      TEXT,
            role       TEXT,               -- 'Head of purchasing'
            notes      TEXT,
            created_at TEXT NOT NULL,      -- ISO 8601 UTC
            updated_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_people_org ON people(org_id)",
        # the deal's organisation and contact person; company and contact_name stay as written
        "ALTER TABLE leads ADD COLUMN org_id INTEGER REFERENCES orgs(id)",
        "ALTER TABLE leads ADD COLUMN person_id INTEGER REFERENCES people(id)",
        "CREATE INDEX idx_leads_org ON leads(org_id) WHERE org_id IS NOT NULL",
        "CREATE INDEX idx_leads_person ON leads(person_id) WHERE person_id IS NOT NULL",
    ):
        db.execute(statement)
    from salespipe.store.orgs import link_leads

    end = db.execute("SELECT coalesce(max(id), 0) + 1 FROM leads").fetchone()[0]
    link_leads(db.conn, 1, end, at=None)  # made when their first lead was
    create_row_image_triggers(db)  # undo covers the new tables and the new columns


@migrations()
def m015_add_deal_kind_term_and_nurture(db: Database) -> None:
    """Expansion deals and nurture (issue 13, items 3 and 6): a deal's kind (new business or
    upsell, cross-sell, renewal), the contract term of a won deal, the deal a renewal continues,
    and a park date: a deal nurtured until a day is out of the open pipeline before that day.
    The history of estimates learns the park date (field ``nurture_until``, source ``nurture``)
    so that as-of figures know which deals were parked then; SQLite cannot widen a CHECK, so
    that table is rebuilt (its rows and ids kept)."""
    for statement in (
        "ALTER TABLE leads ADD COLUMN kind TEXT NOT NULL DEFAULT 'new' "
        "CHECK (kind IN ('new', 'upsell', 'cross-sell', 'renewal'))",
        "ALTER TABLE leads ADD COLUMN term_months INTEGER CHECK (term_months IS NULL OR term_months > 0)",
        "ALTER TABLE leads ADD COLUMN renews_lead_id INTEGER REFERENCES leads(id) ON DELETE SET NULL",
        "ALTER TABLE leads ADD COLUMN nurture_until TEXT "
        "CHECK (nurture_until IS NULL OR nurture_until = date(nurture_until))",
        "ALTER TABLE leads ADD COLUMN nurture_note TEXT",
        # the parked deals: usually few
        "CREATE INDEX idx_leads_nurture ON leads(nurture_until) WHERE nurture_until IS NOT NULL",
        "CREATE INDEX idx_leads_renews ON leads(renews_lead_id) WHERE renews_lead_id IS NOT NULL",
        """
        CREATE TABLE estimate_history_new (
            id        INTEGER PRIMARY KEY,
            lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            field     TEXT NOT NULL CHECK (field IN ('value', 'expected_close', 'probability',
                                                     'forecast_category', 'nurture_until')),
            kind      TEXT NOT NULL CHECK (kind IN ('set', 'change')),
            old_value,
            new_value,                    -- nurture_until: an ISO date (NULL: not parked)
            at        TEXT NOT NULL,
            source    TEXT NOT NULL CHECK (source IN ('add', 'edit', 'move', 'import', 'start', 'nurture'))
        )
        """,
        "INSERT INTO estimate_history_new (id, lead_id, field, kind, old_value, new_value, at, source) "
        "SELECT id, lead_id, field, kind, old_value, new_value, at, source FROM estimate_history",
        "DROP TABLE estimate_history",
        "ALTER TABLE estimate_history_new RENAME TO estimate_history",
        "CREATE INDEX idx_estimate_history_lead ON estimate_history(lead_id, field, at)",
        "CREATE INDEX idx_estimate_history_changes ON estimate_history(kind, field, lead_id)",
    ):
        db.execute(statement)
    create_row_image_triggers(db)  # the journal's row images name every column


@migrations()
def m016_cover_the_open_pipeline_and_data_gaps(db: Database) -> None:
    """Keep the report's reads in its indexes (issue 11): the stage index covers the park date
    that decides whether an open deal counts (``store.open_pipeline.IN_PIPELINE``), and a
    partial index holds the deals whose figures may be incomplete (no close date, a stand-in
    created date, no value) so ``reports.data_gaps`` need not read every lead."""
    for statement in (
        "DROP INDEX idx_leads_stage",
        "CREATE INDEX idx_leads_stage ON leads(stage, last_touch_at, stage_entered_at, currency, value_minor, "
        "probability, expected_close, nurture_until)",
        "CREATE INDEX idx_leads_data_gaps ON leads(currency, stage, closed_at, created_estimated, value_minor) "
        "WHERE closed_at IS NULL OR created_estimated = 1 OR value_minor IS NULL",
    ):
        db.execute(statement)
    from salespipe.store.leads import keep_statistics

    keep_statistics(db.conn, ["idx_leads_stage", "idx_leads_data_gaps"])


@migrations()
def m017_create_surveys_and_referrals(db: Database) -> None:
    """Retention and advocacy (issue 13, items 4 and 5): survey answers (a customer's score 0-10,
    for the net promoter score), who referred a deal (an organisation or a person), and a
    customer's own check-in cadence (NULL: the won rule's due, 30 days by default)."""
    for statement in (
        """
        CREATE TABLE surveys (            -- satisfaction answers: how likely to recommend us, 0-10
            id          INTEGER PRIMARY KEY,
            org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            person_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,  -- who answered (NULL: unknown)
            score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
            note        TEXT,
            at          TEXT NOT NULL,    -- when it was answered (ISO 8601 UTC)
            recorded_at TEXT NOT NULL     -- when salespipe wrote it
        )
        """,
        "CREATE INDEX idx_surveys_org ON surveys(org_id, at)",
        "CREATE INDEX idx_surveys_at ON surveys(at)",
        "ALTER TABLE leads ADD COLUMN referred_by_org_id INTEGER REFERENCES orgs(id) ON DELETE SET NULL",
        "ALTER TABLE leads ADD COLUMN referred_by_person_id INTEGER REFERENCES people(id) ON DELETE SET NULL",
        # the referred deals: usually few
        "CREATE INDEX idx_leads_referred_org ON leads(referred_by_org_id) WHERE referred_by_org_id IS NOT NULL",
        "CREATE INDEX idx_leads_referred_person ON leads(referred_by_person_id) "
        "WHERE referred_by_person_id IS NOT NULL",
        "ALTER TABLE orgs ADD COLUMN checkin_days INTEGER CHECK (checkin_days IS NULL OR checkin_days > 0)",
    ):
        db.execute(statement)
    create_row_image_triggers(db)  # undo covers the new table and the new columns


@migrations()
def m018_add_stage_journey_phase(db: Database) -> None:
    """The customer journey (issue 13, item 7): the journey phase a stage stands for, chosen by
    the user; NULL = by its kind and probability (``domain.journey.stage_phase``). A stage can
    stand for a phase of the pipeline only (awareness, interest, desire, action): retention and
    advocacy come after the sale."""
    db.execute(
        "ALTER TABLE stages ADD COLUMN journey_phase TEXT "
        "CHECK (journey_phase IS NULL OR journey_phase IN ('awareness', 'interest', 'desire', 'action'))"
    )
    create_row_image_triggers(db)  # the journal's row images name every column


@migrations()
def m019_cover_closed_deals_and_last_events(db: Database) -> None:
    """Keep the report's reads in their indexes (issue 11). The won and lost of a period, the
    win rate, the sales cycle and the referral figures read the deals closed in a date range:
    the closed-deal index now holds every column they need, and only the closed deals (an open
    deal has no ``closed_at``), so those queries never touch the table. A deal's last event by
    a moment (``report --as-of``, the backtest) is the newest at its latest moment, ties going
    to the greatest id: with the id in the (lead, moment) index that is one search, not a sort
    of the events sharing the moment (the as-of state of 100,000 deals: 288 -> 118 ms)."""
    for statement in (
        "DROP INDEX idx_leads_closed",
        "CREATE INDEX idx_leads_closed ON leads(closed_at, currency, stage, kind, value_minor, created_at, "
        "created_estimated, referred_by_org_id, referred_by_person_id) WHERE closed_at IS NOT NULL",
        "DROP INDEX idx_stage_events_lead",
        "CREATE INDEX idx_stage_events_lead ON stage_events(lead_id, at, id, to_stage)",
    ):
        db.execute(statement)
    from salespipe.store.leads import keep_statistics

    keep_statistics(db.conn, ["idx_leads_closed", "idx_stage_events_lead"])


@migrations()
def m020_record_currency_in_estimate_history(db: Database) -> None:
    """The history of estimates learns a deal's currency (field ``currency``): a value is an
    amount in a currency, and as of a past moment (``report --as-of``, the backtest) a deal
    whose currency was changed later counted its value of then in its currency of today.
    SQLite cannot widen a CHECK, so the table is rebuilt (its rows and ids kept), as in m015,
    whose statements these repeat on purpose: a migration records what it did and shares no code
    a later one could change. Currency changes made before this migration are not known: those
    deals keep today's."""
    for statement in (
        """
        CREATE TABLE estimate_history_new (
            id        INTEGER PRIMARY KEY,
            lead_id   INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            field     TEXT NOT NULL CHECK (field IN ('value', 'expected_close', 'probability',
                                                     'forecast_category', 'nurture_until', 'currency')),
            kind      TEXT NOT NULL CHECK (kind IN ('set', 'change')),
            old_value,
            new_value,                    -- nurture_until: an ISO date (NULL: not parked)
            at        TEXT NOT NULL,
            source    TEXT NOT NULL CHECK (source IN ('add', 'edit', 'move', 'import', 'start', 'nurture'))
        )
        """,
        "INSERT INTO estimate_history_new (id, lead_id, field, kind, old_value, new_value, at, source) "
        "SELECT id, lead_id, field, kind, old_value, new_value, at, source FROM estimate_history",
        "DROP TABLE estimate_history",
        "ALTER TABLE estimate_history_new RENAME TO estimate_history",
        "CREATE INDEX idx_estimate_history_lead ON estimate_history(lead_id, field, at)",
        "CREATE INDEX idx_estimate_history_changes ON estimate_history(kind, field, lead_id)",
    ):
        db.execute(statement)
    create_row_image_triggers(db)  # the journal's row images name every column, and a new table
    from salespipe.store.leads import keep_statistics

    keep_statistics(db.conn, ["idx_estimate_history_lead", "idx_estimate_history_changes"])


def migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations and record the count in ``PRAGMA user_version``."""
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    # A table rebuild must not cascade deletes from the table it replaces (SQLite's "making
    # other kinds of table schema changes": foreign keys off, check them before committing).
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        # One writer migrates: several salespipe processes opening a new database at once
        # queue here, and the ones after the first find it migrated.
        conn.execute("BEGIN IMMEDIATE")
        try:
            from salespipe.store.db import pending_migrations

            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION or pending_migrations(conn):
                migrations.apply(db)  # each migration a savepoint inside this transaction
                problems = conn.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration left {len(problems)} broken references")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
