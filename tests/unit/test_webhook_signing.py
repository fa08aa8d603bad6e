"""Signatures per Standard Webhooks, checked against the independent `standardwebhooks` package."""

from __future__ import annotations

import time

import pytest
from standardwebhooks.webhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError as SWVerificationError

from renderowl.webhooks import WebhookVerificationError, generate_secret, sign, verify

BODY = b'{"data":{"id":"rnd_01"},"timestamp":"2026-11-21T20:00:00+00:00","type":"render.succeeded"}'


@pytest.fixture
def secret() -> str:
    return generate_secret()


def test_our_signatures_verify_with_the_reference_package(secret: str) -> None:
    headers = sign([secret], "evt_01", int(time.time()), BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-signature"].startswith("v1,")
    Webhook(secret).verify(BODY, headers)  # raises if not authentic
    verify(BODY, headers, secret)


def test_reference_signatures_verify_with_ours(secret: str) -> None:
    now = int(time.time())
    from datetime import UTC, datetime

    signature = Webhook(secret).sign("msg_1", datetime.fromtimestamp(now, UTC), BODY.decode())
    verify(
        BODY, {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(now), "Webhook-Signature": signature}, secret
    )


def _flip_one_byte(value: bytes) -> bytes:
    return value[:10] + bytes([value[10] ^ 0x01]) + value[11:]


@pytest.mark.parametrize("part", ["body", "id", "timestamp"])
def test_a_one_byte_change_fails_verification(secret: str, part: str) -> None:
    now = int(time.time())
    headers = sign([secret], "evt_01HZ", now, BODY)
    body = BODY
    if part == "body":
        body = _flip_one_byte(BODY)
    elif part == "id":
        headers["webhook-id"] = "evt_01HY"
    else:
        headers["webhook-timestamp"] = str(now + 1)
    with pytest.raises(SWVerificationError):
        Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        verify(body, headers, secret)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_timestamp_outside_the_tolerance_fails(secret: str, skew: int) -> None:
    stamp = int(time.time()) + skew
    headers = sign([secret], "evt_01", stamp, BODY)
    with pytest.raises(SWVerificationError):
        Webhook(secret).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify(BODY, headers, secret)


def test_during_a_rotation_both_secrets_verify(secret: str) -> None:
    old = generate_secret()
    headers = sign([secret, old], "evt_01", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    verify(BODY, headers, secret)
    verify(BODY, headers, old)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        verify(BODY, headers, generate_secret())


def test_missing_headers_are_refused(secret: str) -> None:
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(BODY, {"webhook-id": "x"}, secret)
