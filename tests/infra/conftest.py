"""Synthesized stacks for the infrastructure tests: each built once per session.

Two shapes: the repository's own catalog (what deploys today) and the full catalog under
``fixtures/functions`` (every trigger the design names), both through the real app factory, with
cdk-nag on, so a synth that nag rejects fails here too. Assets are not copied (CDK's
``disable-asset-staging`` context), which keeps a synth to ~20 s; the layers are built once,
cached by the lock file's hash (layers/build.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra.app import build_app
from infra.asl import DEFAULT_ASL
from infra.stack import RenderowlStack, needs_layers
from layers.build import BuiltLayer, build
from renderowl.catalog import Catalog, load_catalog

HERE = Path(__file__).resolve().parent
FULL_CATALOG = HERE / "fixtures" / "functions" / "catalog.toml"

# Options every synth here uses, so CORS, alarms and JWT settings are exercised.
TEST_CONTEXT: dict[str, Any] = {
    "aws:cdk:disable-asset-staging": True,
    "renderowl:frontendOrigins": ["https://app.example.com"],
    "renderowl:alarmEmail": "ops@example.com",
    "renderowl:jwt": {
        "jwksUrl": "https://id.example.com/.well-known/jwks.json",
        "issuer": "https://id.example.com/",
    },
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One xdist worker runs every infra test, so each stack is synthesized once, not once per worker.
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("infra"))


@dataclass
class Synth:
    """A synthesized stack: the construct tree, its template, and what it was built from."""

    stack: RenderowlStack
    catalog: Catalog
    asl_path: Path
    outdir: Path
    template: Template
    raw: dict[str, Any]

    def resources(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.raw["Resources"].items() if v["Type"] == cfn_type}

    def logical_id(self, construct: Any) -> str:
        return str(self.stack.resolve(self.stack.get_logical_id(construct.node.default_child)))


def _synth(catalog: Catalog, outdir: Path) -> Synth:
    app, stack = build_app(catalog=catalog, asl_path=DEFAULT_ASL, context=TEST_CONTEXT, outdir=str(outdir))
    app.synth()
    raw = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text(encoding="utf-8"))
    return Synth(stack, catalog, DEFAULT_ASL, outdir, Template.from_json(raw), raw)


@pytest.fixture(scope="session")
def layers() -> dict[str, BuiltLayer]:
    return build(log=False)


@pytest.fixture(scope="session")
def full(layers: dict[str, BuiltLayer], tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The stack from the full catalog (every trigger type, a Fargate worker, a deploy trigger)."""
    return _synth(load_catalog(FULL_CATALOG), tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="session")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The stack from functions/catalog.toml, as `make synth` builds it."""
    catalog = load_catalog()
    if needs_layers(catalog):
        build(log=False)
    return _synth(catalog, tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="session", params=["full", "repo"])
def synth(request: pytest.FixtureRequest) -> Synth:
    """Both shapes, for the rules every deployment must keep."""
    return request.getfixturevalue(request.param)
