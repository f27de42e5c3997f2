"""The schema's own scalars refuse what they cannot take as the client's mistake, with a code,
whether it comes as a variable or written in the document."""

import pytest
import strawberry

from gateway.schema.limits import StableErrors
from gateway.schema.root import BookendSchema
from gateway.schema.scalars import Bytes


@strawberry.type
class Query:
    @strawberry.field
    def size(self, of: Bytes) -> Bytes:
        return of


SCHEMA = BookendSchema(query=Query, extensions=[StableErrors])


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("query($n: Bytes!) { size(of: $n) }", {"n": "big"}),
        ('{ size(of: "big") }', None),
        ("query($n: Bytes!) { size(of: $n) }", {"n": 1.5}),
    ],
    ids=["a variable", "a literal", "a fraction"],
)
async def test_a_size_that_is_no_whole_number_is_a_bad_request_naming_the_rule(
    document: str, variables: dict[str, object] | None
) -> None:
    result = await SCHEMA.execute(document, variable_values=variables)
    [error] = result.errors or []
    assert (error.extensions or {}).get("code") == "BAD_REQUEST"
    assert "a size is a whole number of bytes" in error.message


async def test_a_size_over_32_bits_is_answered_whole() -> None:
    result = await SCHEMA.execute("{ size(of: 5000000000) }")
    assert result.data == {"size": 5_000_000_000}
