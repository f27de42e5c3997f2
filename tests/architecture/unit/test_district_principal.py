"""A district's Kafka principal, made from deploy/k8s/districts/district-example.yaml as
deploy/README.md says (replace the placeholder id, apply), may read its own district's topic and
use its own consumer groups, nothing else: not another district's topic, even one whose id
starts with its own, and never write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from bookend.contracts import ALL_TOPICS, district_topic

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
TEMPLATE = K8S / "districts" / "district-example.yaml"
PLACEHOLDER = "example"


def onboarded(district: str) -> dict[str, dict[str, Any]]:
    """The template's resources by kind, for `district`, made as deploy/README.md says."""
    text = TEMPLATE.read_text(encoding="utf-8").replace(PLACEHOLDER, district)
    docs = list(yaml.safe_load_all(text))
    kinds = [doc["kind"] for doc in docs]
    assert sorted(kinds) == ["KafkaTopic", "KafkaUser"], kinds
    return {doc["kind"]: doc for doc in docs}


def may(user: dict[str, Any], operation: str, kind: str, name: str) -> bool:
    return any(
        acl["resource"]["type"] == kind
        and operation in acl["operations"]
        and (
            name == acl["resource"]["name"]
            if acl["resource"]["patternType"] == "literal"
            else name.startswith(acl["resource"]["name"])
        )
        for acl in user["spec"]["authorization"]["acls"]
    )


def test_a_district_may_read_its_own_topic_and_use_its_own_groups() -> None:
    user = onboarded("east-valley")["KafkaUser"]
    assert user["metadata"]["name"] == "district-east-valley"
    assert may(user, "Read", "topic", district_topic("east-valley"))
    assert may(user, "Describe", "topic", district_topic("east-valley"))
    assert may(user, "Read", "group", "district-east-valley.attendance-sync")


def test_a_district_may_not_read_another_districts_topic_or_groups() -> None:
    user = onboarded("east")["KafkaUser"]
    for other in ("east-valley", "east_2", "west", PLACEHOLDER):
        assert not may(user, "Read", "topic", district_topic(other)), other
        assert not may(user, "Describe", "topic", district_topic(other)), other
        assert not may(user, "Read", "group", f"district-{other}.sync"), other
    assert not any(may(user, "Read", "topic", str(topic)) for topic in ALL_TOPICS)
    assert not may(user, "Read", "group", "bookend.integrations")


def test_a_district_may_only_read_and_describe_topics_and_read_groups() -> None:
    acls = onboarded("east")["KafkaUser"]["spec"]["authorization"]["acls"]
    for acl in acls:
        assert acl.get("type", "allow") == "allow"
        assert acl.get("host", "*") == "*"
        allowed = {"topic": {"Read", "Describe"}, "group": {"Read"}}[acl["resource"]["type"]]
        assert set(acl["operations"]) <= allowed, acl


def test_a_district_authenticates_as_the_apps_do_and_its_reads_are_bounded() -> None:
    user = onboarded("east")["KafkaUser"]
    apps = [
        doc
        for doc in yaml.safe_load_all((K8S / "kafka-users.yaml").read_text(encoding="utf-8"))
        if doc["kind"] == "KafkaUser"
    ]
    assert {app["spec"]["authentication"]["type"] for app in apps} == {
        user["spec"]["authentication"]["type"]
    }
    assert user["apiVersion"] == apps[0]["apiVersion"]
    quotas = user["spec"]["quotas"]
    assert 0 < quotas["consumerByteRate"] <= 10 * 1024 * 1024
    assert 0 < quotas["requestPercentage"] <= 50


def test_a_districts_topic_is_its_contract_topic_kept_two_weeks_on_three_replicas() -> None:
    topic = onboarded("east_valley")["KafkaTopic"]
    assert topic["spec"]["topicName"] == district_topic("east_valley")
    assert topic["spec"]["replicas"] == 3
    assert topic["spec"]["config"]["min.insync.replicas"] == 2
    assert topic["spec"]["config"]["retention.ms"] == 14 * 24 * 3600 * 1000
    assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "bookend"


def test_the_template_is_not_deployed_by_the_kustomization() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    assert not [r for r in kustomization["resources"] if r.startswith("districts")]
