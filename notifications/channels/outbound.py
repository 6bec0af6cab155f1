"""Every request that leaves the server goes through here: the SSRF guard and the HTTP client.

The guard resolves the destination's host once, refuses addresses a user-supplied URL must not
reach (loopback, private, link-local including 169.254.169.254, multicast, reserved, unspecified)
unless an allowed network admits them, and then connects to *that* address: the
connection pool is keyed by the checked IP while the Host header and TLS SNI/certificate checks keep
the original name, so a DNS answer that changes between check and connect (rebinding) changes
nothing. Redirects are never followed; connect and read timeouts are hard, and so is a total
deadline on reading the answer.

One `requests.Session` per process (keep-alive; Celery's prefork children each build their own).

Which private networks are allowed depends on who chose the destination (issue 13, F12):
- a tenant's target (an HTTP endpoint, a chat webhook): only the networks an operator granted that
  account (`Account.outbound_allowed_networks`, in admin), and, for a host the operator listed in
  WEBHOOK_EXTRA_HOSTS (a self-hosted relay: host or host:port), settings.OUTBOUND_ALLOWED_NETWORKS;
- what the operator configured (the EAS API, the SMS/voice provider; `tenant_networks=None`):
  settings.OUTBOUND_ALLOWED_NETWORKS.
A refusal tells the caller "address not allowed", never what a name resolved to (that would make
attempt errors an oracle of internal DNS); the log has the detail.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import logging
import os
import socket
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from console.threads import process_pool

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 64 * 1024  # more than any bot's answer; stored attempts keep 2 KB of it


class OutboundRefused(Exception):
    """The URL may not be called: bad scheme, unresolvable host, or a forbidden address. `reason`
    says which ("url", "dns", "address"): a DNS failure may pass, the others will not."""

    def __init__(self, message: str, *, reason: str = "url", host: str = ""):
        super().__init__(message)
        self.reason = reason
        self.host = host


@dataclass(frozen=True)
class CheckedDestination:
    scheme: str
    host: str  # the name as written in the URL (Host header, SNI, certificate check)
    port: int
    address: str  # the checked IP the connection goes to
    public: bool = True  # False: a private address an allowed network admitted


@dataclass
class OutboundAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float
    url: str = ""
    extra: dict = field(default_factory=dict)
    public: bool = True  # whether the answer came from a public address

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries) -> list[Network]:
    """CIDR entries (a list, or text separated by commas, spaces or new lines); ValueError names a bad one."""
    if isinstance(entries, str):
        entries = entries.replace(",", " ").split()
    networks = []
    for entry in entries or ():
        entry = entry.strip()
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"{entry!r} is not a network: use CIDR notation, e.g. 10.1.2.0/24") from None
    return networks


def allowed_networks() -> list[Network]:
    """The operator's list (settings.OUTBOUND_ALLOWED_NETWORKS)."""
    return parse_networks(settings.OUTBOUND_ALLOWED_NETWORKS)


def operator_listed_host(host: str, port: int) -> bool:
    """Whether the operator listed this host (or host:port) in WEBHOOK_EXTRA_HOSTS."""
    entries = {entry.strip().lower() for entry in getattr(settings, "WEBHOOK_EXTRA_HOSTS", []) if entry.strip()}
    return host.lower() in entries or f"{host.lower()}:{port}" in entries


def networks_for(host: str, port: int, tenant_networks) -> list[Network]:
    """The private networks a destination may be on (see the module's docstring)."""
    if tenant_networks is None:
        return allowed_networks()
    networks = parse_networks(tenant_networks)
    if operator_listed_host(host, port):
        networks += allowed_networks()
    return networks


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo's client, NAT64), if any:
    the guard judges that one, so `2002:7f00:1::` is loopback, not a public 6to4 address."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and (inner := embedded_ipv4(address)) is not None:
        address = inner
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def address_allowed(address: str, networks: list[Network] | None = None) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if address_is_public(ip):
        return True
    networks = allowed_networks() if networks is None else networks
    return any(ip in network for network in networks if network.version == ip.version)


NOT_ALLOWED = ("address not allowed: notifications may not reach loopback, private, link-local, multicast or "
               "reserved addresses (an operator can allow a network for an account)")


def destination_check(url: str, *, tenant_networks=None, lookup_seconds: float | None = None) -> CheckedDestination:
    """Resolve the URL's host once and return the address to connect to, or raise OutboundRefused.
    Every resolved address must be allowed: a name answering with one public and one private
    address is refused rather than tried. `tenant_networks`: the networks granted to the account
    whose target this is (None: a destination the operator configured). The lookup waits at most
    `lookup_seconds` (default OUTBOUND_CONNECT_TIMEOUT: the connect timeout covers the name, as
    curl's does); a resolver that does not answer by then is a failed lookup."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"not a valid URL: {exc}") from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs can be called, not {scheme or 'a relative URL'!r}")
    host = parts.hostname
    if not host:
        raise OutboundRefused("the URL has no host")
    port = port or (443 if scheme == "https" else 80)
    if lookup_seconds is None:
        lookup_seconds = float(settings.OUTBOUND_CONNECT_TIMEOUT)
    try:
        infos = _lookup(host, port, lookup_seconds)
    except (socket.gaierror, UnicodeError, FutureTimeout) as exc:
        logger.info("DNS lookup of %r failed: %s", host, exc or f"no answer within {lookup_seconds} s")
        raise OutboundRefused(f"could not reach {host} (DNS lookup failed)", reason="dns", host=host) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise OutboundRefused(f"could not reach {host} (DNS lookup found no address)", reason="dns", host=host)
    networks = networks_for(host, port, tenant_networks)
    for address in addresses:
        if not address_allowed(address, networks):
            # The caller learns that it may not go there, not where the name points.
            logger.warning("outbound request refused: %r resolves to %s, which is not allowed", host, address)
            raise OutboundRefused(NOT_ALLOWED, reason="address", host=host)
    public = all(address_is_public(ipaddress.ip_address(address.split("%", 1)[0])) for address in addresses)
    return CheckedDestination(scheme=scheme, host=host, port=port, address=addresses[0], public=public)


# A save checks its address with this bound on the lookup: a resolver that does not answer (its
# timeout is several seconds) must not hold the form; the send resolves and checks again anyway.
SAVE_LOOKUP_SECONDS = 2.0
def _lookup(host: str, port: int, seconds: float):
    """getaddrinfo, waited for at most `seconds` (it has no timeout of its own): on a small pool of
    threads per process; a lookup still running when its caller gave up finishes there, unread."""
    pool = process_pool("lookup", 16)
    future = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return future.result(timeout=seconds)


def destination_check_at_save(url: str, *, tenant_networks=None) -> CheckedDestination | None:
    """`destination_check` with SAVE_LOOKUP_SECONDS for the lookup: None when the name does not
    resolve (in time), OutboundRefused for an address no send may reach."""
    try:
        return destination_check(url, tenant_networks=tenant_networks, lookup_seconds=SAVE_LOOKUP_SECONDS)
    except OutboundRefused as refusal:
        if refusal.reason == "dns":
            return None
        raise


class PinnedHTTPAdapter(HTTPAdapter):
    """Connects to the address the guard checked (attached to the request as `pinned`), never to a
    fresh DNS answer. Pools are keyed by that address (and the TLS name), so keep-alive still works."""

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        pinned: CheckedDestination | None = getattr(request, "pinned", None)
        if pinned is None:
            raise OutboundRefused("outbound requests must go through the SSRF guard")
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        host_params["host"] = pinned.address
        if pinned.scheme == "https":
            pool_kwargs["server_hostname"] = pinned.host
            pool_kwargs["assert_hostname"] = pinned.host
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """One session serves every target: no cookie set by one receiver may travel to another."""

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


_local = threading.local()


def pool_size() -> int:
    return max(10, int(getattr(settings, "CELERY_WORKER_CONCURRENCY", 2)) * 2)


def http_session() -> requests.Session:
    """The process's session (rebuilt after a fork: sockets must not be shared with a parent)."""
    session = getattr(_local, "session", None)
    if session is None or getattr(_local, "pid", None) != os.getpid():
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment: it would bypass the pinned address
        session.cookies.set_policy(_NoCookies())
        adapter = PinnedHTTPAdapter(pool_connections=32, pool_maxsize=pool_size(), max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session, _local.pid = session, os.getpid()
    return session


def default_timeout() -> tuple[float, float]:
    return (float(settings.OUTBOUND_CONNECT_TIMEOUT), float(settings.OUTBOUND_READ_TIMEOUT))


def outbound_request(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None,
                     timeout: tuple[float, float] | None = None, total_timeout: float | None = None,
                     tenant_networks=None) -> OutboundAnswer:
    """Send one request through the guard. Raises OutboundRefused, or requests' own exceptions for
    timeouts and connection errors (the caller judges them). A 3xx answer is returned as is: never
    followed. `tenant_networks`: see destination_check."""
    destination = destination_check(url, tenant_networks=tenant_networks)
    connect_timeout, read_timeout = timeout or default_timeout()
    total = total_timeout if total_timeout is not None else connect_timeout + read_timeout
    request_headers = {"User-Agent": "pai-event-notifications/1.0", **(headers or {})}
    request_headers["Host"] = _host_header(destination)
    prepared = requests.Request(method, url, headers=request_headers, data=body).prepare()
    prepared.pinned = destination
    started = time.monotonic()
    response = http_session().send(
        prepared, timeout=(connect_timeout, read_timeout), allow_redirects=False, stream=True,
        verify=settings.OUTBOUND_CA_BUNDLE or True,
    )
    chunks, size, complete = [], 0, False
    try:
        # read1 returns whatever arrived (at least a byte), so a receiver trickling its answer meets
        # the total deadline; stream() would wait to fill each 8 KB chunk first.
        while True:
            chunk = response.raw.read1(8192, decode_content=True)
            if not chunk:
                complete = True
                break
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_ANSWER_BYTES:
                break
            if time.monotonic() - started > total:
                raise requests.ReadTimeout(f"the answer took longer than {total:.0f} s")
    finally:
        if complete:
            response.raw.release_conn()  # back to the pool: keep-alive
        else:
            response.close()  # a half-read answer leaves the socket unusable
    return OutboundAnswer(
        status=response.status_code,
        headers={key.lower(): value for key, value in response.headers.items()},
        body=b"".join(chunks)[:MAX_ANSWER_BYTES],
        elapsed_ms=(time.monotonic() - started) * 1000,
        url=url,
        public=destination.public,
    )


def _host_header(destination: CheckedDestination) -> str:
    host = destination.host
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    default = 443 if destination.scheme == "https" else 80
    return host if destination.port == default else f"{host}:{destination.port}"
