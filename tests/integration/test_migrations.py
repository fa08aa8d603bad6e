import pytest

from renderowl.errors import ConfigurationError
from renderowl.store import db as db_module
from renderowl.store.db import Database, migrate

EXPECTED_TABLES = {
    "owners",
    "api_keys",
    "assets",
    "renders",
    "render_assets",
    "render_events",
    "events",
    "webhooks",
    "webhook_deliveries",
    "webhook_attempts",
    "idempotency_keys",
    "schema_migrations",
}


def test_migrations_create_every_table_and_run_once(db: Database) -> None:
    # Given the fixture already migrated; When migrating again
    applied = migrate(db)
    # Then nothing is re-applied, and every table exists
    assert applied == []
    with db.tx() as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert {row["tablename"] for row in rows} >= EXPECTED_TABLES


def test_a_migration_edited_after_it_ran_is_refused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    original = db_module.migration_files()
    edited = [(version, sql + "\n-- edited") for version, sql in original]
    monkeypatch.setattr(db_module, "migration_files", lambda: edited)
    with pytest.raises(ConfigurationError, match="changed after it was applied"):
        migrate(db)


def test_statement_timeout_is_set_on_every_connection(db: Database) -> None:
    with db.tx() as conn:
        value = conn.execute("SHOW statement_timeout").fetchone()
    assert value == {"statement_timeout": "15s"}


def test_status_columns_refuse_unknown_states(db: Database) -> None:
    import psycopg

    with db.tx() as conn:
        conn.execute("INSERT INTO owners (id, name) VALUES ('own_1', 'x')")
    with pytest.raises(psycopg.errors.CheckViolation), db.tx() as conn:
        conn.execute(
            "INSERT INTO renders (id, owner_id, status, spec) VALUES ('rnd_1', 'own_1', 'exploded', '{}')"
        )
