"""Global ids as the API writes them (ADR 0049), written here on their own so that tests check
the gateway's encoding rather than repeat it: base64url of `<Type>:<raw id>`, unpadded."""

from __future__ import annotations

import base64


def gid(type_name: str, raw: str) -> str:
    """The global id of the object of `type_name` whose service id is `raw`."""
    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).rstrip(b"=").decode()


def unglobal(value: str) -> tuple[str, str]:
    """`(type, raw id)` of a global id; AssertionError for anything else."""
    text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    type_name, colon, raw = text.partition(":")
    assert colon and raw, f"{value!r} is not a global id"
    return type_name, raw


def raw_of(type_name: str, value: str) -> str:
    """The service id inside the global id `value`, which must be of `type_name`."""
    found, raw = unglobal(value)
    assert found == type_name, f"{value!r} names a {found}, not a {type_name}"
    return raw
