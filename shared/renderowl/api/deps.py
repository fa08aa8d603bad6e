"""Route dependencies (Powertools ``Depends``): the caller's owner, the database."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.request import Request

from renderowl.api.auth import authenticate
from renderowl.config import get_settings
from renderowl.store.db import Database, get_database
from renderowl.store.owners import Owner


def database() -> Database:
    return get_database()


def current_owner(request: Request) -> Owner:
    """The authenticated owner; every query of a route that takes it is scoped to it."""
    return authenticate(request.headers, get_database(), get_settings())


CurrentOwner = Annotated[Owner, Depends(current_owner)]
Db = Annotated[Database, Depends(database)]
