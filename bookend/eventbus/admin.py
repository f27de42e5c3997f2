"""Topic creation for the embedded broker and tests; production declares topics itself."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from bookend.contracts import dead_letter_topic
from bookend.eventbus.settings import KafkaSettings

log = logging.getLogger(__name__)


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str]) -> None:
    """Create each topic and its dead-letter topic unless they exist."""
    if not settings.create_topics:
        return
    wanted = {name for topic in topics for name in (str(topic), dead_letter_topic(str(topic)))}
    admin = AIOKafkaAdminClient(**settings.client_options())
    await admin.start()
    try:
        missing = wanted - set(await admin.list_topics())
        for name in sorted(missing):
            # Another process may have created it since we listed.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(name, settings.topic_partitions, settings.replication_factor)]
                )
        if missing:
            log.info("created topics %s", sorted(missing))
    finally:
        await admin.close()
