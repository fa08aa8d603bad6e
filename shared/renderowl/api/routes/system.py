"""Health, the caller's identity and the OpenAPI document."""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from renderowl.api.deps import CurrentOwner, Db
from renderowl.api.envelope import Envelope
from renderowl.cloud.storage import bucket_reachable
from renderowl.errors import UnavailableError

router = Router()


class Check(BaseModel):
    ok: bool


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, Check]
    version: str


class Me(BaseModel):
    owner_id: str
    name: str


@router.get("/health", summary="Reachability of the database and the media bucket", tags=["system"])
def health(db: Db) -> Envelope[Health]:
    from renderowl import __version__

    checks = {"database": Check(ok=db.ping()), "storage": Check(ok=bucket_reachable())}
    healthy = all(c.ok for c in checks.values())
    report = Health(status="ok" if healthy else "degraded", checks=checks, version=__version__)
    if not healthy:
        raise UnavailableError("a dependency is unreachable", details=report.model_dump())
    return Envelope(data=report)


@router.get("/me", summary="The owner behind the bearer token", tags=["system"])
def me(owner: CurrentOwner) -> Envelope[Me]:
    return Envelope(data=Me(owner_id=owner.id, name=owner.name))
