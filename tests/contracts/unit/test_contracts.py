"""The contracts are the one source of topic names and event types."""

import re
from pathlib import Path

from services.contracts import ALL_TOPICS, EVENT_SPECS, dead_letter_topic, spec_for_type
from services.contracts.base import EventData

ROOT = Path(__file__).resolve().parents[3]
CONTRACT_NAME = re.compile(r"""["']bookend\.(catalog|scheduler|feedback|district)\.[a-z_.]+v\d+""")


def test_every_event_type_is_versioned_and_lives_on_a_known_topic() -> None:
    for spec in EVENT_SPECS:
        assert re.fullmatch(r"bookend\.[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+", spec.type), spec.type
        assert spec.topic in ALL_TOPICS
        assert spec_for_type(spec.type) is spec


def test_every_event_payload_carries_its_district_and_its_key_field() -> None:
    for spec in EVENT_SPECS:
        fields = spec.model.model_fields
        assert issubclass(spec.model, EventData)
        assert "district_id" in fields
        assert spec.key_field in fields and spec.subject_field in fields


def test_no_code_outside_the_contracts_spells_a_topic_or_event_type() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for top in ("services", "gateway", "benchmarks")
        for path in (ROOT / top).rglob("*.py")
        if "contracts" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if CONTRACT_NAME.search(line)
    ]
    assert offenders == []


def test_the_kubernetes_topics_are_the_contract_topics_and_their_dead_letters() -> None:
    manifest = (ROOT / "deploy" / "k8s" / "kafka-topics.yaml").read_text()
    declared = set(re.findall(r"^\s+name:\s+(bookend\.\S+)$", manifest, flags=re.MULTILINE))
    expected = {str(t) for t in ALL_TOPICS} | {dead_letter_topic(t) for t in ALL_TOPICS}
    assert declared == expected
