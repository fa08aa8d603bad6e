"""How each catalog function is packaged: a zip with the layers, or the container image.

Media dependencies (PyAV + the static ffmpeg) are 292 MiB unpacked, more than Lambda's 250 MiB
for a zip function with its layers (measured by ``layers/build.py``), so a function that imports
them runs from the repository's Dockerfile (target ``lambda``) instead. Which functions those are
is read from the code rather than kept in a second list that could drift: the handler's imports
are followed through the ``renderowl`` package (every ``import`` statement, lazy ones included, so
the answer errs towards the image), and any path that reaches ``av``, ``imageio_ffmpeg`` or
``ffmpeg`` makes it a media function. A catalog entry can also say so itself with ``media =
true|false`` once the catalog model has that field; the explicit value wins.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from infra.names import LOCAL_ONLY_MODULES, MEDIA_MODULES
from renderowl.catalog import Function

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "shared"


def needs_media(fn: Function, package_root: Path = PACKAGE_ROOT) -> bool:
    """True when ``fn`` must run from the container image (it imports FFmpeg bindings)."""
    explicit = getattr(fn, "media", None)
    if isinstance(explicit, bool):
        return explicit
    if fn.is_container:
        return True
    return _reaches_media(fn.handler_file.resolve(), package_root.resolve())


def _reaches_media(entry: Path, root: Path) -> bool:
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imports(path, root):
            if module.split(".")[0] in MEDIA_MODULES:
                return True
            if module.startswith(LOCAL_ONLY_MODULES):
                continue
            todo += _module_files(module, root)
    return False


@cache
def _imports(path: Path, root: Path) -> tuple[str, ...]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(path, root)
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # `from pkg import name` may import the submodule pkg.name: follow both.
            out += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return tuple(out)


def _package_of(path: Path, root: Path) -> str:
    try:
        parts = path.relative_to(root).with_suffix("").parts
    except ValueError:
        return ""
    # A module's package is its folder, for a package's __init__ as for any other module.
    return ".".join(parts[:-1])


def _module_files(module: str, root: Path) -> list[Path]:
    """The files Python runs to import ``module``: each package's __init__ on the way, then it."""
    if not module.startswith("renderowl"):
        return []
    parts = module.split(".")
    out = []
    for i in range(1, len(parts) + 1):
        base = root.joinpath(*parts[:i])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                out.append(candidate)
    return out
