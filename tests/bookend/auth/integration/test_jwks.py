"""Production verification: RS256 tokens checked against a JWKS endpoint (served on loopback)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bookend.auth import AuthSettings, Role, TokenVerifier, Unauthenticated

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@contextmanager
def serving_keys(delay: float = 0.0) -> Iterator[str]:
    """An identity provider on loopback handing out KEY's JWKS, after `delay` seconds."""
    public = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [public | {"kid": "key-1", "use": "sig", "alg": "RS256"}]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    with serving_keys() as url:
        yield url


@pytest.fixture(scope="module")
def slow_jwks_url() -> Iterator[str]:
    """An identity provider that takes half a second to hand out its keys."""
    with serving_keys(delay=0.5) as url:
        yield url


def signed(key: rsa.RSAPrivateKey, **claims: object) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": "teacher-1",
        "district": "district-1",
        "roles": ["teacher"],
        "iss": "https://idp.district-1.example",
        "aud": "bookend-api",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "key-1"})


def verifier(url: str) -> TokenVerifier:
    return TokenVerifier(AuthSettings(jwks_url=url, issuer="https://idp.district-1.example"))


def test_a_token_signed_by_the_identity_provider_is_accepted(jwks_url: str) -> None:
    principal = verifier(jwks_url).verify(signed(KEY))
    assert principal.subject == "teacher-1"
    assert principal.roles == frozenset({Role.TEACHER})


def test_a_token_signed_by_another_key_is_refused(jwks_url: str) -> None:
    with pytest.raises(Unauthenticated):
        verifier(jwks_url).verify(signed(OTHER_KEY))


def test_an_hs256_token_is_refused_where_rs256_is_expected(jwks_url: str) -> None:
    forged = jwt.encode(
        {
            "sub": "x",
            "district": "d",
            "iss": "https://idp.district-1.example",
            "aud": "bookend-api",
            "exp": 4102444800,
        },
        "guessable-secret-guessable-secret-32",
        algorithm="HS256",
        headers={"kid": "key-1"},
    )
    with pytest.raises(Unauthenticated):
        verifier(jwks_url).verify(forged)


async def test_fetching_the_keys_does_not_block_other_requests(slow_jwks_url: str) -> None:
    """While the keys are fetched, the event loop serves everyone else."""
    ticks = 0

    async def others() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beside = asyncio.create_task(others())
    try:
        verified = await verifier(slow_jwks_url).averified(signed(KEY))
    finally:
        beside.cancel()
    assert verified.principal.subject == "teacher-1"
    assert ticks >= 10  # the loop went on for most of the half second
