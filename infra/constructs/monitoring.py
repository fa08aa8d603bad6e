"""Alarms and a dashboard, both about what an operator acts on.

Alarms go to one SNS topic (encrypted with a key CloudWatch may use; optional e-mail subscription
``renderowl:alarmEmail``): a message in any DLQ, the API's 5xx rate, errors of each function, a
failed render execution. The dashboard shows renders by status and their duration (the
application's Powertools metrics: namespace ``Renderowl``, ``Renders`` by ``Status`` and
``RenderSeconds``; read with SEARCH so the ``service`` dimension Powertools adds does not matter),
queue and DLQ depths, API errors and latency, and each function's errors and throttles.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.config import DeployConfig
from infra.constructs.functions import CatalogFunctions
from infra.constructs.queues import WorkQueues
from infra.names import METRICS_NAMESPACE, RENDER_SECONDS_METRIC, RENDERS_METRIC, camel

PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    """The alarm topic, the alarms and the dashboard."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queues: WorkQueues,
        functions: CatalogFunctions,
        api: apigw.RestApi | None,
        state_machine: sfn.StateMachine | None,
        config: DeployConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(self, "AlarmsKey", enable_key_rotation=True, description="Renderowl alarm topic")
        # CloudWatch publishes to an encrypted topic only when the key lets it.
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(
            self, "Alarms", display_name="Renderowl alarms", master_key=key, enforce_ssl=True
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        action = cw_actions.SnsAction(self.topic)
        self.alarms: list[cw.Alarm] = []

        def alarm(construct_id: str, metric: cw.IMetric, threshold: float, description: str) -> None:
            created = cw.Alarm(
                self,
                construct_id,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(action)
            self.alarms.append(created)

        for name, queue in queues.queues.items():
            alarm(
                f"{camel(name)}DlqDepth",
                queue.dlq.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                1,
                f"Messages in the {name} DLQ: inspect them, fix, redrive",
            )
        if api is not None:
            alarm(
                "Api5xxRate",
                api.metric_server_error(period=PERIOD, statistic="Average"),
                config.alarm_api_5xx_rate,
                f"More than {config.alarm_api_5xx_rate:.0%} of API requests failed with a 5xx",
            )
        for name, built in functions.functions.items():
            alarm(
                f"{camel(name)}Errors",
                built.function.metric_errors(period=PERIOD, statistic="Sum"),
                config.alarm_lambda_errors,
                f"The {name} function failed (errors, timeouts or crashes)",
            )
        if state_machine is not None:
            alarm(
                "RenderExecutionsFailed",
                state_machine.metric_failed(period=PERIOD, statistic="Sum"),
                1,
                "A render execution failed, timed out or was aborted by AWS",
            )

        self.dashboard = cw.Dashboard(self, "Dashboard", default_interval=Duration.hours(6))
        renders = cw.MathExpression(
            expression=f"SEARCH('Namespace=\"{METRICS_NAMESPACE}\" MetricName=\"{RENDERS_METRIC}\"', 'Sum', 300)",
            using_metrics={},
            label="",
            period=PERIOD,
        )
        seconds = cw.MathExpression(
            expression=(
                f"SEARCH('Namespace=\"{METRICS_NAMESPACE}\" MetricName=\"{RENDER_SECONDS_METRIC}\"', 'p90', 300)"
            ),
            using_metrics={},
            label="",
            period=PERIOD,
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(title="Renders by status", left=[renders], width=12),
            cw.GraphWidget(title="Render duration p90 (s)", left=[seconds], width=12),
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Queue depth",
                left=[
                    q.queue.metric_approximate_number_of_messages_visible(period=PERIOD, label=name)
                    for name, q in queues.queues.items()
                ],
                width=12,
            ),
            cw.GraphWidget(
                title="DLQ depth",
                left=[
                    q.dlq.metric_approximate_number_of_messages_visible(period=PERIOD, label=f"{name} DLQ")
                    for name, q in queues.queues.items()
                ],
                width=12,
            ),
        )
        if api is not None:
            self.dashboard.add_widgets(
                cw.GraphWidget(
                    title="API errors",
                    left=[api.metric_server_error(period=PERIOD), api.metric_client_error(period=PERIOD)],
                    width=12,
                ),
                cw.GraphWidget(
                    title="API latency (ms)",
                    left=[
                        api.metric_latency(period=PERIOD, statistic="p50"),
                        api.metric_latency(period=PERIOD, statistic="p95"),
                    ],
                    width=12,
                ),
            )
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Function errors",
                left=[
                    f.function.metric_errors(period=PERIOD, label=n) for n, f in functions.functions.items()
                ],
                width=12,
            ),
            cw.GraphWidget(
                title="Function throttles",
                left=[
                    f.function.metric_throttles(period=PERIOD, label=n)
                    for n, f in functions.functions.items()
                ],
                width=12,
            ),
        )
        if state_machine is not None:
            self.dashboard.add_widgets(
                cw.GraphWidget(
                    title="Render executions",
                    left=[
                        state_machine.metric_started(period=PERIOD),
                        state_machine.metric_succeeded(period=PERIOD),
                        state_machine.metric_failed(period=PERIOD),
                    ],
                    width=24,
                )
            )
