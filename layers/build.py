"""Build the Lambda layers locally, without Docker: ``python -m layers.build [--force]``.

Two layers, split so that each function carries only what it imports:

- ``deps``: the runtime dependencies from ``uv.lock`` except the media ones, and except boto3,
  botocore and s3transfer, which the Lambda runtime provides. Every function gets it.
- ``renderowl``: the package itself from ``shared/renderowl``, with its SQL migrations and fonts.
  It changes with every commit, so it is its own small layer and the big one stays cached.

There is no media layer, by measurement: the locked ``imageio-ffmpeg`` 0.8.1 unpacks to 165 MiB
(a static ffmpeg 9) and ``av`` 19 to 127 MiB, 292 MiB together, over Lambda's 250 MiB for
function + layers before any other dependency. The functions that touch media are therefore
container-image Lambdas built from the repository's ``Dockerfile`` (target ``lambda``, 10 GB
limit), which also keeps the ~70 MiB API bundle free of codecs. ``python -m layers.build
--measure-media`` rebuilds that measurement.
Wheels are fetched by pip for the Lambda platform (``--platform manylinux… --only-binary=:all:
--python-version 3.12 --implementation cp``), pinned to the lock with ``--no-deps`` and the lock's
hashes. Each layer is rebuilt only when its key (the lock file, this recipe, or the package's
files) changes; ``layers/build/manifest.json`` records keys and measured sizes.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from layers.lock import Lock, Pin

REPO = Path(__file__).resolve().parents[1]
BUILD_DIR = REPO / "layers" / "build"
MANIFEST = BUILD_DIR / "manifest.json"
LOCK_FILE = REPO / "uv.lock"
PACKAGE_DIR = REPO / "shared" / "renderowl"
PROJECT = "renderowl"

# Provided by the python3.12 Lambda runtime; shipping them again would only cost space.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
# Media packages: too big for a zip Lambda (see above); they ship in the container images only.
MEDIA_ROOTS = frozenset({"av", "imageio-ffmpeg", "ffmpeg-python"})
# Lambda's python3.12 runtime is Amazon Linux 2023 (glibc 2.34): wheels up to manylinux_2_34 load.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")
PYTHON_VERSION = "3.12"

# Lambda's hard limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
MAX_DIRECT_ZIP_BYTES = 50 * 1024 * 1024

# Never useful at run time in Lambda; dropped after install to save space and cold-start reads.
_PRUNE_DIRS = frozenset({"__pycache__"})


@dataclass(frozen=True)
class BuiltLayer:
    """A built layer: its zip, its unpacked folder and what they measure."""

    name: str
    key: str
    zip_path: str
    unzipped_bytes: int
    zip_bytes: int
    packages: tuple[str, ...]

    @property
    def zip_file(self) -> Path:
        return REPO / self.zip_path


def layer_zip(name: str) -> Path:
    """Where the zip of layer ``name`` is (what the CDK app deploys)."""
    return BUILD_DIR / f"{name}.zip"


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _package_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and not _PRUNE_DIRS.intersection(p.parts) and p.suffix != ".pyc"
    )


# The layers the CDK app deploys; "media" is only built on request, to measure it.
DEPLOYED = ("deps", "renderowl")


def plan(*, media: bool = False) -> dict[str, tuple[str, list[Pin] | None]]:
    """Each layer's cache key and its pins (``None`` for the package layer, which is copied)."""
    lock = Lock(LOCK_FILE)
    roots = lock.project_dependencies(PROJECT)
    deps = lock.closure(
        [r for r in roots if canonicalize_name(r["name"]) not in MEDIA_ROOTS], stop=RUNTIME_PROVIDED
    )
    media_all = lock.closure(
        [r for r in roots if canonicalize_name(r["name"]) in MEDIA_ROOTS], stop=RUNTIME_PROVIDED
    )
    media_only = {name: pin for name, pin in media_all.items() if name not in deps}
    recipe = Path(__file__).read_bytes() + (Path(__file__).parent / "lock.py").read_bytes()
    out: dict[str, tuple[str, list[Pin] | None]] = {}
    for name, pins in (("deps", deps), ("media", media_only)):
        if name == "media" and not media:
            continue
        listing = "\n".join(p.requirement_line() for p in sorted(pins.values(), key=lambda p: p.name))
        out[name] = (
            _sha256(recipe, name.encode(), listing.encode()),
            sorted(pins.values(), key=lambda p: p.name),
        )
    package = [recipe] + [str(p.relative_to(PACKAGE_DIR)).encode() + p.read_bytes() for p in _package_files()]
    out["renderowl"] = (_sha256(*package), None)
    return out


def _pip() -> list[str]:
    """A pip to run. Any Python's pip will do: it only downloads wheels for the target platform."""
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    for candidate in (REPO / ".tools" / "bin" / "python", Path(shutil.which("python3") or "")):
        if candidate.is_file():
            return [str(candidate), "-m", "pip"]
    raise SystemExit("layers: no pip found (run `make setup`, or install pip for python3)")


def _install(pins: list[Pin], site: Path) -> None:
    requirements = site.parent / "requirements.txt"
    requirements.write_text("\n".join(p.requirement_line() for p in pins) + "\n", encoding="utf-8")
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    subprocess.run(
        [
            *_pip(),
            "install",
            # -qq: errors only (this machine's pip config adds one warning per package).
            "-qq",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--no-input",
            "--no-compile",
            "--no-deps",
            # pip checks Requires-Python against the interpreter running it, not --python-version;
            # the pins come from the lock for Python 3.12, so the check is already done.
            "--ignore-requires-python",
            "--require-hashes",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            PYTHON_VERSION,
            *platforms,
            "--target",
            str(site),
            "-r",
            str(requirements),
        ],
        check=True,
    )
    # pip's --target leaves console scripts in bin/; Lambda never runs them from a layer.
    shutil.rmtree(site / "bin", ignore_errors=True)


def _copy_package(site: Path) -> None:
    for source in _package_files():
        target = site / PROJECT / source.relative_to(PACKAGE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _prune(root: Path) -> None:
    for folder in sorted(root.rglob("*"), reverse=True):
        if folder.is_dir() and folder.name in _PRUNE_DIRS:
            shutil.rmtree(folder)


def tree_bytes(root: Path) -> int:
    """Bytes of every file under ``root``, as Lambda counts a function's unzipped size."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _zip(root: Path, target: Path) -> None:
    """A deterministic zip (sorted, fixed timestamps) that keeps the executable bits: the asset hash
    only changes when the content does, and the ffmpeg binary stays runnable under /opt."""
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(path.relative_to(root)), date_time=(1980, 1, 1, 0, 0, 0))
            mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as fh:
                archive.writestr(info, fh.read(), compresslevel=6)
    tmp.replace(target)


def _read_manifest() -> dict[str, dict]:  # type: ignore[type-arg]
    if MANIFEST.is_file():
        return dict(json.loads(MANIFEST.read_text(encoding="utf-8")))
    return {}


@contextmanager
def _exclusive() -> Iterator[None]:
    """One build at a time (pytest-xdist workers, a parallel `make synth`)."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with (BUILD_DIR / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(*, force: bool = False, media: bool = False, log: bool = True) -> dict[str, BuiltLayer]:
    """Build every layer whose key changed (all with ``force``); return them all, measured."""
    with _exclusive():
        manifest = _read_manifest()
        out: dict[str, BuiltLayer] = {}
        for name, (key, pins) in plan(media=media).items():
            cached = manifest.get(name)
            if not force and cached and cached["key"] == key and layer_zip(name).is_file():
                out[name] = BuiltLayer(**{**cached, "packages": tuple(cached["packages"])})
                continue
            if log:
                print(f"layers: building {name} …", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(dir=BUILD_DIR, prefix=f".{name}-") as tmp:
                site = Path(tmp) / "python"  # Lambda puts /opt/python on sys.path
                site.mkdir()
                if pins is None:
                    _copy_package(site)
                    packages: tuple[str, ...] = (PROJECT,)
                else:
                    _install(pins, site)
                    packages = tuple(f"{p.name}=={p.version}" for p in pins)
                _prune(site)
                unpacked = BUILD_DIR / name
                shutil.rmtree(unpacked, ignore_errors=True)
                shutil.move(str(site.parent), unpacked)
                (unpacked / "requirements.txt").unlink(missing_ok=True)
            _zip(unpacked, layer_zip(name))
            out[name] = BuiltLayer(
                name=name,
                key=key,
                zip_path=str(layer_zip(name).relative_to(REPO)),
                unzipped_bytes=tree_bytes(unpacked),
                zip_bytes=layer_zip(name).stat().st_size,
                packages=packages,
            )
            manifest[name] = asdict(out[name])
            MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild every layer, ignoring the cache")
    parser.add_argument(
        "--measure-media", action="store_true", help="also build the (undeployable) media layer to measure it"
    )
    args = parser.parse_args(argv)
    os.chdir(REPO)
    layers = build(force=args.force, media=args.measure_media)
    mib = 1024 * 1024
    for layer in layers.values():
        print(
            f"{layer.name:<10} unzipped {layer.unzipped_bytes / mib:7.1f} MiB   zip {layer.zip_bytes / mib:6.1f} MiB"
        )
    total = sum(layers[name].unzipped_bytes for name in DEPLOYED)
    print(
        f"{'deployed':<10} unzipped {total / mib:7.1f} MiB   (Lambda allows {MAX_UNZIPPED_BYTES / mib:.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
