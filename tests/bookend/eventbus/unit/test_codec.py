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
