"""How many migrations this salespipe knows (kept apart so opening needs no sqlite-utils)."""

# Must equal len(salespipe.store.migrations.migrations._migrations); a test checks it.
SCHEMA_VERSION = 13
