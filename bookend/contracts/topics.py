"""Kafka topic names: `bookend.<service>.<aggregate>.v<N>`, each carrying several event types."""

from enum import StrEnum


class Topic(StrEnum):
    CATALOG_LESSON = "bookend.catalog.lesson.v1"
    CATALOG_RECORDING = "bookend.catalog.recording.v1"
    SCHEDULER_SESSION = "bookend.scheduler.session.v1"
    SCHEDULER_TASK = "bookend.scheduler.task.v1"
    SCHEDULER_FEED = "bookend.scheduler.feed.v1"
    SCHEDULER_BALANCE = "bookend.scheduler.balance.v1"
    FEEDBACK_CHECKIN = "bookend.feedback.checkin.v1"
    FEEDBACK_ATTENDANCE = "bookend.feedback.attendance.v1"
    FEEDBACK_PROGRESS = "bookend.feedback.progress.v1"
    FEEDBACK_BALANCE = "bookend.feedback.balance.v1"
    FEEDBACK_PULSE = "bookend.feedback.pulse.v1"
    FEEDBACK_PROMPT = "bookend.feedback.prompt.v1"
    FEEDBACK_QUESTION = "bookend.feedback.question.v1"
    FEEDBACK_NOTE = "bookend.feedback.note.v1"


ALL_TOPICS: tuple[Topic, ...] = tuple(Topic)

DEAD_LETTER_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """Failed records of a topic go to `<topic>.dlq`, with the reason in their headers."""
    return f"{topic}{DEAD_LETTER_SUFFIX}"


def marker_topic(owner: str) -> str:
    """A topic that `owner` (an outbox's database, a gateway process) creates and no one writes
    to: when it is gone, the broker lost its log (ADR 0014)."""
    return f"bookend.marker.{owner}"
