"""`node(id:)` and `nodes(ids:)` (ADR 0049): an object fetched again by its global id, through
the same upstream call as its own query, so the service checks the viewer's access to it the
same way. What the viewer may not see answers as that query does (NOT_FOUND or FORBIDDEN from
the service, or null for a lesson); so does an id of a type that cannot be fetched again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from bookend.problems import ProblemField
from gateway.context import Info
from gateway.schema.catalog import Lesson, load_lesson
from gateway.schema.curricula import Curriculum
from gateway.schema.errors import PublicError, query
from gateway.schema.feedback import CheckIn
from gateway.schema.ids import Node, decode
from gateway.schema.imports import RosterImport
from gateway.schema.integrations import WebhookEndpoint
from gateway.schema.notes import Note
from gateway.schema.paging import MAX_FIRST
from gateway.schema.prompts import Prompt
from gateway.schema.proposals import BalanceProposal
from gateway.schema.questions import Question
from gateway.schema.roster import District, Section
from gateway.schema.sessions import LiveSession, SessionSeries

MAX_NODES = MAX_FIRST  # as many as a page holds

Fetch = Callable[[Info, str], Awaitable[Node | None]]


async def _district(info: Info, raw: str) -> Node:
    # The viewer's own district is the only one they may see; any other is not found.
    if raw != info.context.caller.principal.district:
        raise PublicError("NOT_FOUND", "no such district")
    return await query(info.context.clients.scheduler.get_district(), District.of)


# Each refetchable type's fetch: the call its own root query makes (`lesson`, `session`, …).
FETCHES: dict[str, Fetch] = {
    "Lesson": lambda info, raw: load_lesson(info, raw),
    "Curriculum": lambda info, raw: query(
        info.context.clients.catalog.get_curriculum(raw), Curriculum.of
    ),
    "LiveSession": lambda info, raw: query(
        info.context.clients.scheduler.get_session(raw), LiveSession.of
    ),
    "SessionSeries": lambda info, raw: query(
        info.context.clients.scheduler.get_series(raw), SessionSeries.of
    ),
    "Section": lambda info, raw: query(info.context.clients.scheduler.get_section(raw), Section.of),
    "BalanceProposal": lambda info, raw: query(
        info.context.clients.scheduler.get_proposal(raw), BalanceProposal.of
    ),
    "RosterImport": lambda info, raw: query(
        info.context.clients.scheduler.get_roster_import(raw), RosterImport.of
    ),
    "Prompt": lambda info, raw: query(info.context.clients.feedback.get_prompt(raw), Prompt.of),
    "Question": lambda info, raw: query(
        info.context.clients.feedback.get_question(raw), Question.of
    ),
    "Note": lambda info, raw: query(info.context.clients.feedback.get_note(raw), Note.of),
    "CheckIn": lambda info, raw: query(info.context.clients.feedback.get_check_in(raw), CheckIn.of),
    "District": _district,
    "WebhookEndpoint": lambda info, raw: query(
        info.context.clients.integrations.get_endpoint(raw), WebhookEndpoint.of
    ),
}

# The concrete types, so that the schema knows every Node even where nothing else names it.
NODE_TYPES = (
    Lesson,
    Curriculum,
    LiveSession,
    SessionSeries,
    Section,
    BalanceProposal,
    RosterImport,
    Prompt,
    Question,
    Note,
    CheckIn,
    District,
    WebhookEndpoint,
)


def _fetch(info: Info, value: str, field: str) -> Awaitable[Node | None]:
    decoded = decode(value)
    if decoded is None or decoded[0] not in FETCHES:
        message = (
            f"`{field}` takes a global id of one of: {', '.join(sorted(FETCHES))}"
            if decoded is None
            else f"a {decoded[0]} cannot be fetched by `node`; its parent's fields list it"
        )
        raise PublicError(
            "INVALID_INPUT", message, [ProblemField(field=field, rule="node_id", message=message)]
        )
    type_name, raw = decoded
    return FETCHES[type_name](info, raw)


NodeId = Annotated[
    strawberry.ID,
    strawberry.argument(description="A global id, as an object's `id` answers it."),
]


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description=(
            "An object by its global id, fetched again with your access checked as its own "
            "query checks it (e.g. `session` for a LiveSession). Fetchable: Lesson, "
            "Curriculum, LiveSession, SessionSeries, Section, BalanceProposal, RosterImport, "
            "Prompt, Question, Note, CheckIn, District, WebhookEndpoint. Another type's id is "
            "INVALID_INPUT (`id`/`node_id`)."
        )
    )
    async def node(self, info: Info, id: NodeId) -> Node | None:
        return await _fetch(info, id, "id")

    @strawberry.field(
        description=(
            f"Up to {MAX_NODES} objects by their global ids, in the order asked, each as "
            "`node` fetches it: one that fails is null, with its error at its index."
        )
    )
    def nodes(self, info: Info, ids: list[NodeId]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            message = f"at most {MAX_NODES} ids at once"
            raise PublicError(
                "INVALID_INPUT",
                message,
                [ProblemField(field="ids", rule="max_items", message=message)],
            )
        # graphql-core awaits the items together, and places each one's error at its index.
        fetches: list[Any] = []
        for index, value in enumerate(ids):
            try:
                fetches.append(_fetch(info, value, f"ids.{index}"))
            except PublicError as refused:
                fetches.append(_raising(refused))
        return fetches


async def _raising(error: PublicError) -> Node | None:
    raise error
