"""Event contracts: the only place topic names and event payload models are defined."""

from bookend.contracts.base import Classification, EventData
from bookend.contracts.envelope import CloudEvent, new_event
from bookend.contracts.registry import (
    EVENT_SPECS,
    PUBLIC_EVENT_SPECS,
    EventSpec,
    spec_for,
    spec_for_type,
)
from bookend.contracts.topics import (
    ALL_TOPICS,
    DISTRICT_TOPIC_PREFIX,
    Topic,
    dead_letter_topic,
    district_topic,
    marker_topic,
)

__all__ = [
    "ALL_TOPICS",
    "DISTRICT_TOPIC_PREFIX",
    "EVENT_SPECS",
    "PUBLIC_EVENT_SPECS",
    "Classification",
    "CloudEvent",
    "EventData",
    "EventSpec",
    "Topic",
    "dead_letter_topic",
    "district_topic",
    "marker_topic",
    "new_event",
    "spec_for",
    "spec_for_type",
]
