"""No statement grants every action on every resource; every other wildcard is explained."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra.nag import is_wildcard_allowed
from tests.infra.conftest import Synth


def _statements(synth: Synth) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy statement of the template: policies, managed policies and roles' inline policies."""
    for logical_id, resource in synth.raw["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents = [props["PolicyDocument"]]
        elif resource["Type"] == "AWS::IAM::Role":
            documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
        else:
            continue
        for document in documents:
            for statement in document["Statement"]:
                yield logical_id, statement


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_stack_has_iam_policies_to_check(synth: Synth) -> None:
    assert sum(1 for _ in _statements(synth)) > 20


def test_no_statement_allows_every_action_on_every_resource(synth: Synth) -> None:
    # Given every Allow statement of the stack
    for logical_id, statement in _statements(synth):
        if statement["Effect"] != "Allow":
            continue
        actions = _as_list(statement.get("Action", []))
        resources = _as_list(statement.get("Resource", []))

        # Then none combines a "*" action (or "service:*") with a "*" resource
        assert not ("*" in resources and any(a == "*" or a.endswith(":*") for a in actions)), logical_id


def test_every_wildcard_resource_is_one_the_allowlist_explains(synth: Synth) -> None:
    # Given the allow-list of infra/nag.py (each entry: resource pattern, actions, written reason)
    # Then every Allow statement with a "*" in a resource matches it
    unexplained = [
        (logical_id, statement)
        for logical_id, statement in _statements(synth)
        if statement["Effect"] == "Allow" and not is_wildcard_allowed(statement)
    ]
    assert unexplained == []


def test_the_api_may_start_stop_and_describe_renders_and_stop_their_tasks(full: Synth) -> None:
    # Given the api function's role
    role_id = full.logical_id(full.stack.functions.functions["api"].role)
    actions = {
        action
        for logical_id, s in _statements(full)
        if logical_id
        in {
            k
            for k, p in full.resources("AWS::IAM::Policy").items()
            if {"Ref": role_id} in p["Properties"]["Roles"]
        }
        for action in _as_list(s["Action"])
    }

    # Then it holds exactly the render controls its settings imply
    assert {
        "states:StartExecution",
        "states:StopExecution",
        "states:DescribeExecution",
        "ecs:StopTask",
    } <= actions
    # And nothing a worker does
    assert "states:SendTaskSuccess" not in actions
