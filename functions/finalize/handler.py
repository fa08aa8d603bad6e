"""State machine step Finalize: check and record the output, mark the render succeeded."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.logs import logger
from renderowl.pipeline import steps
from renderowl.store.db import get_database


@logger.inject_lambda_context
def handler(event: dict, context: LambdaContext) -> dict:
    return steps.finalize(get_database(), event["render_id"], event["output"])
