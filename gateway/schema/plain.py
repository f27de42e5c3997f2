"""Plain fields completed without graphql-core's per-field machinery (ADR 0020).

A plain field reads an attribute of its parent and answers a scalar or an enum: a 50-item feed
page has about 800 of them. graphql-core runs each through its whole field execution (a resolve
info, a path, a resolver call, awaitable checks, the nested completion of its type), about ten
times the cost of the read itself: most of a cold feed read's CPU. Here each is read and coerced
directly, and an object whose selected fields are all plain is completed in one loop; anything
unusual (a null where the schema says non-null, a value its type cannot take) is handed to
graphql-core's own execution, so errors keep their messages, paths and codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLObjectType,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


@dataclass(frozen=True, slots=True)
class AttributeRead:
    """A plain field's resolver: its parent's attribute `name`; `coerce` makes it a value of
    the field's type, or raises."""

    name: str
    coerce: Callable[[Any], Any]
    nullable: bool

    def __call__(self, source: object, _info: object) -> object:
        return getattr(source, self.name)


def read_plain_fields(schema: strawberry.Schema) -> None:
    """Give every plain field of `schema` an AttributeRead as its resolver, in place of
    Strawberry's default one (the same read, with a wrapper around it). A field with a resolver
    or field extensions (permissions among them) is not plain and keeps Strawberry's."""
    coercions: dict[str, Callable[[Any], Any]] = {}
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
                if leaf.name not in coercions:
                    coercions[leaf.name] = _coercion(leaf)
                field.resolve = AttributeRead(
                    definition.python_name, coercions[leaf.name], not is_non_null_type(field.type)
                )


def _coercion(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The leaf type's output coercion. For an enum of Strawberry's, each member's name is
    looked up once here: Strawberry's own coercion scans every value of the enum for each."""
    members = getattr(leaf, "wrapped_cls", None)
    if not isinstance(leaf, GraphQLEnumType) or members is None:
        return leaf.coerce_output_value
    names = {member: leaf.coerce_output_value(member) for member in members}

    def coerce(value: Any) -> Any:
        return names[value] if type(value) is members else leaf.coerce_output_value(value)

    return coerce


# The plain reads of an object's selection, by response name; None: a field is not plain.
Reads = tuple[tuple[str, AttributeRead], ...] | None


class PlainFieldsExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with plain fields read and coerced in one step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Field middleware (a schema extension's `resolve` hook) must see every field.
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares
        # By the selection's identity, kept alive with it (graphql-core memoizes selections
        # the same way), so fifty items of one list share one look at their fields.
        self._reads: dict[int, tuple[GroupedFieldSet, Reads]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        reads = self._plain_reads(parent_type, grouped_field_set)
        if reads is not None:
            results: dict[str, Any] = {}
            for response_name, read in reads:
                completed = _completed(read, source_value)
                if completed is Undefined:
                    break
                results[response_name] = completed
            else:
                return results
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        read = self._plain_read(parent_type, field_details_list)
        if read is not None:
            completed = _completed(read, source)
            if completed is not Undefined:
                return completed
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plain_reads(self, parent_type: GraphQLObjectType, selection: GroupedFieldSet) -> Reads:
        known = self._reads.get(id(selection))
        if known is not None:
            return known[1]
        found: list[tuple[str, AttributeRead]] = []
        for response_name, field_details_list in selection.items():
            read = self._plain_read(parent_type, field_details_list)
            if read is None:
                break
            found.append((response_name, read))
        reads = tuple(found) if len(found) == len(selection) else None
        self._reads[id(selection)] = (selection, reads)
        return reads

    def _plain_read(
        self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> AttributeRead | None:
        field = parent_type.fields.get(field_details_list[0].node.name.value)
        read = field.resolve if field is not None and self._direct else None
        return read if isinstance(read, AttributeRead) else None


def _completed(read: AttributeRead, source: object) -> object:
    """The field's value as sent, or Undefined when graphql-core's execution must run it (and
    report the error)."""
    try:
        value = getattr(source, read.name)
        if value is None:
            return None if read.nullable else Undefined
        coerced = read.coerce(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced
