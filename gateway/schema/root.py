"""The root types, each composed from the per-domain mixins."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.schema.catalog import CatalogMutation, CatalogQuery
from gateway.schema.feed import FeedQuery
from gateway.schema.feedback import FeedbackMutation, FeedbackQuery, FeedbackSubscription
from gateway.schema.roster import RosterMutation, RosterQuery
from gateway.schema.sessions import SessionMutation, SessionQuery
from gateway.settings import GatewaySettings


@strawberry.type
class Viewer:
    id: strawberry.ID
    district_id: strawberry.ID
    roles: list[str]


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the bearer token says you are.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.caller.principal
        return Viewer(
            id=strawberry.ID(principal.subject),
            district_id=strawberry.ID(principal.district),
            roles=sorted(role.value for role in principal.roles),
        )


@strawberry.type
class Query(ViewerQuery, FeedQuery, CatalogQuery, RosterQuery, SessionQuery, FeedbackQuery):
    pass


@strawberry.type
class Mutation(CatalogMutation, RosterMutation, SessionMutation, FeedbackMutation):
    pass


@strawberry.type
class Subscription(FeedbackSubscription):
    pass


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    from gateway.schema.limits import extensions

    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions(settings),
    )
