"""Published documents generated from the contracts: JSON Schemas and an AsyncAPI 3 document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from bookend.contracts.registry import EVENT_SPECS, PUBLIC_EVENT_SPECS, EventSpec
from bookend.contracts.topics import (
    ALL_TOPICS,
    DISTRICT_TOPIC_PREFIX,
    DISTRICT_TOPIC_VERSION,
    dead_letter_topic,
)

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "1.0.0"

# CloudEvents binary mode: attributes travel as Kafka headers (ADR 0003).
HEADERS: dict[str, Any] = {
    "type": "object",
    "required": ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "ce_districtid"],
    "properties": {
        "ce_id": {"type": "string", "description": "Unique event id; consumers deduplicate on it."},
        "ce_source": {"type": "string", "description": "The producer, e.g. bookend/scheduler."},
        "ce_type": {"type": "string", "description": "The versioned event type."},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_subject": {"type": "string", "description": "The aggregate the event is about."},
        "ce_districtid": {"type": "string", "description": "The district the event belongs to."},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def _message_name(spec: EventSpec) -> str:
    return spec.type


def _channel_name(topic: str) -> str:
    parts = topic.split(".")[1:-1]  # bookend.<service>.<aggregate>.v<N>
    return parts[0] + "".join(part.title() for part in parts[1:])


def json_schemas() -> dict[str, dict[str, Any]]:
    """One standalone JSON Schema per event type, keyed by the type."""
    return {
        spec.type: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:bookend:event:{spec.type}",
            "title": spec.type,
            "description": spec.description,
            "x-data-classification": spec.classification.value,
            "x-public": spec.public,
            **spec.model.model_json_schema(),
        }
        for spec in EVENT_SPECS
    }


def asyncapi() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(spec.model, "validation") for spec in EVENT_SPECS],
        ref_template="#/components/schemas/{model}",
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in ALL_TOPICS:
        specs = [spec for spec in EVENT_SPECS if spec.topic == topic]
        name = _channel_name(topic)
        channels[name] = {
            "address": str(topic),
            "description": f"Dead letters go to {dead_letter_topic(topic)}.",
            "messages": {
                _message_name(s): {"$ref": f"#/components/messages/{_message_name(s)}"}
                for s in specs
            },
        }
        operations[f"receive{name[0].upper()}{name[1:]}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{_message_name(s)}"} for s in specs],
        }
    channels["district"] = {
        "address": f"{DISTRICT_TOPIC_PREFIX}{{district}}.{DISTRICT_TOPIC_VERSION}",
        "title": "A district's public events",
        "description": (
            "Every public event of one district, relayed by the integrations component with the"
            " same CloudEvents headers and record key as its internal topic, so one section's"
            " events stay in order. A district's principal may read its own topic only. Delivery"
            " is at least once: deduplicate on ce_id."
        ),
        "parameters": {
            "district": {"description": "The district's id, as in the ce_districtid header."}
        },
        "messages": {
            _message_name(s): {"$ref": f"#/components/messages/{_message_name(s)}"}
            for s in PUBLIC_EVENT_SPECS
        },
    }
    operations["receiveDistrict"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/district"},
        "summary": "What a district's integration reads (docs/integrations.md).",
        "messages": [
            {"$ref": f"#/channels/district/messages/{_message_name(s)}"} for s in PUBLIC_EVENT_SPECS
        ],
    }
    messages = {
        _message_name(spec): {
            "name": spec.type,
            "title": spec.model.__name__,
            "summary": spec.description,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{spec.model.__name__}"},
            "bindings": {
                "kafka": {
                    "key": {
                        "type": "string",
                        "description": f"The event's {spec.key_field}.",
                    }
                }
            },
            "x-data-classification": spec.classification.value,
            "x-public": spec.public,
        }
        for spec in EVENT_SPECS
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Bookend events",
            "version": DOCUMENT_VERSION,
            "description": (
                "Events of the Bookend services as CloudEvents 1.0 in Kafka binary mode. "
                "Payloads carry opaque ids only; no student PII."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {"CloudEventHeaders": HEADERS, **definitions.get("$defs", {})},
        },
    }


def write_documents(folder: Path) -> list[Path]:
    """Write `asyncapi.json` and `schemas/<type>.json` under `folder`; return what was written."""
    written = [folder / "asyncapi.json"]
    (folder / "schemas").mkdir(parents=True, exist_ok=True)
    written[0].write_text(_dump(asyncapi()))
    for event_type, schema in json_schemas().items():
        path = folder / "schemas" / f"{event_type}.json"
        path.write_text(_dump(schema))
        written.append(path)
    return written


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
