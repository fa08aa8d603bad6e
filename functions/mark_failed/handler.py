"""State machine Catch path: record the failure code and message on the render."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.logs import logger
from renderowl.pipeline import steps
from renderowl.store.db import get_database


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return steps.mark_failed(get_database(), event["render_id"], event.get("error"))
