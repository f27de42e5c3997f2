"""Kafka plumbing: the only package that talks to Kafka (aiokafka)."""

from bookend.eventbus.admin import ensure_topics, missing_topics
from bookend.eventbus.codec import decode, encode
from bookend.eventbus.consumer import EventConsumer, Handler
from bookend.eventbus.joining import Joining, once_it_answers
from bookend.eventbus.logwatch import BrokerMarker, MarkerLog
from bookend.eventbus.publisher import KafkaPublisher, Publisher, Unpublishable
from bookend.eventbus.replay import Replay, replay_dead_letters, rewind_group
from bookend.eventbus.settings import KafkaSettings
from bookend.eventbus.tables import Inbound, Outbound, PoisonRecord

__all__ = [
    "BrokerMarker",
    "EventConsumer",
    "Handler",
    "Inbound",
    "Joining",
    "KafkaPublisher",
    "KafkaSettings",
    "MarkerLog",
    "Outbound",
    "PoisonRecord",
    "Publisher",
    "Replay",
    "Unpublishable",
    "decode",
    "encode",
    "ensure_topics",
    "missing_topics",
    "once_it_answers",
    "replay_dead_letters",
    "rewind_group",
]
