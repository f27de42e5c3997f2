"""Zones by name: only the IANA time zone database's own names are zones."""

from zoneinfo import ZoneInfo

import pytest

from bookend.clock import iana_zone


@pytest.mark.parametrize("name", ["America/Chicago", "UTC", "Asia/Kolkata", "Etc/GMT+5"])
def test_an_iana_name_gives_its_zone(name: str) -> None:
    assert iana_zone(name) == ZoneInfo(name)


@pytest.mark.parametrize(
    "name",
    ["america/chicago", "", "localtime", "posixrules", "../zoneinfo/UTC", "UTC\x00", "x" * 300],
    ids=["wrong case", "empty", "the server's own", "not a zone", "a path", "nul", "too long"],
)
def test_anything_else_gives_none(name: str) -> None:
    assert iana_zone(name) is None
