"""CloudEvents binary mode: attributes in ce_* headers, data as the JSON value."""

from datetime import UTC, datetime

import pytest

from bookend.contracts import new_event
from bookend.contracts.scheduler import SessionEnded
from bookend.eventbus import decode, encode
from bookend.eventbus.codec import UndecodableRecord


def ended() -> SessionEnded:
    return SessionEnded(
        district_id="d1", session_id="s1", section_id="sec1", ended_at=datetime.now(UTC)
    )


def test_an_event_survives_the_round_trip_through_kafka_headers() -> None:
    event = new_event("bookend/test", ended())
    key, value, headers = encode(event)
    back = decode(event.topic, key, value, headers)
    assert back == event


def test_attributes_travel_as_ce_headers_and_the_key_is_the_section() -> None:
    key, _, headers = encode(new_event("bookend/test", ended()))
    names = dict(headers)
    assert key == b"sec1"
    assert names["ce_type"] == b"bookend.scheduler.session.ended.v1"
    assert names["ce_specversion"] == b"1.0"
    assert names["content-type"] == b"application/json"
    assert {"ce_id", "ce_source", "ce_time", "ce_subject"} <= names.keys()


def test_a_record_without_cloudevents_headers_is_undecodable() -> None:
    with pytest.raises(UndecodableRecord, match="ce_id"):
        decode("t", b"k", b"{}", [])


def test_a_record_whose_value_is_not_a_json_object_is_undecodable() -> None:
    _, _, headers = encode(new_event("bookend/test", ended()))
    with pytest.raises(UndecodableRecord):
        decode("t", b"k", b"[1, 2]", headers)


def _with_header(name: str, value: bytes | None) -> list[tuple[str, bytes | None]]:
    _, _, headers = encode(new_event("bookend/test", ended()))
    return [(n, v) for n, v in headers if n != name] + [(name, value)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ce_type", b"\xb7\xff not utf-8"),
        ("ce_id", None),
        ("ce_time", b"not a time"),
        ("ce_time", b"2026-01-01T09:00:00"),
    ],
    ids=["non-utf-8 type", "null id", "bad time", "naive time"],
)
def test_a_record_with_a_header_that_cannot_be_read_is_undecodable(
    name: str, value: bytes | None
) -> None:
    """Not an exception that escapes: the consumer would retry the record forever."""
    key, body, _ = encode(new_event("bookend/test", ended()))
    with pytest.raises(UndecodableRecord):
        decode("t", key, body, _with_header(name, value))


@pytest.mark.parametrize(
    "value",
    [b"\xff\xfe", b"null", b'"a string"', b"{", b""],
    ids=["bytes", "null", "str", "cut", "empty"],
)
def test_a_record_whose_value_is_not_a_json_object_is_undecodable_whatever_it_is(
    value: bytes,
) -> None:
    key, _, headers = encode(new_event("bookend/test", ended()))
    with pytest.raises(UndecodableRecord):
        decode("t", key, value, headers)


def test_headers_that_are_not_cloudevents_attributes_are_not_read() -> None:
    """A tracing system may put binary values in headers of its own."""
    event = new_event("bookend/test", ended())
    key, body, headers = encode(event)
    odd: list[tuple[str, bytes | None]] = [*headers, ("x-trace", b"\xc3\x28")]
    assert decode(event.topic, key, body, odd) == event
