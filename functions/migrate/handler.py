"""Run on every deploy (a CDK Trigger): apply pending database migrations."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.logs import logger
from renderowl.store.db import get_database, migrate


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return {"applied": migrate(get_database())}
