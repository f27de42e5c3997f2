"""Balance policies' MongoDB access (a section's planned minutes are read through the
sessions' queries). `services/scheduler/store.py` composes it with the other slices' into one
store."""

from __future__ import annotations

from bookend.mongo import Queries, exact, to_document
from services.scheduler.balance.domain import BalancePolicy

BALANCE_POLICIES = "balance_policies"

# (collection, fields, unique): one policy per section.
INDEXES: list[tuple[str, list[str], bool]] = [
    (BALANCE_POLICIES, ["district_id", "section_id"], True),
]


class BalanceQueries(Queries):
    async def get_balance_policy(self, district_id: str, section_id: str) -> BalancePolicy | None:
        query = {"district_id": district_id, "section_id": section_id}
        return await self._get(BalancePolicy, BALANCE_POLICIES, query)


class BalanceWrites(BalanceQueries):
    async def save_balance_policy(self, policy: BalancePolicy) -> None:
        # Whole, never field by field: a `$set` of a datetime is a string on the embedded store.
        query = {"district_id": policy.district_id, "section_id": policy.section_id}
        await self.db[BALANCE_POLICIES].replace_one(
            exact(query), to_document(policy), upsert=True, session=self.session
        )
