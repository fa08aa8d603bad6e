"""Deliveries: signed, retried on a schedule, logged, parked in the DLQ, redeliverable."""

from __future__ import annotations

import json
import socket

import pytest
from standardwebhooks.webhooks import Webhook

from renderowl.webhooks import verify
from tests.conftest import Receiver
from tests.integration.webhooks.conftest import Hooks


def test_a_receiver_failing_three_times_gets_one_success_after_four_attempts(
    hooks: Hooks, receiver: Receiver
) -> None:
    # Given an endpoint that answers 500, 503, 302, then 200
    receiver.statuses = [500, 503, 302, 200]
    endpoint = hooks.register(receiver.url)
    # When a test event is sent and the deliverer runs
    sent = hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain()
    # Then four requests arrived, all the same message, each signed, and only the last succeeded
    assert sent.status == 202
    assert len(receiver.requests) == 4
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1
    for request in receiver.requests:
        verify(request.body, request.headers, endpoint["secret"])
        Webhook(endpoint["secret"]).verify(request.body, request.headers)
    payload = json.loads(receiver.requests[-1].body)
    assert payload["type"] == "webhook.test"
    assert set(payload) == {"type", "timestamp", "data"}
    # and the log shows each attempt with its code and timing
    deliveries = hooks.call_api(
        "GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries", token=hooks.token
    ).data["items"]
    assert len(deliveries) == 1
    delivery = deliveries[0]
    assert delivery["status"] == "succeeded"
    assert delivery["event_id"] in ids
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 302, 200]
    assert [a["attempt"] for a in delivery["attempts"]] == [1, 2, 3, 4]
    assert all(a["latency_ms"] is not None and a["latency_ms"] >= 0 for a in delivery["attempts"])
    assert delivery["attempts"][-1]["response_excerpt"] == "ok"


def test_an_always_failing_receiver_ends_failed_in_the_dlq_then_redelivery_succeeds(
    hooks: Hooks, receiver: Receiver
) -> None:
    # Given an endpoint that always answers 500
    receiver.statuses = [500]
    endpoint = hooks.register(receiver.url)
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    # When every scheduled attempt has been made
    hooks.drain()
    # Then the delivery failed after the whole schedule, every attempt is logged, and it is in the DLQ
    [delivery] = hooks.call_api(
        "GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries", token=hooks.token
    ).data["items"]
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempts"]] == [500] * 5
    assert [d["delivery_id"] for d in hooks.dead_letters()] == [delivery["id"]]
    # When the receiver is fixed and the delivery is redelivered through the API
    receiver.statuses = [200]
    redelivered = hooks.call_api(
        "POST", f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['id']}/redeliver", token=hooks.token
    )
    hooks.drain()
    # Then it succeeds, as the same message
    assert redelivered.status == 202
    [after] = hooks.call_api("GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries", token=hooks.token).data[
        "items"
    ]
    assert after["status"] == "succeeded"
    assert len(after["attempts"]) == 6
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1


def test_410_gone_disables_the_endpoint_and_says_why(hooks: Hooks, receiver: Receiver) -> None:
    receiver.statuses = [410]
    endpoint = hooks.register(receiver.url)
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain()
    after = hooks.call_api("GET", f"/api/v1/webhooks/{endpoint['id']}", token=hooks.token).data
    assert len(receiver.requests) == 1
    assert after["status"] == "disabled"
    assert "410" in after["disabled_reason"]


def test_retry_after_is_honoured(hooks: Hooks, receiver: Receiver) -> None:
    # Given an endpoint that asks for 2 s with a 503, then accepts
    receiver.statuses = [503, 200]
    receiver.extra_headers = {"Retry-After": "2"}
    endpoint = hooks.register(receiver.url)
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain(quiet_s=3)
    # Then the second attempt waited for it, not for the schedule's 0.2 s
    assert len(receiver.requests) == 2
    assert receiver.requests[1].at - receiver.requests[0].at >= 2.0


def test_rotating_a_secret_keeps_the_old_one_valid_for_the_grace_period(
    hooks: Hooks, receiver: Receiver
) -> None:
    endpoint = hooks.register(receiver.url)
    rotated = hooks.call_api(
        "POST", f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", token=hooks.token
    ).data
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain()
    assert rotated["secret"] != endpoint["secret"]
    [request] = receiver.requests
    verify(request.body, request.headers, rotated["secret"])
    verify(request.body, request.headers, endpoint["secret"])
    assert "secret" not in hooks.call_api("GET", f"/api/v1/webhooks/{endpoint['id']}", token=hooks.token).data


def test_event_filters_choose_what_an_endpoint_receives(hooks: Hooks, receiver: Receiver, db) -> None:  # type: ignore[no-untyped-def]
    from renderowl.store import events
    from renderowl.webhooks.delivery import dispatch

    all_events = hooks.register(receiver.url)
    only_rejected = hooks.register(receiver.url + "?only=rejected", ["asset.rejected"])
    owner = hooks.call_api("GET", "/api/v1/me", token=hooks.token).data["owner_id"]
    with db.tx() as conn:
        ids = [
            events.record(conn, owner, "asset.ready", {"id": "ast_1"}),
            events.record(conn, owner, "asset.rejected", {"id": "ast_2"}),
            events.record(conn, owner, "render.progress", {"id": "rnd_1", "progress": 40}),
        ]
    dispatch(db, ids)
    hooks.drain()
    got = sorted((r.headers["webhook-id"], json.loads(r.body)["type"]) for r in receiver.requests)
    assert sorted(t for _, t in got) == ["asset.ready", "asset.rejected", "asset.rejected"]
    assert all_events["events"] == [] and only_rejected["events"] == ["asset.rejected"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.7/hook",
        "https://172.16.0.9/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "http://example.com/hook",
    ],
)
def test_unsafe_urls_are_refused_at_registration(
    hooks: Hooks, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENDEROWL_ALLOW_LOOPBACK_HTTP", "false")
    from renderowl.config import get_settings

    get_settings.cache_clear()
    response = hooks.call_api("POST", "/api/v1/webhooks", token=hooks.token, json_body={"url": url})
    assert response.status == 422
    assert response.error["code"] in ("UNSAFE_URL", "VALIDATION_FAILED")


def test_a_hostname_rebound_to_a_private_address_is_refused_at_delivery(
    hooks: Hooks, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an endpoint whose name resolved to a public address when it was registered
    real = socket.getaddrinfo
    answers = {"hooks.example.com": "93.184.216.34"}

    def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    endpoint = hooks.register("https://hooks.example.com/renderowl")
    # When DNS now answers with an internal address (rebinding) and an event is delivered
    answers["hooks.example.com"] = "10.0.0.5"
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain()
    # Then no request was made, and the attempt says why
    [delivery] = hooks.call_api(
        "GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries", token=hooks.token
    ).data["items"]
    assert all(a["status_code"] is None for a in delivery["attempts"])
    assert "private" in delivery["attempts"][0]["error"]


def test_an_endpoint_failing_for_days_is_disabled_and_says_so(hooks: Hooks, receiver: Receiver, db) -> None:  # type: ignore[no-untyped-def]
    # Given an endpoint that has been failing for six days
    receiver.statuses = [500]
    endpoint = hooks.register(receiver.url)
    with db.tx() as conn:
        conn.execute(
            "UPDATE webhooks SET failing_since = now() - interval '6 days' WHERE id = %s", (endpoint["id"],)
        )
    # When it fails once more
    hooks.call_api("POST", f"/api/v1/webhooks/{endpoint['id']}/test", token=hooks.token)
    hooks.drain()
    # Then it is disabled, says why, and receives nothing more
    after = hooks.call_api("GET", f"/api/v1/webhooks/{endpoint['id']}", token=hooks.token).data
    assert after["status"] == "disabled"
    assert "failing for longer than 432000 seconds" in after["disabled_reason"]
    assert len(receiver.requests) == 1
