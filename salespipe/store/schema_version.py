"""How many migrations this salespipe knows (kept apart so opening needs no sqlite-utils)."""

# The migrations this salespipe knows, by name (a test holds this to store/migrations.py). A
# database is migrated when one of them is not recorded in its ``_sqlite_migrations``: by name,
# not by a number, so that one migrated without a migration merged later with a lower number
# (m017 written beside m018) still gets it (sqlite-utils applies each one it has not recorded,
# in order). ``PRAGMA user_version`` holds how many are applied, for people and for the
# "newer than this salespipe" check.
MIGRATIONS = (
    "m001_create_tables",
    "m002_seed_six_phase_pipeline",
    "m003_create_targets",
    "m004_add_report_indexes",
    "m005_create_activities_and_tasks",
    "m006_create_rules",
    "m007_cover_stage_event_lookups",
    "m008_create_lead_criteria",
    "m009_create_journal",
    "m010_rebuild_leads_for_imports",
    "m011_journal_row_images",
    "m012_add_forecast_and_estimate_history",
    "m013_create_forecast_snapshots",
    "m014_create_orgs_and_people",
    "m015_add_deal_kind_term_and_nurture",
    "m016_cover_the_open_pipeline_and_data_gaps",
    "m017_create_surveys_and_referrals",
    "m018_add_stage_journey_phase",
    "m019_cover_closed_deals_and_last_events",
    "m020_record_currency_in_estimate_history",
)
SCHEMA_VERSION = len(MIGRATIONS)
