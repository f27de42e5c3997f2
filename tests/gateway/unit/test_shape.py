"""A document's shape with fragments expanded: depth, fields, aliases and a mutation's writes,
measured once each; each limit gone over is refused with its own code."""

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
        ("mutation { a { b c } }", Shape(1, 3, 0, writes=1)),
        ("mutation { __typename a { b } }", Shape(1, 3, 0, writes=1)),
        ("mutation { a b: a }", Shape(0, 2, 1, writes=2)),
        (
            "mutation { a ...W ... on Mutation { c } } fragment W on Mutation { b }",
            Shape(0, 3, 0, 3),
        ),
        ("mutation { a @skip(if: true) b }", Shape(0, 2, 0, writes=2)),
        ("mutation { a } query { b c }", Shape(0, 2, 0, writes=1)),
        ("{ a b }", Shape(0, 2, 0, writes=0)),
    ],
)
def test_the_shape_counts_each_spread_of_a_fragment(document: str, shape: Shape) -> None:
    assert shape_of(parse(document)) == shape


def test_each_limit_gone_over_is_named_with_its_own_code() -> None:
    limits = ShapeLimits(max_depth=1, max_fields=2, max_aliases=0)
    refusals = limits.refusals(parse("mutation { a: viewer { b { c } } d }"))
    assert [(r.message, (r.extensions or {})["code"]) for r in refusals] == [
        ("the document is 2 levels deep; the limit is 1", "QUERY_TOO_DEEP"),
        ("the document has 4 fields, fragments expanded, over the limit of 2", "TOO_MANY_FIELDS"),
        ("the document has 1 aliases, fragments expanded, over the limit of 0", "TOO_MANY_ALIASES"),
        (
            "a request may make one write; this mutation has 2 fields: "
            "send each as a request of its own",
            "ONE_MUTATION_A_REQUEST",
        ),
    ]
    assert ShapeLimits(1, 2, 0).refusals(parse("{ viewer { id } }")) == []
    assert ShapeLimits(1, 2, 0).refusals(parse("mutation { viewer { id } }")) == []


def test_the_standard_introspection_query_is_within_the_limits() -> None:
    """GraphiQL and code generators send it (introspection is off in production)."""
    shape = shape_of(parse(get_introspection_query(descriptions=True)))
    assert (
        ShapeLimits(max_depth=10, max_fields=500, max_aliases=15).refusals(
            parse(get_introspection_query(descriptions=True))
        )
        == []
    ), shape
