"""The contract enums, registered with Strawberry once, here; the schema names them from here.

`strawberry.enum` registers an enum in place and returns the same class, so a GraphQL enum and
its contract enum are one type: no copy to drift, no conversion at the edge. GraphQL shows the
member names (`PUBLISHED`); the services keep their values (`published`).
"""

import strawberry

from bookend.auth import Role
from bookend.contracts.catalog import (
    ComponentKind,
    GradeBand,
    LessonStatus,
    Library,
    MediaKind,
    ModeFit,
    VariantKind,
)
from bookend.contracts.feedback import (
    AnswerMode,
    AttendanceMark,
    BalanceFlag,
    ChannelStatus,
    CheckInSignal,
    Connectivity,
    LearningPreference,
    Presence,
    PromptKind,
    PromptStatus,
    PulseRespondent,
    QuestionPhase,
    QuestionStatus,
    QuestionVisibility,
    TaskProgress,
    Wellbeing,
    Workload,
)
from bookend.contracts.scheduler import (
    BalanceMode,
    BalanceRule,
    Bookend,
    CalendarOwner,
    FeedItemKind,
    FeedItemStatus,
    Modality,
    ProposalKind,
    ProposalStatus,
    RosterSkipReason,
    SessionStatus,
)
from bookend.http_contracts.scheduler import (
    PersonRole,
    RosterImportStatus,
    RosterKind,
)
from bookend.problems import ClashKind

strawberry.enum(ComponentKind)
strawberry.enum(BalanceMode)
strawberry.enum(BalanceRule)
strawberry.enum(ModeFit)
strawberry.enum(LessonStatus)
strawberry.enum(GradeBand)
strawberry.enum(Library)
strawberry.enum(MediaKind)
strawberry.enum(VariantKind)
strawberry.enum(Bookend)
strawberry.enum(SessionStatus)
strawberry.enum(Modality)
strawberry.enum(FeedItemKind)
strawberry.enum(FeedItemStatus)
strawberry.enum(CalendarOwner)
strawberry.enum(CheckInSignal)
strawberry.enum(ChannelStatus)
strawberry.enum(Presence)
strawberry.enum(AttendanceMark)
strawberry.enum(TaskProgress)
strawberry.enum(PersonRole)
strawberry.enum(RosterKind)
strawberry.enum(RosterImportStatus)
strawberry.enum(ProposalKind)
strawberry.enum(BalanceFlag)
strawberry.enum(ProposalStatus)

# Pulse surveys (ADR 0036)
strawberry.enum(Workload, description="How much work the week brought.")
strawberry.enum(Wellbeing, description="How the student is doing, lowest first.")
strawberry.enum(Connectivity, description="Internet at home this week.")
strawberry.enum(LearningPreference, description="More live sessions, as is, or more on demand.")
strawberry.enum(PulseRespondent)
strawberry.enum(PromptKind)
strawberry.enum(PromptStatus)

__all__ = [
    "AttendanceMark",
    "BalanceFlag",
    "BalanceMode",
    "BalanceRule",
    "Bookend",
    "CalendarOwner",
    "ChannelStatus",
    "CheckInSignal",
    "ComponentKind",
    "Connectivity",
    "FeedItemKind",
    "FeedItemStatus",
    "GradeBand",
    "LearningPreference",
    "LessonStatus",
    "Library",
    "MediaKind",
    "Modality",
    "ModeFit",
    "PersonRole",
    "Presence",
    "PromptKind",
    "PromptStatus",
    "ProposalKind",
    "ProposalStatus",
    "PulseRespondent",
    "RosterImportStatus",
    "RosterKind",
    "SessionStatus",
    "TaskProgress",
    "VariantKind",
    "Wellbeing",
    "Workload",
]

# Questions (ADR 0035)
strawberry.enum(QuestionVisibility)
strawberry.enum(QuestionPhase)
strawberry.enum(QuestionStatus)
strawberry.enum(AnswerMode)
__all__ += ["AnswerMode", "QuestionPhase", "QuestionStatus", "QuestionVisibility"]

# Issue 11: no free strings for kinds in outputs.
strawberry.enum(Role, description="What a bearer token lets its holder do.")
strawberry.enum(ClashKind, description="Whose time a request would take twice.")
strawberry.enum(
    RosterSkipReason, description="A type or role of rows a roster import does not read."
)
__all__ += ["ClashKind", "Role", "RosterSkipReason"]
