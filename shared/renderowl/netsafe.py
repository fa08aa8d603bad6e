"""Outbound HTTP that cannot be pointed at our own network (SSRF).

A target is refused unless every address its host resolves to is public: private, loopback,
link-local (which holds the cloud metadata service), multicast, reserved and unspecified ranges are
refused, for IPv4, IPv6 and IPv4-mapped IPv6 alike. The check happens when the URL is registered and
again at every request, and the request then connects to the exact address that was checked (TLS
still verifies the certificate for the host name), so a DNS answer that changes between check and
connect (rebinding) cannot reach an internal host.

urllib3 is used directly because it lets us connect to a vetted IP while keeping the host name for
SNI, certificate checks and the ``Host`` header; higher-level clients resolve names themselves.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

from renderowl.errors import ValidationFailedError

_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


class UnsafeTargetError(ValidationFailedError):
    """The URL may not be fetched or posted to."""

    code = "UNSAFE_URL"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path + query
    address: str  # the vetted IP to connect to


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


def _is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def resolve(url: str, *, allow_loopback_http: bool = False) -> Target:
    """Check ``url`` and pick the address to connect to, or raise `UnsafeTargetError` saying why.

    ``allow_loopback_http`` (development only) admits ``http://`` and ``https://`` targets on loopback.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise UnsafeTargetError("the URL must be an absolute https:// URL", details={"url": url})
    if parts.username or parts.password:
        raise UnsafeTargetError("credentials in the URL are not allowed", details={"url": url})
    host = parts.hostname.rstrip(".").lower()
    if host in _METADATA_HOSTS:
        raise UnsafeTargetError("the URL points at a cloud metadata service", details={"url": url})
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTargetError(f"the host {host!r} does not resolve", details={"url": url}) from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if allow_loopback_http and addresses and all(_is_loopback(a) for a in addresses):
        return Target(parts.scheme, host, port, _path(parts), addresses[0])
    if parts.scheme != "https":
        raise UnsafeTargetError("the URL must use https://", details={"url": url})
    refused = [a for a in addresses if not is_public(a)]
    if refused or not addresses:
        raise UnsafeTargetError(
            f"the host {host!r} resolves to a private, loopback or link-local address",
            details={"url": url, "addresses": refused},
        )
    return Target(parts.scheme, host, port, _path(parts), addresses[0])


def _path(parts: object) -> str:
    path = getattr(parts, "path", "") or "/"
    query = getattr(parts, "query", "")
    return f"{path}?{query}" if query else path


def _pool(target: Target, timeout: float) -> urllib3.HTTPConnectionPool:
    t = urllib3.Timeout(connect=min(timeout, 10.0), read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=t,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=t, retries=False, maxsize=1)


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


@contextmanager
def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
    max_redirects: int = 0,
    allow_loopback_http: bool = False,
) -> Iterator[urllib3.BaseHTTPResponse]:
    """One request to a vetted address, following at most ``max_redirects`` redirects (each re-vetted).

    The response is streamed (``preload_content=False``): read it with a bound.
    """
    for _ in range(max_redirects + 1):
        target = resolve(url, allow_loopback_http=allow_loopback_http)
        pool = _pool(target, timeout)
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers={**(headers or {}), "Host": _host_header(target)},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        location = response.headers.get("Location")
        if max_redirects and response.status in {301, 302, 303, 307, 308} and location:
            response.release_conn()
            pool.close()
            url = urljoin(url, location)
            if response.status == 303:
                method, body = "GET", None
            continue
        try:
            yield response
        finally:
            response.release_conn()
            pool.close()
        return
    raise UnsafeTargetError("too many redirects", details={"url": url, "max_redirects": max_redirects})
