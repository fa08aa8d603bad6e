"""Pinned requirements for Lambda, read from ``uv.lock``.

The layers must carry exactly the versions the tests ran against, so nothing is resolved again:
the closure of the project's runtime dependencies is walked in the lock file for the Lambda
platform (CPython 3.12 on x86_64 Linux), and each package is installed with ``--no-deps`` and the
lock's wheel hashes (``--require-hashes``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

# The environment markers of the python3.12 Lambda runtime (Amazon Linux 2023, x86_64).
LAMBDA_MARKERS: dict[str, str] = {
    "python_version": "3.12",
    "python_full_version": "3.12.0",
    "implementation_name": "cpython",
    "implementation_version": "3.12.0",
    "platform_python_implementation": "CPython",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "sys_platform": "linux",
    "os_name": "posix",
    "platform_release": "",
    "platform_version": "",
    "extra": "",
}


@dataclass(frozen=True)
class Pin:
    """One package of the lock, pinned with the hashes of all its wheels."""

    name: str
    version: str
    hashes: tuple[str, ...]

    def requirement_line(self) -> str:
        hashes = " ".join(f"--hash={h}" for h in self.hashes)
        return f"{self.name}=={self.version} {hashes}".strip()


class Lock:
    """The parts of ``uv.lock`` needed to walk a dependency closure."""

    def __init__(self, path: Path) -> None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        # A package can appear in several versions when uv forked the resolution (by Python version).
        self._packages: dict[str, list[dict]] = {}  # type: ignore[type-arg]
        for package in data["package"]:
            self._packages.setdefault(canonicalize_name(package["name"]), []).append(package)

    def project_dependencies(self, project: str) -> list[dict]:  # type: ignore[type-arg]
        (package,) = self._packages[canonicalize_name(project)]
        return list(package.get("dependencies", []))

    def _package(self, ref: dict) -> dict:  # type: ignore[type-arg]
        candidates = self._packages[canonicalize_name(ref["name"])]
        if "version" in ref:
            candidates = [p for p in candidates if p["version"] == ref["version"]]
        if len(candidates) != 1:
            raise ValueError(f"uv.lock: cannot tell which {ref['name']} is meant ({len(candidates)} found)")
        return candidates[0]

    def closure(self, roots: Iterable[dict], *, stop: frozenset[str] = frozenset()) -> dict[str, Pin]:  # type: ignore[type-arg]
        """Every package reachable from ``roots`` on the Lambda platform, not walking into ``stop``."""
        out: dict[str, Pin] = {}
        todo: list[tuple[dict, tuple[str, ...]]] = [(ref, tuple(ref.get("extra", ()))) for ref in roots]  # type: ignore[type-arg]
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        while todo:
            ref, extras = todo.pop()
            name = canonicalize_name(ref["name"])
            if name in stop or not _applies(ref):
                continue
            package = self._package(ref)
            key = (name, package["version"], extras)
            if key in seen:
                continue
            seen.add(key)
            out[name] = Pin(
                name=name,
                version=package["version"],
                hashes=tuple(sorted({wheel["hash"] for wheel in package.get("wheels", [])})),
            )
            deps = list(package.get("dependencies", []))
            for extra in extras:
                deps += package.get("optional-dependencies", {}).get(extra, [])
            todo += [(dep, tuple(dep.get("extra", ()))) for dep in deps]
        return out


def _applies(ref: dict) -> bool:  # type: ignore[type-arg]
    marker = ref.get("marker")
    return marker is None or Marker(marker).evaluate(LAMBDA_MARKERS)
