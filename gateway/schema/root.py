"""The root types, each composed from the per-domain mixins."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.context import Info
from gateway.schema.assessment import AssessmentMutation, AssessmentQuery
from gateway.schema.balance import BalanceMutation, BalanceQuery
from gateway.schema.calendars import CalendarMutation, CalendarQuery
from gateway.schema.catalog import CatalogMutation, CatalogQuery
from gateway.schema.cost import Budgets
from gateway.schema.curricula import CurriculumMutation, CurriculumQuery
from gateway.schema.enums import Role
from gateway.schema.errors import public_code
from gateway.schema.feed import FEED_ITEM_TYPES, FeedQuery, FeedSubscription
from gateway.schema.feedback import FeedbackMutation, FeedbackQuery, FeedbackSubscription
from gateway.schema.frames import OncePerAudience
from gateway.schema.groups import GroupMutation, GroupQuery
from gateway.schema.ids import globalize_ids
from gateway.schema.imports import ImportMutation, ImportQuery
from gateway.schema.integrations import IntegrationMutation, IntegrationQuery
from gateway.schema.me import MeQuery
from gateway.schema.node import NODE_TYPES, NodeQuery
from gateway.schema.notes import NoteMutation, NoteQuery, NoteSubscription
from gateway.schema.plain import read_plain_fields
from gateway.schema.progress import ProgressMutation, ProgressQuery
from gateway.schema.prompts import PromptMutation, PromptQuery
from gateway.schema.proposals import ProposalMutation, ProposalQuery
from gateway.schema.pulse import PulseMutation, PulseQuery
from gateway.schema.questions import QuestionMutation, QuestionQuery
from gateway.schema.recordings import RecordingMutation, RecordingQuery
from gateway.schema.roster import RosterMutation, RosterQuery
from gateway.schema.scalars import SCALARS
from gateway.schema.sessions import SessionMutation, SessionQuery
from gateway.schema.tasks import TaskMutation
from gateway.settings import GatewaySettings
from gateway.upstream import UpstreamUnavailable

log = logging.getLogger(__name__)


@strawberry.type
class Viewer:
    id: strawberry.ID
    district_id: strawberry.ID
    roles: list[Role]


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the bearer token says you are.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.caller.principal
        return Viewer(
            id=strawberry.ID(principal.subject),
            district_id=strawberry.ID(principal.district),
            roles=sorted(principal.roles),
        )


@strawberry.type
class Query(
    ViewerQuery,
    NodeQuery,
    MeQuery,
    FeedQuery,
    CatalogQuery,
    CurriculumQuery,
    RosterQuery,
    GroupQuery,
    SessionQuery,
    FeedbackQuery,
    ProgressQuery,
    RecordingQuery,
    CalendarQuery,
    ImportQuery,
    BalanceQuery,
    ProposalQuery,
    AssessmentQuery,
    PulseQuery,
    PromptQuery,
    QuestionQuery,
    NoteQuery,
    IntegrationQuery,
):
    pass


@strawberry.type
class Mutation(
    CatalogMutation,
    CurriculumMutation,
    RosterMutation,
    GroupMutation,
    SessionMutation,
    TaskMutation,
    FeedbackMutation,
    ProgressMutation,
    RecordingMutation,
    CalendarMutation,
    ImportMutation,
    BalanceMutation,
    ProposalMutation,
    AssessmentMutation,
    PulseMutation,
    PromptMutation,
    QuestionMutation,
    NoteMutation,
    IntegrationMutation,
):
    pass


@strawberry.type
class Subscription(FeedbackSubscription, NoteSubscription, FeedSubscription):
    pass


class BookendSchema(strawberry.Schema):
    """Logs each error by its code, path and cause, never with the document's text: a query
    carries students' words and ids inline (a check-in's note), and logs must not. Knows the
    schema's own scalars, and the types reachable only through an interface, however it is
    built."""

    def __init__(self, *args: Any, **rest: Any) -> None:
        rest.setdefault("config", StrawberryConfig(scalar_map=SCALARS))
        # Types reachable only through an interface: the feed's kinds of item, and Nodes.
        rest.setdefault("types", (*FEED_ITEM_TYPES, *NODE_TYPES))
        super().__init__(*args, **rest)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            original = error.original_error
            code = public_code(error)
            # A client's mistake or refusal is routine (info); a service away is worth a look
            # (warning); anything unexpected is an error, with its traceback.
            level = {None: logging.ERROR, "UNAVAILABLE": logging.WARNING}.get(code, logging.INFO)
            log.log(
                level,
                "graphql error code=%s path=%s: %s",
                code or "INTERNAL",
                ".".join(str(part) for part in error.path or ()) or "-",
                # A syntax or validation message may quote the document: only its kind is kept;
                # an unavailable service's message names the service and the failure.
                _cause(original),
                exc_info=original if original and code is None else None,
            )


def _cause(original: Exception | None) -> str:
    if original is None:
        return "invalid document"
    if isinstance(original, UpstreamUnavailable):
        return f"{type(original).__name__}: {original}"
    return type(original).__name__


def build_schema(settings: GatewaySettings, budgets: Budgets | None = None) -> strawberry.Schema:
    """The schema, charging requests to `budgets` (made from the settings if none is given)."""
    from gateway.schema.limits import extensions

    schema = BookendSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions(settings, budgets),
        execution_context_class=OncePerAudience,
    )
    read_plain_fields(schema)
    globalize_ids(schema)  # after: a plain id field stays plain, and encodes
    return schema
