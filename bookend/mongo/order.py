"""An item's place in a creation (or any instant) order, as one string a store compares and
indexes well on both stores: the embedded one compares dates in filters to the second only,
and reads no index for them (ADR 0007)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def order_key(moment: datetime, item_id: str = "") -> str:
    """`moment`, then `item_id`: or with no item_id the place where `moment` begins.

    Milliseconds since 1970, as MongoDB keeps instants, zero-padded so strings sort as numbers
    (to the year 9999); then the id, compared byte by byte as MongoDB compares strings.
    """
    millis = f"{(moment - _EPOCH) // _MILLISECOND:015d}"
    return f"{millis}|{item_id}" if item_id else millis
