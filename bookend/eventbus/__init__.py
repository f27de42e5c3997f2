"""Kafka plumbing: the only package that talks to Kafka (aiokafka)."""

from bookend.eventbus.admin import ensure_topics
from bookend.eventbus.codec import decode, encode
from bookend.eventbus.consumer import EventConsumer, Handler, dispatch
from bookend.eventbus.publisher import KafkaPublisher, Publisher
from bookend.eventbus.replay import replay_dead_letters, rewind_group
from bookend.eventbus.settings import KafkaSettings

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
