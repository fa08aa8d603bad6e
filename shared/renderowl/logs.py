"""The one structured JSON logger (Powertools). Handlers add the request id as correlation id."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="renderowl")
