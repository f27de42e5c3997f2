"""Records (frozen dataclasses) as MongoDB documents and back, by field name.

A document holds a record's fields under their own names, enums by their values; a record whose
identity is one field keeps it as `_id`. Documents are written whole, never field by field
(ADR 0007), and instants come back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

from bookend.clock import Span
from bookend.mongo.client import Document

R = TypeVar("R")

_adapters: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[R]) -> TypeAdapter[R]:
    if kind not in _adapters:
        _adapters[kind] = TypeAdapter(kind)
    adapter: TypeAdapter[R] = _adapters[kind]
    return adapter


def to_document(record: object, *, key: str | None = None) -> Document:
    doc: Document = _adapter(type(record)).dump_python(record)
    if key is not None:
        doc["_id"] = doc.pop(key)
    return doc


def from_document(kind: type[R], doc: Document, *, key: str | None = None) -> R:
    fields = {name: _utc(value) for name, value in doc.items() if name != "_id"}
    if key is not None:
        fields[key] = doc["_id"]
    return _adapter(kind).validate_python(fields)


def within(span: Span) -> Document:
    """A range condition: from the span's start inclusive to its end exclusive."""
    return {op: at for op, at in (("$gte", span.starts), ("$lt", span.ends)) if at is not None}


def _utc(value: object) -> object:
    # The driver gives instants a UTC zone object of its own; the domain's are `datetime.UTC`.
    return value.astimezone(UTC) if isinstance(value, datetime) else value
