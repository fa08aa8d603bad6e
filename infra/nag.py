"""cdk-nag (AwsSolutions) findings that remain, each acknowledged with the reason it stays.

Two kinds:

- Resource findings, acknowledged on the construct they are about (below, ``_RESOURCE``).
- Wildcard IAM resources (``AwsSolutions-IAM5``): every policy statement of the stack whose
  resource contains ``*`` must match one entry of ``WILDCARD_ALLOWLIST`` (the actions it may
  carry and why); a statement that matches none stays unacknowledged and fails the synth, so a new
  wildcard is reviewed, never waved through. ``tests/infra`` reads the same list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct


@dataclass(frozen=True)
class Wildcard:
    """Statements whose resource matches ``resource`` (a regex on nag's rendering) with only
    ``actions`` (regexes) are acceptable, for ``reason``."""

    resource: str
    actions: tuple[str, ...]
    reason: str

    def allows(self, resource: str, actions: list[str]) -> bool:
        return re.fullmatch(self.resource, resource) is not None and all(
            any(re.fullmatch(pattern, action) for pattern in self.actions) for action in actions
        )


WILDCARD_ALLOWLIST: tuple[Wildcard, ...] = (
    Wildcard(
        r"\*",
        (
            r"ec2:(Create|Describe|Delete)NetworkInterfaces?",
            r"ec2:DescribeSubnets",
            r"ec2:(Assign|Unassign)PrivateIpAddresses",
        ),
        "Lambda manages the ENIs of a function in a VPC with these; EC2 does not scope them to resources "
        "(the same statement as AWSLambdaVPCAccessExecutionRole).",
    ),
    Wildcard(
        r"\*",
        (r"xray:PutTraceSegments", r"xray:PutTelemetryRecords", r"xray:GetSampling(Rules|Targets)"),
        "X-Ray trace submission and sampling have no resource-level permissions.",
    ),
    Wildcard(
        r"\*",
        (r"ecr:GetAuthorizationToken",),
        "ECR's registry login token is account-wide by design; pulls are scoped to the asset repository.",
    ),
    Wildcard(
        r"\*",
        (
            r"logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries)",
            r"logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)",
        ),
        "Step Functions' vended-log delivery: CloudWatch Logs does not support resource scoping for these.",
    ),
    Wildcard(
        r"<[A-Za-z0-9]+\.Arn>/\*",
        (
            r"s3:(GetObject|PutObject|DeleteObject|GetObjectTagging|PutObjectTagging|AbortMultipartUpload)",
            r"s3:ListMultipartUploadParts",
        ),
        "Objects of the media bucket only: keys carry owner and asset ids created at run time.",
    ),
    Wildcard(
        r"arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:[A-Za-z0-9-]+:\*",
        (r"states:StopExecution", r"states:DescribeExecution"),
        "Executions of the render state machine only; each is named by a render id created at run time.",
    ),
    Wildcard(
        r"arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<[A-Za-z0-9]+>/\*",
        (r"ecs:StopTask", r"ecs:DescribeTasks"),
        "Tasks of the render cluster only (cancel a long render); task ids are created at run time.",
    ),
    Wildcard(
        r"arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/[A-Za-z0-9-]+:\*",
        (r"ecs:RunTask",),
        "Any revision of the render task family, on the render cluster only (condition ecs:cluster): a deploy "
        "registers the new revision before it updates the Pipe.",
    ),
    Wildcard(
        r"arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/\*",
        (r"ecs:TagResource",),
        "Tagging tasks as RunTask creates them (condition ecs:CreateAction=RunTask); their ids do not exist yet.",
    ),
    Wildcard(
        r"<[A-Za-z0-9]+\.Arn>:\*",
        (r"lambda:InvokeFunction",),
        "CDK's Trigger provider invokes the versions of the deploy function it runs (CDK-managed).",
    ),
    Wildcard(
        r"\*",
        (r"ssmmessages:(Create|Open)(Control|Data)Channel",),
        "ECS Exec's session channels (Session Manager) have no resource-level permissions; used only by an "
        "operator's one-off task (docs/deploy.md), never enabled on the Pipe's tasks.",
    ),
    Wildcard(
        r"\*",
        (r"s3:PutBucketNotification",),
        "CDK's bucket-notifications handler (CDK-managed) configures notifications on a bucket it gets at run time.",
    ),
)

_RESOURCE: dict[str, str] = {
    "AwsSolutions-L1": (
        "Pinned to python3.12: the layers are built for it (layers/build.py --python-version 3.12) and the "
        "images use it; the runtime moves with both, in one change."
    ),
    "AwsSolutions-ECS2": (
        "The environment holds configuration only (names, ARNs, URLs); secrets are read at run time from "
        "Secrets Manager by ARN, never placed in the task definition."
    ),
    "AwsSolutions-APIG2": (
        "Lambda proxy integration: the application validates every request with typed models and answers "
        "with field-level errors (VALIDATION_FAILED), which a gateway model cannot express."
    ),
    "AwsSolutions-APIG3": (
        "WAF is optional: the stage throttles per deployment, auth is required on every route; attach a web "
        "ACL to the stage when the API is exposed to untrusted traffic at scale (docs/deploy.md)."
    ),
    "AwsSolutions-APIG4": (
        "Authorization is the application's: API keys (hashed in Postgres) and JWTs from the product's identity "
        "provider, verified in the function; OPTIONS preflights and /health are public by design."
    ),
    "AwsSolutions-COG4": "Identity comes from the product's own provider (any OIDC issuer) or API keys, not Cognito.",
    "AwsSolutions-RDS11": (
        "RDS Proxy listens on the engine's default port whatever the instance uses, and the instance is only "
        "reachable from the proxy's security group in isolated subnets; a custom port would obscure nothing."
    ),
    "AwsSolutions-SMG4": (
        "Third-party API keys (OpenAI, ElevenLabs): they are rotated in the provider's console and set with "
        "put-secret-value; Secrets Manager cannot rotate them."
    ),
    "AwsSolutions-EC23": (
        "Interface endpoint security groups admit 443 from the VPC's CIDR only (CDK's default); the rule cannot "
        "read the CIDR token and reports an evaluation error, not an open ingress."
    ),
}


def acknowledge(stack: Stack, *, multi_az: bool) -> None:
    """Acknowledge every finding explained above, on the construct it is about."""
    for construct in stack.node.find_all():
        path = construct.node.path
        cfn_type = getattr(construct, "cfn_resource_type", None)
        if cfn_type == "AWS::Lambda::Function":
            _ack(construct, "AwsSolutions-L1")
        elif cfn_type == "AWS::ECS::TaskDefinition":
            _ack(construct, "AwsSolutions-ECS2")
        elif cfn_type == "AWS::ApiGateway::RestApi":
            _ack(construct, "AwsSolutions-APIG2")
        elif cfn_type == "AWS::ApiGateway::Stage":
            _ack(construct, "AwsSolutions-APIG3")
        elif cfn_type == "AWS::ApiGateway::Method":
            _ack(construct, "AwsSolutions-APIG4", "AwsSolutions-COG4")
        elif cfn_type == "AWS::RDS::DBInstance":
            _ack(construct, "AwsSolutions-RDS11")
            if not multi_az:
                Validations.of(construct).acknowledge(
                    Acknowledgment(
                        id="AwsSolutions-RDS3",
                        reason="renderowl:dbMultiAz is off (the default, for cost): backups and the proxy's "
                        "reconnects cover an instance failure with minutes of downtime; turn it on for production.",
                    )
                )
        elif cfn_type == "AWS::SecretsManager::Secret" and "/Secrets/" in path:
            _ack(construct, "AwsSolutions-SMG4")
        elif cfn_type == "AWS::EC2::SecurityGroup" and "/Network/Vpc/" in path:
            _ack(construct, "AwsSolutions-EC23")
        elif cfn_type == "AWS::IAM::Role" and "BucketNotificationsHandler" in path:
            Validations.of(construct).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    reason="CDK's bucket-notifications handler (a CDK-managed singleton) comes with this role.",
                )
            )
        elif cfn_type == "AWS::IAM::Role" and path.endswith("/CloudWatchRole/Resource"):
            Validations.of(construct).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                    reason="API Gateway's account-level logging role: AWS's documented policy for exactly this use.",
                )
            )
        elif cfn_type == "AWS::IAM::Policy":
            _ack_wildcards(stack, construct)


def _ack(construct: IConstruct, *rules: str) -> None:
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=_RESOURCE[rule]) for rule in rules)
    )


def _ack_wildcards(stack: Stack, policy: IConstruct) -> None:
    document = stack.resolve(policy.policy_document)  # type: ignore[attr-defined]
    for statement in document.get("Statement", []):
        for resource, actions in wildcard_resources(statement):
            reasons = explain(resource, actions)
            if reasons is not None:
                Validations.of(policy).acknowledge(
                    Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{resource}]", reason=" ".join(reasons))
                )


def explain(resource: str, actions: list[str]) -> list[str] | None:
    """The allow-list's reasons covering every action on ``resource``, or None if one is not covered.
    (CDK merges statements with equal resources, so one statement may need several entries.)"""
    reasons: list[str] = []
    for action in actions:
        entry = next((e for e in WILDCARD_ALLOWLIST if e.allows(resource, [action])), None)
        if entry is None:
            return None
        if entry.reason not in reasons:
            reasons.append(entry.reason)
    return reasons


def wildcard_resources(statement: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """(resource as cdk-nag renders it, actions) for each resource of ``statement`` with a ``*``."""
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else list(actions)
    resources = statement.get("Resource", [])
    for resource in [resources] if not isinstance(resources, list) else resources:
        rendered = render(resource)
        if "*" in rendered:
            yield rendered, actions


def render(value: Any) -> str:
    """A CloudFormation value as cdk-nag prints it: ``<Logical.Attr>``, ``<Ref>``, joins flattened."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "<" + ".".join(value["Fn::GetAtt"]) + ">"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    return str(value)


def is_wildcard_allowed(statement: dict[str, Any]) -> bool:
    """True when every wildcard resource of ``statement`` is explained by the allow-list."""
    return all(explain(resource, actions) is not None for resource, actions in wildcard_resources(statement))
