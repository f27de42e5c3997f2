"""The table of event types: each payload model's type name, topic, key and classification."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from bookend.contracts.base import Classification, EventData
from bookend.contracts.catalog import (
    LessonArchived,
    LessonPublished,
    LessonRevised,
    RecordingPublished,
)
from bookend.contracts.feedback import (
    AttendanceSummarized,
    BalanceAssessed,
    CheckInRecorded,
    CheckInsSummarized,
    NoteGiven,
    ProgressRecorded,
    PromptAnswered,
    PromptAssigned,
    PromptClosed,
    PromptOpened,
    PromptRevealed,
    PulseSubmitted,
    QuestionAnswered,
    QuestionAsked,
    QuestionMarkedForFollowUp,
    QuestionUpvoted,
)
from bookend.contracts.scheduler import (
    BalanceWarning,
    FeedsChanged,
    SessionCancelled,
    SessionEnded,
    SessionRescheduled,
    SessionScheduled,
    SessionStarted,
    TaskAssigned,
    TaskRescheduled,
    TaskWithdrawn,
)
from bookend.contracts.topics import Topic


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: str
    topic: Topic
    # `builtins.type` because the `type` field above shadows the builtin inside this class body.
    model: builtins.type[EventData]
    classification: Classification
    # The record key keeps one aggregate's (for sessions and tasks: one section's) events in order.
    key_field: str
    subject_field: str
    description: str
    # Relayed to district integrations (their topic, webhooks, replay): opaque ids, counts and
    # curriculum content only, never a student's words (ADR 0050).
    public: bool = False

    def key(self, payload: Any) -> str:
        return str(getattr(payload, self.key_field))

    def subject(self, payload: Any) -> str:
        return str(getattr(payload, self.subject_field))

    def parse(self, data: dict[str, Any]) -> EventData:
        return self.model.model_validate(data)


def _spec(
    topic: Topic,
    verb: str,
    model: type[EventData],
    classification: Classification,
    keyed_by: str,
    about: str,
    description: str,
    *,
    public: bool = False,
) -> EventSpec:
    """A row of the table: the type is the topic's aggregate with the verb, at its version."""
    aggregate, version = topic.value.rsplit(".", 1)  # bookend.<service>.<aggregate>, v<N>
    return EventSpec(
        f"{aggregate}.{verb}.{version}",
        topic,
        model,
        classification,
        keyed_by,
        about,
        description,
        public,
    )


EVENT_SPECS: tuple[EventSpec, ...] = (
    _spec(
        Topic.CATALOG_LESSON, "published", LessonPublished, Classification.PUBLIC,
        "lesson_id", "lesson_id", "A lesson's first version was published and may be scheduled.",
        public=True,
    ),
    _spec(
        Topic.CATALOG_LESSON, "revised", LessonRevised, Classification.PUBLIC,
        "lesson_id", "lesson_id",
        "A later version of a lesson was published; what was planned with an earlier one keeps it.",
        public=True,
    ),
    _spec(
        Topic.CATALOG_LESSON, "archived", LessonArchived, Classification.PUBLIC,
        "lesson_id", "lesson_id",
        "A lesson was archived: no new sessions or tasks are planned with it.",
        public=True,
    ),
    _spec(
        Topic.CATALOG_RECORDING, "published", RecordingPublished, Classification.INTERNAL,
        "section_id", "session_id",
        "A live session's recording was published as an on-demand component of its lesson, for"
        " the session's section.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_SESSION, "scheduled", SessionScheduled, Classification.INTERNAL,
        "section_id", "session_id",
        "A live session was scheduled for a section, with its bookend tasks.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_SESSION, "started", SessionStarted, Classification.INTERNAL,
        "section_id", "session_id",
        "The teacher started a live session; its live channel opens. Names the section's students"
        " enrolled then (opaque ids), whom its prompts wait for.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_SESSION, "ended", SessionEnded, Classification.INTERNAL,
        "section_id", "session_id",
        "The teacher ended a live session; its live channel closes. Names the section's students"
        " enrolled then (opaque ids), whose attendance feedback summarises.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_SESSION, "rescheduled", SessionRescheduled, Classification.INTERNAL,
        "section_id", "session_id",
        "A scheduled live session moved; its bookend tasks moved with it.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_SESSION, "cancelled", SessionCancelled, Classification.INTERNAL,
        "section_id", "session_id",
        "A scheduled live session was cancelled; its bookend tasks are withdrawn.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_TASK, "assigned", TaskAssigned, Classification.INTERNAL,
        "section_id", "task_id",
        "An on-demand task was assigned to a section (or chosen students of it) with its window.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_TASK, "rescheduled", TaskRescheduled, Classification.INTERNAL,
        "section_id", "task_id", "An on-demand task's window moved.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_TASK, "withdrawn", TaskWithdrawn, Classification.INTERNAL,
        "section_id", "task_id", "An on-demand task no longer needs doing.",
        public=True,
    ),
    _spec(
        Topic.SCHEDULER_FEED, "changed", FeedsChanged, Classification.INTERNAL,
        "district_id", "district_id",
        "Feed items of these students changed; caches of their feeds are stale (ADR 0017).",
    ),
    _spec(
        Topic.SCHEDULER_BALANCE, "warned", BalanceWarning, Classification.INTERNAL,
        "section_id", "section_id",
        "A change of a section's plan left its balance policy broken: the rules, with the"
        " section's live and on-demand minutes of each day or week it touched.",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_CHECKIN, "recorded", CheckInRecorded, Classification.RESTRICTED,
        "section_id", "session_id",
        "A student checked in during a live session (opaque student id, no note text).",
    ),
    _spec(
        Topic.FEEDBACK_CHECKIN, "summarized", CheckInsSummarized, Classification.INTERNAL,
        "section_id", "session_id",
        "A live session's check-ins counted once it ended: how many, from how many of the"
        " students expected, with notes, and the students at each signal by their last check-in"
        " (counts only; sent also when no one checked in).",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_ATTENDANCE, "summarized", AttendanceSummarized, Classification.RESTRICTED,
        "section_id", "session_id",
        "Who attended a live session once it ended (opaque student ids): present, late, left"
        " early, absent.",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_PROGRESS, "recorded", ProgressRecorded, Classification.RESTRICTED,
        "section_id", "task_id",
        "A student's progress on an on-demand task (opaque student id), merged from their"
        " client's reports whatever their order: started or completed, furthest media position"
        " and time spent; published each time it changes.",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_BALANCE, "assessed", BalanceAssessed, Classification.RESTRICTED,
        "section_id", "section_id",
        "A section's week of live and on-demand work assessed: figures and flags with their"
        " reasons, for the section and each student (opaque ids). The scheduler proposes"
        " changes to the plan from the flags.",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_PULSE, "submitted", PulseSubmitted, Classification.RESTRICTED,
        "student_id", "pulse_id",
        "A student, or a guardian of theirs, gave or changed the week's pulse about the student"
        " (workload, wellbeing, connectivity, preference): opaque ids and the answers, never"
        " the free comment.",
        public=True,
    ),
    # Prompts (ADR 0034): one session's stay in order, keyed by its section.
    _spec(
        Topic.FEEDBACK_PROMPT, "opened", PromptOpened, Classification.INTERNAL,
        "section_id", "prompt_id",
        "A teacher opened a prompt (a check for understanding) in a live session; its question"
        " stays in the feedback service.",
    ),
    _spec(
        Topic.FEEDBACK_PROMPT, "answered", PromptAnswered, Classification.RESTRICTED,
        "section_id", "prompt_id",
        "A student answered a prompt (opaque student id, no answer), with the prompt's"
        " aggregate after it.",
    ),
    _spec(
        Topic.FEEDBACK_PROMPT, "closed", PromptClosed, Classification.INTERNAL,
        "section_id", "prompt_id",
        "A prompt stopped taking answers, with its final aggregate (counts only).",
        public=True,
    ),
    _spec(
        Topic.FEEDBACK_PROMPT, "revealed", PromptRevealed, Classification.INTERNAL,
        "section_id", "prompt_id",
        "A teacher showed a prompt's aggregate to the class, anonymously (counts only).",
    ),
    _spec(
        Topic.FEEDBACK_PROMPT, "assigned", PromptAssigned, Classification.RESTRICTED,
        "section_id", "prompt_id",
        "A prompt of an ended session is left as on-demand work to the absent students who had"
        " not answered it (opaque ids).",
    ),
    # Questions name no asker (ADR 0035): internal, whoever of the section reads them; but a
    # teacher-only question's answer names its asker, to reach them alone (ADR 0039).
    _spec(
        Topic.FEEDBACK_QUESTION, "asked", QuestionAsked, Classification.INTERNAL,
        "section_id", "question_id",
        "A student asked about a session, for staff only or for the class; no asker, no text.",
    ),
    _spec(
        Topic.FEEDBACK_QUESTION, "upvoted", QuestionUpvoted, Classification.INTERNAL,
        "section_id", "question_id",
        "A classmate upvoted a class question: how many have now, never who.",
    ),
    _spec(
        Topic.FEEDBACK_QUESTION, "answered", QuestionAnswered, Classification.RESTRICTED,
        "section_id", "question_id",
        "Staff answered a question, live or in writing; no text. A teacher-only question's"
        " answer names its asker (opaque id), a class question's never.",
    ),
    _spec(
        Topic.FEEDBACK_QUESTION, "marked_for_follow_up", QuestionMarkedForFollowUp,
        Classification.INTERNAL, "section_id", "question_id",
        "Staff left a question for the session's follow-up (its task, when known).",
    ),
    _spec(
        Topic.FEEDBACK_NOTE, "given", NoteGiven, Classification.RESTRICTED,
        "section_id", "note_id",
        "Staff wrote a note to a student (opaque ids, no text) about a task or a live moment.",
    ),
)  # fmt: skip

PUBLIC_EVENT_SPECS: tuple[EventSpec, ...] = tuple(spec for spec in EVENT_SPECS if spec.public)

_BY_MODEL: dict[type[EventData], EventSpec] = {spec.model: spec for spec in EVENT_SPECS}
_BY_TYPE: dict[str, EventSpec] = {spec.type: spec for spec in EVENT_SPECS}


def spec_for(model: type[Any]) -> EventSpec:
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered event payload") from None


def spec_for_type(event_type: str) -> EventSpec | None:
    return _BY_TYPE.get(event_type)
