"""State machine step Plan: validate against ready assets, estimate, choose the runner."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.logs import logger
from renderowl.pipeline import steps
from renderowl.store.db import get_database


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return steps.plan(get_database(), event["render_id"])
