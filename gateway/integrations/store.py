"""The integrations component's MongoDB access: endpoints, deliveries and the district's log
of public events, mapped to and from documents (ADR 0050)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import ReturnDocument

from bookend.contracts import district_topic
from bookend.http_contracts.integrations import DeliveryStatus
from bookend.mongo import Document, Queries, exact, from_document, order_key, to_document
from bookend.outbox import OutboxStore, OutboxTransaction
from bookend.paging import KeyedPage, PageAsk
from gateway.integrations.domain import Delivery, Endpoint, LoggedEvent

ENDPOINTS = "endpoints"
DELIVERIES = "deliveries"
LOG = "district_events"
# The districts whose topics this component writes: declared again after the broker lost its log.
DISTRICTS = "districts"
# Order keys, one indexed string each (ADR 0044): endpoints by creation, deliveries by
# creation (read newest first), the log by the order events were relayed in.
ORDER = "order"
POSITION = "position"
# Bookkeeping instants as epoch milliseconds: the embedded store turns dates written with
# `$set` into strings, and the dispatcher's claims and re-drives write with `$set`.
DUE = "next_attempt_at"
LEASE = "lease_ms"
UPDATED = "updated_at"
# A delivery's instants are kept as epoch milliseconds, so a re-drive or a kill can set them
# for many deliveries at once.
_DELIVERY_INSTANTS = (DUE, "window_started_at", UPDATED)
INDEXES: list[tuple[str, list[str], bool]] = [
    (ENDPOINTS, ["district_id", ORDER], False),
    (DELIVERIES, ["status", DUE], False),
    (DELIVERIES, ["district_id", "endpoint_id", ORDER], False),
    (DELIVERIES, ["district_id", "endpoint_id", "status", ORDER], False),
    (DELIVERIES, ["status", UPDATED], False),
    (LOG, ["district_id", POSITION], True),
    (LOG, [POSITION], False),
]
# The log's positions and the since-bound of a replay share this width, so they compare.
_POSITION_DIGITS = 20


def _ms(instant: datetime | None) -> int | None:
    return None if instant is None else int(instant.timestamp() * 1000)


def position_of(sequence_ns: int, event_id: str) -> str:
    return f"{sequence_ns:0{_POSITION_DIGITS}d}|{event_id}"


def position_since(instant: datetime) -> str:
    """The first position of events relayed at or after `instant`."""
    return f"{int(instant.timestamp() * 1_000_000_000):0{_POSITION_DIGITS}d}"


def _endpoint_document(endpoint: Endpoint) -> Document:
    return to_document(endpoint, key="id") | {ORDER: order_key(endpoint.created_at, endpoint.id)}


def _delivery_document(delivery: Delivery) -> Document:
    doc = to_document(delivery, key="id")
    for name in _DELIVERY_INSTANTS:
        doc[name] = _ms(doc[name])
    return doc | {ORDER: order_key(delivery.created_at, delivery.id), LEASE: 0}


def _endpoint(doc: Document) -> Endpoint:
    return from_document(Endpoint, _bare(doc, ORDER), key="id")


def _delivery(doc: Document) -> Delivery:
    fields = _bare(doc, ORDER, LEASE)
    for name in _DELIVERY_INSTANTS:
        ms = fields[name]
        fields[name] = None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)
    return from_document(Delivery, fields, key="id")


def _logged(doc: Document) -> LoggedEvent:
    return from_document(LoggedEvent, doc, key="id")


def _bare(doc: Document, *names: str) -> Document:
    return {name: value for name, value in doc.items() if name not in names}


class IntegrationQueries(Queries):
    async def get_endpoint(self, district_id: str, endpoint_id: str) -> Endpoint | None:
        doc = await self._one(ENDPOINTS, {"_id": endpoint_id, "district_id": district_id})
        return None if doc is None else _endpoint(doc)

    async def list_endpoints(self, district_id: str) -> list[Endpoint]:
        """Every endpoint of the district: a district has a handful (a setting caps them)."""
        docs = await self._many(ENDPOINTS, {"district_id": district_id}, [(ORDER, 1)])
        return [_endpoint(doc) for doc in docs]

    async def page_endpoints(self, district_id: str, asked: PageAsk) -> KeyedPage[Endpoint]:
        return await self._page(ENDPOINTS, {"district_id": district_id}, ORDER, asked, _endpoint)

    async def endpoints_by_id(self, ids: Sequence[str]) -> dict[str, Endpoint]:
        docs = await self._many(ENDPOINTS, {"_id": {"$in": list(ids)}})
        return {doc["_id"]: _endpoint(doc) for doc in docs}

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        doc = await self._one(DELIVERIES, {"_id": delivery_id})
        return None if doc is None else _delivery(doc)

    async def page_deliveries(
        self,
        district_id: str,
        endpoint_id: str,
        status: DeliveryStatus | None,
        asked: PageAsk,
    ) -> KeyedPage[Delivery]:
        query: Document = {"district_id": district_id, "endpoint_id": endpoint_id}
        if status is not None:
            query["status"] = status.value
        return await self._page(DELIVERIES, query, ORDER, asked, _delivery, descending=True)

    async def get_logged(self, district_id: str, event_id: str) -> LoggedEvent | None:
        doc = await self._one(LOG, {"_id": event_id, "district_id": district_id})
        return None if doc is None else _logged(doc)

    async def page_log(
        self,
        district_id: str,
        asked: PageAsk,
        *,
        since: datetime | None,
        types: Sequence[str],
    ) -> KeyedPage[LoggedEvent]:
        """The district's events in the order they were relayed: after the cursor, else from
        `since`, else from the start."""
        query: Document = {"district_id": district_id}
        if types:
            query["type"] = {"$in": list(types)}
        if since is not None and asked.after is None:
            query[POSITION] = {"$gte": position_since(since)}
        return await self._page(LOG, query, POSITION, asked, _logged)


class IntegrationWrites(IntegrationQueries):
    async def save_endpoint(self, endpoint: Endpoint) -> None:
        await self.db[ENDPOINTS].replace_one(
            exact({"_id": endpoint.id}), _endpoint_document(endpoint), upsert=True,
            session=self.session,
        )  # fmt: skip

    async def delete_endpoint(self, endpoint: Endpoint) -> None:
        """The endpoint and its deliveries: nothing is sent to it after this commits."""
        await self.db[ENDPOINTS].delete_one(exact({"_id": endpoint.id}), session=self.session)
        await self.db[DELIVERIES].delete_many(
            exact({"district_id": endpoint.district_id, "endpoint_id": endpoint.id}),
            session=self.session,
        )

    async def count_endpoints(self, district_id: str) -> int:
        return await self._count(ENDPOINTS, {"district_id": district_id})

    async def add_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        if deliveries:
            docs = [_delivery_document(delivery) for delivery in deliveries]
            await self.db[DELIVERIES].insert_many(docs, session=self.session)

    async def save_delivery(self, delivery: Delivery) -> None:
        await self.db[DELIVERIES].replace_one(
            exact({"_id": delivery.id}), _delivery_document(delivery), session=self.session
        )

    async def kill_waiting(self, endpoint: Endpoint, reason: str, now: datetime) -> int:
        """Dead-letter every delivery of the endpoint still waiting (it was disabled)."""
        done = await self.db[DELIVERIES].update_many(
            exact({"endpoint_id": endpoint.id, "status": DeliveryStatus.PENDING.value}),
            {"$set": {
                "status": DeliveryStatus.DEAD.value, "dead_reason": reason, DUE: None,
                UPDATED: _ms(now),
            }},
            session=self.session,
        )  # fmt: skip
        return done.modified_count

    async def redrive(self, endpoint: Endpoint, delivery_ids: Sequence[str], now: datetime) -> int:
        """Dead deliveries of the endpoint (these, or all) pending again, due now, with a new
        window of retries; their attempts stay in the log."""
        query: Document = {"endpoint_id": endpoint.id, "status": DeliveryStatus.DEAD.value}
        if delivery_ids:
            query["_id"] = {"$in": list(delivery_ids)}
        done = await self.db[DELIVERIES].update_many(
            exact(query),
            {"$set": {
                "status": DeliveryStatus.PENDING.value, DUE: _ms(now), LEASE: 0,
                "window_started_at": _ms(now), "dead_reason": None, UPDATED: _ms(now),
            }},
            session=self.session,
        )  # fmt: skip
        return done.modified_count

    async def remember_district(self, district_id: str) -> None:
        await self.db[DISTRICTS].replace_one(
            exact({"_id": district_id}), {"_id": district_id}, upsert=True, session=self.session
        )

    async def append_to_log(self, event: LoggedEvent) -> None:
        doc = to_document(event, key="id")
        await self.db[LOG].insert_one(doc, session=self.session)


class IntegrationsTransaction(OutboxTransaction, IntegrationWrites):
    """Offers the integrations' `Transaction` port."""


class IntegrationsStore(OutboxStore[IntegrationsTransaction], IntegrationQueries):
    transaction = IntegrationsTransaction

    async def create_indexes(self) -> None:
        await super().create_indexes()
        for collection, fields, unique in INDEXES:
            await self._index(collection, fields, unique=unique)

    async def district_topics(self) -> list[str]:
        docs = await self.db[DISTRICTS].find({}).to_list()
        return [district_topic(doc["_id"]) for doc in docs]

    async def claim_due(
        self, now: datetime, *, limit: int, per_endpoint: int, lease_ms: int
    ) -> list[Delivery]:
        """Pending deliveries due by `now`, in the order they fell due, at most `per_endpoint`
        of one endpoint, each leased to this caller for `lease_ms`: another replica's
        dispatcher passes them over until the lease runs out."""
        now_ms = _ms(now)
        assert now_ms is not None
        query = {"status": DeliveryStatus.PENDING.value, DUE: {"$lte": now_ms}}
        docs = await self._many(DELIVERIES, query, [(DUE, 1)], limit)
        taken: dict[str, int] = {}
        claimed = []
        for doc in docs:
            endpoint = doc["endpoint_id"]
            if doc.get(LEASE, 0) >= now_ms or taken.get(endpoint, 0) >= per_endpoint:
                continue
            held = await self.db[DELIVERIES].find_one_and_update(
                exact({"_id": doc["_id"], "status": DeliveryStatus.PENDING.value,
                       LEASE: doc.get(LEASE, 0)}),
                {"$set": {LEASE: now_ms + lease_ms}},
                return_document=ReturnDocument.AFTER,
            )  # fmt: skip
            if held is not None:
                taken[endpoint] = taken.get(endpoint, 0) + 1
                claimed.append(_delivery(held))
        return claimed

    async def release(self, delivery_ids: Sequence[str]) -> None:
        """Give up the lease of deliveries not tried after all: due again at the next pass."""
        if delivery_ids:
            await self.db[DELIVERIES].update_many(
                {"_id": {"$in": list(delivery_ids)}}, {"$set": {LEASE: 0}}
            )

    async def forget_before(self, before: datetime) -> tuple[int, int]:
        """Drop log entries relayed before `before`, and finished deliveries last changed
        before it: what a replay or a re-drive can still reach is the retention period."""
        log = await self.db[LOG].delete_many({POSITION: {"$lt": position_since(before)}})
        finished = {"$in": [DeliveryStatus.DELIVERED.value, DeliveryStatus.DEAD.value]}
        deliveries = await self.db[DELIVERIES].delete_many(
            {"status": finished, UPDATED: {"$lt": _ms(before)}}
        )
        return log.deleted_count, deliveries.deleted_count
