"""The CloudEvents 1.0 envelope every Bookend event travels in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

SPEC_VERSION = "1.0"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """One event: CloudEvents attributes plus a JSON-ready `data` mapping.

    `districtid` is a CloudEvents extension attribute so that routing by district (subscriptions,
    district integrations) never has to parse the body.
    """

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    districtid: str
    key: str
    topic: str
    data: dict[str, Any] = field(default_factory=dict)
    specversion: str = SPEC_VERSION
    datacontenttype: str = JSON


def new_event(source: str, payload: BaseModel, *, event_id: str | None = None) -> CloudEvent:
    """Wrap a payload model registered in the contracts into a fresh CloudEvent."""
    from bookend.contracts.registry import spec_for

    spec = spec_for(type(payload))
    data = payload.model_dump(mode="json")
    return CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=spec.type,
        subject=spec.subject(payload),
        time=datetime.now(UTC),
        districtid=str(getattr(payload, "district_id")),  # noqa: B009 - every payload has it
        key=spec.key(payload),
        topic=spec.topic.value,
        data=data,
    )
