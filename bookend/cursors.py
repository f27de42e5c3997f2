"""Cursors of pages: where a page ended, as an opaque string a client hands back. A creation-
ordered list's names an instant and an id (Position); any other list's, the one string key its
store orders it by (ADR 0044). A cursor this API did not make is refused naming `after`."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from bookend.problems import InvalidInput


@dataclass(frozen=True, slots=True)
class Position:
    """An item's place in (created_at, id) order, and which rank of a ranked list it is in."""

    created_at: datetime
    id: str
    rank: int = 0


def encode(position: Position) -> str:
    raw = {"created_at": position.created_at.isoformat(), "id": position.id}
    if position.rank:
        raw["rank"] = str(position.rank)
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def decode(cursor: str, *, ranks: int = 1) -> Position:
    """The position `cursor` names, of a list with `ranks` ranks."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        created_at = datetime.fromisoformat(raw["created_at"])
        if created_at.tzinfo is None:
            raise ValueError("naive instant")
        rank = int(raw.get("rank", "0"))
        if not 0 <= rank < ranks:
            raise ValueError("no such rank")
        # In UTC, as the store compares it; an instant near year 1 or 9999 has none.
        return Position(created_at.astimezone(UTC), str(raw["id"]), rank)
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        raise InvalidInput("after", "cursor", "is not a cursor this API returned") from None


# A list ordered by one string key its store keeps and indexes (ADR 0044): its cursor is that
# key, wrapped so that clients treat it as opaque.
MAX_KEY_LENGTH = 400


def encode_key(key: str) -> str:
    """The cursor of the item whose order key is `key`."""
    return base64.urlsafe_b64encode(json.dumps({"key": key}).encode()).decode()


def decode_key(cursor: str) -> str:
    """The order key `cursor` names; a cursor this API did not make is refused naming `after`."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))["key"]
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
            raise ValueError("not a key")
        return key
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidInput("after", "cursor", "is not a cursor this API returned") from None
