"""The lesson's own rules: mode-fit defaults, validation, publishing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bookend.contracts.catalog import ComponentKind, LessonStatus, ModeFit
from bookend.problems import FieldError, InvalidInput
from services.catalog.lessons.domain import (
    ComponentDraft,
    Lesson,
    LessonAlreadyPublished,
    LessonDraft,
    LessonPublished,
    default_mode_fit,
    new_lesson,
)
from tests.support.fakes import counting_ids

NOW = datetime(2025, 9, 1, 8, tzinfo=UTC)


def lesson(draft: LessonDraft) -> Lesson:
    return new_lesson(
        draft, new_id=counting_ids(), district_id="d1", created_by="t1", created_at=NOW
    )


def draft(**changes: object) -> LessonDraft:
    fields: dict[str, object] = {
        "title": "Theme in short stories",
        "subject": "reading",
        "components": (ComponentDraft("Read the text", ComponentKind.INTRODUCE, 15),),
    }
    return LessonDraft(**(fields | changes))  # type: ignore[arg-type]


def errors_of(failure: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(error.field, error.rule) for error in failure.value.errors}


@pytest.mark.parametrize(
    ("kind", "fit"),
    [
        (ComponentKind.INTRODUCE, ModeFit.ON_DEMAND),
        (ComponentKind.MODEL, ModeFit.ON_DEMAND),
        (ComponentKind.PRACTICE, ModeFit.ON_DEMAND),
        (ComponentKind.FLUENCY, ModeFit.ON_DEMAND),
        (ComponentKind.AUTONOMY, ModeFit.ON_DEMAND),
        (ComponentKind.DISCUSSION, ModeFit.LIVE),
        (ComponentKind.FEEDBACK, ModeFit.LIVE),
    ],
)
def test_each_component_kind_has_a_default_mode_fit(kind: ComponentKind, fit: ModeFit) -> None:
    assert default_mode_fit(kind) is fit


def test_a_component_without_a_mode_fit_takes_its_kinds_default() -> None:
    made = lesson(
        draft(
            components=(
                ComponentDraft("Discuss", ComponentKind.DISCUSSION, 20),
                ComponentDraft("Practise", ComponentKind.PRACTICE, 10),
            )
        )
    )
    assert [c.mode_fit for c in made.content.components] == [ModeFit.LIVE, ModeFit.ON_DEMAND]


def test_an_authors_mode_fit_overrides_the_default_with_a_reason() -> None:
    debate = ComponentDraft(
        "Discuss", ComponentKind.DISCUSSION, 20, ModeFit.EITHER, "a forum thread works too"
    )
    made = lesson(draft(components=(debate,)))
    component = made.content.components[0]
    assert (component.mode_fit, component.mode_fit_reason) == (
        ModeFit.EITHER,
        "a forum thread works too",
    )


def test_overriding_a_mode_fit_without_a_reason_is_refused() -> None:
    debate = ComponentDraft("Discuss", ComponentKind.DISCUSSION, 20, ModeFit.ON_DEMAND, "  ")
    with pytest.raises(InvalidInput) as failure:
        lesson(draft(components=(debate,)))
    assert errors_of(failure) == {("components.0.mode_fit_reason", "required_with_override")}


def test_naming_the_default_mode_fit_needs_no_reason() -> None:
    debate = ComponentDraft("Discuss", ComponentKind.DISCUSSION, 20, ModeFit.LIVE)
    assert lesson(draft(components=(debate,))).content.components[0].mode_fit is ModeFit.LIVE


def test_a_new_lesson_is_an_unpublished_draft_with_fresh_ids() -> None:
    made = lesson(draft())
    assert (made.status, made.version, made.published_at) == (LessonStatus.DRAFT, 0, None)
    assert made.id == "id-001"
    assert made.content.components[0].id == "id-002"


PRACTICE = ComponentDraft("Practise", ComponentKind.PRACTICE, 5)


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"title": "  ", "subject": ""}, {("title", "not_empty"), ("subject", "not_empty")}),
        ({"components": (PRACTICE,) * 41}, {("components", "max_items")}),
        ({"title": "t" * 201}, {("title", "max_length")}),
        ({"subject": "s" * 101}, {("subject", "max_length")}),
        ({"summary": "s" * 2001}, {("summary", "max_length")}),
        (
            {"components": (ComponentDraft("c" * 100_000, ComponentKind.MODEL, 5),)},
            {("components.0.title", "max_length")},
        ),
    ],
    ids=[
        "blank title and subject",
        "41 components",
        "long title",
        "long subject",
        "long summary",
        "100 KB component title",
    ],
)
def test_a_lesson_breaking_a_rule_is_refused_naming_field_and_rule(
    changes: dict[str, object], broken: set[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as failure:
        lesson(draft(**changes))
    assert errors_of(failure) == broken


def test_the_largest_lesson_allowed_is_accepted() -> None:
    longest = ComponentDraft("c" * 200, ComponentKind.PRACTICE, 5)
    made = lesson(draft(title="t" * 200, summary="s" * 2000, components=(longest,) * 40))
    assert len(made.content.components) == 40


@pytest.mark.parametrize("minutes", [0, -5, 241])
def test_component_minutes_outside_one_to_240_are_refused(minutes: int) -> None:
    with pytest.raises(InvalidInput) as failure:
        lesson(
            draft(
                components=(
                    ComponentDraft("Fine", ComponentKind.MODEL, 10),
                    ComponentDraft("Too long", ComponentKind.MODEL, minutes),
                )
            )
        )
    assert errors_of(failure) == {("components.1.minutes", "range")}


@pytest.mark.parametrize("minutes", [1, 240])
def test_component_minutes_at_the_bounds_are_accepted(minutes: int) -> None:
    assert (
        lesson(draft(components=(ComponentDraft("Edge", ComponentKind.MODEL, minutes),)))
        .content.components[0]
        .minutes
        == minutes
    )


def test_a_blank_component_title_is_refused_by_its_path() -> None:
    with pytest.raises(InvalidInput) as failure:
        lesson(draft(components=(ComponentDraft(" ", ComponentKind.MODEL, 10),)))
    assert failure.value.errors == (
        FieldError("components.0.title", "not_empty", "must not be blank"),
    )


def test_publishing_a_draft_makes_version_one_and_records_the_event() -> None:
    published, events = lesson(draft()).publish(NOW)
    assert (published.status, published.version, published.published_at) == (
        LessonStatus.PUBLISHED,
        1,
        NOW,
    )
    assert events == [LessonPublished(published)]


def test_a_published_lesson_cannot_be_published_again() -> None:
    published, _ = lesson(draft()).publish(NOW)
    with pytest.raises(LessonAlreadyPublished) as failure:
        published.publish(NOW)
    assert failure.value.code == "LESSON_ALREADY_PUBLISHED"
