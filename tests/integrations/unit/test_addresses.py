"""Webhook URLs: private and loopback targets refused; requests pinned to the address checked."""

import httpx
import pytest

from bookend.problems import InvalidInput
from gateway.integrations.addresses import (
    RefusedAddress,
    check_url,
    host_and_port,
    pinned_request,
    resolve_public,
)


def rule_of(url: str, *, allow_private: bool = False) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_private=allow_private, field="webhookUrl")
    [error] = refused.value.errors
    return error.field, error.rule


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.255.0.9/hook",
        "https://[::1]/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://172.31.255.255/hook",
        "https://192.168.1.10:8443/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://[2002:7f00:1::]/hook",
        "https://[64:ff9b::a00:1]/hook",
        "https://0.0.0.0/hook",
        "https://[::]/hook",
        "https://[fc00::1]/hook",
        "https://[fd12:3456::1]/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://[ff0e::1]/hook",
        "https://240.0.0.1/hook",
        "https://255.255.255.255/hook",
        "https://localhost/hook",
        "https://LOCALHOST./hook",
        "https://api.localhost/hook",
        "https://2130706433/hook",
        "https://127.1/hook",
        "https://0x7f.0.0.1/hook",
        "https://127.0.0.1./hook",
    ],
)
def test_private_loopback_and_reserved_targets_are_refused(url: str) -> None:
    assert rule_of(url) == ("webhookUrl", "private_address")


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/hook",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
        "https://[64:ff9b::5db8:d822]/hook",
        "https://receiver.example.org/hook",
        "https://receiver.example.org:8443/bookend?district=d1",
    ],
)
def test_public_https_targets_are_allowed(url: str) -> None:
    assert check_url(url, allow_private=False) == url


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://93.184.216.34/hook", "url_scheme"),
        ("http://receiver.example.org/hook", "url_scheme"),
        ("ftp://receiver.example.org/hook", "url_scheme"),
        ("receiver.example.org/hook", "url_scheme"),
        ("https://user:pass@receiver.example.org/hook", "url_form"),
        ("https://token@receiver.example.org/hook", "url_form"),
        ("https://receiver.example.org/hook#part", "url_form"),
        ("https://receiver.example.org/hook#", "url_form"),
        ("https:///hook", "url_form"),
        ("https://receiver.example.org:99999/hook", "url_form"),
        ("https://receiver.example.org/\nhook", "url_form"),
        ("https://receiver.example.org/" + "a" * 2_000, "url_form"),
    ],
)
def test_a_malformed_url_names_the_field_and_the_rule(url: str, rule: str) -> None:
    assert rule_of(url) == ("webhookUrl", rule)


def test_the_field_is_url_unless_named() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url("https://127.0.0.1/", allow_private=False)
    assert refused.value.errors[0].field == "url"


def test_development_allows_http_and_private_targets() -> None:
    for url in ("http://localhost:8000/hook", "http://127.0.0.1:8000/hook", "https://10.0.0.5/"):
        assert check_url(url, allow_private=True) == url
    assert rule_of("ftp://localhost/", allow_private=True)[1] == "url_scheme"
    assert rule_of("http://u:p@localhost/", allow_private=True)[1] == "url_form"
    assert rule_of("http://127.1/", allow_private=True)[1] == "url_form"


def test_the_url_is_returned_in_normal_form() -> None:
    assert (
        check_url(" HTTPS://Receiver.Example.ORG:443/hook ", allow_private=False)
        == "https://receiver.example.org/hook"
    )
    assert check_url("https://bücher.example/h", allow_private=False) == (
        "https://xn--bcher-kva.example/h"
    )


def test_the_host_and_port_to_resolve_come_from_the_url() -> None:
    assert host_and_port("https://receiver.example.org/hook") == ("receiver.example.org", 443)
    assert host_and_port("http://localhost:8000/") == ("localhost", 8000)
    assert host_and_port("https://bücher.example/h") == ("xn--bcher-kva.example", 443)


async def test_localhost_resolves_to_loopback_and_is_refused() -> None:
    with pytest.raises(RefusedAddress) as refused:
        await resolve_public("localhost", 443, allow_private=False)
    assert refused.value.host == "localhost"
    assert "loopback" in refused.value.reason


async def test_an_address_resolving_to_loopback_is_refused() -> None:
    with pytest.raises(RefusedAddress, match="loopback"):
        await resolve_public("127.0.0.1", 443, allow_private=False)
    with pytest.raises(RefusedAddress, match="loopback"):
        await resolve_public("2130706433", 443, allow_private=False)


async def test_development_resolves_localhost_to_its_addresses() -> None:
    addresses = await resolve_public("localhost", 8000, allow_private=True)
    assert addresses
    assert set(addresses) <= {"127.0.0.1", "::1"}


async def test_a_public_address_literal_resolves_to_itself() -> None:
    assert await resolve_public("93.184.216.34", 443, allow_private=False) == ["93.184.216.34"]


async def test_a_name_that_cannot_resolve_is_refused() -> None:
    # A label longer than 63 characters fails before any DNS query (there is no DNS here).
    with pytest.raises(RefusedAddress, match="does not resolve"):
        await resolve_public("a" * 64 + ".example", 443, allow_private=True)


def test_a_pinned_request_goes_to_the_address_and_keeps_the_name_for_http_and_tls() -> None:
    url, headers, extensions = pinned_request(
        "https://receiver.example.org:8443/hook?d=1", "93.184.216.34"
    )
    assert url == "https://93.184.216.34:8443/hook?d=1"
    assert headers == {"Host": "receiver.example.org:8443"}
    assert extensions == {"sni_hostname": "receiver.example.org"}
    request = httpx.Request("POST", url, headers=headers, extensions=extensions, content=b"{}")
    assert request.url.host == "93.184.216.34"
    assert request.headers["host"] == "receiver.example.org:8443"
    assert request.extensions["sni_hostname"] == "receiver.example.org"


def test_a_pinned_ipv6_address_is_bracketed() -> None:
    url, headers, _ = pinned_request("https://receiver.example.org/hook", "2606:2800:220:1::1")
    assert url == "https://[2606:2800:220:1::1]/hook"
    assert headers == {"Host": "receiver.example.org"}
    assert httpx.Request("POST", url, headers=headers).url.host == "2606:2800:220:1::1"


def test_plain_http_has_no_tls_name() -> None:
    url, headers, extensions = pinned_request("http://localhost:8000/hook", "127.0.0.1")
    assert (url, headers, extensions) == (
        "http://127.0.0.1:8000/hook",
        {"Host": "localhost:8000"},
        {},
    )


def test_an_idn_host_is_sent_in_its_ascii_form() -> None:
    _, headers, extensions = pinned_request("https://bücher.example/h", "93.184.216.34")
    assert headers == {"Host": "xn--bcher-kva.example"}
    assert extensions == {"sni_hostname": "xn--bcher-kva.example"}


def test_a_pinned_request_refuses_an_address_that_is_not_an_ip() -> None:
    with pytest.raises(ValueError):
        pinned_request("https://receiver.example.org/hook", "evil.example")
