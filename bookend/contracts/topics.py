"""Kafka topic names: `bookend.<service>.<aggregate>.v<N>`, each carrying several event types."""

import re
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


# A district's integrations read the public events of that district alone from its own topic
# (ADR 0050); its Kafka principal is granted this prefix and nothing else.
DISTRICT_TOPIC_PREFIX = "bookend.district."
DISTRICT_TOPIC_VERSION = "v1"
# What Kafka allows in a topic name, less the dot that separates its parts, within its length.
_DISTRICT_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


def district_topic(district_id: str) -> str:
    """`bookend.district.<district>.v1`; ValueError for an id no topic name can carry."""
    if not _DISTRICT_ID.fullmatch(district_id):
        raise ValueError(
            f"district id {district_id[:60]!r} cannot name a topic: letters, digits, '-' and '_'"
            " only, at most 200"
        )
    return f"{DISTRICT_TOPIC_PREFIX}{district_id}.{DISTRICT_TOPIC_VERSION}"
