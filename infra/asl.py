"""The render state machine's definition file and its ``${Placeholders}``.

The same file runs locally (moto) and in AWS; only the placeholders differ. CDK passes them as
``DefinitionSubstitutions``. Here they are matched to the catalog: ``${<Name>FunctionArn}`` is the
``state_machine`` function ``name`` (``mark-failed`` → ``MarkFailedFunctionArn``) and
``${<Name>QueueUrl}`` the catalog queue ``name`` (``long-render`` → ``LongRenderQueueUrl``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from infra.names import function_arn_placeholder, queue_url_placeholder
from renderowl.catalog import Catalog

DEFAULT_ASL = Path(__file__).resolve().parent / "statemachine" / "render.asl.json"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class AslError(ValueError):
    """The definition and the catalog disagree."""


@dataclass(frozen=True)
class AslBindings:
    """Which catalog functions and queues fill which placeholders."""

    functions: dict[str, str]  # placeholder -> function name
    queues: dict[str, str]  # placeholder -> queue name

    @property
    def task_queues(self) -> frozenset[str]:
        """Queues the state machine sends task tokens to: their consumers report task results."""
        return frozenset(self.queues.values())


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def bind(catalog: Catalog, text: str) -> AslBindings:
    """Match every placeholder in ``text`` to the catalog, or fail naming what is missing."""
    by_function = {
        function_arn_placeholder(fn.name): fn.name
        for fn in catalog.functions.values()
        if fn.trigger.type == "state_machine"
    }
    by_queue = {queue_url_placeholder(name): name for name in catalog.queues}
    found = placeholders(text)
    unknown = sorted(found - by_function.keys() - by_queue.keys())
    if unknown:
        raise AslError(
            "the state machine definition names "
            + ", ".join(f"${{{p}}}" for p in unknown)
            + ", which no catalog "
            "entry fills (a state_machine function or a queue with that CamelCase name)"
        )
    unused = sorted(set(by_function) - found)
    if unused:
        raise AslError(
            "state_machine functions the definition never invokes: "
            + ", ".join(by_function[p] for p in unused)
            + f" (expected ${{{unused[0]}}} in the ASL)"
        )
    return AslBindings(
        functions={p: by_function[p] for p in found if p in by_function},
        queues={p: by_queue[p] for p in found if p in by_queue},
    )
