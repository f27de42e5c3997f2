"""What a document costs, counted from its text before anything runs, and each caller's budget
of cost: a request over budget is refused with a code and when to come back (ADR 0043).

Every field counts 1, and a list counts what it selects once for each item it may hold: a page
(a field that takes `first`) holds the items asked for, or its default page, capped at the largest
page; in a connection (or an object holding one), its lists (`edges`, `nodes`) hold its page, and
its other fields (`pageInfo`) are counted once; `nodes` holds one object for each id it is given;
any other list of objects counts as `list_items` items. A connection's `totalCount` is a count
query in its service: it counts as COUNT_POINTS, what a list of that many items would.
`__typename` and introspection cost nothing upstream and count nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLInputType,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    Undefined,
    get_named_type,
    get_operation_ast,
    parse,
    value_from_ast,
    value_from_ast_untyped,
)
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperation

from bookend.auth import Principal
from bookend.hosting.limits import Throttle
from gateway.context import Context
from gateway.responses import Charger
from gateway.schema.paging import MAX_FIRST
from gateway.schema.shape import Fold
from gateway.settings import GatewaySettings

# The codes of the refusals, in `extensions.code`: clients may rely on them.
RATE_LIMITED = "RATE_LIMITED"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"

# Callers whose buckets each worker remembers, least recently used forgotten first. A bucket
# idle for burst / rate seconds (30 by default) is full again anyway, so forgetting one costs
# nothing unless this many callers spent within that time on one worker.
MAX_CALLERS = 50_000
# A `totalCount`: one more query of the service, over the whole list (ADR 0044).
COUNT_POINTS = 10


@dataclass(frozen=True, slots=True)
class Place:
    """Where selections are: on which type (None if unknown), and, in a connection, how many
    items its page holds."""

    type: str | None
    page: int | None


class _Costs(Fold[int, Place]):
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        list_items: int,
    ) -> None:
        super().__init__(document, 0)
        self._schema, self._variables, self._list_items = schema, dict(variables), list_items

    def field(self, node: FieldNode, where: Place) -> int:
        if node.name.value.startswith("__"):
            return 0
        parent = self._schema.get_type(where.type) if where.type else None
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(node.name.value)
        if node.name.value == "totalCount" and where.page is not None:
            return COUNT_POINTS  # a connection's count: a query of its own
        if definition is None or node.selection_set is None:
            return 1  # a leaf, or a field validation refuses
        output = definition.type
        if isinstance(output, GraphQLNonNull):
            output = output.of_type
        listed = isinstance(output, GraphQLList)
        named = get_named_type(output).name
        if "first" in definition.args:
            page = self._page(node, definition.args["first"].default_value)
            if not listed:  # a connection, or an object holding one: its lists hold the page
                return 1 + self.selections(node.selection_set, Place(named, page))
            items = page
        elif listed and "ids" in definition.args:  # `nodes`: one object for each id asked
            items = self._asked_ids(node, definition.args["ids"].type)
        elif listed:
            items = where.page or self._list_items
        else:  # one object: a page it is part of goes on to the lists in it
            return 1 + self.selections(node.selection_set, Place(named, where.page))
        return 1 + items * self.selections(node.selection_set, Place(named, None))

    def beside(self, one: int, other: int) -> int:
        return one + other

    def within(self, type_condition: str | None, where: Place) -> Place:
        return Place(type_condition or where.type, where.page)

    def _asked_ids(self, node: FieldNode, ids_type: GraphQLInputType) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "ids":
                asked = value_from_ast(argument.value, ids_type, self._variables)
                if isinstance(asked, list):
                    # More than a page's worth is refused before anything is read.
                    return min(len(asked), MAX_FIRST)
        return self._list_items

    def _page(self, node: FieldNode, default: object) -> int:
        asked: object = Undefined
        for argument in node.arguments or ():
            if argument.name.value == "first":
                asked = value_from_ast(argument.value, GraphQLInt, self._variables)
        if asked is Undefined or asked is None:
            asked = default
        if not isinstance(asked, int) or isinstance(asked, bool):
            return self._list_items
        # A `first` out of range is refused before anything is read (INVALID_INPUT).
        return min(max(asked, 1), MAX_FIRST)


def cost_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    list_items: int,
) -> int:
    """The cost of the operation the request runs; 0 when it names none that runs (GraphQL
    refuses the request then)."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation is not None else None
    if operation is None or root is None:
        return 0
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    costs = _Costs(schema, document, defaults | dict(variables or {}), list_items)
    return costs.selections(operation.selection_set, Place(root.name, None))


@dataclass(frozen=True, slots=True)
class Charge:
    """What one request costs and whether it was charged."""

    cost: int
    wait: float  # 0: charged; else the seconds until the budget holds the cost (inf: never)
    remaining: float | None  # what the budget holds now; None: no limit


class Budgets:
    """Each caller's budget of cost points: a token bucket per subject within a district,
    refilled at `per_minute` and holding at most `burst` (`per_minute` 0: no limit). Kept in
    this process's memory, so each gateway worker counts its own (ADR 0043); `clock` is
    monotonic seconds, a fake one in tests."""

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        list_items: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute, self.burst, self.list_items = per_minute, burst, list_items
        self._buckets = (
            Throttle(rate=per_minute / 60, burst=burst, max_keys=MAX_CALLERS, clock=clock)
            if per_minute > 0
            else None
        )

    @classmethod
    def from_settings(
        cls, settings: GatewaySettings, clock: Callable[[], float] = time.monotonic
    ) -> Budgets:
        return cls(
            per_minute=settings.cost_per_minute,
            burst=settings.cost_burst,
            list_items=settings.cost_list_items,
            clock=clock,
        )

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        return cost_of(
            schema,
            document,
            operation_name=operation_name,
            variables=variables,
            list_items=self.list_items,
        )

    def charge(self, caller: Principal, cost: int) -> Charge:
        """Take `cost` from the caller's budget if it holds that much; else take nothing."""
        if self._buckets is None:
            return Charge(cost, 0.0, None)
        spent = self._buckets.spend((caller.district, caller.subject), cost)
        return Charge(cost, spent.wait, spent.left)

    def report(self, charge: Charge) -> dict[str, object]:
        """`extensions.cost` of an answer: what the request cost, and what the budget holds."""
        if charge.remaining is None:
            return {"requested": charge.cost}
        return {
            "requested": charge.cost,
            "remaining": math.floor(charge.remaining),
            "maximum": self.burst,
            "perMinute": self.per_minute,
        }

    def refusal(self, charge: Charge) -> GraphQLError | None:
        """The error of a request the budget could not pay for, or None if it was charged."""
        if charge.wait == 0:
            return None
        if math.isinf(charge.wait):
            return GraphQLError(
                f"the document costs {charge.cost} points, over the {self.burst} a request may "
                "cost: ask for smaller pages (`first`) or fewer fields",
                extensions={"code": QUERY_TOO_COSTLY, "cost": charge.cost, "maximum": self.burst},
            )
        seconds = retry_after(charge)
        return GraphQLError(
            f"the document costs {charge.cost} points and this token's budget holds "
            f"{math.floor(charge.remaining or 0)}; it refills {self.per_minute} points a "
            f"minute: retry in {seconds} s",
            extensions={
                "code": RATE_LIMITED,
                "retryAfter": seconds,
                "cost": charge.cost,
                "remaining": math.floor(charge.remaining or 0),
            },
        )

    def charger(self, schema: GraphQLSchema) -> Charger:
        """Charges a request the response cache answers as if the schema ran it (a kept answer
        costs what its document costs): the extensions to answer with, or None when the budget
        is short, and the request is then left to the schema, which refuses it."""

        def charge(
            caller: Principal, text: str, operation_name: str | None, variables: Mapping[str, Any]
        ) -> dict[str, object] | None:
            document = _parsed(text)
            if document is None:
                return None
            charged = self.charge(caller, self.cost(schema, document, operation_name, variables))
            return None if charged.wait else {"cost": self.report(charged)}

        return charge


def retry_after(charge: Charge) -> int:
    """Whole seconds, as `Retry-After` counts them, never 0 for a request that must wait."""
    return max(1, math.ceil(charge.wait))


@lru_cache(maxsize=1024)
def _parsed(text: str) -> DocumentNode | None:
    try:
        return parse(text)
    except GraphQLSyntaxError:
        return None


class CostLimit(SchemaExtension):
    """Prices a valid document before it runs and charges the caller: over budget, the request
    is refused with RATE_LIMITED (over HTTP, 429 with `Retry-After`), or QUERY_TOO_COSTLY if no
    budget could ever pay for it, and nothing runs. A subscription is charged once, when it
    starts. Queries and mutations say what they cost and what is left in `extensions.cost`."""

    def __init__(self, budgets: Budgets) -> None:
        self._budgets = budgets
        self._report: dict[str, object] | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        # The shape limits and validation run first (earlier in the list): their errors
        # are set by now, and only a valid document is priced.
        context = self.execution_context
        caller = getattr(context.context, "caller_or_none", None)
        if context.graphql_document is not None and not context.pre_execution_errors and caller:
            charge = self._budgets.charge(
                caller.principal,
                self._budgets.cost(
                    context.schema._schema,
                    context.graphql_document,
                    context.operation_name,
                    context.variables,
                ),
            )
            if context.operation_type is not StrawberryOperation.SUBSCRIPTION:
                self._report = self._budgets.report(charge)
            refusal = self._budgets.refusal(charge)
            if refusal is not None:
                context.pre_execution_errors = [refusal]
                _ask_to_wait(context.context, charge)
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self._report is None else {"cost": self._report}


def _ask_to_wait(context: Context, charge: Charge) -> None:
    """HTTP's own words for a rate limit, on an HTTP request (a WebSocket has none)."""
    response = getattr(context, "response", None)
    if isinstance(response, Response) and not math.isinf(charge.wait):
        response.status_code = 429
        response.headers["Retry-After"] = str(retry_after(charge))
