"""On-demand tasks a teacher assigns: a lesson component for a section, a group or chosen
students, with a window of fixed instants or of local rules resolved for each student, and a
student's own extended window. Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bookend.problems import FieldError, InvalidInput, NotFound, refuse_if
from services.scheduler.roster.domain import SchedulerError
from services.scheduler.sessions.domain import LiveSession, Task, range_errors
from services.scheduler.sessions.windows import Anchor, Calendar, LocalRule, WindowRules

# A class's worth of chosen students, several times over; a whole section is named as one.
MAX_CHOSEN_STUDENTS = 200
MAX_REASON_LENGTH = 200


class TaskNotFound(SchedulerError, NotFound):
    code = "TASK_NOT_FOUND"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"no task {task_id!r} in this district")


class ComponentUnknown(SchedulerError, InvalidInput):
    def __init__(self, component_id: str) -> None:
        message = f"the lesson has no on-demand component {component_id!r}"
        super().__init__("component_id", "on_demand_component", message)


@dataclass(frozen=True, slots=True)
class Edge:
    """One end of a window: a fixed instant, or a local rule resolved for each student."""

    at: datetime | None = None
    rule: LocalRule | None = None

    def errors(self, field: str, *, required: bool) -> list[FieldError]:
        if (self.at is None) == (self.rule is None):
            if self.at is None and not required:
                return []
            message = "give an instant or a rule (one of them)"
            return [FieldError(field, "instant_or_rule", message)]
        if self.rule is not None:
            return self.rule.errors(field)
        return range_errors(**{field: self.at})


@dataclass(frozen=True, slots=True)
class AssignmentDraft:
    """A task as a teacher asks for it, before it is checked."""

    section_id: str
    lesson_id: str
    component_id: str
    opens: Edge
    due: Edge
    closes: Edge = Edge()
    student_ids: tuple[str, ...] | None = None  # None: the whole section (or the group's)
    session_id: str | None = None  # the session it belongs with, and the anchor of its rules
    # A group of the section: its members when assigned are the students chosen (ADR 0031).
    group_id: str | None = None

    def check(self) -> None:
        errors = self.opens.errors("opens", required=True)
        errors += self.due.errors("due", required=True)
        errors += self.closes.errors("closes", required=False)
        rules = self.rules
        if rules.anchors - {Anchor.ASSIGNED} and self.session_id is None:
            message = "a rule counted from a session needs the session (session_id)"
            errors.append(FieldError("session_id", "required_for_session_rule", message))
        if self.group_id is not None and self.student_ids is not None:
            message = "give a group or chosen students, not both"
            errors.append(FieldError("group_id", "one_audience", message))
        elif self.student_ids is not None:
            if not self.student_ids:
                message = "name at least one student, or none for the whole section"
                errors.append(FieldError("student_ids", "not_empty", message))
            elif len(self.student_ids) > MAX_CHOSEN_STUDENTS:
                message = f"at most {MAX_CHOSEN_STUDENTS}; assign the section instead"
                errors.append(FieldError("student_ids", "max_items", message))
        errors += order_errors(self.opens.at, self.due.at, self.closes.at)
        refuse_if(errors)

    @property
    def rules(self) -> WindowRules:
        return WindowRules(self.opens.rule, self.due.rule, self.closes.rule)


def order_errors(
    opens_at: datetime | None, due_at: datetime | None, closes_at: datetime | None
) -> list[FieldError]:
    """Fixed instants in order: opens before due, due no later than it closes."""
    errors = []
    if opens_at is not None and due_at is not None and due_at <= opens_at:
        errors.append(FieldError("due", "after_opens", "must be after the window opens"))
    if due_at is not None and closes_at is not None and closes_at < due_at:
        errors.append(FieldError("closes", "not_before_due", "must not be before it is due"))
    return errors


@dataclass(frozen=True, slots=True)
class StudentWindow:
    opens_at: datetime
    due_at: datetime
    closes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    """A student's own window for a task (extended time as an accommodation): it stands in
    place of the task's, whatever the task's rules resolve to."""

    task_id: str
    student_id: str
    district_id: str
    due_at: datetime
    closes_at: datetime | None
    reason: str
    granted_by: str

    def check(self, window: StudentWindow) -> None:
        errors = range_errors(due_at=self.due_at, closes_at=self.closes_at)
        if self.due_at <= window.due_at:
            message = "an extension is due later than the window it extends"
            errors.append(FieldError("due_at", "later_than_due", message))
        errors += order_errors(None, self.due_at, self.closes_at)
        errors += reason_errors(self.reason, "the extension")
        refuse_if(errors)

    def applied(self, window: StudentWindow) -> StudentWindow:
        return replace(window, due_at=self.due_at, closes_at=self.closes_at or window.closes_at)


def anchors_of(task: Task, session: LiveSession | None) -> dict[Anchor, datetime]:
    anchors = {Anchor.ASSIGNED: task.assigned_at or task.opens_at}
    if session is not None:
        anchors |= {Anchor.SESSION_START: session.starts_at, Anchor.SESSION_END: session.ends_at}
    return anchors


def window_for(
    task: Task,
    *,
    zone: str,
    calendar: Calendar | None,
    session: LiveSession | None,
    extension: Extension | None = None,
) -> StudentWindow:
    """The task's window for one student: its rules resolved in the student's zone by the
    school's calendar (its fixed instants where it has no rule), then the student's extension."""
    rules = task.rules or WindowRules()
    anchors = anchors_of(task, session)

    def edge(rule: LocalRule | None, fixed: datetime | None) -> datetime | None:
        if rule is None or calendar is None:
            return fixed
        return rule.resolve(anchors, zone, calendar)

    opens_at = edge(rules.opens, task.opens_at)
    due_at = edge(rules.due, task.due_at)
    assert opens_at is not None and due_at is not None
    window = StudentWindow(opens_at, due_at, edge(rules.closes, task.closes_at))
    return extension.applied(window) if extension is not None else window


def audience(task: Task, section_students: Sequence[str]) -> list[str]:
    """The students a task is for: those chosen who are in its section, or the whole section."""
    if task.student_ids is None:
        return list(section_students)
    enrolled = set(section_students)
    return [student for student in task.student_ids if student in enrolled]


@dataclass(frozen=True, slots=True)
class TaskExtended:
    """Domain event: one student's window of a task was extended. It stays inside the
    scheduler (an accommodation of one student), changing only that student's feed."""

    task: Task
    extension: Extension


@dataclass(frozen=True, slots=True)
class Excusal:
    """A teacher excused a student from a task: it no longer counts against them. The reason
    is kept for staff, never sent in an event."""

    task_id: str
    student_id: str
    district_id: str
    reason: str
    excused_by: str
    excused_at: datetime

    def check(self) -> None:
        refuse_if(reason_errors(self.reason, "the excusal"))


def reason_errors(reason: str, kept_with: str) -> list[FieldError]:
    if not reason.strip():
        return [FieldError("reason", "not_blank", f"say why (kept with {kept_with})")]
    if len(reason) > MAX_REASON_LENGTH:
        message = f"must be at most {MAX_REASON_LENGTH} characters"
        return [FieldError("reason", "max_length", message)]
    return []


@dataclass(frozen=True, slots=True)
class TaskExcused:
    """Domain event: a student was excused from a task, or (not `excused`) the excusal was
    taken back. Like an extension it stays inside the scheduler, changing one student's feed."""

    task: Task
    student_id: str
    excused: bool
