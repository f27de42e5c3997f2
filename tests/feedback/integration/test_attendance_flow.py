"""Attendance against the real embedded broker and store: students join and leave over HTTP,
and the scheduler's SessionEnded makes one AttendanceSummarized on its topic, through the
inbox and the outbox, however often the end is delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bookend.auth import Role
from bookend.clock import stored_instant
from bookend.contracts import CloudEvent, Topic, spec_for
from bookend.contracts.feedback import AttendanceSummarized
from bookend.outbox.emit import OUTBOX
from tests.feedback import builders
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.auth import token_for
from tests.support.polling import eventually

ANA, BEN, CAI, ZED = "student-ana", "student-ben", "student-cai", "student-zed"


async def test_joins_and_leaves_become_one_attendance_summary_when_the_session_ends(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    summaries = await collect(Topic.FEEDBACK_ATTENDANCE)
    session, later = unique("session"), unique("session")
    began = datetime.now(UTC)
    await feedback.publisher.publish(feedback.started(session, at=began))
    await feedback.channel_with(session, "open")

    joined = await feedback.presence(session, "joins", "ana-1", ANA)
    assert joined.status_code == 201, joined.text
    body = joined.json()
    assert (body["session_id"], body["student_id"], body["kind"]) == (session, ANA, "joined")
    # The moment is the service's own clock, whatever the client thinks.
    received = datetime.fromisoformat(body["received_at"])
    assert stored_instant(began) <= received <= datetime.now(UTC)
    again = await feedback.presence(session, "joins", "ana-1", ANA)
    assert (again.status_code, again.json()) == (200, body)

    for move, event_id in (("joins", "ben-1"), ("leaves", "ben-2")):
        response = await feedback.presence(session, move, event_id, BEN)
        assert response.status_code == 201, response.text
    assert (await feedback.presence(session, "joins", "zed-1", ZED)).status_code == 201

    # Ten minutes before the end, Ben is gone; Ana is still in; Cai never came; Zed is not
    # enrolled (the scheduler did not name him).
    ends_at = began + timedelta(minutes=20)
    end = feedback.ended(session, [ANA, BEN, CAI], at=ends_at)
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(feedback.ended(session, [ANA, BEN, CAI], at=ends_at))
    # One section's events stay in order: once the later session is open, all three ends
    # were handled.
    await feedback.publisher.publish(feedback.started(later, at=datetime.now(UTC)))
    await feedback.channel_with(later, "open")

    async def summarized() -> CloudEvent | None:
        return next((e for e in summaries if e.subject == session), None)

    event = await eventually(summarized)
    assert (event.type, event.source, event.key, event.districtid) == (
        spec_for(AttendanceSummarized).type,
        "bookend/feedback",
        feedback.section,
        "district-1",
    )
    assert {k: event.data[k] for k in ("present", "late", "left_early", "absent")} == {
        "present": [ANA],
        "late": [],
        "left_early": [BEN],
        "absent": [CAI],
    }
    kept = {"type": event.type, "subject": session}
    assert await feedback.store.db[OUTBOX].count_documents(kept) == 1
    read = await feedback.http.get(f"/sessions/{session}/attendance", headers=feedback.teacher())
    assert read.status_code == 200, read.text
    attendance = read.json()
    assert datetime.fromisoformat(attendance["ended_at"]) == stored_instant(ends_at)
    assert attendance["students"] == [
        {"student_id": ANA, "mark": "present", "minutes_present": 20},
        {"student_id": BEN, "mark": "left_early", "minutes_present": 0},
        {"student_id": CAI, "mark": "absent", "minutes_present": 0},
    ]
    own = await feedback.http.get(f"/sessions/{session}/attendance", headers=feedback.student(BEN))
    assert [s["student_id"] for s in own.json()["students"]] == [BEN]

    after = await feedback.presence(session, "joins", "cai-1", CAI)
    assert (after.status_code, after.json()["code"]) == (409, "SESSION_NOT_LIVE")


async def test_bad_or_unallowed_reports_name_the_field_and_rule_and_record_nothing(
    feedback: Feedback, unique: Callable[[str], str]
) -> None:
    session = unique("session")
    await feedback.live(session)

    too_long = await feedback.presence(session, "joins", "x" * 101)
    missing = await feedback.http.post(
        f"/sessions/{session}/joins", json={}, headers=feedback.student()
    )
    not_in = await feedback.presence(session, "leaves", "e1")
    stranger = token_for("student-9", Role.STUDENT, sections=frozenset({"another-section"}))
    outsider = await feedback.http.post(
        f"/sessions/{session}/joins",
        json={"client_event_id": "e2"},
        headers={"Authorization": f"Bearer {stranger}"},
    )
    teacher = await feedback.http.post(
        f"/sessions/{session}/joins", json={"client_event_id": "e3"}, headers=feedback.teacher()
    )
    assert too_long.status_code == 422
    assert [(e["field"], e["rule"]) for e in too_long.json()["errors"]] == [
        ("client_event_id", "valid_id")
    ]
    assert [e["field"] for e in missing.json()["errors"]] == ["client_event_id"]
    assert (not_in.status_code, not_in.json()["code"]) == (409, "NOT_IN_SESSION")
    assert (outsider.status_code, teacher.status_code) == (403, 403)
    assert await feedback.store.list_attendees("district-1", session) == []

    await feedback.presence(session, "joins", "e4")
    reused = await feedback.presence(session, "leaves", "e4")
    assert [(e["field"], e["rule"]) for e in reused.json()["errors"]] == [
        ("client_event_id", "one_report")
    ]


async def test_a_second_missed_session_publishes_the_weeks_assessment_once(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    """Ana came to neither of the week's two sessions: after the first, nothing is flagged and
    nothing published; after the second, the week's assessment is published once, however
    often that end is delivered (ADR 0037)."""
    assessed = await collect(Topic.FEEDBACK_BALANCE)
    summaries = await collect(Topic.FEEDBACK_ATTENDANCE)
    first, second = unique("session"), unique("session")
    for session in (first, second):
        await feedback.publisher.publish(
            builders.scheduled(session, feedback.section, "district-1", "school-1")
        )
        await feedback.live(session)
    await feedback.publisher.publish(feedback.ended(first, [ANA]))

    async def summarized(session: str) -> CloudEvent | None:
        return next((e for e in summaries if e.subject == session), None)

    await eventually(lambda: summarized(first))
    end = feedback.ended(second, [ANA])
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(end)
    await eventually(lambda: summarized(second))

    async def published() -> CloudEvent | None:
        return next((e for e in assessed if e.data["section_id"] == feedback.section), None)

    event = await eventually(published)
    assert event.data["week"] == "2025-W36"
    [ana] = event.data["students"]
    assert [f["kind"] for f in ana["flags"]] == ["offer_recordings"]
    assert ana["flags"][0]["reason"] == "missed 2 of 2 live sessions → offer recordings"
    # A later session of the section shows every earlier end was handled: one published.
    await feedback.live(unique("session"))
    mine = {"type": event.type, "subject": feedback.section}
    assert await feedback.store.db[OUTBOX].count_documents(mine) == 1
