"""Where outbound webhooks may go: an https URL whose host resolves only to public addresses, checked when the
address is saved and again, on the address actually connected to, at every attempt (no Flask, no database)."""
from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import urllib.parse

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata services: never a webhook target, whatever the settings (AWS, GCP, Azure, Tencent: the
# link-local 169.254.169.254; AWS's IPv6 one and ECS task metadata; Alibaba Cloud's).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200"))
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.tencentyun.com",
                            "instance-data", "instance-data.ec2.internal"})

_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED = ipaddress.ip_network("100.64.0.0/10")              # carrier-grade NAT: private in all but name
_SPECIAL = tuple(ipaddress.ip_network(n) for n in ("192.0.0.0/24", "0.0.0.0/8"))
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")                # DNS64/NAT64: the IPv4 address in the last 32 bits
_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")

# Why an address is refused: the keys the messages and the tests use.
KINDS = ("loopback", "private", "link_local", "unique_local", "multicast", "reserved", "unspecified",
         "cloud_metadata")


class Refused(Exception):
    """The policy refuses this URL. `reason` is one of KINDS, or "bad_url", "https_required", "host_not_found"."""

    def __init__(self, reason: str, host: str = "") -> None:
        super().__init__(reason)
        self.reason, self.host = reason, host


@dataclasses.dataclass(frozen=True)
class Policy:
    allow_private: bool = False     # development and tests: receivers on 127.0.0.1 or the LAN
    allow_http: bool = False        # plain http:// (development and tests)

    @classmethod
    def from_config(cls, config) -> "Policy":
        return cls(allow_private=bool(config.get("WEBHOOK_ALLOW_PRIVATE")),
                   allow_http=bool(config.get("WEBHOOK_ALLOW_HTTP")))


def address_kind(ip: IPAddress) -> str | None:
    """Why a webhook may not go to this address (one of KINDS), or None for a public one."""
    if ip in METADATA_ADDRESSES:
        return "cloud_metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:
            return address_kind(embedded)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return "unique_local"
    if (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local) or any(ip in n for n in _RFC1918) \
            or ip in _SHARED:
        return "private"
    if ip.is_reserved or ip.is_private or not ip.is_global or any(ip in n for n in _SPECIAL):
        return "reserved"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host names by itself, in any spelling a resolver accepts: 127.0.0.1, [::1], ::ffff:7f00:1,
    and the inet_aton forms 2130706433, 0x7f.1, 0177.0.0.1, 127.1. None for a name."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_PART.fullmatch(p) for p in parts):
        return None
    numbers = [int(p[2:] or "0", 16) if p[:2] in ("0x", "0X") else int(p, 8) if p.startswith("0") else int(p)
               for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(parts)):
        return None
    value = 0
    for n in numbers[:-1]:
        value = value * 256 + n
    return ipaddress.IPv4Address((value << 8 * (5 - len(parts))) + numbers[-1])


def lookup(host: str, port: int) -> list[IPAddress]:
    """The addresses DNS gives for a name (tests replace this to play a resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("host_not_found", host) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def addresses(host: str, port: int, policy: Policy) -> list[IPAddress]:
    """Every address the host stands for, each allowed by the policy; refused if any one is not."""
    host = host.rstrip(".").lower()
    if not host:
        raise Refused("bad_url")
    if host in METADATA_HOSTS:
        raise Refused("cloud_metadata", host)
    if not policy.allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise Refused("loopback", host)
    literal = literal_address(host)
    found = [literal] if literal is not None else lookup(host, port)
    if not found:
        raise Refused("host_not_found", host)
    for ip in found:
        kind = address_kind(ip)
        if kind == "cloud_metadata" or (kind is not None and not policy.allow_private):
            raise Refused(kind, host)
    return found


def parse(url: str, policy: Policy) -> httpx.URL:
    """The URL, if its form is acceptable: http(s) as the policy allows, a host, a port, nothing odd."""
    if not url or len(url) > 500 or any(c.isspace() or c == "\\" for c in url):
        raise Refused("bad_url")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        # httpx cannot send to 0177.0.0.1 or 127.000.000.001, but say where they lead rather than "bad URL"
        host = urllib.parse.urlsplit(url).hostname or ""
        literal = literal_address(host)
        kind = address_kind(literal) if literal is not None else None
        if kind == "cloud_metadata" or (kind is not None and not policy.allow_private):
            raise Refused(kind, host) from None
        raise Refused("bad_url") from None
    check_form(parsed, policy)
    return parsed


def check_form(url: httpx.URL, policy: Policy) -> None:
    try:
        port = url.port
    except (httpx.InvalidURL, ValueError):
        raise Refused("bad_url") from None
    if url.scheme not in ("https", "http"):
        raise Refused("bad_url")
    if url.scheme == "http" and not policy.allow_http:
        raise Refused("https_required")
    if not url.raw_host or (port is not None and not 0 < port < 65536):
        raise Refused("bad_url")


def check_url(url: str, policy: Policy) -> None:
    """When an address is saved: its form, and where its host leads now."""
    parsed = parse(url, policy)
    addresses(parsed.raw_host.decode("ascii"), parsed.port or _default_port(parsed), policy)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


class GuardedTransport(httpx.HTTPTransport):
    """Resolves the host once, checks every address, and connects to a checked one, the request still naming the
    host (Host header, TLS SNI and certificate check): a DNS answer that changes between the check and the
    connection (rebinding) cannot lead elsewhere."""

    def __init__(self, policy: Policy, **kwargs) -> None:
        super().__init__(**kwargs)
        self.policy = policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        check_form(url, self.policy)
        host = url.raw_host.decode("ascii")
        checked = addresses(host, url.port or _default_port(url), self.policy)
        literal = literal_address(host)
        request.extensions = {**request.extensions, "sni_hostname": str(literal) if literal else host}
        for ip in checked[:-1]:             # the next address when one cannot be reached, as browsers do
            try:
                return self._send_to(request, url, ip)
            except httpx.ConnectError:
                continue
        return self._send_to(request, url, checked[-1])

    def _send_to(self, request: httpx.Request, url: httpx.URL, ip: IPAddress) -> httpx.Response:
        request.url = url.copy_with(host=str(ip))
        return super().handle_request(request)
