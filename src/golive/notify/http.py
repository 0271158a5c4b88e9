"""Outbound webhook POSTs, guarded against server-side request forgery.

Only ``http`` and ``https`` URLs. The host is resolved and every address it resolves to must be public (not
private, loopback, link-local, multicast, reserved or unspecified, IPv4-mapped forms included) unless the
administrator allows private targets (``GOLIVE_WEBHOOK_ALLOW_PRIVATE``). The connection then goes to the very
address that was checked (no second lookup a rebinding DNS could answer differently); TLS still verifies the
certificate against the host name. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

MAX_RESPONSE_BYTES = 64 * 1024


class UnsafeTarget(Exception):
    """The URL may not be called (scheme, host or address refused); the message says why. ``transient`` marks a
    failure that may pass (a name that does not resolve yet)."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


@dataclass
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse_url(url: str) -> Target:
    """The parts of an http(s) URL; ``UnsafeTarget`` for anything else (other schemes, credentials, no host)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(_("The URL is not valid.")) from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget(_("Only http and https URLs are allowed."))
    if not parts.hostname:
        raise UnsafeTarget(_("The URL has no host."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("The URL must not carry a user name or password."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def check_host(host: str, *, allow_private: bool, resolve: bool = True) -> list[str]:
    """The addresses of ``host`` if all may be called. Raises ``UnsafeTarget`` when one is private (unless
    allowed) or, with ``resolve``, when the name does not resolve."""
    literal = _literal(host)
    if literal is None and host.rstrip(".").lower() in ("localhost", "localhost.localdomain"):
        if not allow_private:
            raise UnsafeTarget(_("Webhooks to private or local addresses are not allowed."))
        literal = "127.0.0.1"
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            if resolve:
                raise UnsafeTarget(
                    _("The host %(host)s cannot be resolved.") % {"host": host}, transient=True
                ) from None
            return []
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise UnsafeTarget(_("Webhooks to private or local addresses are not allowed."))
    return addresses


@dataclass
class Outcome:
    """What one POST gave: the status code (None when no answer came) and an error text for anything not 2xx."""

    status_code: int | None
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float = 10.0
) -> tuple[Outcome, bool]:
    """POST ``body`` to ``url``. Returns the outcome and whether to try again later (False when the target is
    refused by policy: that will not get better by waiting)."""
    started = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        target = parse_url(url)
        addresses = check_host(target.host, allow_private=allow_private)
    except UnsafeTarget as exc:
        transient = exc.transient
        return Outcome(None, elapsed(), str(exc)), transient
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error = ""
    for address in addresses:
        connection = connection_class(target.host, target.port, address, timeout=timeout)
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={"Content-Type": "application/json", "User-Agent": "GoLive-Webhook/1", **headers},
            )
            response = connection.getresponse()
            text = response.read(MAX_RESPONSE_BYTES)
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            continue
        finally:
            connection.close()
        error = ""
        if not 200 <= status < 300:
            snippet = text[:200].decode("utf-8", "replace").strip()
            error = f"HTTP {status}" + (f": {snippet}" if snippet else "")
        return Outcome(status, elapsed(), error[:500]), True
    return Outcome(None, elapsed(), last_error or _("No address to connect to.")), True
