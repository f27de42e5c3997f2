"""Balance proposals' HTTP routes, for a section's teachers and admins: list, read, accept,
dismiss, undo. Thin adapters from the HTTP contract to use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from bookend import cursors
from bookend.auth.fastapi import CurrentPrincipal
from bookend.contracts.scheduler import ProposalStatus
from bookend.cursors import Position
from bookend.hosting import ServiceState, service_state
from bookend.http_contracts import balance as http
from bookend.http_contracts.paging import keyset_page
from services.scheduler.adjustments import service
from services.scheduler.adjustments.domain import Proposal
from services.scheduler.adjustments.ports import Store
from services.scheduler.records import fields_of
from services.scheduler.settings import SchedulerSettings

State = Annotated[ServiceState[Store, SchedulerSettings], Depends(service_state)]

router = APIRouter()


def proposal_out(proposal: Proposal) -> http.Proposal:
    applied = proposal.applied
    return http.Proposal.model_validate(
        fields_of(
            proposal,
            extended_task_ids=[c.task_id for c in applied.extensions] if applied else [],
            added_task_ids=list(applied.task_ids) if applied else [],
            shortened_session_ids=[c.session_id for c in applied.sessions] if applied else [],
            following_until=applied.following.ends_at if applied and applied.following else None,
        )
    )


@router.get("/sections/{section_id}/proposals")
async def list_proposals(
    section_id: str,
    principal: CurrentPrincipal,
    state: State,
    status: ProposalStatus | None = None,
    first: int = 20,
    after: Annotated[str | None, Query(max_length=500)] = None,
    total: bool = False,
) -> http.ProposalPage:
    page = await service.list_proposals(
        section_id,
        status=status,
        first=first,
        after=cursors.decode(after) if after else None,
        total=total,
        principal=principal,
        reads=state.store,
    )
    ends, info = keyset_page(
        (Position(p.proposed_at, p.id) for p in page.proposals),
        more=page.next is not None,
        total=page.total,
    )
    return http.ProposalPage(
        items=[proposal_out(p) for p in page.proposals], page_info=info, cursors=ends
    )


@router.get("/proposals/{proposal_id}")
async def get_proposal(
    proposal_id: str, principal: CurrentPrincipal, state: State
) -> http.Proposal:
    proposal = await service.get_proposal(proposal_id, principal=principal, reads=state.store)
    return proposal_out(proposal)


@router.post("/proposals/{proposal_id}/accept")
async def accept_proposal(
    proposal_id: str, principal: CurrentPrincipal, state: State
) -> http.Proposal:
    proposal = await service.accept_proposal(
        proposal_id, principal=principal, store=state.store, clock=state.clock, ids=state.ids
    )
    return proposal_out(proposal)


@router.post("/proposals/{proposal_id}/dismiss")
async def dismiss_proposal(
    proposal_id: str, body: http.ProposalDismissal, principal: CurrentPrincipal, state: State
) -> http.Proposal:
    proposal = await service.dismiss_proposal(
        proposal_id, body.reason, principal=principal, store=state.store, clock=state.clock
    )
    return proposal_out(proposal)


@router.post("/proposals/{proposal_id}/undo")
async def undo_proposal(
    proposal_id: str, principal: CurrentPrincipal, state: State
) -> http.Proposal:
    proposal = await service.undo_proposal(
        proposal_id, principal=principal, store=state.store, clock=state.clock
    )
    return proposal_out(proposal)
