"""The catalog's composition root: what differs from the other services, nothing more."""

from __future__ import annotations

from fastapi import FastAPI

from bookend.hosting import ServiceParts
from services.catalog.api import router
from services.catalog.events import inbound
from services.catalog.settings import CatalogSettings
from services.catalog.store import CatalogStore

PARTS = ServiceParts(title="Bookend catalog", router=router, store=CatalogStore, inbound=inbound)

# Tests: `create_app(settings, kafka=..., mongo=..., auth=..., clock=..., ids=...)`.
create_app = PARTS.app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory services.catalog.app:create_app_from_env`."""
    return PARTS.app_from_env(CatalogSettings())
