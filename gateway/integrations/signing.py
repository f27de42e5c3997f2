"""Standard Webhooks signatures: making secrets, signing a delivery, and rotating secrets."""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from secrets import token_bytes

from standardwebhooks.webhooks import Webhook

from bookend.problems import InvalidInput

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
# A receiver keeps accepting the old secret while it changes over; a week is enough for any
# district's change process, and a longer overlap would leave a leaked secret useful too long.
MAX_OVERLAP = timedelta(days=7)


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 bytes."""
    return SECRET_PREFIX + base64.b64encode(token_bytes(32)).decode("ascii")


def signature_headers(
    *, message_id: str, at: datetime, body: bytes, secrets: Sequence[str]
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt, signed with each live secret.

    `body` must be the exact bytes sent (UTF-8, as every CloudEvent and Caliper body is): the
    signature covers them, so re-serialising after signing breaks it.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a signature's time must carry a zone")
    if not secrets:
        raise ValueError("a delivery needs at least one secret to sign with")
    # The library reads the time as UTC without converting it, so convert first.
    at_utc = at.astimezone(UTC)
    data = body.decode("utf-8")
    signatures = [
        Webhook(secret).sign(msg_id=message_id, timestamp=at_utc, data=data) for secret in secrets
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(math.floor(at_utc.timestamp())),
        # Several `v1,` signatures separated by spaces: a receiver accepts any one that matches,
        # so during a rotation's overlap both the old and the new secret verify.
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """An endpoint's secrets: the current one, and the one it replaced until its overlap ends."""

    current: str
    previous: str | None = None
    previous_expires_at: datetime | None = None

    def live(self, now: datetime) -> list[str]:
        """The secrets to sign with at `now`, the current one first."""
        keys = [self.current]
        if (
            self.previous is not None
            and self.previous_expires_at is not None
            and now < self.previous_expires_at
        ):
            keys.append(self.previous)
        return keys

    def rotated(self, new_secret: str, now: datetime, overlap: timedelta) -> SigningKeys:
        """The keys after `new_secret` replaces the current secret, which keeps signing too for
        `overlap` so receivers can change over without refusing a delivery.

        Only two secrets are ever live: a secret still overlapping from an earlier rotation is
        dropped at once.
        """
        if not timedelta(0) <= overlap <= MAX_OVERLAP:
            raise InvalidInput(
                "overlapHours",
                "overlap_range",
                f"the overlap must be between 0 and {MAX_OVERLAP.days * 24} hours",
            )
        if overlap == timedelta(0):
            return SigningKeys(current=new_secret)
        return SigningKeys(
            current=new_secret, previous=self.current, previous_expires_at=now + overlap
        )
