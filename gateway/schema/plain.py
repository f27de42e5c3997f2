"""Plain fields completed without graphql-core's per-field machinery (ADR 0020).

A plain field reads an attribute of its parent and answers a scalar or an enum: a 50-item feed
page has about 800 of them. graphql-core runs each through its whole field execution (a resolve
info, a path, a resolver call, awaitable checks, the nested completion of its type), about ten
times the cost of the read itself: most of a cold feed read's CPU. Here each is read and coerced
directly; anything unusual (a null where the schema says non-null, a value its type cannot take)
is handed to graphql-core's own execution, so errors keep their messages, paths and codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    GraphQLLeafType,
    GraphQLObjectType,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


@dataclass(frozen=True, slots=True)
class AttributeRead:
    """A plain field's resolver: its parent's attribute `name`, of type `leaf`."""

    name: str
    leaf: GraphQLLeafType
    nullable: bool

    def __call__(self, source: object, _info: object) -> object:
        return getattr(source, self.name)


def read_plain_fields(schema: strawberry.Schema) -> None:
    """Give every plain field of `schema` an AttributeRead as its resolver, in place of
    Strawberry's default one (the same read, with a wrapper around it). A field with a resolver
    or field extensions (permissions among them) is not plain and keeps Strawberry's."""
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field in graphql_type.fields.values():
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            leaf = get_nullable_type(field.type)
            if (
                isinstance(definition, StrawberryField)
                and definition.is_basic_field
                and is_leaf_type(leaf)
            ):
                field.resolve = AttributeRead(
                    definition.python_name, leaf, not is_non_null_type(field.type)
                )


class PlainFieldsExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with plain fields read and coerced in one step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Field middleware (a schema extension's `resolve` hook) must see every field.
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        field = parent_type.fields.get(field_details_list[0].node.name.value)
        read = field.resolve if field is not None else None
        if self._direct and isinstance(read, AttributeRead):
            completed = _completed(read, source)
            if completed is not Undefined:
                return completed
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _completed(read: AttributeRead, source: object) -> object:
    """The field's value as sent, or Undefined when graphql-core's execution must run it (and
    report the error)."""
    try:
        value = getattr(source, read.name)
        if value is None:
            return None if read.nullable else Undefined
        coerced = read.leaf.coerce_output_value(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced
