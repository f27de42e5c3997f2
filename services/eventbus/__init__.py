"""Kafka plumbing: the only package that talks to Kafka (aiokafka)."""

from services.eventbus.admin import ensure_topics
from services.eventbus.codec import decode, encode
from services.eventbus.consumer import EventConsumer, Handler, dispatch
from services.eventbus.publisher import KafkaPublisher, Publisher
from services.eventbus.replay import replay_dead_letters, rewind_group
from services.eventbus.settings import KafkaSettings

__all__ = [
    "EventConsumer",
    "Handler",
    "KafkaPublisher",
    "KafkaSettings",
    "Publisher",
    "decode",
    "dispatch",
    "encode",
    "ensure_topics",
    "replay_dead_letters",
    "rewind_group",
]
