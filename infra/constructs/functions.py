"""Every Lambda of the function catalog, with its role, its trigger and its grants.

An entry with ``handler`` becomes a Python 3.12 function: a zip of its folder under
``functions/`` with the ``deps`` and ``renderowl`` layers, or, when it imports FFmpeg bindings
(see ``infra/packaging.py``), the repository's container image (target ``lambda``) with the
handler as the image command. Timeout, memory and reserved concurrency come from the catalog;
environment and grants from ``infra/environment.py``. Each function has its own role with only
what its trigger and settings imply, its own log group, and X-Ray tracing.

Triggers wired here: ``queue`` (an SQS event source with partial batch responses) and ``deploy``
(a CDK Trigger that runs the function once the database and its proxy exist, and again whenever
the function or its layers change: migrations ship in the ``renderowl`` layer). ``api`` and
``state_machine`` triggers are wired by the API and orchestration constructs.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Size, triggers
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.asl import AslBindings
from infra.config import DeployConfig
from infra.constructs.data import Database
from infra.constructs.network import Network
from infra.constructs.queues import WorkQueues
from infra.environment import Environment, grant_task_response
from infra.images import lambda_image_code
from infra.names import camel
from infra.packaging import needs_media
from renderowl.catalog import Catalog, Function

RUNTIME = lambda_.Runtime.PYTHON_3_12  # the layers are built for it (layers/build.py)
ASSET_EXCLUDE = ["__pycache__", "*.pyc", ".pytest_cache"]


class CatalogFunction(Construct):
    """One Lambda of the catalog."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        fn: Function,
        environment: Environment,
        layers: list[lambda_.ILayerVersion],
        network: Network,
        config: DeployConfig,
        reports_tasks: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = fn
        self.media = needs_media(fn)
        resolved = environment.resolve(fn)
        self.in_vpc = resolved.needs_database
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Renderowl {fn.name} function",
        )
        # What AWSLambdaBasicExecutionRole would give, narrowed to this function's log group.
        self.log_group.grant_write(self.role)
        if self.in_vpc:
            # Lambda creates and deletes the function's ENIs with these; they take no resource ARN.
            self.role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=[
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    resources=["*"],
                )
            )
        common = {
            "description": fn.description[:256],
            "timeout": Duration.seconds(fn.timeout),
            "memory_size": fn.memory,
            "environment": resolved.variables,
            "role": self.role,
            "log_group": self.log_group,
            "tracing": lambda_.Tracing.ACTIVE,
            "reserved_concurrent_executions": fn.reserved_concurrency,
            "architecture": lambda_.Architecture.X86_64,
            "vpc": network.vpc if self.in_vpc else None,
            "vpc_subnets": network.compute_subnets if self.in_vpc else None,
            "security_groups": [network.functions_sg] if self.in_vpc else None,
        }
        if self.media:
            assert fn.handler is not None
            self.function: lambda_.Function = lambda_.DockerImageFunction(
                self,
                "Function",
                # The image's task root holds functions/, so the handler path works as a module path.
                code=lambda_image_code(cmd=[fn.handler.replace("/", ".")]),
                # /tmp is where renders download, encode and upload: size it for video.
                ephemeral_storage_size=_ephemeral(fn),
                **common,
            )
        else:
            self.function = lambda_.Function(
                self,
                "Function",
                runtime=RUNTIME,
                code=lambda_.Code.from_asset(str(fn.code_dir), exclude=ASSET_EXCLUDE),
                handler=f"{Path(fn.handler_file).stem}.{fn.handler_function}",
                layers=layers,
                **common,
            )
        resolved.apply(self.role)
        if reports_tasks:
            grant_task_response(self.role, environment.state_machine_arn)


def _ephemeral(fn: Function) -> Size:
    # 10 GiB is Lambda's maximum and costs ~$0.0000000309/GB-s: cheap next to a failed render.
    return Size.gibibytes(10 if fn.trigger.type == "queue" else 2)


class CatalogFunctions(Construct):
    """``functions[name]`` for every ``handler`` entry of the catalog."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        catalog: Catalog,
        environment: Environment,
        layers: list[lambda_.ILayerVersion],
        network: Network,
        database: Database,
        queues: WorkQueues,
        bindings: AslBindings | None,
        config: DeployConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        task_queues = bindings.task_queues if bindings else frozenset()
        self.functions: dict[str, CatalogFunction] = {}
        for fn in catalog.functions.values():
            if fn.is_container:
                continue
            self.functions[fn.name] = CatalogFunction(
                self,
                camel(fn.name),
                fn=fn,
                environment=environment,
                layers=layers,
                network=network,
                config=config,
                reports_tasks=fn.trigger.queue in task_queues,
            )
        if any(f.in_vpc for f in self.functions.values()):
            database.allow_from(network.functions_sg, "Renderowl functions")
        for built in self.functions.values():
            self._wire(built, queues, database)

    def _wire(self, built: CatalogFunction, queues: WorkQueues, database: Database) -> None:
        trigger = built.spec.trigger
        if trigger.type == "queue":
            assert trigger.queue is not None
            built.function.add_event_source(
                sources.SqsEventSource(
                    queues.queues[trigger.queue].queue,
                    batch_size=trigger.batch_size,
                    report_batch_item_failures=True,
                    max_concurrency=trigger.max_concurrency,
                )
            )
        elif trigger.type == "deploy":
            triggers.Trigger(
                self,
                f"{camel(built.spec.name)}OnDeploy",
                handler=built.function,
                execute_after=[database],
                execute_on_handler_change=True,
                timeout=Duration.seconds(built.spec.timeout),
                invocation_type=triggers.InvocationType.REQUEST_RESPONSE,
            )

    def by_trigger(self, kind: str) -> list[CatalogFunction]:
        return [f for f in self.functions.values() if f.spec.trigger.type == kind]
