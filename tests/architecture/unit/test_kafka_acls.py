"""The Kafka ACLs in deploy/ let each app do what its code does with topics: read the topics it
consumes and write their dead letters. A topic consumed without an ACL fails only in production,
where the broker checks them; the embedded broker does not. The integrations component may do
no more: read the public topics, write the district topics."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from bookend.contracts import (
    ALL_TOPICS,
    DISTRICT_TOPIC_PREFIX,
    PUBLIC_EVENT_SPECS,
    dead_letter_topic,
    district_topic,
)
from bookend.eventbus import KafkaSettings
from gateway.integrations.events import DistrictTopics
from gateway.integrations.events import inbound as integrations_inbound
from gateway.integrations.settings import IntegrationsSettings
from services.catalog.app import PARTS as CATALOG
from services.feedback.app import PARTS as FEEDBACK
from services.scheduler.app import PARTS as SCHEDULER

USERS = Path(__file__).parents[3] / "deploy" / "k8s" / "kafka-users.yaml"

# What `inbound` reads off a service's state to build its table; only its topics matter here.
STATE: Any = SimpleNamespace(
    store=None, settings=SimpleNamespace(windows=None), ids=None, clock=None
)


def acls(user: str) -> list[dict[str, Any]]:
    for doc in yaml.safe_load_all(USERS.read_text()):
        if doc["metadata"]["name"] == user:
            return list(doc["spec"]["authorization"]["acls"])
    raise AssertionError(f"no KafkaUser {user}")


def allowed(user: str, operation: str, kind: str = "topic") -> list[tuple[str, str]]:
    """The (name, pattern type) of each resource of `kind` that `user` may use for
    `operation`."""
    return [
        (acl["resource"]["name"], acl["resource"]["patternType"])
        for acl in acls(user)
        if acl["resource"]["type"] == kind and operation in acl["operations"]
    ]


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


PUBLIC_TOPICS = sorted({str(spec.topic) for spec in PUBLIC_EVENT_SPECS})


def test_integrations_reads_exactly_the_public_topics() -> None:
    """A public event type on a topic that carried none fails here until the ACL is added."""
    consumed = integrations_inbound(STATE, DistrictTopics(KafkaSettings())).topics
    assert sorted(consumed) == PUBLIC_TOPICS
    assert sorted(allowed("bookend-integrations", "Read")) == [
        (topic, "literal") for topic in PUBLIC_TOPICS
    ]


def test_integrations_writes_only_the_district_topics_and_its_own_dead_letters() -> None:
    assert sorted(allowed("bookend-integrations", "Write")) == sorted(
        [(DISTRICT_TOPIC_PREFIX, "prefix")]
        + [(dead_letter_topic(topic), "literal") for topic in PUBLIC_TOPICS]
    )
    assert may("bookend-integrations", "Write", district_topic("east-valley"))
    assert not may("bookend-integrations", "Write", str(ALL_TOPICS[0]))


def test_integrations_may_only_read_write_and_describe_in_its_own_group() -> None:
    assert {op for acl in acls("bookend-integrations") for op in acl["operations"]} == {
        "Read",
        "Write",
        "Describe",
    }
    resources = [acl["resource"] for acl in acls("bookend-integrations")]
    assert [r for r in resources if r["type"] not in {"topic", "group"}] == []
    group = IntegrationsSettings().consumer_group
    assert allowed("bookend-integrations", "Read", "group") == [(group, "literal")]
