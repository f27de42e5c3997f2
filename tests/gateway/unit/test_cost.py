"""A document's cost, counted from its text against the schema before anything runs, and each
caller's budget of it, refilled by the clock (ADR 0043)."""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, get_introspection_query, parse

from bookend.auth import Principal, Role
from gateway.schema.cost import Budgets, cost_of
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings

SCHEMA: GraphQLSchema = build_schema(GatewaySettings())._schema
AMARA = Principal("student-1", "district-1", frozenset({Role.STUDENT}))


def cost(document: str, variables: dict[str, object] | None = None, name: str | None = None) -> int:
    return cost_of(SCHEMA, parse(document), operation_name=name, variables=variables, list_items=10)


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("document", "points"),
    [
        ("{ viewer { id roles } }", 3),
        ("{ __typename viewer { __typename id } }", 2),
        # A page of 50: its edges hold 50 items of 3 fields each; pageInfo is counted once.
        ("{ feed(first: 50) { edges { node { id title } } pageInfo { hasNextPage } } }", 154),
        ("{ feed { edges { node { id } } } }", 1 + 1 + 20 * 2),  # the schema's default page
        ("{ feed(first: 500) { edges { cursor } } }", 1 + 1 + 100 * 1),  # capped at 100
        ('{ lesson(id: "l1") { id components { kind minutes } } }', 1 + 1 + 1 + 10 * 2),
        ("{ ...F ...F } fragment F on Query { viewer { id } }", 4),
        ("{ feed(first: 2) { edges { ...E } } } fragment E on FeedEdge { node { id } }", 6),
        # The page of a field that holds a connection: `feed`'s nodes are its 30 items.
        ("subscription { feedUpdates(first: 30) { feed { nodes { id } } } }", 1 + 1 + 1 + 30),
        # A count is a query of its own in the service: priced as a list of ten.
        ('{ sectionSessions(sectionId: "s", first: 5) { totalCount nodes { id } } }',
         1 + 10 + 1 + 5),
    ],
    ids=["fields", "typename", "a page", "a default page", "a capped page", "an unpaged list",
         "a fragment spread twice", "a fragment in a page", "a page holding a connection",
         "a count"],
)  # fmt: skip
def test_every_field_counts_one_and_a_list_each_item_it_may_hold(
    document: str, points: int
) -> None:
    assert cost(document) == points


def test_a_page_asked_for_by_a_variable_counts_the_variables_value_or_its_default() -> None:
    document = "query($n: Int = 5) { feed(first: $n) { edges { cursor } } }"
    assert cost(document) == 1 + 1 + 5
    assert cost(document, {"n": 30}) == 1 + 1 + 30


def test_the_operation_run_is_the_one_priced_and_introspection_is_free() -> None:
    document = "query A { viewer { id } } query B { feed(first: 9) { edges { cursor } } }"
    assert (cost(document, name="A"), cost(document, name="B")) == (2, 11)
    assert cost(document) == 0  # no operation named: GraphQL refuses the request
    assert cost(get_introspection_query()) == 0


def test_a_budget_pays_until_it_is_spent_then_says_when_to_come_back() -> None:
    ticks = Ticks()
    budgets = Budgets(per_minute=600, burst=100, list_items=10, clock=ticks)
    assert [budgets.charge(AMARA, 40).wait for _ in range(2)] == [0, 0]
    short = budgets.charge(AMARA, 40)
    assert (short.wait, short.remaining) == (2.0, 20)  # 20 more points, at 10 a second
    refusal = budgets.refusal(short)
    assert refusal is not None and refusal.extensions == {
        "code": "RATE_LIMITED",
        "retryAfter": 2,
        "cost": 40,
        "remaining": 20,
    }
    assert refusal.message == (
        "the document costs 40 points and this token's budget holds 20; it refills 600 points "
        "a minute: retry in 2 s"
    )
    ticks.now = 2.0
    charged = budgets.charge(AMARA, 40)
    assert budgets.refusal(charged) is None
    assert budgets.report(charged) == {
        "requested": 40,
        "remaining": 0,
        "maximum": 100,
        "perMinute": 600,
    }


def test_each_caller_has_a_budget_of_their_own() -> None:
    budgets = Budgets(per_minute=60, burst=10, list_items=10, clock=Ticks())
    other_district = Principal("student-1", "district-2", frozenset({Role.STUDENT}))
    assert budgets.charge(AMARA, 10).wait == 0
    assert budgets.charge(other_district, 10).wait == 0
    assert budgets.charge(AMARA, 1).wait > 0


def test_a_document_costing_more_than_any_budget_holds_is_refused_for_good() -> None:
    budgets = Budgets(per_minute=60, burst=10, list_items=10, clock=Ticks())
    refusal = budgets.refusal(budgets.charge(AMARA, 11))
    assert refusal is not None and refusal.extensions == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 11,
        "maximum": 10,
    }
    assert budgets.charge(AMARA, 10).wait == 0  # and it took nothing


def test_without_a_limit_every_request_is_charged_and_only_its_cost_reported() -> None:
    budgets = Budgets(per_minute=0, burst=10, list_items=10, clock=Ticks())
    charged = budgets.charge(AMARA, 1_000_000)
    assert budgets.refusal(charged) is None
    assert budgets.report(charged) == {"requested": 1_000_000}
