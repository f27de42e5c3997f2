"""Property-based requests to a service over its own OpenAPI document: schemathesis makes them
(valid and invalid), a served app on the real embedded broker and store answers, and these
checks judge every answer: no 5xx, an answer within the deadline, and every refusal in the
problem shape with each field error naming its field and rule."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

import requests
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from bookend.auth import AuthSettings
from bookend.eventbus import KafkaSettings
from bookend.hosting import ServiceSettings
from bookend.mongo import MongoSettings
from bookend.problems import Problem, ProblemKind
from tests.support.auth import TEST_SECRET
from tests.support.fuzzing import DEADLINE, SCALE, SEED

T = TypeVar("T")

# Generated requests per operation in the fuzzing phase (the coverage phase adds its own
# boundary cases): about 25 s for the services' 20 operations on the 2-CPU machine.
MAX_EXAMPLES = 50 * SCALE

# CI replays the same requests; BOOKEND_FUZZ_SEED explores new ground.
FIXED_SEED = 61


def openapi_schema(
    create_app: Callable[..., FastAPI], settings: ServiceSettings
) -> schemathesis.BaseSchema:
    """The service's OpenAPI document, read from its app without starting it."""
    app = create_app(
        settings,
        kafka=KafkaSettings(),
        mongo=MongoSettings(),
        auth=AuthSettings(dev_secret=TEST_SECRET),
    )
    config = schemathesis.Config.from_dict(
        {
            "seed": FIXED_SEED if SEED is None else SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                # No example database: a failure found once is not replayed first next time,
                # so every run, CI's too, tries the same requests.
                "database": "none",
                # The token is ours (a realistic role), so generation spends itself on input.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_dict(app.openapi(), config=config)


def aim(schema: schemathesis.BaseSchema, known: Mapping[str, Sequence[Any]]) -> None:
    """Half the generated path parameters, query and body fields named in `known` hold values that
    exist or are valid there, so requests get past "not found" into the use cases and the
    store. `known` may be filled after this is called, before the tests run."""

    @schema.hook
    def before_generate_path_parameters(
        context: schemathesis.HookContext, strategy: st.SearchStrategy[dict[str, Any]]
    ) -> st.SearchStrategy[dict[str, Any]]:
        path = context.operation.path if context.operation else ""
        names = [name for name in known if "{" + name + "}" in path]
        if not names:
            return strategy
        existing = st.fixed_dictionaries({name: _one_of(known, name) for name in names})
        return _either(strategy, existing)

    def fields_aimed(
        strategy: st.SearchStrategy[Any], declared: Collection[str] = ()
    ) -> st.SearchStrategy[Any]:
        """Known values for the fields a value has, and for the `declared` ones it lacks."""

        def aimed(value: Any) -> st.SearchStrategy[Any]:
            if not isinstance(value, dict):
                return st.just(value)
            names = known.keys() & (value.keys() | set(declared))
            fields = {name: _one_of(known, name) for name in names}
            return st.fixed_dictionaries(fields).map(lambda chosen: {**value, **chosen})

        return _either(strategy, strategy.flatmap(aimed))

    # An optional field or query parameter gets a known value even where none was drawn: a
    # section put without `teacher_ids` would leave the fuzzing teacher out of their section.
    @schema.hook
    def before_generate_query(
        context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
    ) -> st.SearchStrategy[Any]:
        declared = [p.name for p in context.operation.query] if context.operation else []
        return fields_aimed(strategy, declared)

    @schema.hook
    def before_generate_body(
        context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
    ) -> st.SearchStrategy[Any]:
        declared: list[str] = []
        for body in context.operation.body if context.operation else []:
            declared += body.resolved_schema.get("properties", {})
        return fields_aimed(strategy, declared)


def _either(generated: st.SearchStrategy[T], aimed: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Each half the time: `st.one_of` would favour its first branch while generating."""
    return st.booleans().flatmap(lambda aim: aimed if aim else generated)


def _one_of(known: Mapping[str, Sequence[Any]], name: str) -> st.SearchStrategy[Any]:
    return st.deferred(lambda: st.sampled_from(known[name]))


def problem_shape(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """A refusal (4xx) is a problem body; an input refusal names each field and its rule."""
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    assert isinstance(body, dict), f"a {response.status_code} without a problem body: {body!r}"
    assert set(body) == set(Problem.model_fields), f"not the problem shape: {body!r}"
    problem = Problem.model_validate(body)
    assert problem.status == response.status_code, body
    assert problem.code and problem.message, body
    if problem.kind is ProblemKind.INVALID_INPUT and problem.code != "PAYLOAD_TOO_LARGE":
        assert problem.errors, f"an input refusal naming no field: {body!r}"
        for error in problem.errors:
            assert error.field and error.rule and error.message, f"a blank field error: {body!r}"
    return None


CHECKS: list[schemathesis.CheckFunction] = [not_a_server_error, problem_shape]


def answer(case: schemathesis.Case[Any], base_url: str, token: str) -> schemathesis.Response:
    """Send `case` as the token's holder, and check the answer; a hang fails as a timeout."""
    try:
        return case.call_and_validate(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            checks=CHECKS,
            timeout=DEADLINE,
        )
    except requests.Timeout as hung:
        raise AssertionError(f"no answer within {DEADLINE} s: {case.as_curl_command()}") from hung
