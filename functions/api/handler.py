"""API Gateway (REST proxy) → the Renderowl API."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from renderowl.api.app import get_app
from renderowl.logs import logger


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def handler(event: dict, context: LambdaContext) -> dict:
    return get_app().resolve(event, context)
