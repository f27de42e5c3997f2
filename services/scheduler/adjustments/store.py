"""Balance proposals' MongoDB access, and the students following sessions by recording.
`services/scheduler/store.py` composes it with the other slices' into one store."""

from __future__ import annotations

from datetime import datetime

from bookend.contracts.scheduler import ProposalStatus
from bookend.cursors import Position
from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from services.scheduler.adjustments.domain import Following, Proposal

PROPOSALS = "balance_proposals"
FOLLOWINGS = "recording_followings"

# (collection, fields, unique): a section's proposals newest first, by week; a section's
# followings by when they end (a recording looks for those still running).
INDEXES: list[tuple[str, list[str], bool]] = [
    (PROPOSALS, ["district_id", "section_id", "order"], False),
    (PROPOSALS, ["district_id", "section_id", "week"], False),
    (FOLLOWINGS, ["district_id", "section_id", "ends_at"], False),
    (FOLLOWINGS, ["district_id", "proposal_id"], True),
]


class AdjustmentQueries(Queries):
    async def get_proposal(self, district_id: str, proposal_id: str) -> Proposal | None:
        query = {"_id": proposal_id, "district_id": district_id}
        doc = await self._one(PROPOSALS, query)
        return None if doc is None else self._proposal(doc)

    async def list_week_proposals(
        self, district_id: str, section_id: str, week: str
    ) -> list[Proposal]:
        query = {"district_id": district_id, "section_id": section_id, "week": week}
        return [self._proposal(doc) for doc in await self._many(PROPOSALS, query, [("_id", 1)])]

    async def list_proposals(
        self,
        district_id: str,
        section_id: str,
        *,
        status: ProposalStatus | None = None,
        after: Position | None = None,
        limit: int = 50,
    ) -> list[Proposal]:
        """Newest first: by when proposed, then id (the order keys are strings, ADR 0007)."""
        query = _proposals(district_id, section_id, status)
        if after is not None:
            query["order"] = {"$lt": order_key(after.created_at, after.id)}
        docs = await self._many(PROPOSALS, query, [("order", -1)], limit)
        return [self._proposal(doc) for doc in docs]

    async def count_proposals(
        self, district_id: str, section_id: str, *, status: ProposalStatus | None = None
    ) -> int:
        return await self._count(PROPOSALS, _proposals(district_id, section_id, status))

    def _proposal(self, doc: Document) -> Proposal:
        return from_document(Proposal, {k: v for k, v in doc.items() if k != "order"}, key="id")

    async def list_followings(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[Following]:
        """The section's students following by recording at `at`."""
        query = {"district_id": district_id, "section_id": section_id, "ends_at": {"$gt": at}}
        found = await self._list(Following, FOLLOWINGS, query, [("ends_at", 1)])
        return [f for f in found if f.starts_at <= at]

    async def list_recording_followers(
        self, district_id: str, section_id: str, at: datetime
    ) -> list[str]:
        """The feed projector's view of the followings: who follows at `at`."""
        followings = await self.list_followings(district_id, section_id, at)
        return sorted({f.student_id for f in followings})


class AdjustmentWrites(AdjustmentQueries):
    async def save_proposal(self, proposal: Proposal) -> None:
        """Insert it, or replace it whole (never field by field, ADR 0007)."""
        doc = to_document(proposal, key="id")
        doc["order"] = order_key(proposal.proposed_at, proposal.id)
        await self.db[PROPOSALS].replace_one(
            {"_id": proposal.id}, doc, upsert=True, session=self.session
        )

    async def save_following(self, following: Following) -> None:
        await self._save(FOLLOWINGS, following, "district_id", "proposal_id")

    async def remove_following(self, district_id: str, proposal_id: str) -> None:
        query = {"district_id": district_id, "proposal_id": proposal_id}
        await self.db[FOLLOWINGS].delete_one(exact(query), session=self.session)


def _proposals(district_id: str, section_id: str, status: ProposalStatus | None) -> Document:
    query: Document = {"district_id": district_id, "section_id": section_id}
    if status is not None:
        query["status"] = status.value
    return query
