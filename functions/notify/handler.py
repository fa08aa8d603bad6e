"""State machine step Notify: hand the render's terminal event to webhook delivery."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.logs import logger
from renderowl.pipeline import steps
from renderowl.store.db import get_database


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return steps.notify(get_database(), event["render_id"])
