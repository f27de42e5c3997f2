"""How a student's reports on a task merge (ADR 0033): every order of the same reports gives
the same progress, a report sent again changes nothing, and hostile reports are bounded."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookend.contracts.feedback import TaskProgress
from bookend.problems import Conflict, Forbidden, InvalidInput, NotFound
from services.feedback.progress.domain import (
    MAX_TIME_SPENT,
    KnownTask,
    Progress,
    ProgressLog,
    ProgressRules,
    Reported,
    ReportSent,
    report_progress,
    sent_errors,
)
from tests.feedback.progress_builders import DUE, OPENS, sent
from tests.support.fakes import counting_ids

SECTIONS = frozenset({"sec1"})
NOW = OPENS + timedelta(days=1)  # after every report's moment: nothing is clamped to it
TASK = KnownTask(
    task_id="t1",
    district_id="d1",
    section_id="sec1",
    component_id="c1",
    minutes=20,
    opens_at=OPENS,
    due_at=DUE,
    time_zone="America/Chicago",
    assigned_at=OPENS,
)
# A student watches a 10-minute video over a quarter of an hour and says so every few minutes;
# the last report completes the task.
REPORTS = [
    sent("r1", 0, position=0),
    sent("r2", 4, spent=240, position=200),
    sent("r3", 8, spent=240, position=420),
    sent("r4", 12, spent=240, position=600),
    sent("r5", 15, spent=180, position=600, completed=True),
]


def report(
    log: ProgressLog | None,
    one: ReportSent,
    *,
    task: KnownTask | None = TASK,
    student: str = "ana",
    sections: frozenset[str] = SECTIONS,
    media: int | None = None,
    rules: ProgressRules = ProgressRules(),
    at: timedelta = NOW - OPENS,
) -> Reported:
    return report_progress(
        task,
        log,
        task_id="t1",
        student_id=student,
        sections=sections,
        sent=one,
        media_seconds=media,
        rules=rules,
        new_id=counting_ids("change"),
        at=OPENS + at,
    )


def replay(reports: Iterable[ReportSent]) -> tuple[ProgressLog, int]:
    """The log after every report in this order, and how many changes were emitted."""
    log: ProgressLog | None = None
    emitted = 0
    for one in reports:
        reported = report(log, one)
        log, emitted = reported.log, emitted + len(reported.events)
    assert log is not None
    return log, emitted


def test_every_order_of_the_same_reports_gives_the_same_progress() -> None:
    in_order, _ = replay(REPORTS)
    assert in_order.progress == Progress(
        state=TaskProgress.COMPLETED,
        started_at=OPENS,
        completed_at=OPENS + timedelta(minutes=15),
        position_seconds=600,
        time_spent_seconds=900,
    )
    for order in itertools.permutations(REPORTS):
        log, _ = replay(order)
        assert log.progress == in_order.progress
        assert log.summary.report_count == len(REPORTS)


def test_reports_sent_twice_and_out_of_order_change_nothing_twice() -> None:
    in_order, emitted = replay(REPORTS)
    # A retry of each, then the offline queue replayed backwards.
    twice, emitted_twice = replay([*REPORTS[:3], REPORTS[2], *REPORTS[3:], *reversed(REPORTS)])
    assert (twice.progress, twice.summary) == (in_order.progress, in_order.summary)
    assert emitted_twice == emitted == len(REPORTS)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 120),  # minutes after the task was announced
            st.integers(0, 3600),  # time spent since the previous report
            st.none() | st.integers(0, 5000),  # position
            st.booleans(),  # completed
        ),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_any_reports_in_any_order_with_repeats_merge_to_the_same_progress(
    raw: list[tuple[int, int, int | None, bool]], rng: random.Random
) -> None:
    reports = [
        sent(f"r{i}", minutes, spent=spent, position=position, completed=completed)
        for i, (minutes, spent, position, completed) in enumerate(raw)
    ]
    shuffled = [*reports, *reports[: len(reports) // 2]]
    rng.shuffle(shuffled)
    assert replay(shuffled)[0].progress == replay(reports)[0].progress


def test_a_report_sent_again_answers_as_first_kept_and_emits_nothing() -> None:
    first = report(None, sent("r1", 5, spent=60, position=30))
    again = report(first.log, sent("r1", 5, spent=60, position=30), at=timedelta(hours=9))
    assert again.repeated and again.events == []
    assert (again.log, again.report) == (first.log, first.report)
    assert again.report.received_at == OPENS + (NOW - OPENS)


def test_the_same_client_event_id_for_another_report_is_refused() -> None:
    first = report(None, sent("r1", 5, spent=60))
    with pytest.raises(InvalidInput) as refused:
        report(first.log, sent("r1", 5, spent=61))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("client_event_id", "one_report")]


def test_a_report_with_nothing_new_is_kept_but_changes_nothing() -> None:
    log, _ = replay(REPORTS[:3])
    behind = report(log, sent("late", 9, position=100))
    assert behind.events == [] and not behind.repeated
    assert behind.log.progress == log.progress
    assert behind.log.summary.report_count == 4


def test_completed_stays_completed_and_the_position_is_the_furthest() -> None:
    log, _ = replay([REPORTS[4], sent("rewatch", 30, spent=60, position=50)])
    assert log.progress.state is TaskProgress.COMPLETED
    assert log.progress.completed_at == OPENS + timedelta(minutes=15)
    assert log.progress.position_seconds == 600


def test_time_spent_is_bounded_by_how_long_the_reports_span() -> None:
    # Ten reports a second apart, each claiming an hour: the hour before the first, then the
    # nine seconds they span.
    claims = [
        ReportSent(f"r{i}", OPENS + timedelta(seconds=i), time_spent_seconds=3600)
        for i in range(10)
    ]
    log, _ = replay(claims)
    assert log.progress.time_spent_seconds == 3600 + 9


def test_time_spent_never_passes_a_working_day() -> None:
    hourly = [sent(f"r{i}", 60 * i, spent=3600) for i in range(12)]
    log, _ = replay(hourly)
    assert log.progress.time_spent_seconds == MAX_TIME_SPENT


def test_a_moment_is_kept_between_the_tasks_announcement_and_the_reports_receipt() -> None:
    early = report(None, ReportSent("r1", OPENS - timedelta(days=400)))
    assert early.report.occurred_at == OPENS
    ahead = report(None, sent("r2", 60, spent=10), at=timedelta(minutes=59, seconds=30))
    assert ahead.report.occurred_at == OPENS + timedelta(minutes=59, seconds=30)


def test_a_report_breaking_its_own_rules_names_every_field_and_rule() -> None:
    hostile = ReportSent(
        client_event_id="x" * 101,
        occurred_at=NOW + timedelta(minutes=2),
        position_seconds=-1,
        time_spent_seconds=3601,
    )
    errors = sent_errors(hostile, at=NOW)
    assert [(e.field, e.rule) for e in errors] == [
        ("client_event_id", "valid_id"),
        ("occurred_at", "not_in_future"),
        ("time_spent_seconds", "in_range"),
        ("position_seconds", "in_range"),
    ]
    assert sent_errors(sent("ok", 180, spent=3600, position=0), at=NOW) == []


def test_a_position_past_the_media_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        report(None, sent("r1", 1, position=601), media=600)
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("position_seconds", "within_media")
    ]
    assert report(None, sent("r1", 1, position=600), media=600).log.progress.position_seconds == 600


def test_only_the_students_the_task_is_for_report_on_it() -> None:
    for_ana = replace(TASK, student_ids=("ana",))
    assert report(None, sent("r1", 1), task=for_ana).log.student_id == "ana"
    with pytest.raises(Forbidden):
        report(None, sent("r1", 1), task=for_ana, student="ben")
    with pytest.raises(Forbidden):
        report(None, sent("r1", 1), sections=frozenset({"another"}))
    with pytest.raises(NotFound):
        report(None, sent("r1", 1), task=None)


def test_a_withdrawn_task_takes_nothing_new_but_answers_what_it_kept() -> None:
    first = report(None, sent("r1", 1, spent=30))
    gone = replace(TASK, withdrawn_at=DUE)
    assert report(first.log, sent("r1", 1, spent=30), task=gone).repeated
    with pytest.raises(Conflict) as refused:
        report(first.log, sent("r2", 2, spent=30), task=gone)
    assert refused.value.code == "TASK_WITHDRAWN"


def test_a_thousand_reports_keep_the_bound_and_still_take_the_completion() -> None:
    rules = ProgressRules(max_reports=500)
    log: ProgressLog | None = None
    kept = refused = 0
    for i in range(1000):
        try:
            log = report(log, sent(f"r{i}", i / 10, spent=6), rules=rules).log
            kept += 1
        except InvalidInput as bound:
            assert [(e.field, e.rule) for e in bound.errors] == [("task_id", "max_reports")]
            refused += 1
    assert (kept, refused) == (500, 500)
    assert log is not None
    done = report(log, sent("done", 100, completed=True), rules=rules).log
    assert done.progress.state is TaskProgress.COMPLETED
    with pytest.raises(InvalidInput):
        report(done, sent("done-again", 100, completed=True), rules=rules)
