"""A document's size once its fragments are expanded, measured before anything validates it.

Fragments let a short document stand for an enormous one: `fragment F0 on Query { ...F1 ...F1 }`
doubles with every level, so 190 tokens become 2^22 fields. Strawberry's depth and alias
limiters expand fragments to count, and so does graphql-core's overlapping-fields rule, so such
a document held a validation thread for minutes (and a thread cannot be cancelled). Here each
fragment is measured once and its figures reused wherever it is spread: linear in the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


@dataclass(frozen=True, slots=True)
class Shape:
    depth: int  # root fields are at depth 0; introspection fields add none
    fields: int  # fields, counting a fragment's once per spread
    aliases: int  # the same, for aliased fields

    def __or__(self, other: Shape) -> Shape:
        """Two selections side by side."""
        return Shape(
            max(self.depth, other.depth), self.fields + other.fields, self.aliases + other.aliases
        )


EMPTY = Shape(depth=0, fields=0, aliases=0)


def shape_of(document: DocumentNode) -> Shape:
    """The largest of the document's operations, fragments expanded. A spread of an unknown
    fragment, or one that spreads itself, counts nothing: validation refuses those."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    known: dict[str, Shape] = {}
    measuring: set[str] = set()

    def of(selection_set: SelectionSetNode | None) -> Shape:
        total = EMPTY
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = of(selection.selection_set)
                # Introspection (`__schema`, `__type`) nests type references deeply by design
                # and costs nothing upstream: it counts towards fields, not depth.
                deepens = selection.selection_set and not selection.name.value.startswith("__")
                nested = Shape(
                    inner.depth + 1 if deepens else 0,
                    inner.fields + 1,
                    inner.aliases + (1 if selection.alias else 0),
                )
                total |= nested
            elif isinstance(selection, InlineFragmentNode):
                total |= of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total |= spread(selection.name.value)
        return total

    def spread(name: str) -> Shape:
        if name not in known:
            fragment = fragments.get(name)
            if fragment is None or name in measuring:
                return EMPTY
            measuring.add(name)
            known[name] = of(fragment.selection_set)
            measuring.discard(name)
        return known[name]

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    largest = EMPTY
    for operation in operations:
        measured = of(operation.selection_set)
        largest = Shape(
            max(largest.depth, measured.depth),
            max(largest.fields, measured.fields),
            max(largest.aliases, measured.aliases),
        )
    return largest


@dataclass(frozen=True, slots=True)
class ShapeLimits:
    max_depth: int
    max_fields: int
    max_aliases: int

    def refusals(self, document: DocumentNode) -> list[GraphQLError]:
        """An error for each limit the document's expanded shape goes over."""
        shape = shape_of(document)
        over = [
            ("deep", shape.depth, self.max_depth),
            ("fields, fragments expanded,", shape.fields, self.max_fields),
            ("aliases, fragments expanded,", shape.aliases, self.max_aliases),
        ]
        return [
            GraphQLError(f"the document is {found} levels deep; the limit is {limit}")
            if what == "deep"
            else GraphQLError(f"the document has {found} {what} over the limit of {limit}")
            for what, found, limit in over
            if found > limit
        ]
