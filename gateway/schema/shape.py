"""A document's size once its fragments are expanded, measured before anything validates it,
and each limit it goes over refused with a stable code of its own.

Fragments let a short document stand for an enormous one: `fragment F0 on Query { ...F1 ...F1 }`
doubles with every level, so 190 tokens become 2^22 fields. Strawberry's depth and alias
limiters expand fragments to count, and so does graphql-core's overlapping-fields rule, so such
a document held a validation thread for minutes (and a thread cannot be cancelled). Here each
fragment is measured once and its figures reused wherever it is spread: linear in the text. The
same walk (`Fold`) prices a document for the rate limit (`gateway/schema/cost.py`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

# The codes of the refusals, in `extensions.code`: clients may rely on them.
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
ONE_MUTATION_A_REQUEST = "ONE_MUTATION_A_REQUEST"

T = TypeVar("T")
W = TypeVar("W", bound=Hashable)


class Fold(Generic[T, W]):
    """A document's selections folded into one figure, fragments expanded, in linear time: a
    fragment is folded once for each place it is spread in (`W`: what a figure depends on,
    such as the type the selections are on) and that figure reused at every spread. A spread
    of an unknown fragment, or of one that spreads itself, folds to `empty`: validation
    refuses those. Subclasses say what a field is worth and how two figures add up."""

    def __init__(self, document: DocumentNode, empty: T) -> None:
        self.empty = empty
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._known: dict[tuple[str, W], T] = {}
        self._folding: set[str] = set()

    def field(self, node: FieldNode, where: W) -> T:
        """One field's figure, what it selects included (through `selections`)."""
        raise NotImplementedError

    def beside(self, one: T, other: T) -> T:
        """Two selections side by side."""
        raise NotImplementedError

    def within(self, type_condition: str | None, where: W) -> W:
        """Where the selections of a fragment on `type_condition` are, spread at `where`."""
        return where

    def selections(self, selection_set: SelectionSetNode | None, where: W) -> T:
        total = self.empty
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total = self.beside(total, self.field(selection, where))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.within(condition.name.value if condition else None, where)
                total = self.beside(total, self.selections(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                total = self.beside(total, self._spread(selection.name.value, where))
        return total

    def _spread(self, name: str, where: W) -> T:
        fragment = self._fragments.get(name)
        if fragment is None or name in self._folding:
            return self.empty
        inner = self.within(fragment.type_condition.name.value, where)
        if (name, inner) not in self._known:
            self._folding.add(name)
            self._known[name, inner] = self.selections(fragment.selection_set, inner)
            self._folding.discard(name)
        return self._known[name, inner]


@dataclass(frozen=True, slots=True)
class Shape:
    depth: int  # root fields are at depth 0; introspection fields add none
    fields: int  # fields, counting a fragment's once per spread
    aliases: int  # the same, for aliased fields
    writes: int = 0  # a mutation's root fields, `__typename` aside (each one is a write)

    def __or__(self, other: Shape) -> Shape:
        """Two selections side by side."""
        return Shape(
            max(self.depth, other.depth),
            self.fields + other.fields,
            self.aliases + other.aliases,
            self.writes + other.writes,
        )


EMPTY = Shape(depth=0, fields=0, aliases=0)


class _Shapes(Fold[Shape, None]):
    def field(self, node: FieldNode, where: None) -> Shape:
        inner = self.selections(node.selection_set, where)
        # Introspection (`__schema`, `__type`) nests type references deeply by design and
        # costs nothing upstream: it counts towards fields, not depth.
        deepens = node.selection_set and not node.name.value.startswith("__")
        return Shape(
            inner.depth + 1 if deepens else 0,
            inner.fields + 1,
            inner.aliases + (1 if node.alias else 0),
            # One write, should it sit at a mutation's root; what it selects is none.
            0 if node.name.value == "__typename" else 1,
        )

    def beside(self, one: Shape, other: Shape) -> Shape:
        return one | other


def shape_of(document: DocumentNode) -> Shape:
    """The largest of the document's operations, fragments expanded.

    Writes are counted at the root of mutations only, through fragments and directives
    alike: `@skip` may leave one write at run time, but the document is judged as sent."""
    shapes = _Shapes(document, EMPTY)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    largest = EMPTY
    for operation in operations:
        measured = shapes.selections(operation.selection_set, None)
        writes = measured.writes if operation.operation == OperationType.MUTATION else 0
        largest = Shape(
            max(largest.depth, measured.depth),
            max(largest.fields, measured.fields),
            max(largest.aliases, measured.aliases),
            max(largest.writes, writes),
        )
    return largest


@dataclass(frozen=True, slots=True)
class ShapeLimits:
    max_depth: int
    max_fields: int
    max_aliases: int

    def refusals(self, document: DocumentNode) -> list[GraphQLError]:
        """An error for each limit the document's expanded shape goes over, each with its
        code; and one for a mutation of more than one write (no batching of writes: each is
        retried, refused or answered on its own, ADR 0013)."""
        shape = shape_of(document)
        over = [
            (QUERY_TOO_DEEP, shape.depth, self.max_depth),
            (TOO_MANY_FIELDS, shape.fields, self.max_fields),
            (TOO_MANY_ALIASES, shape.aliases, self.max_aliases),
            (ONE_MUTATION_A_REQUEST, shape.writes, 1),
        ]
        return [
            GraphQLError(
                _MESSAGES[code].format(found=found, limit=limit), extensions={"code": code}
            )
            for code, found, limit in over
            if found > limit
        ]


_MESSAGES = {
    QUERY_TOO_DEEP: "the document is {found} levels deep; the limit is {limit}",
    TOO_MANY_FIELDS: "the document has {found} fields, fragments expanded, "
    "over the limit of {limit}",
    TOO_MANY_ALIASES: "the document has {found} aliases, fragments expanded, "
    "over the limit of {limit}",
    ONE_MUTATION_A_REQUEST: "a request may make one write; this mutation has {found} "
    "fields: send each as a request of its own",
}
