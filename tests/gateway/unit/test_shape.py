"""A document's shape with fragments expanded: depth, fields and aliases, measured once each."""

from __future__ import annotations

import pytest
from graphql import get_introspection_query, parse

from gateway.schema.shape import Shape, ShapeLimits, shape_of


@pytest.mark.parametrize(
    ("document", "shape"),
    [
        ("{ viewer { id } }", Shape(depth=1, fields=2, aliases=0)),
        ("{ a: viewer { b: id c: id } }", Shape(depth=1, fields=3, aliases=3)),
        ("{ ...F ...F } fragment F on Query { x: viewer { id } }", Shape(1, 4, 2)),
        ("{ viewer { ... on Viewer { id } } }", Shape(1, 2, 0)),
        ("query A { viewer { id } } query B { a { b { c } } }", Shape(2, 3, 0)),
        ("{ ...F } fragment F on Query { ...F viewer }", Shape(0, 1, 0)),  # a cycle: refused later
        ("{ ...Missing }", Shape(0, 0, 0)),
        ("{ __schema { types { fields { type { ofType { name } } } } } }", Shape(0, 6, 0)),
    ],
)
def test_the_shape_counts_each_spread_of_a_fragment(document: str, shape: Shape) -> None:
    assert shape_of(parse(document)) == shape


def test_each_limit_gone_over_is_named() -> None:
    limits = ShapeLimits(max_depth=1, max_fields=2, max_aliases=0)
    refusals = limits.refusals(parse("{ a: viewer { b { c } } }"))
    assert [str(r.message) for r in refusals] == [
        "the document is 2 levels deep; the limit is 1",
        "the document has 3 fields, fragments expanded, over the limit of 2",
        "the document has 1 aliases, fragments expanded, over the limit of 0",
    ]
    assert ShapeLimits(1, 2, 0).refusals(parse("{ viewer { id } }")) == []


def test_the_standard_introspection_query_is_within_the_limits() -> None:
    """GraphiQL and code generators send it (introspection is off in production)."""
    shape = shape_of(parse(get_introspection_query(descriptions=True)))
    assert (
        ShapeLimits(max_depth=10, max_fields=500, max_aliases=15).refusals(
            parse(get_introspection_query(descriptions=True))
        )
        == []
    ), shape
