"""The CLI end to end, and every example spec against the sample media it documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import pytest
from typer.testing import CliRunner

from renderowl.cli import app
from renderowl.media import prepare_sources, resolve_timeline
from renderowl.media.samples import generate_samples
from renderowl.spec import parse_spec

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def examples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/ with its sample media generated, as `renderowl samples examples/media` does."""
    folder = tmp_path_factory.mktemp("examples")
    for spec in EXAMPLES.glob("*.json"):
        shutil.copy(spec, folder / spec.name)
    generate_samples(folder / "media")
    return folder


def test_there_are_the_documented_examples() -> None:
    names = {p.stem for p in EXAMPLES.glob("*.json")}
    assert {
        "demo",
        "social-captions",
        "slideshow-kenburns",
        "title-card",
        "picture-in-picture",
        "podcast-audio",
        "gif",
    } <= names


def test_every_example_passes_both_validation_stages(examples_dir: Path) -> None:
    # Given every example with its sample media
    for path in sorted(examples_dir.glob("*.json")):
        # When parsed, probed and resolved
        spec = parse_spec(json.loads(path.read_text()), allow_local_paths=True)
        sources = prepare_sources(spec, lambda src, base=path.parent: base / src)
        timeline = resolve_timeline(spec, sources)

        # Then it has something to render
        assert timeline.window_length > 0, path.name


def test_cli_renders_the_demo_with_merge_override(examples_dir: Path, tmp_path: Path) -> None:
    # When the demo is rendered through the CLI with a merge override
    out = tmp_path / "demo.mp4"
    result = runner.invoke(
        app, ["render", str(examples_dir / "demo.json"), "-o", str(out), "--set", "name=Grace"]
    )

    # Then it succeeds with a 5 s 1024x576 video with sound, a poster and a thumbnail
    assert result.exit_code == 0, result.output
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1024, 576)
        assert container.streams.audio
        assert container.duration / av.time_base == pytest.approx(5.0, abs=0.04)
    assert (tmp_path / "demo.poster.jpg").is_file() and (tmp_path / "demo.thumb.jpg").is_file()


def test_cli_validate_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    # Given a spec with two problems
    spec = tmp_path / "bad.json"
    spec.write_text(
        json.dumps(
            {
                "timeline": {
                    "tracks": [
                        {"clips": [{"asset": {"type": "video", "src": "https://x/y.mp4"}, "length": -1}]}
                    ]
                },
                "output": {"format": "avi"},
            }
        )
    )

    # When validated
    result = runner.invoke(app, ["validate", str(spec)])

    # Then both are printed with their paths
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert (
        "timeline.tracks[0].clips[0].asset.src" in text
        and "timeline.tracks[0].clips[0].length: must be > 0" in text
    )
    assert "output.format" in text


def test_cli_validate_accepts_a_valid_spec(examples_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(examples_dir / "title-card.json")])
    assert result.exit_code == 0, result.output


def test_cli_render_reports_missing_files(tmp_path: Path) -> None:
    spec = tmp_path / "missing.json"
    spec.write_text(
        json.dumps({"timeline": {"tracks": [{"clips": [{"asset": {"type": "video", "src": "nope.mp4"}}]}]}})
    )
    result = runner.invoke(app, ["render", str(spec), "-o", str(tmp_path / "o.mp4")])
    assert result.exit_code == 1
    assert "no such file" in result.output and not (tmp_path / "o.mp4").exists()


def test_cli_schema_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Renderowl render spec"
