"""How the services' instants reach the viewer: the same moment, in the viewer's zone."""

from datetime import UTC, datetime

import pytest

from gateway.schema.convert import in_zone


@pytest.mark.parametrize(
    ("moment", "zone", "rendered"),
    [
        (datetime(2026, 11, 24, 16, tzinfo=UTC), "America/Chicago", "2026-11-24T10:00:00-06:00"),
        (datetime(2026, 7, 1, 16, tzinfo=UTC), "America/Los_Angeles", "2026-07-01T09:00:00-07:00"),
    ],
    ids=["standard time", "daylight saving time"],
)
def test_an_instant_is_rendered_in_the_viewers_zone_without_changing_the_moment(
    moment: datetime, zone: str, rendered: str
) -> None:
    local = in_zone(moment, zone)
    assert local.isoformat() == rendered
    assert local == moment


def test_no_instant_stays_none() -> None:
    assert in_zone(None, "America/Chicago") is None
