"""The HTTP API: API Gateway (REST) in front of the catalog's ``api`` function.

Everything under ``/api/v1`` (``ANY /api/v1`` and ``ANY /api/v1/{proxy+}``) goes to the function
as a Lambda proxy event; routing, auth (API keys and JWTs), validation and the error envelope are
the application's. The gateway adds what it does best: throttling per stage, JSON access logs,
X-Ray, and CORS preflight answers for the configured frontend origins. API Gateway caps request
bodies at 10 MB, which is why media never passes through it (uploads go to S3 with presigned
POSTs). A custom domain is optional (``renderowl:domainName`` + ``renderowl:certificateArn``).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import DeployConfig

API_PREFIX = ("api", "v1")
CORS_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"]


class HttpApi(Construct):
    """The REST API, its stage and (optionally) its custom domain."""

    def __init__(
        self, scope: Construct, construct_id: str, *, handler: lambda_.IFunction, config: DeployConfig
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        cors = (
            apigw.CorsOptions(
                allow_origins=list(config.frontend_origins),
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=CORS_HEADERS,
                allow_credentials=False,
            )
            if config.frontend_origins
            else None
        )
        self.api = apigw.RestApi(
            self,
            "RestApi",
            description="Renderowl HTTP API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            default_cors_preflight_options=cors,
            # The application answers in JSON; binary media never flows through the gateway.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                throttling_rate_limit=config.api_throttle_rate,
                throttling_burst_limit=config.api_throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # would log request bodies: API keys, user data
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        integration = apigw.LambdaIntegration(handler, proxy=True)
        resource = self.api.root
        for part in API_PREFIX:
            resource = resource.add_resource(part)
        resource.add_method("ANY", integration)
        resource.add_proxy(default_integration=integration, any_method=True)

        self.domain: apigw.DomainName | None = None
        if config.domain_name and config.certificate_arn:
            self.domain = self.api.add_domain_name(
                "Domain",
                domain_name=config.domain_name,
                certificate=acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn),
                endpoint_type=apigw.EndpointType.REGIONAL,
                security_policy=apigw.SecurityPolicy.TLS_1_2,
            )

    @property
    def base_url(self) -> str:
        """``…/prod/api/v1``: the URL a frontend is configured with."""
        return self.api.url_for_path("/" + "/".join(API_PREFIX))
