"""The connection pool and migrations.

Connections are created lazily on first use and reused across Lambda invocations. Every
connection carries a statement timeout, and none uses server-side prepared statements, so the
same code works behind RDS Proxy (which pins sessions that prepare statements).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from renderowl.config import Settings, get_settings
from renderowl.errors import ConfigurationError, UnavailableError

log = logging.getLogger(__name__)

# Serialises concurrent `migrate` runs (a deploy trigger and a developer, say).
_MIGRATION_LOCK_ID = 0x52454E44  # "REND"


def resolve_database_url(settings: Settings) -> str:
    """The Postgres URL: ``DATABASE_URL``, else the RDS secret (cloud), else the embedded server (local)."""
    if settings.database_url:
        return settings.database_url
    if settings.database_secret_arn:
        return _url_from_secret(settings.database_secret_arn, settings.database_proxy_host)
    if settings.environment == "cloud":
        raise ConfigurationError("DATABASE_URL or RENDEROWL_DATABASE_SECRET_ARN must be set in the cloud")
    from renderowl.local.postgres import embedded_database_url

    return embedded_database_url(settings.state_dir)


def _url_from_secret(secret_arn: str, proxy_host: str | None = None) -> str:
    # Powertools caches the secret for five minutes, so a rotated password is picked up without a cold start.
    from aws_lambda_powertools.utilities.parameters import get_secret

    secret: dict[str, Any] = get_secret(secret_arn, transform="json", max_age=300)  # type: ignore[assignment]
    user, password = quote(secret["username"], safe=""), quote(secret["password"], safe="")
    # Lambdas reach the database through RDS Proxy; the secret names the instance itself.
    host = proxy_host or secret["host"]
    port, dbname = secret.get("port", 5432), secret.get("dbname", "renderowl")
    return f"postgresql://{user}:{password}@{host}:{port}/{dbname}?sslmode=require"


class Database:
    """A psycopg 3 pool with transactions as context managers."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self._pool = ConnectionPool(
            url,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            timeout=settings.db_connect_timeout_s,
            kwargs={
                "row_factory": dict_row,
                "prepare_threshold": None,
                "connect_timeout": settings.db_connect_timeout_s,
                "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
            },
            open=False,
            name="renderowl",
        )
        self._opened = False

    @contextmanager
    def tx(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        if not self._opened:
            self._pool.open(wait=False)
            self._opened = True
        try:
            with self._pool.connection() as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise UnavailableError("the database is not reachable right now") from exc

    def ping(self) -> bool:
        """True when a trivial query answers."""
        try:
            with self.tx() as conn:
                conn.execute("SELECT 1")
            return True
        except UnavailableError:
            return False

    def close(self) -> None:
        if self._opened:
            self._pool.close()
            self._opened = False


@lru_cache(maxsize=1)
def get_database() -> Database:
    """The process-wide database, created on first use (never at import)."""
    settings = get_settings()
    return Database(resolve_database_url(settings), settings)


def migration_files() -> list[tuple[str, str]]:
    """(version, sql) of every migration shipped in the package, in order."""
    folder = resources.files("renderowl.store") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def migrate(db: Database) -> list[str]:
    """Apply pending migrations in order, each in its own transaction. Returns the versions applied."""
    applied: list[str] = []
    with db.tx() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_ID,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            row["version"]: row["checksum"]
            for row in conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
        }
        for version, sql in migration_files():
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if version in done:
                if done[version] != checksum:
                    raise ConfigurationError(f"migration {version} was changed after it was applied")
                continue
            with conn.transaction():
                conn.execute(sql.encode())
                conn.execute(
                    "INSERT INTO schema_migrations (version, checksum) VALUES (%s, %s)", (version, checksum)
                )
            applied.append(version)
            log.info("applied migration %s", version)
    return applied
