"""The contracts are the one source of topic names and event types."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema

from bookend.contracts import (
    ALL_TOPICS,
    EVENT_SPECS,
    PUBLIC_EVENT_SPECS,
    dead_letter_topic,
    spec_for_type,
)
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
    assert addresses == {str(topic) for topic in ALL_TOPICS} | {"bookend.district.{district}.v1"}
    district = document["channels"]["district"]["messages"]
    assert set(district) == {spec.type for spec in PUBLIC_EVENT_SPECS}
    assert set(document["components"]["messages"]) == {spec.type for spec in EVENT_SPECS}
    for message in document["components"]["messages"].values():
        schema_name = message["payload"]["$ref"].rsplit("/", 1)[1]
        assert schema_name in document["components"]["schemas"]


def test_the_asyncapi_document_is_valid_asyncapi_3() -> None:
    """Against the AsyncAPI initiative's own schema of the 3.0.0 document (kept in the repo)."""
    from bookend.contracts.documents import asyncapi

    schema = json.loads((Path(__file__).parents[1] / "asyncapi" / "3.0.0.schema.json").read_text())
    jsonschema.validate(asyncapi(), schema)


# What a public event may carry as text: ids, times, enums, and what staff wrote or set up (a
# lesson's title, summary, standards; a recording's address; a live session's join link),
# labels and sentences the services compute (a balance rule's `period`, an ISO week; a
# balance flag's `reason`, made of figures), and lists of opaque student ids named by what
# they hold. A new text field of a public event fails here until someone decides it is not a
# student's words (ADR 0050).
STAFF_TEXT = {
    "title", "summary", "subject", "grade_band", "standards", "url", "join_url", "week",
    "period", "reason", "present", "late", "left_early", "absent", "time_zone", "zone",
    "version",
}  # fmt: skip
PERSONAL = re.compile(r"name|email|phone|address|comment|note_text|text|answer|body|message")


def _strings(schema: dict[str, Any], defs: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    """Each property reachable from `schema` that may hold free text, with its path."""
    if "$ref" in schema:
        yield from _strings(defs[schema["$ref"].rsplit("/", 1)[1]], defs, path)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _strings(part, defs, path)
    if "items" in schema:
        yield from _strings(schema["items"], defs, path)
    for name, sub in schema.get("properties", {}).items():
        yield from _strings(sub, defs, f"{path}.{name}" if path else name)
    if schema.get("type") == "string" and not {"enum", "const", "format"} & schema.keys():
        yield path, path.rsplit(".", 1)[-1]


def test_no_public_event_carries_a_name_an_email_or_a_students_words() -> None:
    from bookend.contracts.documents import json_schemas

    schemas = json_schemas()
    for spec in EVENT_SPECS:
        schema = schemas[spec.type]
        fields = list(_strings(schema, schema.get("$defs", {}), ""))
        personal = [
            path for path, name in fields if PERSONAL.search(name) and not name.endswith("url")
        ]
        assert personal == [], f"{spec.type} has fields that may be personal: {personal}"
        if spec.public:
            free = [
                path
                for path, name in fields
                if not (name.endswith("_id") or name.endswith("_ids") or name in STAFF_TEXT)
            ]
            assert free == [], f"public {spec.type} has free text: {free}"


def test_the_integrations_guide_names_every_public_event_type_and_no_other() -> None:
    guide = (ROOT / "docs" / "integrations.md").read_text()
    named = set(re.findall(r"`(bookend\.[a-z_]+\.[a-z_]+\.[a-z_]+\.v\d+)`", guide))
    assert named == {spec.type for spec in PUBLIC_EVENT_SPECS}
