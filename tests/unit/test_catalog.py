import pytest
from pydantic import ValidationError

from renderowl.catalog import Catalog, load_catalog


def test_the_shipped_catalog_is_valid_and_every_handler_file_exists() -> None:
    catalog = load_catalog()
    assert "api" in catalog.functions
    for fn in catalog.functions.values():
        if not fn.is_container:
            assert fn.handler_file.is_file(), fn.name


def test_queue_visibility_is_six_times_its_consumer_timeout_capped_at_12h() -> None:
    catalog = Catalog.model_validate(
        {
            "functions": {
                "work": {
                    "description": "d",
                    "handler": "w/h.handler",
                    "timeout": 300,
                    "trigger": {"type": "queue", "queue": "work", "max_receive_count": 3},
                },
                "long": {
                    "description": "d",
                    "container": "renderowl.x",
                    "timeout": 20_000,
                    "trigger": {"type": "queue", "queue": "long"},
                },
            }
        }
    )
    assert catalog.queues["work"].visibility_timeout == 1800
    assert catalog.queues["work"].max_receive_count == 3
    assert catalog.queues["long"].visibility_timeout == 43_200
    assert catalog.consumer("long").is_container


@pytest.mark.parametrize(
    ("functions", "message"),
    [
        (
            {
                "a": {
                    "description": "d",
                    "handler": "a/h.handler",
                    "trigger": {"type": "queue", "queue": "q"},
                },
                "b": {
                    "description": "d",
                    "handler": "b/h.handler",
                    "trigger": {"type": "queue", "queue": "q"},
                },
            },
            "two consumers",
        ),
        ({"a": {"description": "d", "trigger": {"type": "api"}}}, "exactly one of handler or container"),
        (
            {
                "a": {
                    "description": "d",
                    "handler": "a/h.handler",
                    "timeout": 1000,
                    "trigger": {"type": "api"},
                }
            },
            "900 s",
        ),
        (
            {"a": {"description": "d", "handler": "a/h.handler", "trigger": {"type": "queue"}}},
            "names its queue",
        ),
    ],
)
def test_inconsistent_catalogs_are_refused(functions: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Catalog.model_validate({"functions": functions})


def test_notifications_must_target_a_consumed_queue() -> None:
    with pytest.raises(ValidationError, match="unknown queue"):
        Catalog.model_validate(
            {
                "functions": {
                    "api": {"description": "d", "handler": "a/h.handler", "trigger": {"type": "api"}}
                },
                "bucket": {"notifications": [{"prefix": "uploads/", "queue": "ingest"}]},
            }
        )


def test_functions_marked_media_free_do_not_load_ffmpeg_libraries() -> None:
    # Given the catalog's promise that these ship as small zip Lambdas without PyAV/FFmpeg
    import subprocess
    import sys

    catalog = load_catalog()
    media_free = [fn for fn in catalog.functions.values() if fn.media is False]
    assert {"api", "mark-failed", "notify"} <= {fn.name for fn in media_free}
    for fn in media_free:
        # When its handler module is imported in a fresh interpreter, as Lambda does
        probe = (
            "import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('h', {str(fn.handler_file)!r})\n"
            "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
            "print(sorted(m for m in ('av', 'imageio_ffmpeg', 'ffmpeg') if m in sys.modules))\n"
        )
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        # Then no media library was loaded
        assert out.strip() == "[]", f"{fn.name} imports {out.strip()}"
