"""Schema extensions: limits on documents, caches, and errors reduced to stable codes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.disable_introspection import DisableIntrospection

from gateway.schema.errors import public_code, should_mask
from gateway.settings import GatewaySettings


class StableErrors(MaskErrors):
    """Unexpected errors become "Unexpected error." with code INTERNAL; the rest keep a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                code = public_code(error) if error.original_error else "BAD_REQUEST"
                error.extensions = {**(error.extensions or {}), "code": code}
        return processed


def extensions(settings: GatewaySettings) -> list[Callable[[], SchemaExtension]]:
    """Factories, not instances: Strawberry builds each extension afresh per request, so no
    request's state is shared with another; the parser and validation caches live at module
    level in Strawberry and are shared across requests all the same."""
    chosen: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        StableErrors,
    ]
    if settings.environment == "production":
        chosen.append(DisableIntrospection)
    return chosen
