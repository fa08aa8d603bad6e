"""The render state machine, from ``infra/statemachine/render.asl.json`` as the local cloud runs it.

Placeholders are filled with ``DefinitionSubstitutions`` (CloudFormation does the replacing, so
the template carries the file verbatim); ``infra/asl.py`` refuses a definition whose placeholders
the catalog cannot fill. The role may invoke exactly the ``state_machine`` functions and send
to exactly the task-token queues the definition names; executions log everything (with inputs
and outputs: render ids, never secrets) and are traced with X-Ray.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.asl import AslBindings
from infra.config import DeployConfig
from infra.constructs.functions import CatalogFunctions
from infra.constructs.queues import WorkQueues


class RenderOrchestration(Construct):
    """The state machine and its log group."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        asl_path: Path,
        state_machine_name: str,
        bindings: AslBindings,
        functions: CatalogFunctions,
        queues: WorkQueues,
        config: DeployConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        invoked = {p: functions.functions[name].function for p, name in bindings.functions.items()}
        sent_to = {p: queues.queues[name].queue for p, name in bindings.queues.items()}
        substitutions = {p: fn.function_arn for p, fn in invoked.items()}
        substitutions.update({p: queue.queue_url for p, queue in sent_to.items()})

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            # Step Functions wants a /aws/vendedlogs/ name to keep its resource policy small.
            log_group_name=f"/aws/vendedlogs/states/{state_machine_name}",
            retention=config.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description="Renderowl render",
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            definition_body=sfn.DefinitionBody.from_file(str(asl_path)),
            definition_substitutions=substitutions,
            role=self.role,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
        )
        # The definition invokes unqualified ARNs: no versions or aliases (grant_invoke adds ":*").
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=[invoked[p].function_arn for p in sorted(invoked)],
            )
        )
        # Task tokens go out as messages; nothing else (grant_send_messages adds GetQueue*).
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["sqs:SendMessage"], resources=[sent_to[p].queue_arn for p in sorted(sent_to)]
            )
        )
