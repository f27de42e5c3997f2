"""The whole app of a service: lifespan, store, outbox relay, consumer, problems and auth."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, Protocol, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from bookend.auth import AuthSettings, TokenVerifier
from bookend.auth.fastapi import install_verifier
from bookend.clock import Clock, utc_now
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import (
    BrokerMarker,
    EventConsumer,
    Inbound,
    Joining,
    KafkaPublisher,
    KafkaSettings,
    ensure_topics,
)
from bookend.hosting.idempotency import TimeBudget, install_idempotency
from bookend.hosting.limits import BodyLimit, invalid_text
from bookend.hosting.logs import RequestLog, configure_logging
from bookend.hosting.settings import ServiceSettings
from bookend.hosting.state import ServiceState
from bookend.ids import IdFactory, new_id
from bookend.mongo import KeyedRequest, MongoClient, MongoSettings, connect, reachable
from bookend.outbox import LostLogWatch, OutboxRelay
from bookend.problems import Problem, ProblemKind, install_problem_handlers

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


class ServiceStore(Protocol):
    async def create_indexes(self) -> None: ...

    async def replay_if_answered(self, request: KeyedRequest) -> None: ...


StoreT = TypeVar("StoreT", bound=ServiceStore)


class Worker(Protocol):
    """Work a service runs beside its requests and consumer (the integrations' dispatcher)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class ServiceParts(Generic[StoreT, SettingsT]):
    """What differs between services; `service_app` does the rest the same way for each."""

    title: str
    router: APIRouter
    # The store class: a client, the database, and the relay's wake-up.
    store: Callable[[MongoClient, str, Callable[[], None]], StoreT]
    # The inbound table, given the running state; an empty one starts no consumer.
    inbound: Callable[[ServiceState[StoreT, SettingsT]], Inbound]
    # Path prefixes whose paths are credentials (a calendar's secret address): logged bare.
    secret_paths: tuple[str, ...] = ()
    # Topics beside the contracts' that the service writes, declared again with them when the
    # broker lost its log (a district's topic, ADR 0050); no dead-letter topics for these.
    more_topics: Callable[[StoreT], Awaitable[list[str]]] | None = None
    # Background work, started once the store is ready and stopped before it closes.
    workers: Callable[[ServiceState[StoreT, SettingsT]], Sequence[Worker]] | None = None

    def app(
        self,
        settings: SettingsT,
        *,
        kafka: KafkaSettings,
        mongo: MongoSettings,
        auth: AuthSettings,
        clock: Clock = utc_now,
        ids: IdFactory = new_id,
    ) -> FastAPI:
        """The service's app; tests pass their own settings, a fixed clock and id factory."""
        return service_app(
            self, settings=settings, kafka=kafka, mongo=mongo, auth=auth, clock=clock, ids=ids
        )

    def app_from_env(self, settings: SettingsT) -> FastAPI:
        """For `uvicorn --factory`: every other setting comes from the environment."""
        configure_logging(self.title.removeprefix("Bookend ").strip())
        return self.app(settings, kafka=KafkaSettings(), mongo=MongoSettings(), auth=AuthSettings())


def readiness_answer(reasons: list[str]) -> JSONResponse:
    """`/readyz`'s one shape, for every service and the gateway: 503 while any reason holds."""
    body = {"ready": not reasons, "reasons": reasons}
    return JSONResponse(body, status_code=503 if reasons else 200)


@dataclass(frozen=True)
class Readiness:
    client: MongoClient
    publisher: KafkaPublisher
    relay: OutboxRelay
    consumer: EventConsumer | None
    settings: ServiceSettings
    joining: Joining

    async def reasons(self) -> list[str]:
        """Every reason the service cannot do its work now; none when it can."""
        store = await reachable(self.client)
        found = [
            store,
            None if self.joining.joined else "the broker is not joined yet",
            await self.publisher.reachable(),
            self.consumer.trouble() if self.consumer is not None else None,
        ]
        if store is None:
            max_age = timedelta(seconds=self.settings.ready_max_outbox_age_seconds)
            found.append(await self.relay.trouble(max_age))
        return [reason for reason in found if reason is not None]


def service_app(
    parts: ServiceParts[StoreT, SettingsT],
    *,
    settings: SettingsT,
    kafka: KafkaSettings,
    mongo: MongoSettings,
    auth: AuthSettings,
    clock: Clock,
    ids: IdFactory,
) -> FastAPI:
    """Every service answers problems the same way, verifies tokens, and has `/healthz`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            client = connect(mongo)
            stack.push_async_callback(client.close)
            publisher = KafkaPublisher(kafka)

            consumers: list[EventConsumer] = []

            async def start_over() -> None:
                for consumer in consumers:
                    await consumer.start_over()

            store_held: list[StoreT] = []

            async def restore_topics() -> None:
                await ensure_topics(kafka, ALL_TOPICS)
                if parts.more_topics is not None and store_held:
                    more = await parts.more_topics(store_held[0])
                    await ensure_topics(kafka, more, dead_letters=False)

            watch: LostLogWatch | None = None
            if kafka.watch_lost_log_seconds:
                marker = BrokerMarker(kafka, settings.database)
                stack.push_async_callback(marker.close)
                watch = LostLogWatch(
                    every=kafka.watch_lost_log_seconds,
                    marker=marker,
                    restore_topics=restore_topics,
                    started_over=start_over,
                )
            relay = OutboxRelay(
                client[settings.database],
                publisher,
                poll_interval=settings.relay_poll_interval,
                watch=watch,
            )
            store = parts.store(client, settings.database, relay.wake)
            store_held.append(store)
            await store.create_indexes()
            stack.push_async_callback(publisher.stop)
            stack.push_async_callback(relay.stop)
            state = ServiceState(store=store, settings=settings, clock=clock, ids=ids)
            inbound = parts.inbound(state)
            consumer: EventConsumer | None = None
            if inbound.topics:
                consumer = EventConsumer(
                    kafka,
                    topics=sorted(inbound.topics),
                    handle=inbound,
                    group_id=settings.consumer_group,
                    dead_letters=publisher,
                )
                stack.push_async_callback(consumer.stop)
                consumers.append(consumer)

            # Requests need only the store (events wait in the outbox): a service started while
            # the broker is away serves, not ready until it joins (ADR 0041). The consumer
            # starts before the relay: a relay that finds the broker lost its log has the
            # consumer start over, which must not race its first start.
            joining = Joining(
                settings.consumer_group,
                restore_topics,
                publisher.start,
                *([consumer.start] if consumer is not None else []),
                relay.start,
            )
            stack.push_async_callback(joining.stop)
            for worker in parts.workers(state) if parts.workers is not None else ():
                await worker.start()
                stack.push_async_callback(worker.stop)
            await joining.settled()
            app.state.service = state
            app.state.readiness = Readiness(client, publisher, relay, consumer, settings, joining)
            yield

    app = FastAPI(title=parts.title, lifespan=lifespan)
    install_problem_handlers(app)
    install_idempotency(app)
    install_verifier(app.state, TokenVerifier(auth))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Readiness: store and broker answer, the consumer runs, events leave."""
        readiness: Readiness | None = getattr(request.app.state, "readiness", None)
        return readiness_answer(["starting"] if readiness is None else await readiness.reasons())

    app.include_router(parts.router)
    too_large = Problem(
        status=413,
        kind=ProblemKind.INVALID_INPUT,
        code="PAYLOAD_TOO_LARGE",
        message=f"the request body is over {settings.max_body_bytes} bytes",
    )
    app.add_middleware(TimeBudget, seconds=settings.request_budget_seconds)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        refusal=too_large.model_dump(mode="json"),
        check=invalid_text,
    )
    app.add_middleware(RequestLog, secret_paths=parts.secret_paths)
    return app
