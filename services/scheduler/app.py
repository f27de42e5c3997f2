"""The scheduler's composition root: what differs from the other services, nothing more."""

from __future__ import annotations

from fastapi import FastAPI

from bookend.hosting import ServiceParts
from bookend.http_contracts.calendars import CALENDAR_PREFIX
from services.scheduler.api import router
from services.scheduler.events import inbound
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore

PARTS = ServiceParts(
    title="Bookend scheduler",
    router=router,
    store=SchedulerStore,
    inbound=inbound,
    secret_paths=(CALENDAR_PREFIX,),  # a calendar's address is its credential
)

# Tests: `create_app(settings, kafka=..., mongo=..., auth=..., clock=..., ids=...)`.
create_app = PARTS.app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.scheduler.app:create_app_from_env`."""
    return PARTS.app_from_env(SchedulerSettings())
