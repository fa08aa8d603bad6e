"""Every zip function fits Lambda's limits with its layers, measured on the built artifacts."""

from __future__ import annotations

import zipfile

from layers.build import MAX_DIRECT_ZIP_BYTES, MAX_UNZIPPED_BYTES, RUNTIME_PROVIDED, BuiltLayer, tree_bytes
from tests.infra.conftest import Synth


def test_each_zip_function_with_its_layers_stays_under_250_mib_unzipped(
    full: Synth, layers: dict[str, BuiltLayer]
) -> None:
    # Given the zip functions of the full catalog and the layers they get
    zips = [f for f in full.stack.functions.functions.values() if not f.media]
    assert zips
    layer_bytes = sum(
        layer.unzipped_bytes for name, layer in layers.items() if name in full.stack.layers.layers
    )

    for built in zips:
        # When the function's code folder is added to its layers
        total = tree_bytes(built.spec.code_dir) + layer_bytes

        # Then the whole is under Lambda's 250 MiB unzipped limit
        assert total < MAX_UNZIPPED_BYTES, (built.spec.name, total)


def test_each_layer_zip_could_even_be_uploaded_directly(layers: dict[str, BuiltLayer]) -> None:
    # CDK uploads through S3 (only the 250 MiB rule applies); staying under 50 MiB keeps that optional.
    for layer in layers.values():
        assert layer.zip_file.stat().st_size == layer.zip_bytes
        assert layer.zip_bytes < MAX_DIRECT_ZIP_BYTES, layer.name


def test_the_deps_layer_leaves_out_what_the_runtime_has_and_what_only_images_need(
    layers: dict[str, BuiltLayer],
) -> None:
    # Given the deps layer's packages
    names = {p.split("==")[0] for p in layers["deps"].packages}

    # Then boto3 and friends come from the runtime, and FFmpeg bindings only from the image
    assert not names & RUNTIME_PROVIDED
    assert not names & {"av", "imageio-ffmpeg", "ffmpeg-python"}
    assert {"pydantic", "psycopg", "aws-lambda-powertools"} <= names


def test_the_package_layer_ships_migrations_and_fonts_under_python(layers: dict[str, BuiltLayer]) -> None:
    # Given the renderowl layer's zip
    with zipfile.ZipFile(layers["renderowl"].zip_file) as archive:
        entries = set(archive.namelist())

    # Then the package sits where Lambda looks (/opt/python) with its non-Python files
    assert "python/renderowl/__init__.py" in entries
    assert any(e.startswith("python/renderowl/store/migrations/") and e.endswith(".sql") for e in entries)
    assert any(e.startswith("python/renderowl/fonts/") and e.endswith(".ttf") for e in entries)
    assert not any("__pycache__" in e for e in entries)


def test_media_functions_run_from_the_image_where_the_10_gb_limit_applies(full: Synth) -> None:
    # Given the full catalog's media functions (they import FFmpeg bindings: 292 MiB unpacked)
    media = [f for f in full.stack.functions.functions.values() if f.media]
    assert {f.spec.name for f in media} >= {"render", "ingest"}
    for built in media:
        props = full.raw["Resources"][full.logical_id(built.function)]["Properties"]
        # Then they are container-image functions with room in /tmp for video
        assert props["PackageType"] == "Image"
        assert props["EphemeralStorage"]["Size"] >= 2048
