"""The scheduler's records (frozen dataclasses) as plain fields: for contract payloads, HTTP
models, and MongoDB documents.

A document holds a record's fields under their own names, enums by their values; a record
whose identity is one field keeps it as `_id`. Documents are written whole, never field by field
(ADR 0007), and instants come back in UTC. Each slice's store derives from the two bases below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter

from bookend.clock import Span
from bookend.mongo import Document, Queries

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R")


def fields_of(record: DataclassInstance, **more: object) -> dict[str, Any]:
    """The record's fields by name (shallow), with `more` beside or in place of them."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)} | more


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


class RecordQueries(Queries):
    async def _get(
        self, kind: type[R], collection: str, query: Mapping[str, Any], *, key: str | None = None
    ) -> R | None:
        doc = await self._one(collection, query)
        return None if doc is None else from_document(kind, doc, key=key)

    async def _list(
        self,
        kind: type[R],
        collection: str,
        query: Mapping[str, Any],
        order: Sequence[tuple[str, int]],
        *,
        key: str | None = None,
        limit: int = 0,
    ) -> list[R]:
        docs = await self._many(collection, query, order, limit)
        return [from_document(kind, doc, key=key) for doc in docs]


class RecordWrites(RecordQueries):
    async def _save(self, collection: str, record: object, *natural_key: str) -> None:
        """Insert the record, or replace the document with the same natural key."""
        doc = to_document(record)
        found = {field: doc[field] for field in natural_key}
        await self.db[collection].replace_one(found, doc, upsert=True, session=self.session)
