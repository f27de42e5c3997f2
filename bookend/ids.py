"""Identifiers: every service makes ids through an injectable factory, so tests can name them."""

import uuid
from collections.abc import Callable

IdFactory = Callable[[], str]


def new_id() -> str:
    return str(uuid.uuid4())
