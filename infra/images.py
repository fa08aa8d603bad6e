"""The container images built from the repository's ``Dockerfile`` (by CDK, at deploy time).

Synthesizing only stages the build context (no Docker needed); ``cdk deploy`` builds and pushes.
One Dockerfile, two targets from the same locked dependencies: ``fargate`` (the long-render task)
and ``lambda`` (media functions as container-image Lambdas). The build context is the repository
minus everything the images do not need; ``.dockerignore`` says the same for plain ``docker build``.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import IgnoreMode
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_

from infra.names import DOCKER_TARGET_FARGATE, DOCKER_TARGET_LAMBDA

REPO = Path(__file__).resolve().parents[1]

# Kept out of the build context whatever .dockerignore says: big, local, or secret-bearing.
CONTEXT_EXCLUDE = [
    ".git",
    ".venv",
    ".tools",
    ".renderowl",
    "cdk.out",
    "layers/build",
    "out",
    "node_modules",
    "tests",
    "bench",
    "docs",
    "examples",
    "**/__pycache__",
    "**/*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
]


def _image_props(target: str) -> dict[str, object]:
    return {
        "directory": str(REPO),
        "target": target,
        "exclude": CONTEXT_EXCLUDE,
        "ignore_mode": IgnoreMode.DOCKER,
        "platform": ecr_assets.Platform.LINUX_AMD64,
    }


def lambda_image_code(*, cmd: list[str]) -> lambda_.DockerImageCode:
    props = _image_props(DOCKER_TARGET_LAMBDA)
    return lambda_.DockerImageCode.from_image_asset(
        str(props.pop("directory")),
        cmd=cmd,
        **props,  # type: ignore[arg-type]
    )


def fargate_image() -> ecs.ContainerImage:
    props = _image_props(DOCKER_TARGET_FARGATE)
    return ecs.ContainerImage.from_asset(str(props.pop("directory")), **props)  # type: ignore[arg-type]
