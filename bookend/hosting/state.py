"""The typed state a service's routes get: its store, settings, clock and id factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Request

from bookend.clock import Clock
from bookend.ids import IdFactory

StoreT = TypeVar("StoreT", covariant=True)
SettingsT = TypeVar("SettingsT", covariant=True)


@dataclass(frozen=True)
class ServiceState(Generic[StoreT, SettingsT]):
    """Built once by the composition root; tests build it with fakes, a fixed clock and ids."""

    store: StoreT
    settings: SettingsT
    clock: Clock
    ids: IdFactory


def service_state(request: Request) -> ServiceState[Any, Any]:
    """The FastAPI dependency behind each service's `State` alias in its `api.py`."""
    state: ServiceState[Any, Any] = request.app.state.service
    return state
