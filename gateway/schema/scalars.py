"""The schema's own scalars, mapped in its config (`StrawberryConfig.scalar_map`)."""

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

# GraphQL's Int stops at 2^31 - 1: a long video is larger than that.
Bytes = NewType("Bytes", int)


def _size(value: object) -> int:
    """A whole number, as JSON gives it: not text, not a fraction, not true or false."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("a size is a whole number of bytes")


SCALARS: dict[object, ScalarDefinition] = {
    Bytes: strawberry.scalar(
        name="Bytes",
        description="A size in bytes, as a JSON number (exact up to 2^53).",
        serialize=int,
        parse_value=_size,
    )
}
