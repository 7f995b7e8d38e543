"""How many migrations this salespipe knows (kept apart so opening needs no sqlite-utils)."""

# Must equal the number of the last migration (mNNN_...); a test checks it. Migrations run by name
# in order, so a number left free by a migration on another branch is harmless.
SCHEMA_VERSION = 18
