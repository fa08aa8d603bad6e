"""The CDK app: ``python -m infra.app`` (what ``cdk.json`` runs, and what ``make synth`` runs).

Context comes from ``cdk.json`` (also when the app runs without the CDK CLI, so a plain
``python -m infra.app`` synthesizes exactly what ``cdk synth`` would), overridden by ``-c``.
The layers are built first when missing (cached by the lock file's hash: see layers/build.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.asl import DEFAULT_ASL
from infra.config import DeployConfig
from infra.nag import acknowledge
from infra.names import STACK_ID
from infra.stack import RenderowlStack, needs_layers
from layers.build import DEPLOYED, build, layer_zip
from renderowl.catalog import CATALOG_PATH, Catalog, load_catalog

REPO = Path(__file__).resolve().parents[1]
CDK_JSON = REPO / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` of cdk.json: options and feature flags."""
    return dict(json.loads(CDK_JSON.read_text(encoding="utf-8")).get("context", {}))


def build_app(
    *,
    catalog: Catalog | None = None,
    asl_path: Path = DEFAULT_ASL,
    context: dict[str, Any] | None = None,
    outdir: str | None = None,
    nag: bool = True,
) -> tuple[cdk.App, RenderowlStack]:
    """The app with its one stack, from ``catalog`` (default: functions/catalog.toml)."""
    app = cdk.App(context={**cdk_json_context(), **(context or {})}, outdir=outdir)
    config = DeployConfig.from_context(app.node)
    stack = RenderowlStack(
        app,
        STACK_ID,
        catalog=catalog or load_catalog(CATALOG_PATH),
        asl_path=asl_path,
        layer_zips={name: layer_zip(name) for name in DEPLOYED},
        config=config,
        env=cdk.Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
        ),
        description="Renderowl: serverless video rendering (github.com/renderowl)",
    )
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
        acknowledge(stack, multi_az=config.db_multi_az)
    return app, stack


def main() -> None:
    catalog = load_catalog(CATALOG_PATH)
    if needs_layers(catalog):
        build(log=True)  # a no-op when the cached layers match the lock and the package
    app, _ = build_app(catalog=catalog, outdir=os.environ.get("CDK_OUTDIR", str(REPO / "cdk.out")))
    app.synth()


if __name__ == "__main__":
    main()
