"""The scheduler's records (frozen dataclasses) as plain fields, for contract payloads and HTTP
models whose field names differ from the record's in a few places."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def fields_of(record: DataclassInstance, **more: object) -> dict[str, Any]:
    """The record's fields by name (shallow), with `more` beside or in place of them."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)} | more
