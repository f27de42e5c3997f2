"""Every service route but the health check demands a verified principal; a calendar's
address is its own credential (ADR 0027)."""

from collections.abc import Callable, Sequence

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from bookend.auth import AuthSettings
from bookend.auth.fastapi import current_principal
from bookend.eventbus import KafkaSettings
from bookend.http_contracts.calendars import CALENDAR_ROUTE
from bookend.mongo import MongoSettings
from services.catalog.app import create_app as catalog
from services.catalog.settings import CatalogSettings
from services.feedback.app import create_app as feedback
from services.feedback.settings import FeedbackSettings
from services.scheduler.app import create_app as scheduler
from services.scheduler.settings import SchedulerSettings

AUTH = AuthSettings(dev_secret="unit-test-secret-that-is-long-enough")
PUBLIC = {"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# Calendar apps fetch it without a token: the secret in the path is the credential.
SECRET_ADDRESSED = {CALENDAR_ROUTE}


def build(make: Callable[..., FastAPI], settings: object) -> FastAPI:
    return make(settings, kafka=KafkaSettings(), mongo=MongoSettings(), auth=AUTH)


def api_routes(routes: Sequence[BaseRoute]) -> list[APIRoute]:
    """Every APIRoute, including those of included routers (kept unflattened by FastAPI)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (router := getattr(route, "original_router", None)) is not None:
            found += api_routes(router.routes)
    return found


def calls(dependant: Dependant) -> set[object]:
    found: set[object] = {dependant.call}
    for child in dependant.dependencies:
        found |= calls(child)
    return found


@pytest.mark.parametrize(
    "app",
    [
        build(catalog, CatalogSettings()),
        build(scheduler, SchedulerSettings()),
        build(feedback, FeedbackSettings()),
    ],
    ids=["catalog", "scheduler", "feedback"],
)
def test_every_route_but_the_health_check_needs_a_principal(app: FastAPI) -> None:
    routes = [r for r in api_routes(app.routes) if r.path not in PUBLIC | SECRET_ADDRESSED]
    assert routes
    unguarded = [r.path for r in routes if current_principal not in calls(r.dependant)]
    assert unguarded == []
