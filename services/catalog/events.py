"""The catalog's two event tables: domain events it publishes, and what it consumes (nothing
yet: recordings will link to their session's lesson from `session.ended`)."""

from __future__ import annotations

from bookend.contracts import catalog as contract
from bookend.eventbus import Inbound, Outbound
from bookend.hosting import ServiceState
from services.catalog.lessons import domain
from services.catalog.lessons.ports import Store
from services.catalog.settings import CatalogSettings

SOURCE = "bookend/catalog"
CONSUMER = "bookend.catalog"


def _version_fields(lesson: domain.Lesson) -> dict[str, object]:
    assert lesson.published_at is not None, "only a published lesson is announced"
    content = lesson.content
    return {
        "district_id": lesson.district_id,
        "lesson_id": lesson.id,
        "version": lesson.version,
        "title": content.title,
        "subject": content.subject,
        "summary": content.summary,
        "grade_band": content.grade_band,
        "estimated_minutes": content.minutes,
        "standards": list(content.standards),
        "components": [
            contract.LessonComponentData(
                component_id=c.id,
                title=c.title,
                kind=c.kind,
                mode_fit=c.mode_fit,
                minutes=c.minutes,
            )
            for c in content.components
        ],
        "published_at": lesson.published_at,
    }


def lesson_published(event: domain.LessonPublished) -> contract.LessonPublished:
    return contract.LessonPublished.model_validate(_version_fields(event.lesson))


def lesson_revised(event: domain.LessonRevised) -> contract.LessonRevised:
    return contract.LessonRevised.model_validate(_version_fields(event.lesson))


def lesson_archived(event: domain.LessonArchived) -> contract.LessonArchived:
    lesson = event.lesson
    assert lesson.archived_at is not None
    return contract.LessonArchived(
        district_id=lesson.district_id,
        lesson_id=lesson.id,
        version=lesson.version,
        archived_at=lesson.archived_at,
    )


OUTBOUND = (
    Outbound(SOURCE)
    .map(domain.LessonPublished, lesson_published)
    .map(domain.LessonRevised, lesson_revised)
    .map(domain.LessonArchived, lesson_archived)
)


def inbound(state: ServiceState[Store, CatalogSettings]) -> Inbound:
    return Inbound()
