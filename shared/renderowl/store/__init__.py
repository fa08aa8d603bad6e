"""Postgres: the pool, migrations, repositories and guarded state transitions."""
