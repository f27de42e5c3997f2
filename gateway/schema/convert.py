"""Between the schema and the services' contract models: fields read by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, Protocol, Self, TypeVar

from pydantic import BaseModel
from strawberry.types import get_object_definition

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
R = TypeVar("R")
C = TypeVar("C", bound=BaseModel)


def from_contract(cls: type[T], model: BaseModel, **given: object) -> T:
    """A `cls` whose fields are those given, and the rest read from `model`'s fields of the
    same names (an ID is the contract's string). Instants are kept as they come: the DateTime
    scalar writes each in the viewer's zone (ADR 0045)."""
    values = dict(given)
    for name in _read_fields(cls):
        if name not in values:
            values[name] = getattr(model, name)
    return cls(**values)


# The fields each type reads from a contract model, found once per type: a feed page converts
# fifty items of one type.
_READ_FIELDS: dict[type, tuple[str, ...]] = {}


def _read_fields(cls: type) -> tuple[str, ...]:
    """The fields of `cls` read from a contract model: all but those with their own resolver."""
    names = _READ_FIELDS.get(cls)
    if names is None:
        fields = get_object_definition(cls, strict=True).fields
        names = _READ_FIELDS[cls] = tuple(f.python_name for f in fields if f.init)
    return names


def to_contract(model: type[C], source: object, **given: object) -> C:
    """A `model` request with the fields given, and the rest read from the GraphQL input
    `source`'s fields of the same names. Built without validation: each service checks its own
    input, so a refusal names the field and rule the same way for every client (ADR 0009)."""
    values = dict(given)
    for field in get_object_definition(type(source), strict=True).fields:
        if field.python_name in model.model_fields and field.python_name not in values:
            values[field.python_name] = getattr(source, field.python_name)
    return model.model_construct(None, **values)  # None: each field passed counts as set


class FromContract(Generic[C]):
    """A GraphQL type read field for field from one contract model, `C`."""

    @classmethod
    def of(cls, model: C) -> Self:
        return from_contract(cls, model)


class Listing(Protocol[T_co]):
    @property
    def items(self) -> Sequence[T_co]: ...


def each(convert: Callable[[T], R]) -> Callable[[Listing[T]], list[R]]:
    """Read a listing's items, each with `convert`."""
    return lambda listing: [convert(item) for item in listing.items]
