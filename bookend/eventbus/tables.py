"""A service's two event tables: contract payloads in (to handlers), domain events out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Self, TypeVar

from pydantic import ValidationError

from bookend.contracts import CloudEvent, EventData, Topic, new_event, spec_for, spec_for_type

P = TypeVar("P", bound=EventData)
D = TypeVar("D")

# A handler gets the payload parsed once by the registry, and the envelope for its id and time.
PayloadHandler = Callable[[P, CloudEvent], Awaitable[None]]


class PoisonRecord(ValueError):
    """A record no retry can mend (its payload breaks the contract); dead-lettered at once."""


class Inbound:
    """The inbound table: contract payload class to handler; the topics follow from it."""

    def __init__(self) -> None:
        self._handlers: dict[type[EventData], PayloadHandler[Any]] = {}

    def on(self, model: type[P], handler: PayloadHandler[P]) -> Self:
        spec_for(model)  # only registered payloads have a type and a topic
        self._handlers[model] = handler
        return self

    @property
    def topics(self) -> frozenset[Topic]:
        return frozenset(spec_for(model).topic for model in self._handlers)

    async def __call__(self, event: CloudEvent) -> None:
        """Hand the event's parsed payload to its handler. Known types not in the table are
        skipped; a type no contract knows is a poison record (dead-lettered, to replay once
        this consumer knows it)."""
        spec = spec_for_type(event.type)
        if spec is None:
            raise PoisonRecord(f"{event.type[:200]!r} is an event type no contract knows")
        if spec.model not in self._handlers:
            return  # another event type on a topic we read
        try:
            payload = spec.parse(event.data)
        except ValidationError as broken:
            raise PoisonRecord(f"{event.type} breaks its contract: {broken}") from None
        await self._handlers[spec.model](payload, event)


class Outbound:
    """The outbound table: domain event class to the contract payload it is published as.

    Domain events without a row are internal (a read model may use them) and are not published.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._mappers: dict[type[Any], Callable[[Any], EventData]] = {}

    def map(self, kind: type[D], mapper: Callable[[D], EventData]) -> Self:
        self._mappers[kind] = mapper
        return self

    def events(self, domain_events: Iterable[object]) -> list[CloudEvent]:
        """The CloudEvents to emit for `domain_events`, in their order."""
        return [
            new_event(self.source, mapper(event))
            for event in domain_events
            if (mapper := self._mappers.get(type(event))) is not None
        ]
