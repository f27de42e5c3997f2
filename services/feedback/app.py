"""The feedback's composition root: what differs from the other services, nothing more."""

from __future__ import annotations

from fastapi import FastAPI

from bookend.hosting import ServiceParts
from services.feedback.api import router
from services.feedback.events import inbound
from services.feedback.settings import FeedbackSettings
from services.feedback.store import FeedbackStore

PARTS = ServiceParts(title="Bookend feedback", router=router, store=FeedbackStore, inbound=inbound)

# Tests: `create_app(settings, kafka=..., mongo=..., auth=..., clock=..., ids=...)`.
create_app = PARTS.app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.feedback.app:create_app_from_env`."""
    return PARTS.app_from_env(FeedbackSettings())
