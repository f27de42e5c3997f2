"""The HTTP transport to the services: one pooled client per service, the caller's token
forwarded, and every answer read into the service's published HTTP contract model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from bookend.problems import Problem, ProblemField, ProblemKind

M = TypeVar("M", bound=BaseModel)

# Seconds an idle pooled connection is kept: under uvicorn's 5 s `timeout_keep_alive`, so the
# gateway drops an idle connection before the service closes it, and never sends a request
# into a connection the service is closing (httpx keeps them 5 s by default: a race).
IDLE_CONNECTION_SECONDS = 4.0

# Query parameters as the clients state them; a None is left out of the request.
Params = Mapping[str, str | int | list[str] | None]  # a list: the parameter repeated


@dataclass(frozen=True)
class Page:
    """Relay paging as the services read it: how many items, after which cursor, and whether
    to count the whole list too (only when a client selected `totalCount`: a count query)."""

    first: int
    after: str | None = None
    total: bool = False

    def params(self) -> Params:
        return {"first": self.first, "after": self.after, "total": "true" if self.total else None}


_JSON = {"content-type": "application/json"}

# An id travels in a URL path: it may hold anything but what would change the path.
MAX_ID_LENGTH = 200


def at(template: str, **ids: str) -> str:
    """`template` with each id checked and percent-encoded, so no id can reach another route
    (`../feed`); an id breaking the rule is refused like a service refusal, naming it."""
    for field, value in ids.items():
        if (
            not value
            or len(value) > MAX_ID_LENGTH
            or value in (".", "..")
            or any(char in value for char in "/\\")
            or not value.isprintable()
        ):
            message = f"must be 1 to {MAX_ID_LENGTH} printable characters, without '/' or '\\'"
            raise _refused(field, "valid_id", message)
    return template.format(**{field: quote(value, safe="") for field, value in ids.items()})


# A write's idempotency key travels in a header: printable ASCII only.
MAX_KEY_LENGTH = 200


KEY_HEADER = "Idempotency-Key"  # how the services take a write's idempotency key (ADR 0013)


def _key_header(key: str) -> dict[str, str]:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        message = f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        raise _refused("idempotencyKey", "valid_key", message)
    return {KEY_HEADER: key}


def _refused(field: str, rule: str, message: str) -> UpstreamFailure:
    """Input the gateway refuses before any call, in the shape of a service's refusal."""
    return UpstreamFailure(
        Problem(
            status=422,
            kind=ProblemKind.INVALID_INPUT,
            code="INVALID_INPUT",
            message=f"{field}: {message}",
            errors=[ProblemField(field=field, rule=rule, message=message)],
        )
    )


class UpstreamFailure(Exception):
    """A service refused the request with a problem body (4xx): an expected failure."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class UpstreamUnavailable(Exception):
    """A service failed (5xx), could not be reached, or answered outside its contract; masked."""


class Upstream:
    """One service's pooled connections, shared by every request of this process."""

    def __init__(
        self,
        name: str,
        base_url: str,
        timeout: float,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=100,
                max_keepalive_connections=20,
                keepalive_expiry=IDLE_CONNECTION_SECONDS,
            ),
            transport=transport,
        )
        self.base_url = str(self.http.base_url).rstrip("/")

    def url(self, path: str, params: Params | None) -> str:
        """The absolute URL of `path` with the parameters that have values, in httpx's own
        encoding. Joined here, once: httpx would parse the URL once more for the base and once
        more for the parameters, a fifth of the cost of a call."""
        url = self.base_url + path  # every path starts with "/"
        present = _present(params)
        return f"{url}?{httpx.QueryParams(present)}" if present else url

    async def close(self) -> None:
        await self.http.aclose()


class ServiceClient:
    """A service's HTTP API as one caller; the typed clients derive from it."""

    def __init__(self, upstream: Upstream, token: str) -> None:
        self._upstream = upstream
        self._headers = {"Authorization": f"Bearer {token}"}

    async def call(
        self,
        answer: type[M],
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        params: Params | None = None,
        key: str | None = None,
    ) -> M:
        """Send one request as the caller; return the answer parsed as `answer`. A write with
        an idempotency `key` is applied at most once however often it is sent (ADR 0013).

        Raise UpstreamFailure with the service's problem when it refuses (4xx), and
        UpstreamUnavailable when it fails, cannot be reached or breaks its contract.
        """
        name = self._upstream.name
        headers = self._headers if body is None else {**self._headers, **_JSON}
        if key is not None:
            headers = {**headers, **_key_header(key)}
        url = self._upstream.url(path, params)
        # ASCII with escapes: text the service must refuse (a lone surrogate) still reaches it,
        # instead of failing to encode here.
        content = json.dumps(body.model_dump(mode="json")) if body is not None else None
        try:
            response = await self._upstream.http.request(
                method, url, content=content, headers=headers
            )
        except httpx.HTTPError as failure:
            raise UpstreamUnavailable(f"{name}: {failure!r}") from failure
        except (OSError, AttributeError) as failure:
            # A service dying as a connection to it opens: anyio asks the socket, already
            # closed, for its peer (uvloop answers None), and the AttributeError or OSError
            # escapes httpx's ConnectError. It could not be reached all the same.
            raise UpstreamUnavailable(f"{name}: connection lost: {failure!r}") from failure
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{name} answered {response.status_code}")
        if response.status_code >= 400:
            raise UpstreamFailure(self._read(Problem, response))
        return self._read(answer, response)

    def _read(self, model: type[M], response: httpx.Response) -> M:
        if model is NoContent and response.status_code == httpx.codes.NO_CONTENT:
            return model()
        try:
            return model.model_validate_json(response.content)
        except ValidationError as broken:
            raise UpstreamUnavailable(
                f"{self._upstream.name} answered {response.status_code} outside its contract "
                f"({model.__name__}): {broken}"
            ) from None


class NoContent(BaseModel):
    """The answer of a route that answers 204 with no body (a deleted webhook endpoint)."""


# Longer text in a query parameter (a search, a cursor) is refused: it would make the upstream
# URL too long to send (httpx refuses it: an INTERNAL before).
MAX_PARAMETER_CHARS = 1000


def _present(params: Params | None) -> dict[str, str | int | list[str]] | None:
    """The parameters that have values; text that cannot travel in a URL is refused as the
    service would refuse it, naming the parameter and the rule."""
    if params is None:
        return None
    present = {key: value for key, value in params.items() if value is not None}
    for key, value in present.items():
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            if len(text) > MAX_PARAMETER_CHARS:
                raise _refused(key, "max_length", f"at most {MAX_PARAMETER_CHARS} characters")
            if not text.isprintable():
                raise _refused(key, "valid_text", "printable text only (no lone surrogates)")
    return present
