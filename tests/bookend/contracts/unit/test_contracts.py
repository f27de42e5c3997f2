"""The contracts are the one source of topic names and event types."""

import re
from pathlib import Path

from bookend.contracts import ALL_TOPICS, EVENT_SPECS, dead_letter_topic, spec_for_type
from bookend.contracts.base import EventData

ROOT = Path(__file__).resolve().parents[4]
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
        for top in ("bookend", "services", "gateway", "devstack", "benchmarks")
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


def test_the_published_documents_are_what_the_contracts_generate(tmp_path: Path) -> None:
    """`make contracts` regenerates them; this fails when someone forgets."""
    from bookend.contracts.documents import write_documents

    for generated in write_documents(tmp_path):
        published = ROOT / "docs" / "contracts" / generated.relative_to(tmp_path)
        assert published.exists(), f"{published} is missing: run `make contracts`"
        assert published.read_text() == generated.read_text(), f"{published} is stale"


def test_the_asyncapi_document_names_every_topic_and_event_type() -> None:
    from bookend.contracts.documents import asyncapi

    document = asyncapi()
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {str(topic) for topic in ALL_TOPICS}
    assert set(document["components"]["messages"]) == {spec.type for spec in EVENT_SPECS}
    for message in document["components"]["messages"].values():
        schema_name = message["payload"]["$ref"].rsplit("/", 1)[1]
        assert schema_name in document["components"]["schemas"]
