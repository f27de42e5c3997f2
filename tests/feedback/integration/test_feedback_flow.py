"""Feedback against the real embedded broker and store: sessions open and close channels,
students check in, and every event goes through the inbox and outbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bookend.auth import Role
from bookend.contracts import CloudEvent, Topic, dead_letter_topic, spec_for
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import SessionStarted
from bookend.outbox.inbox import INBOX
from tests.feedback import builders
from tests.feedback.builders import END, SCHEDULER, START
from tests.feedback.integration.conftest import Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually


async def test_a_started_session_accepts_check_ins_and_announces_them(
    feedback: Feedback,
    collect: Callable[[str], Awaitable[list[CloudEvent]]],
    unique: Callable[[str], str],
) -> None:
    recorded = await collect(Topic.FEEDBACK_CHECKIN)
    session = unique("session")
    await feedback.publisher.publish(feedback.started(session))
    opened = await feedback.channel_with(session, "open")
    assert opened["section_id"] == feedback.section
    assert opened["counts"] == {"got_it": 0, "unsure": 0, "lost": 0}

    response = await feedback.check_in(session, {"signal": "unsure", "note": "step two?"})
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["session_id"], made["student_id"], made["signal"], made["note"]) == (
        session,
        "student-1",
        "unsure",
        "step two?",
    )

    async def announced() -> CloudEvent | None:
        # The topic also carries sessions' summaries, which name no check-in.
        return next((e for e in recorded if e.data.get("checkin_id") == made["id"]), None)

    event = await eventually(announced)
    assert event.type == spec_for(CheckInRecorded).type
    assert (event.source, event.key, event.districtid) == (
        "bookend/feedback",
        feedback.section,
        "district-1",
    )
    assert event.data["has_note"] is True
    assert "step two?" not in str(event.data)

    by_student = await feedback.http.get(f"/checkins/{made['id']}", headers=feedback.student())
    by_teacher = await feedback.http.get(
        f"/sessions/{session}/checkins", headers=feedback.teacher()
    )
    assert by_student.json() == made
    assert by_teacher.json()["items"] == [made]
    channel = await feedback.channel(session)
    assert channel is not None
    assert channel["counts"] == {"got_it": 0, "unsure": 1, "lost": 0}


async def test_the_same_session_ended_delivered_twice_closes_the_channel_once(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session, later = unique("session"), unique("session")
    await feedback.live(session)
    end = feedback.ended(session)
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(end)
    # Same section, same partition: once this later session is open, both copies were handled.
    await feedback.publisher.publish(feedback.started(later))
    await feedback.channel_with(later, "open")

    closed = await feedback.channel(session)
    assert closed is not None
    assert closed["status"] == "closed"
    assert datetime.fromisoformat(closed["closed_at"]) == END
    assert await feedback.store.db[INBOX].count_documents({"event_id": end.id}) == 1


async def test_a_check_in_after_the_session_ended_is_refused_and_nothing_is_stored(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session = unique("session")
    await feedback.live(session)
    await feedback.publisher.publish(feedback.ended(session))
    await feedback.channel_with(session, "closed")

    response = await feedback.check_in(session, {"signal": "lost"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "SESSION_NOT_LIVE"
    assert f"session {session} is not live" in body["message"]
    listed = await feedback.http.get(f"/sessions/{session}/checkins", headers=feedback.teacher())
    assert listed.json()["items"] == []


async def test_a_check_in_to_an_unknown_session_is_not_live(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    response = await feedback.check_in(unique("session"), {"signal": "got_it"})
    assert (response.status_code, response.json()["code"]) == (409, "SESSION_NOT_LIVE")


async def test_bad_check_ins_name_the_field_and_rule_and_outsiders_are_refused(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session = unique("session")
    await feedback.live(session)

    too_long = await feedback.check_in(session, {"signal": "lost", "note": "x" * 501})
    unknown = await feedback.check_in(session, {"signal": "meh"})
    stranger = token_for("student-9", Role.STUDENT, sections=frozenset({"another-section"}))
    outsider = await feedback.http.post(
        f"/sessions/{session}/checkins",
        json={"signal": "lost"},
        headers={"Authorization": f"Bearer {stranger}"},
    )
    teacher = await feedback.http.post(
        f"/sessions/{session}/checkins", json={"signal": "lost"}, headers=feedback.teacher()
    )
    assert too_long.status_code == 422
    assert [(e["field"], e["rule"]) for e in too_long.json()["errors"]] == [("note", "max_length")]
    assert [(e["field"], e["rule"]) for e in unknown.json()["errors"]] == [("signal", "enum")]
    assert (outsider.status_code, teacher.status_code) == (403, 403)
    listed = await feedback.http.get(f"/sessions/{session}/checkins", headers=feedback.teacher())
    assert listed.json()["items"] == []


async def test_an_unknown_channel_is_not_found(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    response = await feedback.http.get(
        f"/sessions/{unique('session')}/channel", headers=feedback.teacher()
    )
    assert (response.status_code, response.json()["code"]) == (404, "CHANNEL_NOT_FOUND")


async def test_a_session_event_the_handler_cannot_read_ends_in_the_dead_letter_topic(
    feedback: Feedback,
    collect: Callable[[str], Awaitable[list[CloudEvent]]],
    unique: Callable[[str], str],
) -> None:
    dead = await collect(dead_letter_topic(Topic.SCHEDULER_SESSION))
    broken = CloudEvent(
        id=unique("broken"),
        source=SCHEDULER,
        type=spec_for(SessionStarted).type,
        subject="s",
        time=START,
        districtid="district-1",
        key=feedback.section,
        topic=Topic.SCHEDULER_SESSION.value,
        data={"district_id": "district-1", "session_id": "s"},  # no section_id, no started_at
    )
    await feedback.publisher.publish(broken)

    async def dead_lettered() -> CloudEvent | None:
        return next((e for e in dead if e.id == broken.id), None)

    assert (await eventually(dead_lettered)).topic == dead_letter_topic(Topic.SCHEDULER_SESSION)


async def test_a_school_admin_reads_only_the_sessions_of_their_own_school(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    """The scheduler's rule, kept in feedback: one access policy for the same principal."""
    session = unique("session")
    await feedback.publisher.publish(
        builders.scheduled(session, feedback.section, "district-1", "school-1")
    )
    await feedback.live(session)
    made = (await feedback.check_in(session, {"signal": "got_it"})).json()

    def admin_of(school: str) -> dict[str, str]:
        token = token_for(f"admin-{school}", Role.SCHOOL_ADMIN, school=school)
        return {"Authorization": f"Bearer {token}"}

    ours, theirs = admin_of("school-1"), admin_of("school-2")
    listed = await feedback.http.get(f"/sessions/{session}/checkins", headers=ours)
    assert [item["id"] for item in listed.json()["items"]] == [made["id"]]
    refused = await feedback.http.get(f"/sessions/{session}/checkins", headers=theirs)
    hidden = await feedback.http.get(f"/checkins/{made['id']}", headers=theirs)
    channel = await feedback.http.get(f"/sessions/{session}/channel", headers=theirs)
    assert (refused.status_code, hidden.status_code, channel.status_code) == (403, 404, 403)
