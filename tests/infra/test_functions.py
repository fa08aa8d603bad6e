"""Every function of the catalog becomes a Lambda with its trigger, limits, settings and role."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from infra.app import build_app
from infra.environment import EnvironmentError
from renderowl.catalog import load_catalog
from tests.infra.conftest import FULL_CATALOG, TEST_CONTEXT, Synth


def _function(synth: Synth, name: str) -> tuple[str, dict]:
    built = synth.stack.functions.functions[name]
    logical_id = synth.logical_id(built.function)
    return logical_id, synth.raw["Resources"][logical_id]["Properties"]


def test_every_handler_function_exists_with_the_catalogs_limits(synth: Synth) -> None:
    # Given the catalog's Lambda entries
    handlers = [fn for fn in synth.catalog.functions.values() if not fn.is_container]
    assert handlers

    # When each one is looked up in the template
    for fn in handlers:
        _, props = _function(synth, fn.name)

        # Then it carries the catalog's timeout and memory, X-Ray tracing, and its reserved concurrency
        assert props["Timeout"] == fn.timeout, fn.name
        assert props["MemorySize"] == fn.memory, fn.name
        assert props["TracingConfig"] == {"Mode": "Active"}, fn.name
        assert props.get("ReservedConcurrentExecutions") == fn.reserved_concurrency, fn.name
        assert props["Environment"]["Variables"]["RENDEROWL_ENVIRONMENT"] == "cloud", fn.name


def test_zip_functions_load_their_handler_file_with_the_layers_and_media_functions_use_the_image(
    full: Synth,
) -> None:
    # Given the full catalog, where api is plain Python and render imports FFmpeg bindings
    _, api = _function(full, "api")
    _, render = _function(full, "render")

    # Then api is a python3.12 zip with handler.handler and both layers
    assert api["Runtime"] == "python3.12"
    assert api["Handler"] == "handler.handler"
    assert len(api["Layers"]) == 2
    # And render runs the lambda target of the Dockerfile with its handler as the command
    assert render["PackageType"] == "Image"
    assert render["ImageConfig"]["Command"] == ["render.handler.handler"]
    assert "Layers" not in render


def test_each_catalog_env_name_is_filled_and_the_proxy_host_comes_with_the_secret(full: Synth) -> None:
    # Given every function of the full catalog
    for fn in full.catalog.functions.values():
        if fn.is_container:
            continue
        _, props = _function(full, fn.name)
        variables = props["Environment"]["Variables"]

        # Then every setting it lists is set (JWT settings only when configured)
        for name in fn.env:
            if name == "RENDEROWL_JWT_AUDIENCE":  # not in TEST_CONTEXT: left to the setting's default
                assert name not in variables
                continue
            assert name in variables, (fn.name, name)
        if "RENDEROWL_DATABASE_SECRET_ARN" in fn.env:
            assert "RENDEROWL_DATABASE_PROXY_HOST" in variables
            assert "VpcConfig" in props, fn.name
        # And Powertools is told the service and the metrics namespace the dashboard reads
        assert variables["POWERTOOLS_SERVICE_NAME"] == "renderowl"
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Renderowl"


def test_queue_functions_consume_their_queue_with_partial_batch_responses(synth: Synth) -> None:
    # Given the queue-triggered Lambdas of the catalog
    consumers = [
        fn for fn in synth.catalog.functions.values() if fn.trigger.type == "queue" and not fn.is_container
    ]
    assert consumers

    for fn in consumers:
        function_id, _ = _function(synth, fn.name)
        queue_id = synth.logical_id(synth.stack.queues.queues[fn.trigger.queue].queue)
        scaling = (
            {"MaximumConcurrency": fn.trigger.max_concurrency}
            if fn.trigger.max_concurrency
            else Match.absent()
        )

        # Then an event source mapping feeds it from its queue, reporting failed items only
        synth.template.has_resource_properties(
            "AWS::Lambda::EventSourceMapping",
            {
                "FunctionName": {"Ref": function_id},
                "EventSourceArn": {"Fn::GetAtt": [queue_id, "Arn"]},
                "BatchSize": fn.trigger.batch_size,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "ScalingConfig": scaling,
            },
        )


def test_the_api_function_serves_every_path_under_api_v1(synth: Synth) -> None:
    # Given the api function
    function_id, _ = _function(synth, "api")
    api_id = synth.logical_id(synth.stack.api.api)

    # Then ANY /api/v1/{proxy+} is a Lambda proxy integration to it
    proxy = [
        r
        for r in synth.resources("AWS::ApiGateway::Resource").values()
        if r["Properties"]["PathPart"] == "{proxy+}"
    ]
    assert len(proxy) == 1
    methods = synth.resources("AWS::ApiGateway::Method")
    proxied = [m for m in methods.values() if m["Properties"]["HttpMethod"] == "ANY"]
    assert len(proxied) == 2  # /api/v1 and /api/v1/{proxy+}
    for method in proxied:
        integration = method["Properties"]["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert function_id in json.dumps(integration["Uri"])
        assert method["Properties"]["RestApiId"] == {"Ref": api_id}


def test_state_machine_functions_are_referenced_by_the_definition(full: Synth) -> None:
    # Given the state_machine functions
    steps = [fn for fn in full.catalog.functions.values() if fn.trigger.type == "state_machine"]
    (machine,) = full.resources("AWS::StepFunctions::StateMachine").values()
    substitutions = machine["Properties"]["DefinitionSubstitutions"]

    # Then each one's ARN fills its placeholder
    for fn in steps:
        function_id, _ = _function(full, fn.name)
        assert {"Fn::GetAtt": [function_id, "Arn"]} in substitutions.values(), fn.name


def test_deploy_functions_run_from_a_trigger_after_the_database(full: Synth) -> None:
    # Given the migrate function (trigger = deploy)
    function_id, props = _function(full, "migrate")
    instance_id = full.logical_id(full.stack.database.instance)
    proxy_id = full.logical_id(full.stack.database.proxy)

    # Then a CDK Trigger invokes its current version (so a new version, e.g. new migrations in the
    # layer, runs again), once the database and its proxy exist
    versions = {
        k
        for k, r in full.resources("AWS::Lambda::Version").items()
        if r["Properties"]["FunctionName"] == {"Ref": function_id}
    }
    triggers = [
        r
        for r in full.resources("Custom::Trigger").values()
        if r["Properties"]["HandlerArn"].get("Ref") in versions
    ]
    assert len(triggers) == 1
    depends_on = set(triggers[0].get("DependsOn", []))
    assert instance_id in depends_on
    assert any(d.startswith(proxy_id.removesuffix(proxy_id[-8:])) for d in depends_on)
    # And the function reaches the database through the VPC
    assert "VpcConfig" in props


def test_a_setting_the_stack_cannot_fill_stops_the_synth(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # Given a catalog whose api lists a setting nobody knows
    catalog = load_catalog(FULL_CATALOG)
    api = catalog.functions["api"].model_copy(update={"env": ("RENDEROWL_NO_SUCH_SETTING",)})
    catalog.functions["api"] = api

    # When the stack is built, Then it refuses, naming the function and the setting
    with pytest.raises(EnvironmentError, match=r"'api' lists RENDEROWL_NO_SUCH_SETTING"):
        build_app(catalog=catalog, context=TEST_CONTEXT, outdir=str(tmp_path), nag=False)
