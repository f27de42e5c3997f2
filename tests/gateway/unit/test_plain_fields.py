"""Plain fields read in one step answer exactly what Strawberry's own resolvers answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.scheduler import Bookend, FeedItemKind, FeedItemStatus
from bookend.http_contracts.scheduler import Feed
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.frames import OncePerAudience
from gateway.schema.ids import globalize_ids
from gateway.schema.limits import StableErrors, extensions
from gateway.schema.plain import PlainFieldsExecution, read_plain_fields
from gateway.schema.root import BookendSchema, Mutation, Query, Subscription, build_schema
from gateway.schema.times import InViewersZone
from gateway.settings import GatewaySettings
from tests.gateway.feeds import a_page, a_task
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET, token_for

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
# The same schema as Strawberry runs it, every field through its own resolver (with instants
# written in the viewer's zone, as every execution of the gateway's does: ADR 0045, and ids
# global, as every answer of the gateway's has them: ADR 0049).
STRAWBERRYS = BookendSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=extensions(SETTINGS),
    execution_context_class=InViewersZone,
)
globalize_ids(STRAWBERRYS)
START = datetime(2026, 3, 2, 15, tzinfo=UTC)


def a_feed() -> Feed:
    task = a_task(
        bookend=Bookend.PRE_WORK,
        opens_at=START,
        due_at=START + timedelta(days=1),
        actionable_at=START + timedelta(days=1),
    )
    session = task.model_copy(
        update={
            "item_id": "s1",
            "kind": FeedItemKind.LIVE_SESSION,
            "session_id": "session-1",
            "title": "Discuss chapter 3",
            "bookend": None,
            "status": FeedItemStatus.UPCOMING,
            "starts_at": START + timedelta(days=2),
            "ends_at": START + timedelta(days=2, hours=1),
            "opens_at": None,
            "due_at": None,
            "actionable_at": START + timedelta(days=2),
            "cursor": "c2",
        }
    )
    return a_page(task, session)


async def run(schema: strawberry.Schema, document: str) -> ExecutionResult:
    services = StubServices()
    services.scheduler.answer("GET", "/feed", a_feed())
    context = Context(
        settings=SETTINGS,
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    token = token_for("student-1", Role.STUDENT, zone="America/Chicago")
    await context.authenticate(f"Bearer {token}")
    return await schema.execute(document, context_value=context)


EVERY_FIELD = """__typename id kind title status minutes sectionId sessionId lessonId
  actionableAt timeZone ruleTimeZone
  ... on LiveSessionItem { startsAt endsAt modality joinUrl byRecording }
  ... on TaskItem { bookend opensAt dueAt closesAt }
  ... on PromptItem { bookend opensAt dueAt }"""


@pytest.mark.parametrize(
    "document",
    [
        f"{{ feed {{ timeZone edges {{ cursor node {{ {EVERY_FIELD} }} }}"
        " pageInfo { hasNextPage endCursor } } }",
        f"{{ feed {{ nodes {{ {EVERY_FIELD} }} }} }}",
        """{ feed { edges { node { a: title b: title when: actionableAt title
             ... on TaskItem { due: dueAt } } } } }""",
        """{ feed { edges { node { ...Times ... on FeedItem { kind } } } } }
           fragment Times on FeedItem { ... on LiveSessionItem { startsAt } title: id
             ... on TaskItem { dueAt } }""",
        """{ feed { edges { node { id status @skip(if: true) title @include(if: false)
             minutes @include(if: true) __typename } } } }""",
    ],
    ids=["every field", "nodes", "aliases", "fragments", "directives and __typename"],
)
async def test_a_feed_page_reads_the_same_as_through_strawberrys_resolvers(
    document: str,
) -> None:
    ours, theirs = await run(SCHEMA, document), await run(STRAWBERRYS, document)
    assert ours.errors is None
    assert ours.data == theirs.data


async def test_instants_read_in_one_step_are_written_in_the_viewers_zone() -> None:
    ours = await run(SCHEMA, "{ feed { edges { node { ... on TaskItem { opensAt dueAt } } } } }")
    assert ours.data is not None
    assert ours.data["feed"]["edges"][0]["node"] == {
        "opensAt": "2026-03-02T09:00:00.000-06:00",
        "dueAt": "2026-03-03T09:00:00.000-06:00",
    }


def test_the_schema_is_the_same_as_strawberrys() -> None:
    assert SCHEMA.as_str() == STRAWBERRYS.as_str()


class Deny(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing:
    name: str
    count: int
    note: str | None
    colour: Colour | None = None
    secret: str = strawberry.field(permission_classes=[Deny], default="hidden")

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@dataclass
class Broken:
    """What a bug might hand the schema: values its types cannot take."""

    name: object
    count: object
    note: object = None
    colour: object = None
    secret: str = "hidden"

    def shout(self) -> str:
        return "?"


@strawberry.type
class Shelf:
    """Plain all the way down: completed in one step unless something is wrong in it."""

    first: Thing | None
    loose: list[Thing | None]
    strict: list[Thing]


def good_and_broken() -> list[Thing]:
    broken = Broken(name=None, count="many", note=7, colour="green")
    return [Thing(name="quill", count=3, note=None, colour=Colour.BLUE), broken]  # type: ignore[list-item]


@strawberry.type
class ThingQuery:
    @strawberry.field
    def thing(self) -> Thing:
        return Thing(name="quill", count=3, note=None)

    @strawberry.field
    def things(self) -> list[Thing | None]:
        return list(good_and_broken())

    @strawberry.field
    def tidy(self) -> Shelf:
        quill = good_and_broken()[0]
        return Shelf(first=quill, loose=[quill, None], strict=[quill])

    @strawberry.field
    def shelf(self) -> Shelf:
        things = good_and_broken()
        return Shelf(first=things[1], loose=list(things), strict=things)


def a_schema(*more: Callable[[], SchemaExtension], plain: bool = True) -> strawberry.Schema:
    if not plain:
        return strawberry.Schema(query=ThingQuery, extensions=[StableErrors, *more])
    schema = strawberry.Schema(
        query=ThingQuery,
        extensions=[StableErrors, *more],
        execution_context_class=PlainFieldsExecution,
    )
    read_plain_fields(schema)
    return schema


def answer(result: ExecutionResult) -> object:
    """What a client sees: the data, and each error's message, path and code."""
    errors = [(e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize(
    "container", ["things", "shelf { loose", "shelf { strict", "shelf { first"]
)
@pytest.mark.parametrize(
    ("field", "wrong"),
    [("name", True), ("count", True), ("note", False), ("colour", True)],
    ids=["null for non-null", "not an int", "an int for a string", "not a member"],
)
async def test_a_value_its_type_cannot_take_is_the_same_error_as_strawberrys(
    container: str, field: str, wrong: bool
) -> None:
    document = f"{{ {container} {{ {field} }} {'}' * container.count('{')} }}"
    ours = await a_schema().execute(document)
    # Codes included: the same as Strawberry's path gives them.
    assert answer(ours) == answer(await a_schema(plain=False).execute(document))
    assert [(error.path or [])[-1] for error in ours.errors or []] == ([field] if wrong else [])


async def test_a_selection_plain_all_the_way_down_reads_as_strawberrys() -> None:
    document = """{ tidy { first { name } loose { name colour }
                   strict { a: name b: colour ...Count } } } fragment Count on Thing { count }"""
    ours = await a_schema().execute(document)
    assert answer(ours) == answer(await a_schema(plain=False).execute(document))
    quill = {"name": "quill", "colour": "BLUE"}
    assert ours.data == {
        "tidy": {
            "first": {"name": "quill"},
            "loose": [quill, None],
            "strict": [{"a": "quill", "b": "BLUE", "count": 3}],
        }
    }


class Upper(SchemaExtension):
    """A `resolve` hook: field middleware, which must see plain fields too."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) else value


async def test_field_middleware_sees_plain_fields() -> None:
    result = await a_schema(Upper).execute("{ thing { name } }")
    assert result.data == {"thing": {"name": "QUILL"}}


class CountingFallbacks(OncePerAudience):
    """The gateway's execution, counting what it hands to graphql-core's own machinery: an
    item of an interface type resolved there, and fields executed there one by one."""

    abstract = 0
    fields = 0

    def complete_abstract_value(self, *args: Any, **kwargs: Any) -> Any:
        CountingFallbacks.abstract += 1
        return super().complete_abstract_value(*args, **kwargs)

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        CountingFallbacks.fields += 1
        return super().execute_field(*args, **kwargs)


async def test_a_feed_page_of_every_kind_is_completed_in_one_step() -> None:
    """Its items are of an interface type: each is still completed without graphql-core's
    per-field and abstract-type machinery (ADR 0020), fragments on each kind and all."""
    counting = BookendSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions(SETTINGS),
        execution_context_class=CountingFallbacks,
    )
    read_plain_fields(counting)
    globalize_ids(counting)  # as build_schema does: an id field stays plain, and encodes
    CountingFallbacks.abstract = CountingFallbacks.fields = 0
    result = await run(counting, f"{{ feed {{ nodes {{ {EVERY_FIELD} }} edges {{ cursor }} }} }}")
    assert result.errors is None, result.errors
    assert [node["__typename"] for node in result.data["feed"]["nodes"]] == [  # type: ignore[index]
        "TaskItem",
        "LiveSessionItem",
    ]
    # The root field alone (it has a resolver); the page below it in one step.
    assert (CountingFallbacks.abstract, CountingFallbacks.fields) == (0, 1)
