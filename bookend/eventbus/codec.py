"""CloudEvents binary mode on Kafka: attributes in `ce_*` headers, the data as the JSON value."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bookend.contracts import CloudEvent

Headers = list[tuple[str, bytes]]

_ATTRIBUTES = ("id", "source", "type", "subject", "specversion", "districtid")


class UndecodableRecord(ValueError):
    """A record that is not a Bookend CloudEvent; it goes straight to the dead-letter topic."""


def encode(event: CloudEvent) -> tuple[bytes, bytes, Headers]:
    headers: Headers = [(f"ce_{name}", str(getattr(event, name)).encode()) for name in _ATTRIBUTES]
    headers.append(("ce_time", event.time.isoformat().encode()))
    headers.append(("content-type", event.datacontenttype.encode()))
    value = json.dumps(event.data, separators=(",", ":"), sort_keys=True).encode()
    return event.key.encode(), value, headers


def decode(
    topic: str, key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]
) -> CloudEvent:
    attributes = {name: raw.decode() for name, raw in headers}
    try:
        data = json.loads(value or b"null")
        if not isinstance(data, dict):
            raise UndecodableRecord("the record value is not a JSON object")
        return CloudEvent(
            id=attributes["ce_id"],
            source=attributes["ce_source"],
            type=attributes["ce_type"],
            subject=attributes.get("ce_subject", ""),
            time=datetime.fromisoformat(attributes["ce_time"]),
            districtid=attributes.get("ce_districtid", ""),
            key=(key or b"").decode(),
            topic=topic,
            data=data,
            specversion=attributes.get("ce_specversion", "1.0"),
            datacontenttype=attributes.get("content-type", "application/json"),
        )
    except KeyError as missing:
        raise UndecodableRecord(f"missing CloudEvents header {missing.args[0]}") from None
    except ValueError as bad:
        raise UndecodableRecord(str(bad)) from None
