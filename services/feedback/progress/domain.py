"""Progress on on-demand tasks: the tasks feedback knows of, students' reports, and the state
merged from them so that order and repeats do not matter (ADR 0033). Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bookend.clock import stored_instant
from bookend.contracts.feedback import TaskProgress
from bookend.contracts.scheduler import Bookend
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from services.feedback.live.domain import FeedbackError, client_event_id_errors

# A client's clock may run a little ahead of ours; more than this ahead is a future moment.
CLOCK_SKEW = timedelta(minutes=1)
# The time one report may add: a client reports at least this often while a student works.
MAX_TIME_SPENT_PER_REPORT = 3600
# The time spent on one task, whatever the reports say: a working day.
MAX_TIME_SPENT = 8 * 3600
# A media position, when the task's media duration is not known.
MAX_POSITION = 12 * 3600


class TaskNotFound(FeedbackError, NotFound):
    """Not known to feedback: never assigned, or (retryable) its TaskAssigned not heard yet."""

    code = "TASK_NOT_FOUND"

    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id} is not known to feedback: a task just assigned reaches it within "
            "seconds, so keep the report and send it again later; nothing was recorded"
        )


class NotAssigned(FeedbackError, Forbidden):
    code = "NOT_ASSIGNED"

    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id} is not assigned to you: only the students it is for report "
            "progress on it"
        )


class TaskWithdrawn(FeedbackError, Conflict):
    code = "TASK_WITHDRAWN"

    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"task {task_id} was withdrawn: it no longer needs doing, and new progress on it "
            "is not recorded (reports recorded before still answer as they did)"
        )


@dataclass(frozen=True, slots=True)
class ProgressRules:
    """How many reports one student may make on one task (a completion is always taken once
    more, so a busy client cannot lose a student's finishing)."""

    max_reports: int = 500


@dataclass(frozen=True, slots=True)
class KnownTask:
    """An on-demand task as the scheduler announced it: whose it is and how long its work."""

    task_id: str
    district_id: str
    section_id: str
    component_id: str
    minutes: int
    opens_at: datetime
    due_at: datetime
    time_zone: str
    assigned_at: datetime  # when the scheduler announced it: no progress is earlier
    student_ids: tuple[str, ...] | None = None  # None: the whole section
    withdrawn_at: datetime | None = None
    # The session it bookends, if any: a session's follow-up names its questions left for it
    # (ADR 0035), and a note about the task is about that session's work.
    session_id: str | None = None
    bookend: Bookend | None = None

    def is_for(self, student_id: str, sections: frozenset[str]) -> bool:
        """A student of its section (the token's claim), and one of those chosen if any."""
        chosen = self.student_ids is None or student_id in self.student_ids
        return self.section_id in sections and chosen

    def learned(self, before: KnownTask | None) -> KnownTask:
        """A repeated or replayed announcement never takes back a withdrawal."""
        withdrawn = before.withdrawn_at if before is not None else None
        return replace(self, withdrawn_at=withdrawn or self.withdrawn_at)

    def withdrawn(self, at: datetime) -> KnownTask:
        return self if self.withdrawn_at is not None else replace(self, withdrawn_at=at)


@dataclass(frozen=True, slots=True)
class TaskMedia:
    """How long a component's media plays, where the catalog said (a session's recording)."""

    component_id: str
    district_id: str
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class ReportSent:
    """One report as a client sent it: what happened since its previous report."""

    client_event_id: str
    occurred_at: datetime  # the client's clock: it orders and annotates, never trusted alone
    completed: bool = False
    position_seconds: int | None = None
    time_spent_seconds: int = 0  # since the client's previous report of this task


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """A report as kept: its moment clamped between the task's assignment and its receipt."""

    client_event_id: str
    occurred_at: datetime
    received_at: datetime  # the service's clock, the first time
    completed: bool
    position_seconds: int | None
    time_spent_seconds: int

    def says(self, sent: ReportSent) -> bool:
        """Whether `sent` is this report again (its moment may differ by clamping)."""
        return (self.completed, self.position_seconds, self.time_spent_seconds) == (
            sent.completed,
            sent.position_seconds,
            sent.time_spent_seconds,
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """What a student did on a task, merged from the set of their reports: the same whatever
    order they arrived in, and unchanged by any report arriving again."""

    state: TaskProgress
    started_at: datetime  # the earliest report's moment
    completed_at: datetime | None  # the earliest completing report's moment
    position_seconds: int | None  # the furthest
    time_spent_seconds: int

    @classmethod
    def merged(cls, reports: Iterable[ProgressReport]) -> Progress:
        """Every rule is a function of the set (min, max, sum), so it commutes. Time spent is
        the sum of each report's own increment, bounded by how long the reports span (plus the
        largest increment, for the time before the first report) and by MAX_TIME_SPENT."""
        kept = list(reports)
        assert kept, "progress is merged from at least one report"
        moments = [r.occurred_at for r in kept]
        completions = [r.occurred_at for r in kept if r.completed]
        positions = [r.position_seconds for r in kept if r.position_seconds is not None]
        increments = [r.time_spent_seconds for r in kept]
        span = int((max(moments) - min(moments)).total_seconds())
        return cls(
            state=TaskProgress.COMPLETED if completions else TaskProgress.STARTED,
            started_at=min(moments),
            completed_at=min(completions) if completions else None,
            position_seconds=max(positions) if positions else None,
            time_spent_seconds=min(sum(increments), span + max(increments), MAX_TIME_SPENT),
        )


@dataclass(frozen=True, slots=True)
class StudentProgress:
    """One student's progress on one task, as every reader sees it."""

    district_id: str
    task_id: str
    section_id: str
    student_id: str
    progress: Progress
    report_count: int


@dataclass(frozen=True, slots=True)
class ProgressLog:
    """One student's reports on one task (at most `max_reports` + 1) and what they merge to:
    a student's reports are applied one after another, each against all before it."""

    district_id: str
    task_id: str
    section_id: str
    student_id: str
    progress: Progress
    reports: tuple[ProgressReport, ...]

    @property
    def summary(self) -> StudentProgress:
        return StudentProgress(
            self.district_id,
            self.task_id,
            self.section_id,
            self.student_id,
            self.progress,
            len(self.reports),
        )

    def earlier(self, client_event_id: str) -> ProgressReport | None:
        return next((r for r in self.reports if r.client_event_id == client_event_id), None)

    def with_report(self, report: ProgressReport) -> ProgressLog:
        reports = (*self.reports, report)
        return replace(self, reports=reports, progress=Progress.merged(reports))


@dataclass(frozen=True, slots=True)
class ProgressChanged:
    """Domain event: a student's merged progress on a task changed, by this report."""

    change_id: str
    log: ProgressLog
    report: ProgressReport


@dataclass(frozen=True, slots=True)
class Reported:
    """The log after a report, the report as kept (the first one, for an id sent again), and
    the event if the merged progress changed."""

    log: ProgressLog
    report: ProgressReport
    events: list[ProgressChanged]
    repeated: bool = False


def sent_errors(sent: ReportSent, *, at: datetime) -> list[FieldError]:
    """Each broken rule of a report by itself, all at once; the task's own bounds come later."""
    errors = client_event_id_errors(sent.client_event_id)
    if sent.occurred_at > at + CLOCK_SKEW:
        message = "must not be in the future (the service's clock, a minute's skew allowed)"
        errors.append(FieldError("occurred_at", "not_in_future", message))
    if not 0 <= sent.time_spent_seconds <= MAX_TIME_SPENT_PER_REPORT:
        message = f"must be 0 to {MAX_TIME_SPENT_PER_REPORT} seconds since the previous report"
        errors.append(FieldError("time_spent_seconds", "in_range", message))
    if sent.position_seconds is not None and not 0 <= sent.position_seconds <= MAX_POSITION:
        message = f"must be 0 to {MAX_POSITION} seconds"
        errors.append(FieldError("position_seconds", "in_range", message))
    return errors


def report_progress(
    task: KnownTask | None,
    log: ProgressLog | None,
    *,
    task_id: str,
    student_id: str,
    sections: frozenset[str],
    sent: ReportSent,
    media_seconds: int | None,
    rules: ProgressRules,
    new_id: IdFactory,
    at: datetime,
) -> Reported:
    """Merge a student's report into their progress on a task. The same `client_event_id`
    again answers with the report kept for it and changes nothing, whenever it comes (a retry,
    a replayed offline queue, after a withdrawal); anything new needs the task assigned to the
    student and not withdrawn. `at` is the service's clock."""
    if task is None:
        raise TaskNotFound(task_id)
    if not task.is_for(student_id, sections):
        raise NotAssigned(task_id)
    if log is not None and (earlier := log.earlier(sent.client_event_id)) is not None:
        if not earlier.says(sent):
            message = "already names another report of this task"
            raise InvalidInput("client_event_id", "one_report", message)
        return Reported(log, earlier, [], repeated=True)
    if task.withdrawn_at is not None:
        raise TaskWithdrawn(task_id)
    if media_seconds is not None and (sent.position_seconds or 0) > media_seconds:
        message = f"must be at most the media's duration, {media_seconds} seconds"
        raise InvalidInput("position_seconds", "within_media", message)
    if log is not None and len(log.reports) >= rules.max_reports and not _finishes(log, sent):
        message = (
            f"a student reports on one task at most {rules.max_reports} times (a completion "
            "once more); the progress recorded stands"
        )
        raise InvalidInput("task_id", "max_reports", message)
    report = ProgressReport(
        client_event_id=sent.client_event_id,
        # Clamped, not refused: a slow clock or a long offline queue is no fault of the
        # student's, and the bounds are facts that never move, so a replay clamps the same.
        occurred_at=stored_instant(min(max(sent.occurred_at, task.assigned_at), at)),
        received_at=at,
        completed=sent.completed,
        position_seconds=sent.position_seconds,
        time_spent_seconds=sent.time_spent_seconds,
    )
    after = (
        log.with_report(report)
        if log is not None
        else ProgressLog(
            task.district_id,
            task.task_id,
            task.section_id,
            student_id,
            Progress.merged([report]),
            (report,),
        )
    )
    changed = log is None or after.progress != log.progress
    events = [ProgressChanged(new_id(), after, report)] if changed else []
    return Reported(after, report, events)


def _finishes(log: ProgressLog, sent: ReportSent) -> bool:
    """A completion of a task not completed yet: taken past the bound (once, since then it is
    completed)."""
    return sent.completed and log.progress.state is not TaskProgress.COMPLETED
