"""Thin boto3 adapters. Clients are created lazily, cached, and honour ``AWS_ENDPOINT_URL``."""
