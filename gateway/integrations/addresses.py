"""Webhook targets: refusing private and loopback hosts; sending to the very address checked.

A URL is checked when an endpoint is registered (`check_url`) and its host again, by every
address it resolves to, before each attempt (`resolve_public`); the attempt then goes to an
address that was checked (`pinned_request`), so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot reach an internal service (ADR 0050).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket

import httpx

from bookend.problems import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2_000
DEFAULT_PORTS = {"https": 443, "http": 80}
# The well-known NAT64 prefix (RFC 6052) carries an IPv4 address in its last 32 bits; an
# IPv6-only network's resolver synthesises such addresses for IPv4-only hosts.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Labels that the C resolver (inet_aton) reads as numbers: `127.1`, `0x7f.0.0.1`, `2130706433`
# all mean 127.0.0.1, though `ipaddress` does not read them as addresses at all.
NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")


class RefusedAddress(Exception):
    """A webhook's host resolved to an address it may not reach, or to none."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def check_url(url: str, *, allow_private: bool, field: str = "url") -> str:
    """The URL in normal form, or `InvalidInput` naming `field` and the rule it breaks.

    `allow_private` (development only) admits plain http and private or loopback hosts.
    """
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise InvalidInput(field, "url_form", f"a URL is at most {MAX_URL_LENGTH:,} characters")
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL as error:
        raise InvalidInput(field, "url_form", f"not a URL: {error}") from None
    if parsed.scheme != "https" and not (allow_private and parsed.scheme == "http"):
        raise InvalidInput(field, "url_scheme", "a webhook URL must start with https://")
    if parsed.userinfo:
        # A secret in the URL would be shown wherever the endpoint is listed; receivers
        # authenticate deliveries by their signature instead.
        raise InvalidInput(field, "url_form", "a URL may not carry a user name or password")
    if "#" in text:
        raise InvalidInput(field, "url_form", "a URL may not have a fragment (#…)")
    host = _host_of(parsed)
    if not host:
        raise InvalidInput(field, "url_form", "a URL needs a host")
    if parsed.port is not None and not 1 <= parsed.port <= 65_535:
        raise InvalidInput(field, "url_form", "a port is between 1 and 65535")
    address = _literal_address(host)
    if not allow_private:
        reason = _refusal_of_name(host)
        if reason is None and address is not None:
            reason = _refusal(address)
        if reason is not None:
            raise InvalidInput(field, "private_address", f"{host} is {reason}")
    if address is not None and address.version == 4 and host != str(address):
        raise InvalidInput(field, "url_form", "write an IPv4 address as four decimal numbers")
    if parsed.port == DEFAULT_PORTS[parsed.scheme]:
        parsed = parsed.copy_with(port=None)
    return str(parsed)


def host_and_port(url: str) -> tuple[str, int]:
    """The host to resolve (ASCII, as sent) and the port to connect to, of a checked URL."""
    parsed = httpx.URL(url)
    return _host_of(parsed), parsed.port or DEFAULT_PORTS[parsed.scheme]


async def resolve_public(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Every address `host` resolves to, or `RefusedAddress` if any may not be reached.

    All must pass, not just one: the HTTP client may try any of them.
    """
    if not allow_private and (reason := _refusal_of_name(host)):
        raise RefusedAddress(host, reason)
    loop = asyncio.get_running_loop()
    try:
        answers = await loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (OSError, UnicodeError) as error:
        raise RefusedAddress(host, f"does not resolve ({error})") from None
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise RefusedAddress(host, "resolves to no address")
    if not allow_private:
        for address in addresses:
            if reason := _refusal(ipaddress.ip_address(address)):
                raise RefusedAddress(host, f"resolves to {address}, {reason}")
    return addresses


def pinned_request(url: str, address: str) -> tuple[str, dict[str, str], dict[str, object]]:
    """The URL to request so the connection goes to `address`, with the `Host` header and the
    httpx request extensions that keep the original host's name in HTTP and in TLS.

    httpcore presents `sni_hostname` in the TLS handshake and verifies the certificate against
    it instead of the URL's host, so pinning the address does not weaken TLS.
    """
    parsed = httpx.URL(url)
    pinned = parsed.copy_with(host=str(ipaddress.ip_address(address)))
    headers = {"Host": parsed.netloc.decode("ascii")}
    extensions: dict[str, object] = {}
    if parsed.scheme == "https":
        extensions["sni_hostname"] = _host_of(parsed)
    return str(pinned), headers, extensions


def _host_of(url: httpx.URL) -> str:
    # The IDNA-encoded host, as the resolver and TLS see it; a trailing dot names the same host.
    return url.raw_host.decode("ascii").lower().removesuffix(".")


def _refusal_of_name(host: str) -> str | None:
    name = host.lower().removesuffix(".")
    if name == "localhost" or name.endswith(".localhost"):
        # RFC 6761: resolvers answer these with loopback addresses without asking DNS.
        return "a loopback name"
    return None


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) > 4 or not all(NUMERIC_LABEL.fullmatch(label) for label in labels):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _refusal(address: IPAddress) -> str | None:
    """Why `address` may not be reached, or None when it is a public unicast address."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = _refusal(embedded)
        return f"{reason} ({embedded}) in IPv6 form" if reason else None
    kinds = (
        (address.is_unspecified, "the unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        # e.g. 100.64.0.0/10, shared by carriers' NAT, and documentation ranges.
        (not address.is_global, "not a public address"),
    )
    return next((reason for refused, reason in kinds if refused), None)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    # An IPv6 address that carries an IPv4 one reaches that IPv4 host, so it is judged by it.
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None
