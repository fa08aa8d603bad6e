"""The deployed state machine is the ASL file, with every placeholder filled by the right resource."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from infra.names import function_arn_placeholder, queue_url_placeholder
from tests.infra.conftest import Synth


def _machine(synth: Synth) -> dict:
    (machine,) = synth.resources("AWS::StepFunctions::StateMachine").values()
    return machine["Properties"]


def _deployed_definition(synth: Synth, props: dict) -> str:
    """The definition file CloudFormation will read: the asset behind DefinitionS3Location."""
    key = props["DefinitionS3Location"]["Key"]
    manifest = json.loads(
        (synth.outdir / f"{synth.stack.artifact_id}.assets.json").read_text(encoding="utf-8")
    )
    source = manifest["files"][key.removesuffix(".json")]["source"]["path"]
    path = Path(source) if Path(source).is_absolute() else synth.outdir / source
    return path.read_text(encoding="utf-8")


def _marker(value: dict) -> str:
    # A CloudFormation reference, as a string that cannot occur in the file by accident.
    if "Fn::GetAtt" in value:
        return "@@{}.{}@@".format(*value["Fn::GetAtt"])
    return "@@Ref:{}@@".format(value["Ref"])


def test_the_definition_is_the_asl_file_with_the_expected_resources_filled_in(full: Synth) -> None:
    # Given the synthesized state machine and the ASL file of the repository
    props = _machine(full)
    text = full.asl_path.read_text(encoding="utf-8")
    placeholders = set(re.findall(r"\$\{(\w+)\}", text))
    assert placeholders, "the ASL file has placeholders to fill"

    # When CloudFormation's substitution is applied to the deployed definition
    substitutions = {k: _marker(v) for k, v in props["DefinitionSubstitutions"].items()}
    deployed = re.sub(r"\$\{(\w+)\}", lambda m: substitutions[m.group(1)], _deployed_definition(full, props))

    # And, independently, the file's placeholders are mapped to the resources the catalog names
    expected_by_placeholder = {}
    for fn in full.catalog.functions.values():
        if fn.trigger.type == "state_machine":
            function_id = full.logical_id(full.stack.functions.functions[fn.name].function)
            expected_by_placeholder[function_arn_placeholder(fn.name)] = f"@@{function_id}.Arn@@"
    for queue in full.catalog.queues:
        queue_id = full.logical_id(full.stack.queues.queues[queue].queue)
        expected_by_placeholder[queue_url_placeholder(queue)] = f"@@Ref:{queue_id}@@"
    expected = re.sub(r"\$\{(\w+)\}", lambda m: expected_by_placeholder[m.group(1)], text)

    # Then the two JSON documents are equal, nothing is left unfilled, and something was filled
    assert json.loads(deployed) == json.loads(expected)
    assert "${" not in deployed
    assert set(props["DefinitionSubstitutions"]) == placeholders
    assert json.loads(deployed) != json.loads(text)


def test_the_role_invokes_exactly_the_step_functions_and_sends_to_exactly_the_task_queues(
    full: Synth,
) -> None:
    # Given the state machine's role policy
    role_id = full.logical_id(full.stack.orchestration.role)
    statements = [
        s
        for p in full.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    invoke = [s for s in statements if s["Action"] == "lambda:InvokeFunction"]
    send = [s for s in statements if s["Action"] == "sqs:SendMessage"]

    # Then it may invoke the state_machine functions' ARNs and nothing else
    steps = sorted(fn.name for fn in full.catalog.functions.values() if fn.trigger.type == "state_machine")
    expected = [
        {"Fn::GetAtt": [full.logical_id(full.stack.functions.functions[name].function), "Arn"]}
        for name in steps
    ]
    assert len(invoke) == 1
    assert sorted(map(json.dumps, invoke[0]["Resource"])) == sorted(map(json.dumps, expected))
    # And send only to the queues the definition hands task tokens to
    queues = [
        {"Fn::GetAtt": [full.logical_id(full.stack.queues.queues[q].queue), "Arn"]}
        for q in ("long-render", "render")
    ]
    assert len(send) == 1
    assert sorted(map(json.dumps, send[0]["Resource"])) == sorted(map(json.dumps, queues))
    assert not [
        s for s in statements if str(s["Action"]).startswith(("lambda:", "sqs:")) and s not in invoke + send
    ]


def test_executions_are_logged_and_traced(full: Synth) -> None:
    props = _machine(full)
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["TracingConfiguration"] == {"Enabled": True}


@pytest.mark.parametrize("worker", ["render"])
def test_render_workers_may_report_task_results(full: Synth, worker: str) -> None:
    # Given the Lambda render worker's role and the Fargate task role
    roles = [
        full.logical_id(full.stack.functions.functions[worker].role),
        full.logical_id(full.stack.workers.workers["render-long"].task_definition.task_role),
    ]
    for role_id in roles:
        actions = {
            action
            for p in full.resources("AWS::IAM::Policy").values()
            if {"Ref": role_id} in p["Properties"]["Roles"]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
            for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        # Then both may send task success, failure and heartbeats
        assert {"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"} <= actions, (
            role_id
        )
