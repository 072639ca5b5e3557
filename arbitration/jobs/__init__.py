"""Background jobs on Huey: after commit, on a schedule; embedded (SQLite) or Redis-backed."""
