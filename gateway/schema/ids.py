"""Global object ids (ADR 0049): every `ID` the API answers names its type as well as its
object, so an id is unique across the whole API and `node(id:)` can find what it names.

A global id is `base64url("<Type>:<raw id>")` without padding: opaque to clients, who keep it
and pass it back. The services, their HTTP contracts and the events keep raw ids; the API
encodes them on the way out and decodes them on the way in, at the schema's edge, by one pass
over the built schema (`globalize_ids`) that wraps every field answering an `ID` and every
field taking one. Which type an `ID` names is said once, below, by its field's name; the pass
refuses to build a schema with an `ID` it cannot place, so a new field must be placed here.

An argument takes a global id of the type it names, or, while clients move over, a raw id (the
services' ids, which district systems correlate by): a value that does not decode to
`<Type>:` of a known type is taken as raw. A global id of another type is refused as
INVALID_INPUT naming the argument and the rule `id_type`, and nothing runs.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
)

from bookend.problems import ProblemField
from gateway.schema.errors import FieldError, InvalidInput, PublicError
from gateway.schema.plain import AttributeRead

# Fields that take a global id of any type, and read it themselves.
_ANY_TYPE = {"Query.node", "Query.nodes"}

# The type an object's own `id` names, where the object is a view of another: of a person, of
# what a feed item stands for (passed back as it: `answerPrompt(promptId:)` takes a
# PromptItem's), of the component a recording is.
_IDENTITY = {
    "Me": "Person",
    "Viewer": "Person",
    "SectionStudent": "Person",
    "LiveSessionItem": "LiveSession",
    "TaskItem": "Task",
    "PromptItem": "Prompt",
    "Recording": "LessonComponent",
}

_PERSON = (
    "studentId studentIds guardianId teacherIds createdBy setBy markedBy excusedBy decidedBy "
    "authorId askerId answeredBy respondentId who notAnswered"
)
# A reference's type by the field's, argument's or input field's name.
_REFERENCES: dict[str, str] = {
    **dict.fromkeys(_PERSON.split(), "Person"),
    **dict.fromkeys(("sectionId", "sectionIds"), "Section"),
    **dict.fromkeys(("sessionId", "shortenedSessionIds", "otherId"), "LiveSession"),
    **dict.fromkeys(("lessonId", "lessonIds"), "Lesson"),
    **dict.fromkeys(("taskId", "extendedTaskIds", "addedTaskIds"), "Task"),
    **dict.fromkeys(("schoolId", "schoolIds"), "School"),
    "promptId": "Prompt",
    "curriculumId": "Curriculum",
    "termId": "Term",
    "groupId": "Group",
    "districtId": "District",
    "componentId": "LessonComponent",
    "unitId": "Unit",
    "seriesId": "SessionSeries",
    "questionId": "Question",
    "proposalId": "BalanceProposal",
    # District integrations (ADR 0050): a delivery's event is the DistrictEvent it delivers.
    "endpointId": "WebhookEndpoint",
    "deliveryIds": "WebhookDelivery",
    "eventId": "DistrictEvent",
}

# The type an `id` argument names, by its field.
_ID_ARGUMENTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "lesson",
            "lessonVersion",
            "publishLesson",
            "editLesson",
            "discardLessonRevision",
            "adoptLesson",
            "archiveLesson",
        ],
        "Lesson",
    ),
    **dict.fromkeys(
        ["session", "startSession", "endSession", "rescheduleSession", "cancelSession"],
        "LiveSession",
    ),
    **dict.fromkeys(["sessionSeries", "rescheduleSeries", "cancelSeries"], "SessionSeries"),
    **dict.fromkeys(["updateGroup", "deleteGroup"], "Group"),
    **dict.fromkeys(
        ["webhookEndpoint", "rotateWebhookSecret", "deleteWebhookEndpoint"], "WebhookEndpoint"
    ),
    "curriculum": "Curriculum",
    "prompt": "Prompt",
    "rosterImport": "RosterImport",
    "revokeCalendarLink": "CalendarLink",
    "upsertSchool": "School",
    "withdrawTask": "Task",
}

# The type an input object's `id` names, by the input type.
_ID_INPUT_FIELDS = {
    "ComponentInput": "LessonComponent",
    "PersonInput": "Person",
    "SectionInput": "Section",
    "TermInput": "Term",
    "UpdateWebhookEndpointInput": "WebhookEndpoint",
}

# No id this API writes is longer; a longer value is a raw id, for the service to refuse.
MAX_GLOBAL_ID = 2048
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")

# An `ownerId`'s type follows its link's `ownerKind`.
_OWNERS = {"student": "Person", "section": "Section"}


@strawberry.interface(
    description=(
        "An object `node(id:)` fetches again by its global id, as its own query would, with "
        "your access checked again."
    )
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Its global id: opaque, unique across the API, stable; pass it back as is."
    )


def encode(type_name: str, raw: object) -> str:
    """The global id of the object of `type_name` with the service's id `raw`."""
    return _encoded(type_name, str(raw))


@lru_cache(maxsize=65_536)
def _encoded(type_name: str, raw: str) -> str:
    text = f"{type_name}:{raw}".encode()
    return base64.urlsafe_b64encode(text).rstrip(b"=").decode("ascii")


def decode(value: str) -> tuple[str, str] | None:
    """`(type, raw id)` of a global id this API made; None for anything else (a raw id).
    Not memoised: values come from clients, and a cache of them would be theirs to fill."""
    if not value or len(value) > MAX_GLOBAL_ID:
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, colon, raw = text.partition(":")
    if not colon or not raw or not _TYPE_NAME.fullmatch(type_name):
        return None
    if _encoded(type_name, raw) != value:  # not as this API writes it
        return None
    return type_name, raw


class WrongIdType(Exception):
    """A global id of another type than the one wanted, at `field`."""

    def __init__(self, field: str, wanted: str, found: str) -> None:
        super().__init__(f"`{field}` takes the id of a {wanted}; this one is a {found}'s")
        self.field = field
        self.wanted = wanted
        self.found = found


def raw_id(value: str, wanted: str, field: str) -> str:
    """The service's id in `value`, a global id of `wanted` or a raw id."""
    decoded = decode(value)
    if decoded is None:
        return value
    found, raw = decoded
    if found != wanted:
        raise WrongIdType(field, wanted, found)
    return raw


def refusal(wrong: WrongIdType) -> PublicError:
    return PublicError(
        "INVALID_INPUT",
        str(wrong),
        [ProblemField(field=wrong.field, rule="id_type", message=str(wrong))],
    )


# --- The pass over the schema ---------------------------------------------------------------

# Reads one value of an argument or input field: its raw ids, or WrongIdType.
Decode = Callable[[Any, str], Any]
# The global ids of an output field's value, given the object it was read from.
Encode = Callable[[Any, Any], Any]


def globalize_ids(schema: strawberry.Schema) -> None:
    """Make every `ID` of `schema` global: wrap each field answering one to encode it, and each
    field taking one (as an argument or inside an input object) to decode it before its
    resolver runs. Raises LookupError for an `ID` the tables above do not place."""
    core: GraphQLSchema = schema._schema
    unplaced: list[str] = []
    inputs: dict[str, Decode | None] = {}
    for graphql_type in core.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            where = f"{graphql_type.name}.{name}"
            encoder = _encoder(graphql_type.name, name, field, where, unplaced)
            decoders = (
                {}
                if where in _ANY_TYPE
                else _argument_decoders(name, field, inputs, where, unplaced)
            )
            if encoder is None and not decoders:
                continue
            _wrap(field, encoder, decoders)
    if unplaced:
        raise LookupError(f"IDs with no type in gateway/schema/ids.py: {', '.join(unplaced)}")


def _encoder(
    parent: str, name: str, field: GraphQLField, where: str, unplaced: list[str]
) -> Encode | None:
    if get_named_type(field.type) is not GraphQLID:
        return None
    if name == "ownerId":
        return lambda source, value: _each(value, lambda raw: encode(_owner(source), raw))
    type_name = _IDENTITY.get(parent, parent) if name == "id" else _REFERENCES.get(name)
    if type_name is None:
        unplaced.append(where)
        return None
    return lambda _source, value: _each(value, lambda raw: encode(type_name, raw))


def _owner(source: Any) -> str:
    kind = source.owner_kind
    return _OWNERS[getattr(kind, "value", kind)]


def _each(value: Any, one: Callable[[Any], str]) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [None if item is None else one(item) for item in value]
    return one(value)


def _argument_decoders(
    field_name: str,
    field: GraphQLField,
    inputs: dict[str, Decode | None],
    where: str,
    unplaced: list[str],
) -> dict[str, Decode]:
    decoders: dict[str, Decode] = {}
    own = _ID_ARGUMENTS.get(field_name)
    for name, argument in field.args.items():
        decoder = _decoder(name, argument.type, own, inputs, unplaced, f"{where}({name})")
        if decoder is not None:
            decoders[name] = decoder
    return decoders


def _decoder(
    name: str,
    value_type: GraphQLInputType,
    own: str | None,
    inputs: dict[str, Decode | None],
    unplaced: list[str],
    where: str,
) -> Decode | None:
    """The decoder of the argument or input field `name`: of its IDs, of the type its name
    says (`own` for an `id`), or of the input objects it holds; None if it holds no ID."""
    if get_named_type(value_type) is not GraphQLID:
        return _input_decoder(value_type, inputs, unplaced)
    wanted = own if name == "id" else _REFERENCES.get(name)
    if wanted is None:
        unplaced.append(where)
        return None
    return _id_decoder(wanted)


def _id_decoder(wanted: str) -> Decode:
    def decode_ids(value: Any, path: str) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return [
                None if item is None else raw_id(item, wanted, f"{path}.{index}")
                for index, item in enumerate(value)
            ]
        return raw_id(value, wanted, path)

    return decode_ids


def _input_decoder(
    input_type: GraphQLInputType, inputs: dict[str, Decode | None], unplaced: list[str]
) -> Decode | None:
    """A decoder for an input object (or a list of them) holding IDs; None if it holds none."""
    inner = get_nullable_type(input_type)
    if isinstance(inner, GraphQLList):
        each = _input_decoder(inner.of_type, inputs, unplaced)
        if each is None:
            return None
        return lambda value, path: (
            None
            if value is None
            else [each(item, f"{path}.{index}") for index, item in enumerate(value)]
        )
    if not isinstance(inner, GraphQLInputObjectType):
        return None
    if inner.name in inputs:
        return inputs[inner.name]
    inputs[inner.name] = None  # a type holding itself is read once
    fields: dict[str, Decode] = {}
    own = _ID_INPUT_FIELDS.get(inner.name)
    for name, field in inner.fields.items():
        decoder = _decoder(name, field.type, own, inputs, unplaced, f"{inner.name}.{name}")
        if decoder is not None:
            fields[name] = decoder
    if not fields:
        return None

    def decode_input(value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            return value
        read = dict(value)
        for name, decode_field in fields.items():
            if name in read:
                read[name] = decode_field(read[name], f"{path}.{name}")
        return read

    inputs[inner.name] = decode_input
    return decode_input


@dataclass(frozen=True, slots=True)
class _Refuse:
    """How a field refuses a wrong id: as its typed InvalidInput, when its result can be one
    (a mutation's), or as a public INVALID_INPUT error."""

    typed: bool

    def __call__(self, wrong: WrongIdType) -> Any:
        if not self.typed:
            raise refusal(wrong)
        error = FieldError(field=wrong.field, rule="id_type", message=str(wrong))
        return InvalidInput(code="INVALID_INPUT", message=str(wrong), errors=[error])


def _typed_refusal(field: GraphQLField) -> _Refuse:
    result = get_nullable_type(field.type)
    typed = isinstance(result, GraphQLUnionType) and any(
        member.name == "InvalidInput" for member in result.types
    )
    return _Refuse(typed)


def _wrap(field: GraphQLField, encoder: Encode | None, decoders: dict[str, Decode]) -> None:
    refuse = _typed_refusal(field)

    def decoded(args: dict[str, Any]) -> dict[str, Any]:
        for name, decode_argument in decoders.items():
            if name in args:
                args[name] = decode_argument(args[name], name)
        return args

    resolve = field.resolve
    if isinstance(resolve, AttributeRead) and encoder is not None and not decoders:
        # A plain field stays plain: its read encodes, on the fast path and off it.
        field.resolve = replace(resolve, convert=encoder)
    elif resolve is not None or encoder is not None:
        field.resolve = _resolving(resolve, encoder, decoded if decoders else None, refuse)
    if field.subscribe is not None and decoders:
        field.subscribe = _subscribing(field.subscribe, decoded)


def _resolving(
    resolve: Callable[..., Any] | None,
    encoder: Encode | None,
    decoded: Callable[[dict[str, Any]], dict[str, Any]] | None,
    refuse: _Refuse,
) -> Callable[..., Any]:
    def resolve_ids(source: Any, info: Any, **args: Any) -> Any:
        if decoded is not None:
            try:
                args = decoded(args)
            except WrongIdType as wrong:
                return refuse(wrong)
        value = (resolve or default_field_resolver)(source, info, **args)
        if encoder is None:
            return value
        if inspect.isawaitable(value):
            return _encode_later(value, encoder, source)
        return encoder(source, value)

    return resolve_ids


async def _encode_later(value: Awaitable[Any], encoder: Encode, source: Any) -> Any:
    return encoder(source, await value)


def _subscribing(
    subscribe: Callable[..., Any], decoded: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[..., Any]:
    def subscribe_ids(source: Any, info: Any, **args: Any) -> Any:
        try:
            args = decoded(args)
        except WrongIdType as wrong:
            raise refusal(wrong) from None
        return subscribe(source, info, **args)

    return subscribe_ids
