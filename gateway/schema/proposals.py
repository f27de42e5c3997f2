"""The balance adjusted: proposals a section's teachers list, accept, dismiss and undo
(ADR 0038)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import balance as http
from gateway.context import Info
from gateway.schema.convert import FromContract, from_contract
from gateway.schema.enums import BalanceFlag, ProposalKind, ProposalStatus
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page


@strawberry.type(
    description=(
        "A change to a section's plan, proposed from a week's balance assessment for one "
        "student (studentId) or the whole section. Accepting it changes the plan and the "
        "feeds of those it is for at once; an applied one can be undone."
    )
)
class BalanceProposal(Node, FromContract[http.Proposal]):
    id: strawberry.ID
    section_id: strawberry.ID
    student_id: strawberry.ID | None
    kind: ProposalKind
    week: str = strawberry.field(description="The ISO week assessed, e.g. 2026-W48.")
    flags: list[BalanceFlag]
    reason: str = strawberry.field(description="The assessment's reasons, with their figures.")
    status: ProposalStatus
    proposed_at: datetime
    decided_at: datetime | None
    decided_by: strawberry.ID | None = strawberry.field(
        description="A teacher's id, or \"policy\" when the section's policy applied it."
    )
    dismissal: str | None
    extended_task_ids: list[strawberry.ID]
    added_task_ids: list[strawberry.ID]
    shortened_session_ids: list[strawberry.ID]
    following_until: datetime | None


def proposal_of(proposal: http.Proposal) -> BalanceProposal:
    return from_contract(BalanceProposal, proposal)


BalanceProposalResult = Annotated[
    BalanceProposal | Failure, strawberry.union("BalanceProposalResult")
]


@strawberry.type
class ProposalQuery:
    @strawberry.field(
        description="A section's balance proposals, newest first (its teachers and admins)."
    )
    async def balance_proposals(
        self,
        info: Info,
        section_id: strawberry.ID,
        status: ProposalStatus | None = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[BalanceProposal]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_proposals(section_id, status, asked)
        return await query(call, lambda found: Connection.of(found, asked, proposal_of))


@strawberry.type
class ProposalMutation:
    @strawberry.mutation(description="Apply an open proposal: the plan and the feeds change.")
    async def accept_proposal(
        self, info: Info, proposal_id: strawberry.ID
    ) -> BalanceProposalResult:
        call = info.context.clients.scheduler.accept_proposal(proposal_id)
        return await mutate(call, proposal_of)

    @strawberry.mutation(description="Say no to an open proposal; the reason stays with staff.")
    async def dismiss_proposal(
        self, info: Info, proposal_id: strawberry.ID, reason: str | None = None
    ) -> BalanceProposalResult:
        body = http.ProposalDismissal.model_construct(reason=reason)
        call = info.context.clients.scheduler.dismiss_proposal(proposal_id, body)
        return await mutate(call, proposal_of)

    @strawberry.mutation(
        description="Change back what an applied proposal changed, unless it changed since."
    )
    async def undo_proposal(self, info: Info, proposal_id: strawberry.ID) -> BalanceProposalResult:
        call = info.context.clients.scheduler.undo_proposal(proposal_id)
        return await mutate(call, proposal_of)
