"""The Lambda layers built by ``layers/build.py`` (zip functions get both)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.names import camel


class LayerMissingError(FileNotFoundError):
    """A layer zip is not built yet."""


class Layers(Construct):
    """One ``LayerVersion`` per built zip, in the order the functions list them."""

    def __init__(self, scope: Construct, construct_id: str, *, zips: dict[str, Path]) -> None:
        super().__init__(scope, construct_id)
        self.layers: dict[str, lambda_.LayerVersion] = {}
        for name, path in zips.items():
            if not path.is_file():
                raise LayerMissingError(f"layer {name!r} is not built ({path}): run `python -m layers.build`")
            self.layers[name] = lambda_.LayerVersion(
                self,
                camel(name),
                code=lambda_.Code.from_asset(str(path)),
                compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
                compatible_architectures=[lambda_.Architecture.X86_64],
                description=f"Renderowl {name} (layers/build.py)",
                # Old versions stay usable by functions mid-deploy; CloudFormation deletes them later.
                removal_policy=RemovalPolicy.DESTROY,
            )

    def all(self) -> list[lambda_.ILayerVersion]:
        return list(self.layers.values())
