"""Topic creation for the embedded broker and tests; production declares topics itself."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from bookend.contracts import dead_letter_topic
from bookend.eventbus.settings import KafkaSettings

log = logging.getLogger(__name__)


async def ensure_topics(
    settings: KafkaSettings, topics: Iterable[str], *, dead_letters: bool = True
) -> None:
    """Create each topic and (unless told not to: a topic only outsiders read) its dead-letter
    topic, unless they exist."""
    if not settings.create_topics:
        return
    wanted = {
        name
        for topic in topics
        for name in ((str(topic), dead_letter_topic(str(topic))) if dead_letters else (str(topic),))
    }
    admin = AIOKafkaAdminClient(**settings.client_options())
    await admin.start()
    try:
        missing = wanted - set(await admin.list_topics())
        for name in sorted(missing):
            await create_topic(admin, name, settings.topic_partitions, settings.replication_factor)
        if missing:
            log.info("created topics %s", sorted(missing))
    finally:
        await admin.close()


async def create_topic(
    admin: AIOKafkaAdminClient, name: str, partitions: int, replication_factor: int
) -> None:
    """Create `name` unless it exists (another process may have created it since we looked).
    The broker answers a refusal in the response rather than as an error, so read it there:
    any other refusal (a bad name, too few brokers for the replicas) raises."""
    answer = await admin.create_topics([NewTopic(name, partitions, replication_factor)])
    for refusal in answer.topic_errors:
        topic, code = refusal[0], refusal[1]
        if code and code != TopicAlreadyExistsError.errno:
            message = refusal[2] if len(refusal) > 2 else ""
            raise for_code(code)(f"could not create topic {topic}: {message}")


async def missing_topics(settings: KafkaSettings, topics: Iterable[str]) -> set[str]:
    """Those of `topics` the broker does not have."""
    admin = AIOKafkaAdminClient(**settings.client_options())
    await admin.start()
    try:
        return set(topics) - set(await admin.list_topics())
    finally:
        await admin.close()
