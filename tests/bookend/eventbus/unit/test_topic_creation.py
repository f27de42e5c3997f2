"""Creating a topic reads the broker's answer: Kafka refuses in the response, not by an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import InvalidReplicationFactorError

from bookend.eventbus.admin import create_topic


@dataclass
class Answer:
    topic_errors: list[tuple[str, int, str]]


@dataclass
class AnsweringAdmin:
    """Stands for the broker's admin API (the embedded broker refuses nothing, so it cannot)."""

    code: int

    async def create_topics(self, topics: list[NewTopic]) -> Answer:
        return Answer([(topic.name, self.code, "as the broker said") for topic in topics])


def admin(code: int) -> Any:
    return cast(AIOKafkaAdminClient, AnsweringAdmin(code))


@pytest.mark.parametrize("code", [0, 36], ids=["created", "already there"])
async def test_a_topic_created_or_already_there_is_fine(code: int) -> None:
    await create_topic(admin(code), "bookend.catalog.lesson.v1", 3, 1)


async def test_any_other_refusal_raises_with_the_brokers_reason() -> None:
    with pytest.raises(InvalidReplicationFactorError, match="as the broker said"):
        await create_topic(admin(InvalidReplicationFactorError.errno), "t", 3, 3)
