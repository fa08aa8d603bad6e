import socket

import pytest

from renderowl.netsafe import UnsafeTargetError, is_public, resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert is_public(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public(address) is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "private, loopback or link-local"),
        ("https://10.0.0.8/hook", "private, loopback or link-local"),
        ("https://172.16.4.4/hook", "private, loopback or link-local"),
        ("https://192.168.0.10/hook", "private, loopback or link-local"),
        ("https://169.254.169.254/latest/meta-data/", "private, loopback or link-local"),
        ("https://[::1]/hook", "private, loopback or link-local"),
        ("https://localhost/hook", "private, loopback or link-local"),
        ("http://93.184.216.34/hook", "must use https"),
        ("https://user:pw@93.184.216.34/", "credentials"),
        ("gopher://93.184.216.34/", "absolute https"),
        ("https://metadata.google.internal/", "metadata"),
    ],
)
def test_unsafe_targets_are_refused_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(UnsafeTargetError, match=message):
        resolve(url)


def test_a_hostname_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given DNS that answers a public-looking name with an internal address
    def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        assert host == "hooks.example.com"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(UnsafeTargetError) as excinfo:
        resolve("https://hooks.example.com/x")
    assert excinfo.value.details["addresses"] == ["10.20.30.40"]


def test_one_private_answer_among_public_ones_is_enough_to_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [("93.184.216.34", 443), ("192.168.1.1", 443)]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", x) for x in answers],
    )
    with pytest.raises(UnsafeTargetError):
        resolve("https://mixed.example.com/")


def test_a_public_target_is_pinned_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))],
    )
    target = resolve("https://hooks.example.com:443/a/b?c=1")
    assert (target.host, target.address, target.port, target.path) == (
        "hooks.example.com",
        "93.184.216.34",
        443,
        "/a/b?c=1",
    )


def test_loopback_http_only_when_allowed() -> None:
    with pytest.raises(UnsafeTargetError):
        resolve("http://127.0.0.1:8080/hook")
    assert resolve("http://127.0.0.1:8080/hook", allow_loopback_http=True).address == "127.0.0.1"
    with pytest.raises(UnsafeTargetError):
        resolve("http://10.0.0.1:8080/hook", allow_loopback_http=True)
