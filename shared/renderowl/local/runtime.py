"""Calls catalog handlers in-process the way Lambda does: the handler file loaded by path, a
context object with a request id and a deadline."""

from __future__ import annotations

import importlib.util
import threading
import time
import uuid
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from renderowl.catalog import Function

_modules: dict[str, ModuleType] = {}
_lock = threading.Lock()


@dataclass
class LocalContext:
    """The attributes of ``aws_lambda_powertools.utilities.typing.LambdaContext`` handlers use."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "local"
    log_stream_name: str = "local"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(fn: Function) -> Any:
    """The handler callable of a catalog function, imported once per process."""
    with _lock:
        module = _modules.get(fn.name)
        if module is None:
            spec = importlib.util.spec_from_file_location(
                f"renderowl_fn_{fn.name.replace('-', '_')}", fn.handler_file
            )
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load handler of {fn.name} from {fn.handler_file}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            _modules[fn.name] = module
    return getattr(module, fn.handler_function)


def invoke(fn: Function, event: dict[str, Any]) -> Any:
    """Call ``fn``'s handler with ``event`` and a fresh context."""
    context = LocalContext(function_name=fn.name, memory_limit_in_mb=fn.memory, timeout_s=fn.timeout)
    return load_handler(fn)(event, context)
