"""Global object ids over stubbed services (ADR 0049): every id answered names its type, an id
passed back reaches the service as the service's own, a wrong type is refused before anything
runs, and `node`/`nodes` fetch again through the object's own query."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import strawberry

from bookend.auth import Role
from bookend.http_contracts.catalog import LessonList
from bookend.http_contracts.scheduler import Section
from bookend.problems import Problem, ProblemKind
from gateway.schema.ids import decode, encode, globalize_ids
from gateway.settings import GatewaySettings
from tests.gateway.apps import gateway_app
from tests.gateway.stubs import StubServices, a_lesson
from tests.gateway.unit.test_session_stream import live_session
from tests.support.auth import bearer
from tests.support.global_ids import gid

SESSION = gid("LiveSession", "s1")
TEACHER = bearer("teacher-1", Role.TEACHER, sections=frozenset({"sec"}))
SECTION = Section(
    id="sec", district_id="district-1", school_id="school-1", term_id=None, name="ELA 8A",
    subject="ela", grade_band=None, teacher_ids=["teacher-1"], time_zone="UTC",
)  # fmt: skip
NOT_FOUND = Problem(status=404, kind=ProblemKind.NOT_FOUND, code="NOT_FOUND", message="none")


@pytest.fixture
def services() -> StubServices:
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    services.scheduler.answer("GET", "/sections/sec", SECTION)
    services.catalog.answer("GET", "/lessons/by-id", LessonList(items=[a_lesson("l1")]))
    return services


@pytest.fixture
def gateway(services: StubServices) -> httpx.AsyncClient:
    app = gateway_app(GatewaySettings(), services)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def post(gateway: httpx.AsyncClient, document: str, **variables: object) -> dict[str, Any]:
    answer = await gateway.post(
        "/graphql", json={"query": document, "variables": variables}, headers=TEACHER
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    del body["extensions"]  # the cost of the request
    return body


def test_an_id_is_its_types_name_and_the_services_id_in_base64url_without_padding() -> None:
    assert encode("LiveSession", "s1") == SESSION == "TGl2ZVNlc3Npb246czE"
    assert decode(SESSION) == ("LiveSession", "s1")
    # A raw id, even one that happens to be base64, is not taken for a global one.
    for raw in ("s1", "section-riverside-ela-8a", "TGl2ZVNlc3Npb246czE=", "bGl2ZTpzMQ", ""):
        assert decode(raw) is None
    # A value longer than any id this API writes is not even read: a hostile client's megabyte
    # goes to the service as the raw id it claims to be, which refuses it.
    assert decode(gid("LiveSession", "s" * 1400)) == ("LiveSession", "s" * 1400)
    assert decode(gid("LiveSession", "s" * 1400) + "QUFB" * 250_000) is None


async def test_ids_and_references_are_answered_global_each_of_its_own_type(
    gateway: httpx.AsyncClient,
) -> None:
    found = await post(
        gateway, "query($id: ID!) { session(id: $id) { id sectionId lessonId } }", id=SESSION
    )
    assert found == {
        "data": {
            "session": {
                "id": SESSION,
                "sectionId": gid("Section", "sec"),
                "lessonId": gid("Lesson", "l1"),
            }
        }
    }


@pytest.mark.parametrize("sent", [SESSION, "s1"], ids=["global", "raw"])
async def test_the_service_is_asked_for_its_own_id_whether_sent_global_or_raw(
    services: StubServices, gateway: httpx.AsyncClient, sent: str
) -> None:
    found = await post(gateway, "query($id: ID!) { session(id: $id) { id } }", id=sent)
    assert found == {"data": {"session": {"id": SESSION}}}
    assert [r.url.path for r in services.scheduler.requests] == ["/sessions/s1"]


async def test_an_id_of_another_type_is_refused_naming_the_argument_and_nothing_is_asked(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    found = await post(
        gateway, "query($id: ID!) { session(id: $id) { id } }", id=gid("Lesson", "s1")
    )
    assert found["data"] is None
    [error] = found["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [("id", "id_type")]
    assert services.scheduler.requests == []


async def test_a_mutation_refuses_a_wrong_id_inside_its_input_as_its_typed_invalid_input(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    document = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
      __typename ... on InvalidInput { code errors { field rule } } } }"""
    session = {
        "sectionId": gid("Lesson", "sec"),
        "lessonId": gid("Lesson", "l1"),
        "timeZone": "UTC",
        "startsAt": "2026-03-04T09:00:00Z",
        "endsAt": "2026-03-04T09:50:00Z",
    }
    found = await post(gateway, document, input=session)
    assert found == {
        "data": {
            "scheduleLiveSession": {
                "__typename": "InvalidInput",
                "code": "INVALID_INPUT",
                "errors": [{"field": "input.sectionId", "rule": "id_type"}],
            }
        }
    }
    assert services.scheduler.requests == []


async def test_a_list_of_ids_names_the_item_of_the_wrong_type(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    document = """mutation($ids: [ID!]!) { createGroup(sectionId: "sec", name: "A",
      studentIds: $ids) { __typename ... on InvalidInput { errors { field rule } } } }"""
    found = await post(gateway, document, ids=[gid("Person", "st-1"), gid("Section", "st-2")])
    assert found["data"]["createGroup"] == {
        "__typename": "InvalidInput",
        "errors": [{"field": "studentIds.1", "rule": "id_type"}],
    }
    assert services.scheduler.requests == []


async def test_node_fetches_an_object_again_through_its_own_query(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    document = """query($id: ID!) { node(id: $id) { __typename id
      ... on LiveSession { title } ... on Section { name } } }"""
    session = await post(gateway, document, id=SESSION)
    section = await post(gateway, document, id=gid("Section", "sec"))
    assert session == {
        "data": {"node": {"__typename": "LiveSession", "id": SESSION, "title": "Live"}}
    }
    assert section == {
        "data": {"node": {"__typename": "Section", "id": gid("Section", "sec"), "name": "ELA 8A"}}
    }
    assert [r.url.path for r in services.scheduler.requests] == ["/sessions/s1", "/sections/sec"]
    # The viewer's token went with each: the service checks access as for `session`.
    assert all(r.headers["authorization"] for r in services.scheduler.requests)


async def test_node_answers_a_refusal_as_the_objects_own_query_does(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    services.scheduler.refuse("GET", "/sessions/s2", NOT_FOUND)
    found = await post(
        gateway, "query($id: ID!) { node(id: $id) { id } }", id=gid("LiveSession", "s2")
    )
    assert found["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in found["errors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "sent", ["s1", gid("Task", "t1"), gid("Nonsense", "x")], ids=["raw", "not-fetchable", "unknown"]
)
async def test_node_refuses_an_id_it_cannot_fetch_without_asking_anyone(
    services: StubServices, gateway: httpx.AsyncClient, sent: str
) -> None:
    found = await post(gateway, "query($id: ID!) { node(id: $id) { id } }", id=sent)
    assert found["data"] == {"node": None}
    [error] = found["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert [(e["field"], e["rule"]) for e in error["extensions"]["errors"]] == [("id", "node_id")]
    assert services.scheduler.requests == services.catalog.requests == []


async def test_a_district_other_than_the_viewers_is_not_found(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    found = await post(
        gateway, "query($id: ID!) { node(id: $id) { id } }", id=gid("District", "district-2")
    )
    assert found["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in found["errors"]] == ["NOT_FOUND"]
    assert services.scheduler.requests == []


async def test_nodes_answers_in_the_order_asked_with_each_failure_at_its_index(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    services.scheduler.refuse("GET", "/sessions/s2", NOT_FOUND)
    ids = [gid("Section", "sec"), gid("LiveSession", "s2"), SESSION, gid("Lesson", "l1")]
    found = await post(
        gateway, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", ids=ids
    )
    assert found["data"] == {
        "nodes": [
            {"__typename": "Section", "id": ids[0]},
            None,
            {"__typename": "LiveSession", "id": SESSION},
            {"__typename": "Lesson", "id": ids[3]},
        ]
    }
    assert [(e["path"], e["extensions"]["code"]) for e in found["errors"]] == [
        (["nodes", 1], "NOT_FOUND")
    ]


async def test_nodes_refuses_more_than_a_hundred_ids_before_asking_anyone(
    services: StubServices, gateway: httpx.AsyncClient
) -> None:
    ids = [gid("LiveSession", f"s{n}") for n in range(101)]
    found = await post(gateway, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    [error] = found["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["errors"][0]["rule"] == "max_items"
    assert services.scheduler.requests == []


async def test_nodes_costs_what_its_ids_hold(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.post(
        "/graphql",
        json={
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            "variables": {"ids": [SESSION] * 3},
        },
        headers=TEACHER,
    )
    # The field itself, and one `id` for each of the three objects.
    assert answer.json()["extensions"]["cost"]["requested"] == 1 + 3


def test_a_schema_with_an_id_the_tables_do_not_place_is_not_built() -> None:
    with pytest.raises(LookupError) as refused:
        globalize_ids(strawberry.Schema(query=GadgetQuery))
    assert "Gadget.widgetId" in str(refused.value)
    assert "GadgetQuery.gadget(wandId)" in str(refused.value)
    assert "Gadget.id" not in str(refused.value)  # an object's own id names its type


@strawberry.type
class Gadget:
    id: strawberry.ID
    widget_id: strawberry.ID  # no table says what a widget is


@strawberry.type
class GadgetQuery:
    @strawberry.field
    def gadget(self, wand_id: strawberry.ID) -> Gadget:
        return Gadget(id=strawberry.ID("g1"), widget_id=wand_id)
