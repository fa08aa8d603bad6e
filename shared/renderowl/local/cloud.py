"""`renderowl dev`: the whole local cloud in one object — moto, Postgres, the gateway, the pump."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from renderowl.catalog import Catalog, load_catalog
from renderowl.cloud.aws import client, reset_clients
from renderowl.config import Settings, get_settings
from renderowl.local import runtime, snapshot
from renderowl.local.gateway import Gateway
from renderowl.local.lambda_proxy import LambdaProxy
from renderowl.local.moto_server import MotoServer, free_port, start_moto
from renderowl.local.pump import EventPump
from renderowl.local.resources import (
    LocalResources,
    connect_notifications,
    create_resources,
    create_state_machine,
)
from renderowl.store.db import Database, get_database, migrate, resolve_database_url

log = logging.getLogger(__name__)
RETENTION_SWEEP_S = 300

# moto accepts any credentials; real ones must never reach it (or anything else) from here.
_LOCAL_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
}


@dataclass
class LocalCloudInfo:
    api_url: str
    aws_url: str
    database_url: str
    state_dir: Path
    notes: list[str] = field(default_factory=list)


def _apply_env(env: dict[str, str], saved: dict[str, str | None]) -> Settings:
    """Point this process (its handlers and the settings they read) at the local cloud, remembering
    what was there before so `stop()` can put it back."""
    for key, value in env.items():
        saved.setdefault(key, os.environ.get(key))
        os.environ[key] = value
    get_settings.cache_clear()
    reset_clients()
    return get_settings()


def _has_schema(db: Database) -> bool:
    with db.tx() as conn:
        row = conn.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present").fetchone()
    return bool(row and row["present"])


def _wipe(db: Database) -> None:
    with db.tx() as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


class LocalCloud:
    """Start with ``start()`` (or ``with LocalCloud(...)``); ``stop()`` leaves no process behind."""

    def __init__(self, *, port: int = 8000, reset: bool = False, catalog: Catalog | None = None) -> None:
        self._port = port
        self._reset = reset
        self.catalog = catalog or load_catalog()
        self.moto: MotoServer | None = None
        self.lambda_proxy: LambdaProxy | None = None
        self.gateway: Gateway | None = None
        self.pump: EventPump | None = None
        self.resources: LocalResources | None = None
        self.info: LocalCloudInfo | None = None
        self._saved_env: dict[str, str | None] = {}
        self._stopping = threading.Event()

    def __enter__(self) -> LocalCloud:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> LocalCloudInfo:
        settings = get_settings()
        state_dir = settings.state_dir.expanduser().resolve()
        state_dir.mkdir(parents=True, exist_ok=True)
        notes: list[str] = []

        # moto's Step Functions engine calls Lambda through our proxy, which runs the real handlers.
        proxy_port = free_port()
        self.moto = start_moto(engine_port=proxy_port)
        self.lambda_proxy = LambdaProxy(self.catalog, self.moto.url, proxy_port)
        self.lambda_proxy.start()
        settings = _apply_env(
            {
                **_LOCAL_AWS_ENV,
                "AWS_ENDPOINT_URL": self.moto.url,
                "AWS_REGION": settings.aws_region,
                "RENDEROWL_ENVIRONMENT": "local",
                "RENDEROWL_STATE_DIR": str(state_dir),
                "RENDEROWL_ALLOW_LOOPBACK_HTTP": "true",
                # Every handler shares this one process here, unlike one Lambda per request.
                "RENDEROWL_DB_POOL_MAX": os.environ.get("RENDEROWL_DB_POOL_MAX", "16"),
            },
            self._saved_env,
        )
        database_url = resolve_database_url(settings)
        settings = _apply_env({"DATABASE_URL": database_url}, self._saved_env)
        get_database.cache_clear()
        db = get_database()

        clean = snapshot.has_clean_snapshot(state_dir)
        if _has_schema(db) and (self._reset or not clean):
            _wipe(db)
            notes.append(
                "started clean: --reset asked for it"
                if self._reset
                else "started clean: the last run did not stop cleanly, so its stored objects were lost"
            )
        applied = migrate(db)
        if applied:
            notes.append(f"applied migrations {', '.join(applied)}")

        s3, sqs = client("s3"), client("sqs")
        self.resources = create_resources(
            self.catalog, s3, sqs, bucket=settings.media_bucket, cors_origins=settings.cors_origins
        )
        if clean and not self._reset:
            count = snapshot.restore(s3, settings.media_bucket, state_dir)
            notes.append(f"restored {count} stored objects")
        connect_notifications(self.catalog, s3, self.resources)
        state_machine = create_state_machine(self.catalog, client("stepfunctions"), self.resources)
        settings = _apply_env(
            {**self.resources.environment(), "RENDEROWL_STATE_MACHINE_ARN": state_machine}, self._saved_env
        )

        container_env = {
            **_LOCAL_AWS_ENV,
            **{k: v for k, v in os.environ.items() if k.startswith(("RENDEROWL_", "AWS_"))},
            "DATABASE_URL": database_url,
        }
        # Import every handler now, as Lambda's init phase would: request and poller threads then
        # never race each other through first-time imports.
        for fn in self.catalog.functions.values():
            if not fn.is_container:
                runtime.load_handler(fn)
        self.pump = EventPump(
            self.catalog,
            self.resources.queues,
            lambda: client("sqs"),
            region=settings.aws_region,
            concurrency=settings.local_concurrency,
            container_env=container_env,
        )
        self.pump.start()
        self._retention = threading.Thread(target=self._expire_outputs, name="retention", daemon=True)
        self._retention.start()

        api = self.catalog.functions["api"]
        self.gateway = Gateway(lambda event: runtime.invoke(api, event), settings, port=self._port)
        self.gateway.start()
        self.info = LocalCloudInfo(
            api_url=self.gateway.url,
            aws_url=self.moto.url,
            database_url=database_url,
            state_dir=state_dir,
            notes=notes,
        )
        return self.info

    def _expire_outputs(self) -> None:
        """The lifecycle rule S3 applies in AWS: expire outputs now and every few minutes."""
        from renderowl.pipeline.retention import expire_outputs

        while True:
            try:
                expire_outputs(get_database())
            except Exception:
                log.exception("output retention sweep failed")
            if self._stopping.wait(RETENTION_SWEEP_S):
                return

    def stop(self) -> None:
        """Stop serving, finish running work, save the bucket, stop moto and Postgres."""
        self._stopping.set()
        if self.gateway:
            self.gateway.stop()
            self.gateway = None
        if self.pump:
            self.pump.stop()
            self.pump = None
        if self.lambda_proxy:
            self.lambda_proxy.stop()
            self.lambda_proxy = None
        if self.moto:
            if self.resources:
                settings = get_settings()
                snapshot.save(client("s3"), settings.media_bucket, settings.state_dir)
            self.moto.stop()
            self.moto = None
        get_database().close()
        get_database.cache_clear()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        get_settings.cache_clear()
        reset_clients()
