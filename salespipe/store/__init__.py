"""The store: the SQLite file, its schema and migrations, and every query. The only place with SQL."""
