"""What every service's composition root shares: settings, typed state, the whole app."""

from bookend.hosting.app import ServiceParts, readiness_answer, service_app
from bookend.hosting.idempotency import RequestKey
from bookend.hosting.limits import BodyLimit
from bookend.hosting.paging import AskedPage
from bookend.hosting.settings import ServiceSettings
from bookend.hosting.state import ServiceState, service_state
from bookend.mongo import answering

__all__ = [
    "AskedPage",
    "BodyLimit",
    "RequestKey",
    "ServiceParts",
    "ServiceSettings",
    "ServiceState",
    "answering",
    "readiness_answer",
    "service_app",
    "service_state",
]
