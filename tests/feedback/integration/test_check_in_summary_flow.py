"""Check-in summaries against the real embedded broker and store: students check in over HTTP,
and the scheduler's SessionEnded makes one CheckInsSummarized on the check-in topic, in counts
only, through the inbox and the outbox, however often the end is delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bookend.contracts import CloudEvent, Topic, spec_for
from bookend.contracts.feedback import CheckInSignal, CheckInsSummarized
from bookend.outbox.emit import OUTBOX
from services.feedback.live.domain import CheckIn
from services.feedback.live.store import CHECK_INS, check_in_document
from tests.feedback import builders
from tests.feedback.integration.conftest import Collect, Feedback
from tests.support.polling import eventually

ANA, BEN, CAI = "student-ana", "student-ben", "student-cai"
SUMMARIZED = spec_for(CheckInsSummarized).type


async def summary_of(feedback: Feedback, received: list[CloudEvent], session: str) -> CloudEvent:
    """The session's summary once it reached the broker; an end of a later session of the
    same section, handled after it (one section's events stay in order), shows every end
    delivered before it was handled."""
    later = f"{session}-later"
    await feedback.publisher.publish(feedback.started(later, at=datetime.now(UTC)))
    await feedback.channel_with(later, "open")

    async def summarized() -> CloudEvent | None:
        return next((e for e in received if e.type == SUMMARIZED and e.subject == session), None)

    return await eventually(summarized)


async def test_a_sessions_check_ins_reach_the_broker_as_one_summary_of_counts(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    received = await collect(Topic.FEEDBACK_CHECKIN)
    session = unique("session")
    await feedback.publisher.publish(feedback.started(session, at=datetime.now(UTC)))
    await feedback.channel_with(session, "open")
    for who, body in (
        (ANA, {"signal": "lost", "note": "step two?"}),
        (BEN, {"signal": "unsure"}),
        (ANA, {"signal": "got_it"}),
    ):
        response = await feedback.http.post(
            f"/sessions/{session}/checkins", json=body, headers=feedback.student(who)
        )
        assert response.status_code == 201, response.text

    end = feedback.ended(session, [ANA, BEN, CAI], at=datetime.now(UTC))
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(end)
    await feedback.publisher.publish(feedback.ended(session, [ANA, BEN, CAI]))
    event = await summary_of(feedback, received, session)

    assert (event.source, event.key, event.districtid) == (
        "bookend/feedback",
        feedback.section,
        "district-1",
    )
    assert {k: v for k, v in event.data.items() if k != "summarized_at"} == {
        "district_id": "district-1",
        "session_id": session,
        "section_id": feedback.section,
        "checkins": 3,
        "students": 2,
        "expected": 3,
        "latest": {"got_it": 1, "unsure": 1, "lost": 0},
        "with_notes": 1,
    }
    assert not any(word in str(event.data) for word in (ANA, BEN, CAI, "step two?"))
    kept = {"type": SUMMARIZED, "subject": session}
    assert await feedback.store.db[OUTBOX].count_documents(kept) == 1


async def test_a_session_without_check_ins_is_summarised_too(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    received = await collect(Topic.FEEDBACK_CHECKIN)
    session = unique("session")
    await feedback.live(session)
    await feedback.publisher.publish(feedback.ended(session, [ANA], at=datetime.now(UTC)))
    event = await summary_of(feedback, received, session)
    assert (event.data["checkins"], event.data["students"], event.data["expected"]) == (0, 0, 1)
    assert event.data["latest"] == {"got_it": 0, "unsure": 0, "lost": 0}


async def test_every_check_in_of_a_busy_session_is_counted(
    feedback: Feedback, collect: Collect, unique: Callable[[str], str]
) -> None:
    """5,000 check-ins from 40 students: more than any page, all counted."""
    received = await collect(Topic.FEEDBACK_CHECKIN)
    session = unique("session")
    await feedback.live(session)
    signals = list(CheckInSignal)  # got_it, unsure, lost
    check_ins = [
        CheckIn(
            id=f"{session}-{n:05d}",
            district_id="district-1",
            session_id=session,
            section_id=feedback.section,
            student_id=f"student-{n % 40:02d}",
            signal=signals[n % 3],
            note="a note" if n % 10 == 0 else None,
            recorded_at=builders.START + timedelta(milliseconds=n),
        )
        for n in range(5000)
    ]
    # Stored as check-ins are, at once: 5,000 requests would test the API, not the count.
    await feedback.store.db[CHECK_INS].insert_many([check_in_document(c) for c in check_ins])
    await feedback.publisher.publish(feedback.ended(session, at=datetime.now(UTC)))
    event = await summary_of(feedback, received, session)
    # Student k's last check-in is number 4960 + k, with signal (4960 + k) % 3 = (k + 1) % 3.
    assert event.data["latest"] == {"got_it": 13, "unsure": 14, "lost": 13}
    assert (event.data["checkins"], event.data["students"], event.data["with_notes"]) == (
        5000,
        40,
        500,
    )
