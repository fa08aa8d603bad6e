"""The gateway throttles, logs and answers CORS preflights; the alarms reach the topic."""

from __future__ import annotations

from tests.infra.conftest import Synth


def test_the_stage_throttles_logs_json_and_traces(synth: Synth) -> None:
    # Given the API's stage
    (stage,) = synth.resources("AWS::ApiGateway::Stage").values()
    props = stage["Properties"]

    # Then it throttles at cdk.json's rate and burst, traces, and writes JSON access logs
    (settings,) = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == 50 and settings["ThrottlingBurstLimit"] == 100
    assert settings["DataTraceEnabled"] is False
    assert props["TracingEnabled"] is True
    assert props["AccessLogSetting"]["Format"].startswith("{")


def test_preflights_allow_the_configured_origin_and_the_apis_headers(synth: Synth) -> None:
    # Given the OPTIONS methods (mock integrations answered by the gateway)
    options = [
        m["Properties"]
        for m in synth.resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    assert options
    for method in options:
        headers = method["Integration"]["IntegrationResponses"][0]["ResponseParameters"]

        # Then they name the origin and allow Authorization, Content-Type and Idempotency-Key
        assert headers["method.response.header.Access-Control-Allow-Origin"] == "'https://app.example.com'"
        assert headers["method.response.header.Access-Control-Allow-Headers"] == (
            "'Authorization,Content-Type,Idempotency-Key'"
        )


def test_alarms_cover_api_errors_function_errors_and_failed_renders(full: Synth) -> None:
    # Given the alarms of the full stack
    alarms = [a["Properties"] for a in full.resources("AWS::CloudWatch::Alarm").values()]
    names = {a["MetricName"] for a in alarms}

    # Then the API's 5xx, each function's errors and failed executions are watched
    assert {"5XXError", "Errors", "ExecutionsFailed", "ApproximateNumberOfMessagesVisible"} <= names
    errors = [a for a in alarms if a["MetricName"] == "Errors"]
    assert len(errors) == len(full.stack.functions.functions)
    # And the topic has the e-mail subscription from context
    full.template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )


def test_the_dashboard_reads_the_applications_render_metrics(full: Synth) -> None:
    (dashboard,) = full.resources("AWS::CloudWatch::Dashboard").values()
    body = str(dashboard["Properties"]["DashboardBody"])
    assert "Renderowl" in body and "Renders" in body and "RenderSeconds" in body
