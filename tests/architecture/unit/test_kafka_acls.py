"""The Kafka ACLs in deploy/ let each app do what its code does with topics: read the topics it
consumes and write their dead letters. A topic consumed without an ACL fails only in production,
where the broker checks them; the embedded broker does not."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from bookend.contracts import ALL_TOPICS, dead_letter_topic
from services.catalog.app import PARTS as CATALOG
from services.feedback.app import PARTS as FEEDBACK
from services.scheduler.app import PARTS as SCHEDULER

USERS = Path(__file__).parents[3] / "deploy" / "k8s" / "kafka-users.yaml"

# What `inbound` reads off a service's state to build its table; only its topics matter here.
STATE: Any = SimpleNamespace(
    store=None, settings=SimpleNamespace(windows=None), ids=None, clock=None
)


def allowed(user: str, operation: str) -> list[tuple[str, str]]:
    """The (name, pattern type) of each topic resource `user` may use for `operation`."""
    for doc in yaml.safe_load_all(USERS.read_text()):
        if doc["metadata"]["name"] == user:
            return [
                (acl["resource"]["name"], acl["resource"]["patternType"])
                for acl in doc["spec"]["authorization"]["acls"]
                if acl["resource"]["type"] == "topic" and operation in acl["operations"]
            ]
    raise AssertionError(f"no KafkaUser {user}")


def may(user: str, operation: str, topic: str) -> bool:
    return any(
        topic == name if pattern == "literal" else topic.startswith(name)
        for name, pattern in allowed(user, operation)
    )


@pytest.mark.parametrize(
    ("user", "topics"),
    [
        ("bookend-catalog", CATALOG.inbound(STATE).topics),
        ("bookend-scheduler", SCHEDULER.inbound(STATE).topics),
        ("bookend-feedback", FEEDBACK.inbound(STATE).topics),
    ],
)
def test_each_service_may_read_what_it_consumes_and_dead_letter_it(
    user: str, topics: frozenset[str]
) -> None:
    assert topics
    assert [t for t in sorted(topics) if not may(user, "Read", t)] == []
    dead = [dead_letter_topic(t) for t in sorted(topics)]
    assert [t for t in dead if not may(user, "Write", t)] == []


def test_the_gateway_may_read_every_topic_its_hub_consumes() -> None:
    assert [t for t in ALL_TOPICS if not may("bookend-gateway", "Read", t)] == []
