"""The catalog's two event tables: domain events it publishes, and what it consumes (nothing
yet: recordings will link to their session's lesson from `session.ended`)."""

from __future__ import annotations

from bookend.contracts import catalog as contract
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from services.catalog import domain
from services.catalog.ports import Store
from services.catalog.settings import CatalogSettings

SOURCE = "bookend/catalog"
CONSUMER = "bookend.catalog"


def lesson_published(event: domain.LessonPublished) -> contract.LessonPublished:
    lesson = event.lesson
    assert lesson.published_at is not None, "only a published lesson is announced"
    return contract.LessonPublished(
        district_id=lesson.district_id,
        lesson_id=lesson.id,
        version=lesson.version,
        title=lesson.title,
        subject=lesson.subject,
        summary=lesson.summary,
        components=[
            contract.LessonComponentData(
                component_id=c.id,
                title=c.title,
                kind=c.kind,
                mode_fit=c.mode_fit,
                minutes=c.minutes,
            )
            for c in lesson.components
        ],
        published_at=lesson.published_at,
    )


OUTBOUND = Outbound(SOURCE).map(domain.LessonPublished, lesson_published)


def inbound(state: ServiceState[Store, CatalogSettings]) -> Inbound:
    return Inbound()
