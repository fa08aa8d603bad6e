import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from renderowl.config import Settings
from renderowl.webhooks.delivery import retry_after, retry_delay


def test_the_published_schedule_with_jitter() -> None:
    # Given the default schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
    settings = Settings()
    rng = random.Random(7)
    expected = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    # Then each delay stays within ±10 % of the schedule, and after eight attempts there is no next one
    for made, base in enumerate(expected):
        delay = retry_delay(made, settings, rng)
        assert delay is not None
        assert base * 0.9 <= delay <= base * 1.1
    assert retry_delay(len(expected), settings, rng) is None


def test_a_compressed_schedule_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDEROWL_WEBHOOK_RETRY_SCHEDULE", "0,0.5,1")
    monkeypatch.setenv("RENDEROWL_WEBHOOK_JITTER", "0")
    settings = Settings()
    assert [retry_delay(n, settings) for n in range(4)] == [0, 0.5, 1, None]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120") == 120
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= (retry_after(later) or 0) <= 61
    assert retry_after(None) is None
    assert retry_after("soon") is None
