"""The function catalog: one declaration (``functions/catalog.toml``) of every function, its
trigger, limits and environment, read by the CDK app and by the local cloud alike."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
CATALOG_PATH = FUNCTIONS_DIR / "catalog.toml"
ASL_PATH = REPO_ROOT / "infra" / "statemachine" / "render.asl.json"

# SQS caps a visibility timeout at 12 hours; AWS asks for six times the consumer's timeout.
MAX_VISIBILITY_TIMEOUT = 43_200
VISIBILITY_FACTOR = 6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Trigger(_Model):
    type: Literal["api", "queue", "state_machine", "deploy"]
    queue: str | None = None
    batch_size: int = Field(1, ge=1, le=10)
    max_concurrency: int | None = Field(None, ge=2)
    max_receive_count: int = Field(5, ge=1, le=1000, description="Receives before a message goes to the DLQ.")

    @model_validator(mode="after")
    def _queue_needs_name(self) -> Trigger:
        if (self.type == "queue") != (self.queue is not None):
            raise ValueError("a queue trigger names its queue, and only a queue trigger does")
        return self


class Function(_Model):
    name: str
    description: str
    handler: str | None = Field(None, description="`dir/file.function` under functions/")
    container: str | None = Field(None, description="renderowl module run as a Fargate task")
    trigger: Trigger
    timeout: int = Field(30, ge=1, le=86_400)
    memory: int = Field(512, ge=128, le=30_720)
    cpu: int | None = Field(None, description="Fargate CPU units (container functions)")
    reserved_concurrency: int | None = Field(None, ge=1)
    media: bool | None = Field(
        None, description="Needs FFmpeg/PyAV (a container image in AWS); unset: infra reads the imports"
    )
    env: tuple[str, ...] = ()
    functions_dir: Path = Field(FUNCTIONS_DIR, exclude=True, description="Where handler paths start")

    @model_validator(mode="after")
    def _one_entry_point(self) -> Function:
        if (self.handler is None) == (self.container is None):
            raise ValueError(f"function {self.name!r} needs exactly one of handler or container")
        if self.handler is not None and self.timeout > 900:
            raise ValueError(f"function {self.name!r}: Lambda timeouts stop at 900 s")
        return self

    @property
    def is_container(self) -> bool:
        return self.container is not None

    @property
    def handler_file(self) -> Path:
        """The handler's source file (Lambda functions)."""
        assert self.handler is not None
        module, _, _ = self.handler.rpartition(".")
        return self.functions_dir / f"{module}.py"

    @property
    def handler_function(self) -> str:
        assert self.handler is not None
        return self.handler.rpartition(".")[2]

    @property
    def code_dir(self) -> Path:
        """The folder deployed as the Lambda's code asset."""
        return self.handler_file.parent


class Queue(_Model):
    name: str
    consumer: str
    visibility_timeout: int
    max_receive_count: int

    @property
    def dlq_name(self) -> str:
        return f"{self.name}-dlq"


class Notification(_Model):
    prefix: str
    queue: str
    events: tuple[str, ...] = ("s3:ObjectCreated:*",)


class Bucket(_Model):
    notifications: tuple[Notification, ...] = ()


class Catalog(_Model):
    functions: dict[str, Function]
    bucket: Bucket = Bucket()

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: dict) -> dict:  # type: ignore[type-arg]
        functions = data.get("functions", {})
        base = data.pop("functions_dir", FUNCTIONS_DIR)
        data["functions"] = {
            name: {"functions_dir": base, **spec, "name": name} for name, spec in functions.items()
        }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        consumers: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.trigger.queue:
                if fn.trigger.queue in consumers:
                    raise ValueError(f"queue {fn.trigger.queue!r} has two consumers")
                consumers[fn.trigger.queue] = fn.name
        for note in self.bucket.notifications:
            if note.queue not in consumers:
                raise ValueError(f"bucket notification targets unknown queue {note.queue!r}")
        return self

    @cached_property
    def queues(self) -> dict[str, Queue]:
        """Every queue, derived from the functions that consume them."""
        out = {}
        for fn in self.functions.values():
            if fn.trigger.queue:
                out[fn.trigger.queue] = Queue(
                    name=fn.trigger.queue,
                    consumer=fn.name,
                    visibility_timeout=min(VISIBILITY_FACTOR * fn.timeout, MAX_VISIBILITY_TIMEOUT),
                    max_receive_count=fn.trigger.max_receive_count,
                )
        return out

    def consumer(self, queue: str) -> Function:
        return self.functions[self.queues[queue].consumer]


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read and validate the catalog."""
    with path.open("rb") as fh:
        return Catalog.model_validate({**tomllib.load(fh), "functions_dir": path.parent})


def camel(name: str) -> str:
    """``long-render`` → ``LongRender``: how catalog names appear in ASL substitutions."""
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def queue_url_env(queue: str) -> str:
    """The setting holding a queue's URL: ``long-render`` → ``RENDEROWL_LONG_RENDER_QUEUE_URL``."""
    return f"RENDEROWL_{queue.upper().replace('-', '_')}_QUEUE_URL"


def dlq_url_env(queue: str) -> str:
    """The setting holding a queue's DLQ URL: ``webhooks`` → ``RENDEROWL_WEBHOOKS_DLQ_URL``."""
    return f"RENDEROWL_{queue.upper().replace('-', '_')}_DLQ_URL"


def function_arn_placeholder(name: str) -> str:
    """The ASL placeholder of a state-machine function: ``mark-failed`` → ``MarkFailedFunctionArn``."""
    return f"{camel(name)}FunctionArn"


def queue_url_placeholder(name: str) -> str:
    """The ASL placeholder of a queue: ``long-render`` → ``LongRenderQueueUrl``."""
    return f"{camel(name)}QueueUrl"


def asl_substitutions(
    catalog: Catalog, function_arn: Callable[[str], str], queue_url: Callable[[str], str]
) -> dict[str, str]:
    """``${<Name>FunctionArn}`` for every state-machine function and ``${<Name>QueueUrl}`` for every
    queue: the values the ASL file is filled with, by CDK and by the local cloud alike."""
    subs = {
        function_arn_placeholder(fn.name): function_arn(fn.name)
        for fn in catalog.functions.values()
        if fn.trigger.type == "state_machine"
    }
    subs.update({queue_url_placeholder(q): queue_url(q) for q in catalog.queues})
    return subs


def render_asl(text: str, substitutions: dict[str, str]) -> str:
    """The ASL with every ``${Name}`` replaced; refuses to leave one unfilled."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in substitutions:
            raise KeyError(f"the state machine needs ${{{name}}}, which nothing provides")
        return substitutions[name]

    return re.sub(r"\$\{([A-Za-z0-9]+)\}", fill, text)
