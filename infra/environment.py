"""From a catalog entry's ``env`` list to environment values and IAM grants.

The catalog names the settings a function reads; each name implies a value the stack knows and the
least privilege that goes with it (a bucket name implies read/write on that bucket, a queue URL
the right to send to it, a secret ARN the right to read it). A name the stack cannot fill stops
the synth: a function deployed without a setting it reads would only fail at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam

from infra.config import DeployConfig
from infra.constructs.data import Database
from infra.constructs.queues import WorkQueues
from infra.constructs.secrets import ProviderSecrets
from infra.constructs.storage import MediaStorage
from infra.names import METRICS_NAMESPACE, SERVICE_NAME, dlq_url_env, queue_url_env
from renderowl.catalog import Function

Grant = Callable[[iam.IGrantable], object]

DATABASE_SECRET_ENV = "RENDEROWL_DATABASE_SECRET_ARN"  # noqa: S105 - a variable name, not a secret
# The RDS-generated secret names the instance's host; connections must go through the proxy,
# so every function that gets the secret also gets the proxy's endpoint (renderowl.config reads
# it as `database_proxy_host` and prefers it over the secret's host).
DATABASE_PROXY_HOST_ENV = "RENDEROWL_DATABASE_PROXY_HOST"
ECS_CLUSTER_ENV = "RENDEROWL_ECS_CLUSTER_ARN"


class EnvironmentError(ValueError):
    """The catalog names a setting the stack does not know how to fill."""


@dataclass
class Resolved:
    """What one function gets: its variables, the grants they imply, whether it needs the VPC."""

    variables: dict[str, str] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    needs_database: bool = False

    def apply(self, grantee: iam.IGrantable) -> None:
        for grant in self.grants:
            grant(grantee)


class Environment:
    """Knows every value a catalog ``env`` name can take in this stack."""

    def __init__(
        self,
        *,
        stack: Stack,
        config: DeployConfig,
        database: Database,
        storage: MediaStorage,
        queues: WorkQueues,
        secrets: ProviderSecrets,
        state_machine_name: str,
        cluster: ecs.ICluster | None,
    ) -> None:
        self._stack = stack
        self._config = config
        self._database = database
        self._storage = storage
        self._queues = queues
        self._secrets = secrets
        # Built from the name, not referenced: functions the state machine invokes also read its
        # ARN, and a reference would make a dependency cycle.
        self.state_machine_name = state_machine_name
        self.state_machine_arn = stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=state_machine_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self._cluster = cluster

    def implicit(self) -> dict[str, str]:
        """Set on every function: the environment marker and Powertools' service and namespace."""
        return {
            "RENDEROWL_ENVIRONMENT": "cloud",
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_LOG_LEVEL": self._config.log_level,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }

    def resolve(self, fn: Function) -> Resolved:
        out = Resolved(variables=self.implicit())
        for name in fn.env:
            self._fill(fn, name, out)
        return out

    # The one place that maps a setting to its value and its grant.
    def _fill(self, fn: Function, name: str, out: Resolved) -> None:
        config, jwt = self._config, self._config.jwt
        if name in config.settings:
            out.variables[name] = config.settings[name]
        elif name == "RENDEROWL_ENVIRONMENT":
            out.variables[name] = "cloud"
        elif name in ("RENDEROWL_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"):
            out.variables[name] = config.log_level
        elif name in (DATABASE_SECRET_ENV, DATABASE_PROXY_HOST_ENV):
            out.variables[DATABASE_SECRET_ENV] = self._database.secret.secret_arn
            out.variables[DATABASE_PROXY_HOST_ENV] = self._database.proxy_host
            out.grants.append(self._database.secret.grant_read)
            out.needs_database = True
        elif name == "RENDEROWL_MEDIA_BUCKET":
            out.variables[name] = self._storage.bucket.bucket_name
            out.grants.append(self._storage.grant_media)
        elif name == "RENDEROWL_STATE_MACHINE_ARN":
            out.variables[name] = self.state_machine_arn
            out.grants.append(self._grant_executions)
        elif name == "RENDEROWL_OUTPUT_RETENTION_DAYS":
            # What the API promises must be what the bucket's lifecycle rule does.
            out.variables[name] = str(config.render_retention_days)
        elif name == "RENDEROWL_ALLOW_LOOPBACK_HTTP":
            out.variables[name] = "false"  # never in the cloud
        elif name == "RENDEROWL_CORS_ORIGINS":
            out.variables[name] = ",".join(config.frontend_origins)
        elif name.startswith("RENDEROWL_JWT_") and name in _JWT_FIELDS:
            value = getattr(jwt, _JWT_FIELDS[name])
            if value is not None:  # unset means "JWT auth off": the setting's own default applies
                out.variables[name] = str(value)
        elif name == "RENDEROWL_OPENAI_SECRET_ARN":
            out.variables[name] = self._secrets.openai.secret_arn
            out.grants.append(self._secrets.openai.grant_read)
        elif name == "RENDEROWL_ELEVENLABS_SECRET_ARN":
            out.variables[name] = self._secrets.elevenlabs.secret_arn
            out.grants.append(self._secrets.elevenlabs.grant_read)
        elif name == ECS_CLUSTER_ENV and self._cluster is not None:
            out.variables[name] = self._cluster.cluster_arn
            out.grants.append(self._grant_stop_tasks)
        elif (queue := self._queue_for(name)) is not None:
            out.variables[name] = queue.queue_url
            out.grants.append(queue.grant_send_messages)
        else:
            raise EnvironmentError(
                f"function {fn.name!r} lists {name} in functions/catalog.toml, and the stack cannot fill it: "
                f"teach infra/environment.py its value, or set it with "
                f'-c renderowl:settings=\'{{"{name}": "..."}}\''
            )

    def _queue_for(self, name: str):  # type: ignore[no-untyped-def]
        """The queue (or dead-letter queue) a `RENDEROWL_<QUEUE>_QUEUE_URL` / `_DLQ_URL` setting names."""
        for queue_name, queue in self._queues.queues.items():
            if name == queue_url_env(queue_name):
                return queue.queue
            if name == dlq_url_env(queue_name):
                return queue.dlq
        return None

    def _grant_executions(self, grantee: iam.IGrantable) -> None:
        # Start a render, and stop or describe its execution (cancel, status).
        executions = self._stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine_name}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        iam.Grant.add_to_principal(
            grantee=grantee, actions=["states:StartExecution"], resource_arns=[self.state_machine_arn]
        )
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["states:StopExecution", "states:DescribeExecution"],
            resource_arns=[executions],
        )

    def _grant_stop_tasks(self, grantee: iam.IGrantable) -> None:
        # Cancelling a long render stops its task; tasks are only named by their cluster.
        assert self._cluster is not None
        tasks = self._stack.format_arn(
            service="ecs", resource="task", resource_name=f"{self._cluster.cluster_name}/*"
        )
        iam.Grant.add_to_principal(
            grantee=grantee, actions=["ecs:StopTask", "ecs:DescribeTasks"], resource_arns=[tasks]
        )


def grant_task_response(grantee: iam.IGrantable, state_machine_arn: str) -> None:
    """Workers that hold a task token report with it (success, failure, heartbeats)."""
    iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
        resource_arns=[state_machine_arn],
    )


_JWT_FIELDS = {
    "RENDEROWL_JWT_JWKS_URL": "jwks_url",
    "RENDEROWL_JWT_ISSUER": "issuer",
    "RENDEROWL_JWT_AUDIENCE": "audience",
    "RENDEROWL_JWT_OWNER_CLAIM": "owner_claim",
    "RENDEROWL_JWT_LEEWAY_S": "leeway_s",
}
