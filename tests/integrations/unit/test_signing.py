"""Webhook signatures: what a receiver verifies with the Standard Webhooks library itself."""

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bookend.problems import InvalidInput
from gateway.integrations.signing import SigningKeys, new_secret, signature_headers

BODY = b'{"specversion":"1.0","id":"evt-1","type":"bookend.scheduler.session_started.v1"}'


def test_a_new_secret_is_32_random_bytes_in_the_whsec_form() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_the_headers_are_exactly_the_three_standard_webhooks_headers() -> None:
    at = datetime(2026, 3, 1, 9, 30, 15, 900_000, tzinfo=UTC)
    headers = signature_headers(message_id="evt-1", at=at, body=BODY, secrets=[new_secret()])
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == "evt-1"
    assert headers["webhook-timestamp"] == str(int(at.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")


def test_a_receiver_verifies_the_signature_with_the_library() -> None:
    secret = new_secret()
    headers = signature_headers(
        message_id="evt-1", at=datetime.now(UTC), body=BODY, secrets=[secret]
    )
    assert Webhook(secret).verify(BODY, headers)["id"] == "evt-1"


def test_a_time_in_another_zone_is_signed_as_the_same_instant_in_utc() -> None:
    secret = new_secret()
    in_new_york = datetime.now(UTC).astimezone(timezone(timedelta(hours=-5)))
    headers = signature_headers(message_id="evt-1", at=in_new_york, body=BODY, secrets=[secret])
    assert headers["webhook-timestamp"] == str(int(in_new_york.timestamp()))
    Webhook(secret).verify(BODY, headers)


def test_a_tampered_body_fails_verification() -> None:
    secret = new_secret()
    headers = signature_headers(
        message_id="evt-1", at=datetime.now(UTC), body=BODY, secrets=[secret]
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"evt-1", b"evt-2"), headers)


def test_another_secret_fails_verification() -> None:
    headers = signature_headers(
        message_id="evt-1", at=datetime.now(UTC), body=BODY, secrets=[new_secret()]
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_a_naive_time_or_no_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="zone"):
        signature_headers(
            message_id="evt-1", at=datetime(2026, 3, 1), body=BODY, secrets=[new_secret()]
        )
    with pytest.raises(ValueError, match="secret"):
        signature_headers(message_id="evt-1", at=datetime.now(UTC), body=BODY, secrets=[])


def test_during_a_rotations_overlap_both_secrets_verify() -> None:
    old, new = new_secret(), new_secret()
    now = datetime.now(UTC)
    keys = SigningKeys(current=old).rotated(new, now, timedelta(hours=24))
    live = keys.live(now + timedelta(hours=23))
    assert live == [new, old]
    headers = signature_headers(message_id="evt-1", at=now, body=BODY, secrets=live)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


def test_the_previous_secret_stops_signing_when_the_overlap_ends() -> None:
    old, new = new_secret(), new_secret()
    now = datetime.now(UTC)
    keys = SigningKeys(current=old).rotated(new, now - timedelta(hours=24), timedelta(hours=24))
    live = keys.live(now)
    assert live == [new]
    headers = signature_headers(message_id="evt-1", at=now, body=BODY, secrets=live)
    Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(BODY, headers)


def test_a_second_rotation_drops_the_secret_still_overlapping_from_the_first() -> None:
    first, second, third = new_secret(), new_secret(), new_secret()
    now = datetime.now(UTC)
    keys = (
        SigningKeys(current=first)
        .rotated(second, now, timedelta(days=1))
        .rotated(third, now, timedelta(days=1))
    )
    assert keys.live(now) == [third, second]


def test_a_rotation_without_overlap_signs_with_the_new_secret_only() -> None:
    now = datetime.now(UTC)
    keys = SigningKeys(current=new_secret()).rotated("whsec_bmV3", now, timedelta(0))
    assert keys.live(now) == ["whsec_bmV3"]


@pytest.mark.parametrize("overlap", [timedelta(seconds=-1), timedelta(days=7, seconds=1)])
def test_an_overlap_outside_zero_to_seven_days_is_refused(overlap: timedelta) -> None:
    with pytest.raises(InvalidInput) as refused:
        SigningKeys(current=new_secret()).rotated(new_secret(), datetime.now(UTC), overlap)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("overlapHours", "overlap_range")]


def test_an_overlap_of_exactly_seven_days_is_allowed() -> None:
    now = datetime.now(UTC)
    keys = SigningKeys(current="whsec_b2xk").rotated("whsec_bmV3", now, timedelta(days=7))
    assert keys.live(now + timedelta(days=7) - timedelta(seconds=1)) == ["whsec_bmV3", "whsec_b2xk"]
    assert keys.live(now + timedelta(days=7)) == ["whsec_bmV3"]
