"""Kafka topic names: `bookend.<service>.<aggregate>.v<N>`, each carrying several event types."""

from enum import StrEnum


class Topic(StrEnum):
    CATALOG_LESSON = "bookend.catalog.lesson.v1"
    SCHEDULER_SESSION = "bookend.scheduler.session.v1"
    SCHEDULER_TASK = "bookend.scheduler.task.v1"
    FEEDBACK_CHECKIN = "bookend.feedback.checkin.v1"


ALL_TOPICS: tuple[Topic, ...] = tuple(Topic)

DEAD_LETTER_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """Failed records of a topic go to `<topic>.dlq`, with the reason in their headers."""
    return f"{topic}{DEAD_LETTER_SUFFIX}"


def heartbeat_topic(outbox: str) -> str:
    """Where the relay of the outbox `outbox` (its database) sends the heartbeats by which it
    notices a broker that lost its log (ADR 0014); no one consumes it."""
    return f"bookend.heartbeat.{outbox}"
