"""Every list of feedback that grows, paged over HTTP against the real embedded broker and
store (ADR 0044): read two at a time, each item comes once and in the list's order, as each
reader may see it; `total=true` counts them all, and only then; a `first` over 100 and a
cursor the API did not make are refused naming the field and the rule."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookend.auth import Role
from bookend.clock import IsoWeek
from bookend.eventbus import KafkaPublisher
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from tests.conftest import Embedded, fresh_on, unique_name
from tests.feedback import builders
from tests.feedback import progress_builders as progress
from tests.feedback.integration.conftest import Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually

Json = dict[str, Any]
STUDENTS = [f"student-{name}" for name in ("eve", "ana", "dan", "cai", "ben")]
WEEK = str(IsoWeek.containing(datetime.now(UTC), "UTC"))
PULSE = {
    "workload": "about_right",
    "wellbeing": "good",
    "connectivity": "good",
    "shared_device": False,
    "preference": "balanced",
}


@dataclass
class Seeded:
    feedback: Feedback
    live: str  # a live session: check-ins and prompts
    planned: str  # a planned session: questions
    task: str
    check_ins: list[Json] = field(default_factory=list)  # as recorded
    prompts: list[Json] = field(default_factory=list)  # as opened
    questions: dict[str, Json] = field(default_factory=dict)  # by asker and visibility

    def teacher(self) -> dict[str, str]:
        return self.feedback.teacher()

    def student(self, subject: str) -> dict[str, str]:
        return self.feedback.student(subject)


async def ok(seeded: Feedback, method: str, path: str, headers: dict[str, str], **kw: Any) -> Json:
    response = await seeded.http.request(method, path, headers=headers, **kw)
    assert response.status_code in (200, 201), response.text
    body: Json = response.json()
    return body


@pytest.fixture(scope="module")
async def seeded(embedded: Embedded) -> AsyncIterator[Seeded]:
    """A section of five students: a live session where each checked in and five prompts
    opened, the first answered by all; a planned session where each asked a class question
    and a teacher-only one, some left for the follow-up; a task each reported progress on;
    and a week of pulses, each student's and two guardians'."""
    fresh = fresh_on(embedded)
    publisher = KafkaPublisher(fresh.kafka)
    await publisher.start()
    settings = fresh.settings(FeedbackSettings, "feedback")
    try:
        async with fresh.serve(create_app, settings, "feedback") as it:
            app = Feedback(it.http, it.state.store, publisher, unique_name("section"))
            made = Seeded(app, unique_name("live"), unique_name("planned"), unique_name("task"))
            await seed(made)
            yield made
    finally:
        await publisher.stop()


async def seed(made: Seeded) -> None:
    app = made.feedback
    started = builders.started(made.live, app.section, "district-1", expected=STUDENTS)
    await app.publisher.publish(started)
    await app.channel_with(made.live, "open")
    for student in STUDENTS:
        body = {"signal": "got_it"}
        made.check_ins.append(
            await ok(
                app, "POST", f"/sessions/{made.live}/checkins", made.student(student), json=body
            )
        )
    for n in range(5):
        body = {"kind": "short_text", "question": f"Question {n}?"}
        prompt = await ok(app, "POST", f"/sessions/{made.live}/prompts", made.teacher(), json=body)
        made.prompts.append(prompt)
        if n == 0:
            for student in reversed(STUDENTS):
                answer = {"text": f"{student} thinks so"}
                path = f"/prompts/{prompt['id']}/answers"
                await ok(app, "POST", path, made.student(student), json=answer)
        await ok(app, "POST", f"/prompts/{prompt['id']}/close", made.teacher())

    scheduled = builders.scheduled(made.planned, app.section, "district-1", "school-1")
    await app.publisher.publish(scheduled)
    await app.publisher.publish(progress.assigned(made.task, app.section, "district-1"))

    async def known() -> bool:
        questions = await app.http.get(
            f"/sessions/{made.planned}/questions", headers=made.teacher()
        )
        task = await app.http.get(f"/tasks/{made.task}/progress", headers=made.teacher())
        return questions.status_code == task.status_code == 200

    await eventually(known)
    for student in STUDENTS:
        for visibility in ("class", "teacher"):
            body = {"text": f"{visibility} question of {student}?", "visibility": visibility}
            path = f"/sessions/{made.planned}/questions"
            asked = await ok(app, "POST", path, made.student(student), json=body)
            made.questions[f"{student}/{visibility}"] = asked
    for key in ("student-ana/class", "student-ben/teacher", "student-eve/class"):
        path = f"/questions/{made.questions[key]['id']}/follow-up"
        await ok(app, "POST", path, made.teacher())
    reported = datetime.now(UTC) - timedelta(minutes=5)
    for student in STUDENTS:
        report = {"client_event_id": f"{student}-1", "occurred_at": reported.isoformat()}
        await ok(app, "POST", f"/tasks/{made.task}/progress", made.student(student), json=report)
    for student in STUDENTS:
        await ok(app, "PUT", f"/pulses/{WEEK}", made.student(student), json=PULSE)
    for child in ("student-dan", "student-ana"):
        guardian = token_for(f"guardian-of-{child}", Role.GUARDIAN, children=frozenset({child}))
        about = PULSE | {"student_id": child}
        await ok(app, "PUT", f"/pulses/{WEEK}", {"Authorization": f"Bearer {guardian}"}, json=about)


@dataclass(frozen=True)
class Listed:
    """A list, who reads it, what the reader sees of each item, and the order said by hand."""

    path: Callable[[Seeded], str]
    reader: Callable[[Seeded], dict[str, str]]
    expected: Callable[[Seeded], Sequence[object]]
    seen: Callable[[Json], object] = lambda item: item["id"]
    query: tuple[tuple[str, str], ...] = ()  # besides the page's own


def questions(*keys: str) -> Callable[[Seeded], list[object]]:
    """The questions of these askers and visibilities, in the order they were asked."""

    def expected(made: Seeded) -> list[object]:
        chosen = [made.questions[key] for key in keys]

        # By instant, not by its text: an instant on the whole second is written without a
        # fraction ("…:32Z"), which as text sorts after "…:32.054Z".
        def asked(q: Json) -> tuple[datetime, str]:
            return datetime.fromisoformat(q["asked_at"]), q["id"]

        return [q["id"] for q in sorted(chosen, key=asked)]

    return expected


EVERY_QUESTION = [f"{s}/{v}" for s in STUDENTS for v in ("class", "teacher")]
ANAS = [f"{s}/class" for s in STUDENTS] + ["student-ana/teacher"]
LISTS = {
    "check-ins, for staff": Listed(
        lambda m: f"/sessions/{m.live}/checkins",
        Seeded.teacher,
        lambda m: [c["id"] for c in m.check_ins],
    ),
    "check-ins, a student's own": Listed(
        lambda m: f"/sessions/{m.live}/checkins",
        lambda m: m.student("student-dan"),
        lambda m: [c["id"] for c in m.check_ins if c["student_id"] == "student-dan"],
    ),
    "prompts, as opened": Listed(
        lambda m: f"/sessions/{m.live}/prompts",
        lambda m: m.student("student-cai"),
        lambda m: [p["id"] for p in m.prompts],
    ),
    "answers, by student": Listed(
        lambda m: f"/prompts/{m.prompts[0]['id']}/answers",
        Seeded.teacher,
        lambda m: sorted(STUDENTS),
        seen=lambda item: item["student_id"],
    ),
    "questions, for staff": Listed(
        lambda m: f"/sessions/{m.planned}/questions",
        Seeded.teacher,
        questions(*EVERY_QUESTION),
    ),
    "questions, a student's: the class's and their own": Listed(
        lambda m: f"/sessions/{m.planned}/questions",
        lambda m: m.student("student-ana"),
        questions(*ANAS),
    ),
    "questions left for the follow-up, for staff": Listed(
        lambda m: f"/sessions/{m.planned}/questions",
        Seeded.teacher,
        questions("student-ana/class", "student-ben/teacher", "student-eve/class"),
        query=(("follow_up", "true"),),
    ),
    "questions left for the follow-up, a student's": Listed(
        lambda m: f"/sessions/{m.planned}/questions",
        lambda m: m.student("student-ana"),
        questions("student-ana/class", "student-eve/class"),
        query=(("follow_up", "true"),),
    ),
    "progress, for staff": Listed(
        lambda m: f"/tasks/{m.task}/progress",
        Seeded.teacher,
        lambda m: sorted(STUDENTS),
        seen=lambda item: item["student_id"],
    ),
    "progress, a guardian's children's": Listed(
        lambda m: f"/tasks/{m.task}/progress",
        lambda m: {
            "Authorization": "Bearer "
            + token_for(
                "parent", Role.GUARDIAN, children=frozenset({"student-ana", "student-cai", "x"})
            )
        },
        lambda m: ["student-ana", "student-cai"],
        seen=lambda item: item["student_id"],
    ),
    "a section's week of pulses": Listed(
        lambda m: f"/sections/{m.feedback.section}/pulses/{WEEK}/pulses",
        Seeded.teacher,
        lambda m: [
            (s, r)
            for s in sorted(STUDENTS)
            for r in ("student", "guardian")
            if r == "student" or s in ("student-dan", "student-ana")
        ],
        seen=lambda item: (item["student_id"], item["respondent"]),
    ),
}


async def every_page(seeded: Seeded, listed: Listed, first: int = 2) -> tuple[list[Json], int]:
    """The whole list read `first` at a time, and how many pages that took."""
    items: list[Json] = []
    pages = 0
    after: str | None = None
    while True:
        params = {**dict(listed.query), "first": str(first)} | ({"after": after} if after else {})
        page = await ok(
            seeded.feedback, "GET", listed.path(seeded), listed.reader(seeded), params=params
        )
        pages += 1
        assert len(page["items"]) <= first
        assert len(page["cursors"]) == len(page["items"])
        info = page["page_info"]
        assert info["total_count"] is None  # not asked for
        items += page["items"]
        if not info["has_next_page"]:
            return items, pages
        after = info["end_cursor"]


@pytest.mark.parametrize("name", LISTS)
async def test_paging_through_a_list_gives_each_item_once_in_its_order(
    seeded: Seeded, name: str
) -> None:
    listed = LISTS[name]
    items, pages = await every_page(seeded, listed)
    expected = listed.expected(seeded)
    assert [listed.seen(item) for item in items] == list(expected)
    assert pages == max(1, -(-len(expected) // 2))
    whole = await ok(
        seeded.feedback,
        "GET",
        listed.path(seeded),
        listed.reader(seeded),
        params={**dict(listed.query), "first": "100"},
    )
    assert whole["items"] == items


@pytest.mark.parametrize("name", LISTS)
async def test_the_whole_list_is_counted_when_asked(seeded: Seeded, name: str) -> None:
    listed = LISTS[name]
    params = {**dict(listed.query), "first": "1", "total": "true"}
    path, reader = listed.path(seeded), listed.reader(seeded)
    page = await ok(seeded.feedback, "GET", path, reader, params=params)
    assert page["page_info"]["total_count"] == len(listed.expected(seeded))


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    ("params", "broken"),
    [({"first": "101"}, ("first", "in_range")), ({"after": "junk"}, ("after", "cursor"))],
    ids=["first over 100", "a cursor not ours"],
)
async def test_a_bad_page_is_refused_naming_its_field_and_rule(
    seeded: Seeded, name: str, params: dict[str, str], broken: tuple[str, str]
) -> None:
    listed = LISTS[name]
    response = await seeded.feedback.http.get(
        listed.path(seeded), headers=listed.reader(seeded), params=params
    )
    assert response.status_code == 422, response.text
    assert [(e["field"], e["rule"]) for e in response.json()["errors"]] == [broken]


async def test_the_follow_up_of_many_sessions_is_the_first_page_of_each(seeded: Seeded) -> None:
    other = unique_name("session")  # unknown to feedback: none for anyone
    params = {"session_id": [seeded.planned, other], "first": "1", "total": "true"}
    listed = await ok(
        seeded.feedback, "GET", "/follow-up-questions", seeded.student("student-ana"), params=params
    )
    planned, unknown = listed["items"]
    assert (planned["session_id"], unknown["session_id"]) == (seeded.planned, other)
    expected = questions("student-ana/class", "student-eve/class")(seeded)
    assert [q["id"] for q in planned["items"]] == expected[:1]
    assert planned["page_info"]["has_next_page"] is True
    assert planned["page_info"]["total_count"] == 2
    assert (unknown["items"], unknown["page_info"]["total_count"]) == ([], 0)
    later = await ok(
        seeded.feedback,
        "GET",
        f"/sessions/{seeded.planned}/questions",
        seeded.student("student-ana"),
        params={"follow_up": "true", "after": planned["page_info"]["end_cursor"]},
    )
    assert [q["id"] for q in later["items"]] == expected[1:]
    cursor = {"session_id": [seeded.planned], "after": planned["page_info"]["end_cursor"]}
    refused = await seeded.feedback.http.get(
        "/follow-up-questions", params=cursor, headers=seeded.teacher()
    )
    assert refused.status_code == 422
    assert [(e["field"], e["rule"]) for e in refused.json()["errors"]] == [("after", "one_session")]
