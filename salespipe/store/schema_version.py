"""How many migrations this salespipe knows (kept apart so opening needs no sqlite-utils)."""

# The number of migrations (a test checks it), which ``PRAGMA user_version`` records as applied.
# A count, not the last migration's number: a migration merged later with a lower number (m017
# written beside m018) makes the count grow, so a database migrated without it gets it on the
# next open (sqlite-utils applies every migration it has not recorded, by name, in order).
SCHEMA_VERSION = 18
