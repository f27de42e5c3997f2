"""The scheduler's composition root: what differs from the other services, nothing more."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from bookend.contracts.feedback import BalanceAssessed
from bookend.eventbus import Inbound
from bookend.hosting import ServiceParts, ServiceState
from bookend.http_contracts.calendars import CALENDAR_PREFIX
from services.scheduler import events
from services.scheduler.adjustments import ports as adjusting
from services.scheduler.adjustments.service import on_balance_assessed
from services.scheduler.api import router
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore


def inbound(state: ServiceState[adjusting.Store, SchedulerSettings]) -> Inbound:
    """The events table, and the balance assessments (whose handler emits through it)."""
    return events.inbound(state).on(
        BalanceAssessed,
        partial(on_balance_assessed, store=state.store, clock=state.clock, ids=state.ids),
    )


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
