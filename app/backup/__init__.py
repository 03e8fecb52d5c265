"""Database backups: online copies of PostgreSQL or SQLite, verified, pruned and restorable."""
