"""Plain fields completed without graphql-core's per-field machinery (ADR 0020).

A plain field reads an attribute of its parent, with no resolver of its own: a 50-item feed
page has about 850 of them. graphql-core runs each through its whole field execution (a resolve
info, a path, a resolver call, awaitable checks, the nested completion of its type), about ten
times the cost of the read itself: most of a cold feed read's CPU. Here a plain field is read
and coerced directly, and a selection that is plain all the way down (a feed connection, its
edges and items) is completed in one recursive pass. Anything unusual (a null where the schema
says non-null, a value its type cannot take) is handed back to graphql-core's own execution,
which reads again and reports it, so errors keep their messages, paths and codes.

A field of an interface type (the feed's items) is plain too: each value's own object type is
known from its Python class, as Strawberry knows it, and its selection (fragments on that type
included) is completed the same way; `__typename` is read as the type's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
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
    """A plain field's resolver: its parent's attribute `name`. A leaf's value is made one of
    its type by `coerce` (which raises when it cannot); an object's, or each of a list's
    (`listed`), is completed with the field's selection of `object_type`."""

    name: str
    nullable: bool
    coerce: Callable[[Any], Any] | None = None
    object_type: GraphQLObjectType | None = None
    listed: bool = False
    items_nullable: bool = False
    # An interface's field: each value's object type, by the value's class.
    runtime_types: dict[type, GraphQLObjectType] | None = None
    # Made of the value read, given its source, before it is coerced: an id made global.
    convert: Callable[[Any, Any], Any] | None = None

    def __call__(self, source: object, _info: object) -> object:
        value = getattr(source, self.name)
        return value if self.convert is None else self.convert(source, value)


@dataclass(frozen=True, slots=True)
class TypeName:
    """`__typename` of an object type: its name, read without a resolver."""

    name: str


def read_plain_fields(schema: strawberry.Schema) -> None:
    """Give every plain field of `schema` an AttributeRead as its resolver, in place of
    Strawberry's default one (the same read, with a wrapper around it). A field with a resolver
    or field extensions (permissions among them) is not plain and keeps Strawberry's, and so
    does one of an interface or union type."""
    coercions: dict[str, Callable[[Any], Any]] = {}
    implementations = _implementations(schema)
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field in graphql_type.fields.values():
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(definition, StrawberryField) and definition.is_basic_field:
                read = _read(definition.python_name, field.type, coercions, implementations)
                if read is not None:
                    field.resolve = read


def _implementations(schema: strawberry.Schema) -> dict[str, dict[type, GraphQLObjectType]]:
    """Each interface's object types by their Python classes (as Strawberry resolves them)."""
    found: dict[str, dict[type, GraphQLObjectType]] = {}
    core = schema._schema
    for named in core.type_map.values():
        if isinstance(named, GraphQLInterfaceType):
            by_class: dict[type, GraphQLObjectType] = {}
            for object_type in core.get_possible_types(named):
                definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
                origin = getattr(definition, "origin", None)
                if isinstance(origin, type) and isinstance(object_type, GraphQLObjectType):
                    by_class[origin] = object_type
            found[named.name] = by_class
    return found


def _read(
    name: str,
    output: GraphQLOutputType,
    coercions: dict[str, Callable[[Any], Any]],
    implementations: dict[str, dict[type, GraphQLObjectType]],
) -> AttributeRead | None:
    nullable = not is_non_null_type(output)
    inner = get_nullable_type(output)
    if is_leaf_type(inner):
        if inner.name not in coercions:
            coercions[inner.name] = _coercion(inner)
        return AttributeRead(name, nullable, coerce=coercions[inner.name])
    if isinstance(inner, GraphQLObjectType):
        return AttributeRead(name, nullable, object_type=inner)
    if isinstance(inner, GraphQLInterfaceType):
        return AttributeRead(name, nullable, runtime_types=implementations[inner.name])
    if isinstance(inner, GraphQLList):
        item = get_nullable_type(inner.of_type)
        items_nullable = not is_non_null_type(inner.of_type)
        if isinstance(item, GraphQLObjectType):
            return AttributeRead(name, nullable, None, item, True, items_nullable)
        if isinstance(item, GraphQLInterfaceType):
            by_class = implementations[item.name]
            return AttributeRead(name, nullable, None, None, True, items_nullable, by_class)
    return None


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


def _origin(object_type: GraphQLObjectType) -> type:
    definition = object_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else _Never


class _Never:
    """The class of no value: a type whose class is unknown is completed as usual."""


# An object's selection when every field in it is plain: each response name with its read and
# the field's nodes (for an object field's own selection). None: a field in it is not plain.
Reads = tuple[tuple[str, "AttributeRead | TypeName", FieldDetailsList], ...] | None


class PlainFieldsExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with plain fields read and completed in one step: a plain
    object field's whole selection at once when it is plain all the way down. The schema has no
    @defer or @stream (Strawberry's incremental delivery is off), so a selection is complete
    once collected."""

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
        completed = self._object(parent_type, grouped_field_set, source_value)
        if completed is not Undefined:
            return cast(dict[str, Any], completed)
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
            completed = self._field(read, field_details_list, source)
            if completed is not Undefined:
                return completed
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _field(self, read: AttributeRead, nodes: FieldDetailsList, source: object) -> object:
        """The field's value as sent, or Undefined when graphql-core's execution must run it
        (and report the error): reading again does no harm, as plain fields only read."""
        try:
            value = getattr(source, read.name)
            if value is None:
                return None if read.nullable else Undefined
            if read.convert is not None:
                value = read.convert(source, value)
            if read.coerce is not None:
                coerced = read.coerce(value)
                return Undefined if coerced is None else coerced
        except Exception:
            return Undefined
        if not read.listed:
            return self._nested(read, nodes, value)
        if not isinstance(value, list | tuple):
            return Undefined
        items = []
        for item in value:
            completed = (
                (None if read.items_nullable else Undefined)
                if item is None
                else self._nested(read, nodes, item)
            )
            if completed is Undefined:
                return Undefined
            items.append(completed)
        return items

    def _nested(self, read: AttributeRead, nodes: FieldDetailsList, value: object) -> object:
        if read.runtime_types is not None:  # an interface's: the value's class says its type
            object_type = read.runtime_types.get(type(value))
            if object_type is None:
                return Undefined
        else:
            assert read.object_type is not None
            object_type = read.object_type
            # A type with interfaces (a Node): the value must be of its class, as Strawberry's
            # own check asks.
            if object_type.is_type_of is not None and not isinstance(value, _origin(object_type)):
                return Undefined
        selection = self.collect_subfields(object_type, nodes).grouped_field_set
        return self._object(object_type, selection, value)

    def _object(
        self, object_type: GraphQLObjectType, selection: GroupedFieldSet, source: object
    ) -> object:
        reads = self._plain_reads(object_type, selection)
        if reads is None:
            return Undefined
        results: dict[str, Any] = {}
        for response_name, read, nodes in reads:
            if isinstance(read, TypeName):
                results[response_name] = read.name
                continue
            completed = self._field(read, nodes, source)
            if completed is Undefined:
                return Undefined
            results[response_name] = completed
        return results

    def _plain_reads(self, parent_type: GraphQLObjectType, selection: GroupedFieldSet) -> Reads:
        known = self._reads.get(id(selection))
        if known is not None:
            return known[1]
        found: list[tuple[str, AttributeRead | TypeName, FieldDetailsList]] = []
        for response_name, nodes in selection.items():
            read: AttributeRead | TypeName | None = self._plain_read(parent_type, nodes)
            if read is None and nodes[0].node.name.value == "__typename" and self._direct:
                read = TypeName(parent_type.name)
            if read is None:
                break
            found.append((response_name, read, nodes))
        reads = tuple(found) if len(found) == len(selection) else None
        self._reads[id(selection)] = (selection, reads)
        return reads

    def _plain_read(
        self, parent_type: GraphQLObjectType, nodes: FieldDetailsList
    ) -> AttributeRead | None:
        field = parent_type.fields.get(nodes[0].node.name.value)
        read = field.resolve if field is not None and self._direct else None
        return read if isinstance(read, AttributeRead) else None
