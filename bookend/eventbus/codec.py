"""CloudEvents binary mode on Kafka: attributes in `ce_*` headers, the data as the JSON value."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bookend.contracts import CloudEvent

Headers = list[tuple[str, bytes]]

_ATTRIBUTES = ("id", "source", "type", "subject", "specversion", "districtid")
# The headers decode reads; any other header is the business of whoever set it.
_READ = frozenset({*(f"ce_{name}" for name in _ATTRIBUTES), "ce_time", "content-type"})


class UndecodableRecord(ValueError):
    """A record that is not a Bookend CloudEvent; it goes straight to the dead-letter topic."""


def encode(event: CloudEvent) -> tuple[bytes, bytes, Headers]:
    headers: Headers = [(f"ce_{name}", str(getattr(event, name)).encode()) for name in _ATTRIBUTES]
    headers.append(("ce_time", event.time.isoformat().encode()))
    headers.append(("content-type", event.datacontenttype.encode()))
    value = json.dumps(event.data, separators=(",", ":"), sort_keys=True).encode()
    return event.key.encode(), value, headers


def decode(
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]],
) -> CloudEvent:
    """The record as a CloudEvent, or UndecodableRecord saying why: never anything else, so the
    consumer can dead-letter it and move on."""
    try:
        attributes = {
            name: raw.decode() for name, raw in headers if name in _READ and raw is not None
        }
        event_id = attributes["ce_id"]
        data = json.loads(value or b"null")
        if not isinstance(data, dict):
            raise UndecodableRecord("the record value is not a JSON object")
        time = datetime.fromisoformat(attributes["ce_time"])
        if time.tzinfo is None:
            raise UndecodableRecord("ce_time has no offset")
        return CloudEvent(
            id=event_id,
            source=attributes["ce_source"],
            type=attributes["ce_type"],
            subject=attributes.get("ce_subject", ""),
            time=time,
            districtid=attributes.get("ce_districtid", ""),
            key=(key or b"").decode(),
            topic=topic,
            data=data,
            specversion=attributes.get("ce_specversion", "1.0"),
            datacontenttype=attributes.get("content-type", "application/json"),
        )
    except KeyError as missing:
        raise UndecodableRecord(f"missing CloudEvents header {missing.args[0]}") from None
    except ValueError as bad:  # UnicodeDecodeError and JSONDecodeError are ValueErrors too
        raise UndecodableRecord(str(bad)[:300]) from None
