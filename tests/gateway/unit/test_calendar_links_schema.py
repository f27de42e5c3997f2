"""Calendar links through the schema over a stubbed scheduler: the url carries the secret only
in the create answer, under the gateway's public URL or the address the request came to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.scheduler import CalendarOwner
from bookend.http_contracts.calendars import CalendarLink, CalendarLinkCreated, CalendarLinkPage
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices, only_page
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

LINK = CalendarLink(
    id="link-1",
    district_id="district-1",
    owner_kind=CalendarOwner.STUDENT,
    owner_id="student-1",
    created_by="guardian-1",
    created_at=datetime(2025, 3, 3, 9, tzinfo=UTC),
)
CREATED = CalendarLinkCreated(**LINK.model_dump(), secret="s3cret", path="/calendars/s3cret.ics")
CREATE = """mutation { createCalendarLink(studentId: "student-1") {
  __typename ... on CalendarLink { id url ownerKind } } }"""


async def run(services: StubServices, document: str, settings: GatewaySettings) -> object:
    context = Context(
        settings=settings,
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    # As the GraphQL router sets it: the request the document came in.
    headers = [(b"host", b"gateway.local:8000")]
    context.request = Request({"type": "http", "scheme": "http", "path": "/graphql",
                               "headers": headers, "query_string": b""})  # fmt: skip
    token = token_for("guardian-1", Role.GUARDIAN, children=frozenset({"student-1"}))
    await context.authenticate(f"Bearer {token}")
    result = await build_schema(settings).execute(document, context_value=context)
    assert result.errors is None, result.errors
    return result.data


@pytest.mark.parametrize(
    ("public_url", "base"),
    [
        ("https://api.district.example/", "https://api.district.example"),
        (None, "http://gateway.local:8000"),
    ],
    ids=["public-url", "the-requests-own-address"],
)
async def test_a_new_links_url_holds_its_secret_under_the_public_address(
    public_url: str | None, base: str
) -> None:
    services = StubServices()
    services.scheduler.answer("POST", "/calendar-links", CREATED, 201)
    data = await run(services, CREATE, GatewaySettings(public_url=public_url))
    assert data == {
        "createCalendarLink": {
            "__typename": "CalendarLink",
            "id": gid("CalendarLink", "link-1"),
            "url": f"{base}/calendars/s3cret.ics",
            "ownerKind": "STUDENT",
        }
    }


async def test_listed_links_have_no_url() -> None:
    services = StubServices()
    services.scheduler.answer("GET", "/calendar-links", only_page(CalendarLinkPage, [LINK]))
    data = await run(
        services,
        '{ calendarLinks(studentId: "student-1") { nodes { id url } } }',
        GatewaySettings(),
    )
    assert data == {
        "calendarLinks": {"nodes": [{"id": gid("CalendarLink", "link-1"), "url": None}]}
    }
    [asked] = services.scheduler.requests
    assert dict(asked.url.params) == {"student_id": "student-1", "first": "20"}
