"""The schema's types and inputs meet the services' contract models field by field, by name."""

import pytest
from pydantic import BaseModel
from strawberry.types import get_object_definition

from bookend.contracts import feedback as feedback_events
from bookend.http_contracts import (
    balance,
    calendars,
    catalog,
    curricula,
    feedback,
    integrations,
    prompts,
    recordings,
    scheduler,
)
from gateway.schema import assessment as assessment_schema
from gateway.schema import balance as balance_schema
from gateway.schema import calendars as calendars_schema
from gateway.schema import catalog as catalog_schema
from gateway.schema import curricula as curricula_schema
from gateway.schema import feedback as feedback_schema
from gateway.schema import groups, imports, notes, questions, roster, sessions
from gateway.schema import integrations as integrations_schema
from gateway.schema import progress as progress_schema
from gateway.schema import prompts as prompts_schema
from gateway.schema import proposals as proposals_schema
from gateway.schema import pulse as pulse_schema
from gateway.schema import recordings as recordings_schema
from gateway.schema.convert import FromContract
from gateway.schema.feed import FeedItem

# Each type read from a contract, with the fields its reader gives instead of reading them.
READ: list[tuple[type, type[BaseModel], set[str]]] = [
    (catalog_schema.Captions, catalog.Captions, set()),
    (catalog_schema.MediaVariant, catalog.MediaVariant, set()),
    (catalog_schema.Rendition, catalog.Rendition, set()),
    (catalog_schema.Media, catalog.Media, {"captions", "variants", "renditions"}),
    (catalog_schema.LessonComponent, catalog.Component, {"media"}),
    (catalog_schema.LessonRevision, catalog.LessonContent, {"components"}),
    (catalog_schema.AdoptedFrom, catalog.AdoptedFrom, set()),
    (catalog_schema.Lesson, catalog.Lesson, {"components", "revision", "shared"}),
    (catalog_schema.LessonVersion, catalog.LessonVersion, {"components"}),
    (curricula_schema.Unit, curricula.Unit, set()),
    (curricula_schema.Curriculum, curricula.Curriculum, {"units"}),
    (roster.District, scheduler.District, set()),
    (roster.School, scheduler.School, set()),
    (roster.Blackout, scheduler.Blackout, set()),
    (roster.Term, scheduler.Term, {"blackouts"}),
    (roster.Section, scheduler.Section, set()),
    (roster.Person, scheduler.Person, set()),
    (roster.SectionStudent, scheduler.SectionStudent, set()),
    (roster.Guardianship, scheduler.Guardianship, set()),
    (roster.Enrolment, scheduler.Enrolment, set()),
    (groups.Group, scheduler.Group, set()),
    (imports.RosterRowError, scheduler.RosterRowError, set()),
    (imports.RosterKindCount, scheduler.RosterKindCount, set()),
    (imports.RosterSkippedRows, scheduler.RosterSkipped, set()),
    (imports.RosterImport, scheduler.RosterImport, {"skipped", "counts"}),
    (sessions.Task, scheduler.Task, set()),
    (sessions.LiveSession, scheduler.Session, {"tasks", "recording"}),
    (recordings_schema.SessionRecording, scheduler.SessionRecording, set()),
    (recordings_schema.Chapter, recordings.Chapter, set()),
    (recordings_schema.Recording, recordings.Recording, {"media", "chapters"}),
    (FeedItem, scheduler.FeedItem, {"id", "time_zone"}),
    (feedback_schema.CheckIn, feedback.CheckIn, set()),
    (feedback_schema.CheckInCounts, feedback.SignalCounts, set()),
    (feedback_schema.LiveChannel, feedback.Channel, {"counts"}),
    (feedback_schema.PresenceReport, feedback.PresenceReport, set()),
    (feedback_schema.StudentAttendance, feedback.StudentAttendance, set()),
    (feedback_schema.SessionAttendance, feedback.Attendance, {"students"}),
    (calendars_schema.CalendarLink, calendars.CalendarLink, {"url"}),
    (balance_schema.BalanceWarning, balance.BalanceWarning, set()),
    (balance_schema.BalancePolicy, balance.BalancePolicy, set()),
    (proposals_schema.BalanceProposal, balance.Proposal, set()),
    (assessment_schema.AssessmentFigures, feedback.AssessmentFigures, set()),
    (assessment_schema.AssessmentFlag, feedback.AssessmentFlag, set()),
    (assessment_schema.AssessedPreferenceCount, feedback.PreferenceCount, set()),
    (assessment_schema.AssessmentPulse, feedback.AssessmentPulse, {"preferences"}),
    (
        assessment_schema.StudentAssessment,
        feedback.StudentAssessment,
        {"figures", "pulse", "flags"},
    ),
    (
        assessment_schema.BalanceAssessment,
        feedback.BalanceAssessment,
        {"figures", "pulse", "flags", "students"},
    ),
    (assessment_schema.StudentFlagCount, feedback.StudentFlagCount, set()),
    (assessment_schema.ReportLine, feedback.ReportLine, {"figures", "flags", "student_flags"}),
    (assessment_schema.FlagCount, feedback.FlagCount, set()),
    (assessment_schema.ReportTotals, feedback.ReportTotals, {"figures", "flags"}),
    (balance_schema.PlanDay, balance.PlanDay, set()),
    (balance_schema.WeeklyPlan, balance.WeeklyPlan, {"days", "policy", "warnings"}),
    # Pulse surveys (ADR 0036)
    (pulse_schema.Pulse, feedback.Pulse, set()),
    (pulse_schema.PulseCount, feedback.Tally, set()),
    (pulse_schema.WorkloadCount, feedback.WorkloadTally, set()),
    (pulse_schema.WellbeingCount, feedback.WellbeingTally, set()),
    (pulse_schema.ConnectivityCount, feedback.ConnectivityTally, set()),
    (pulse_schema.PreferenceCount, feedback.PreferenceTally, set()),
    (
        pulse_schema.SectionPulse,
        feedback.SectionPulse,
        {"workload", "wellbeing", "connectivity", "shared_device", "preference", "pulses"},
    ),
    (
        progress_schema.StudentTaskProgress,
        feedback.StudentProgress,
        {"state", "started_at", "completed_at", "position_seconds", "time_spent_seconds"},
    ),
    (progress_schema.ProgressReport, feedback.ProgressReceipt, {"progress"}),
    (prompts_schema.PromptResults, feedback_events.PromptResults, set()),
    (prompts_schema.PromptAnswer, prompts.PromptAnswer, set()),
    (prompts_schema.Prompt, prompts.Prompt, set()),
    # Questions and notes (ADR 0035)
    (questions.QuestionAnswer, feedback.QuestionAnswer, set()),
    (questions.QuestionFollowUp, feedback.QuestionFollowUp, set()),
    (questions.Question, feedback.Question, {"answer", "follow_up", "upvoted_by_you"}),
    (notes.Note, feedback.Note, set()),
    # District integrations (ADR 0050)
    (integrations_schema.WebhookAttempt, integrations.Attempt, set()),
    (integrations_schema.WebhookDelivery, integrations.Delivery, {"attempts"}),
    (integrations_schema.WebhookEndpoint, integrations.Endpoint, set()),
    (integrations_schema.WebhookSigningSecret, integrations.SigningSecret, set()),
    (integrations_schema.WebhookDeliveriesRedriven, integrations.Redriven, set()),
    (integrations_schema.DistrictEvent, integrations.DistrictEvent, set()),
]

# Each input sent as a contract request, with the fields its request builds itself.
SENT: list[tuple[type, type[BaseModel], set[str]]] = [
    (catalog_schema.CaptionsInput, catalog.Captions, set()),
    (catalog_schema.MediaVariantInput, catalog.MediaVariant, set()),
    (catalog_schema.MediaInput, catalog.MediaCreate, {"captions", "variants"}),
    (catalog_schema.ComponentInput, catalog.ComponentCreate, {"media"}),
    (catalog_schema.CreateLessonInput, catalog.LessonCreate, {"components"}),
    (curricula_schema.CreateCurriculumInput, curricula.CurriculumCreate, set()),
    (roster.SectionInput, scheduler.SectionPut, set()),
    (roster.TermInput, scheduler.TermPut, {"blackouts"}),
    (roster.BlackoutInput, scheduler.Blackout, set()),
    (roster.PersonInput, scheduler.PersonPut, set()),
    (imports.RosterFileInput, scheduler.RosterFile, set()),
    (sessions.ScheduleLiveSessionInput, scheduler.SessionCreate, set()),
    (balance_schema.BalancePolicyInput, balance.BalancePolicyPut, set()),
    (recordings_schema.ChapterInput, recordings.Chapter, set()),
    (notes.WriteNoteInput, feedback.NoteCreate, set()),
    (
        recordings_schema.RecordingInput,
        recordings.RecordingCreate,
        {"chapters", "captions", "variants"},
    ),
    (pulse_schema.PulseInput, feedback.PulsePut, set()),
    (integrations_schema.RegisterWebhookEndpointInput, integrations.EndpointCreate, set()),
    (integrations_schema.UpdateWebhookEndpointInput, integrations.EndpointUpdate, set()),
]


def fields(graphql_type: type) -> set[str]:
    """Those set when the type is built: a field with its own resolver is not."""
    return {
        f.python_name for f in get_object_definition(graphql_type, strict=True).fields if f.init
    }


@pytest.mark.parametrize(("read", "contract", "given"), READ, ids=[t.__name__ for t, _, _ in READ])
def test_a_type_read_from_a_contract_finds_each_of_its_fields_there(
    read: type, contract: type[BaseModel], given: set[str]
) -> None:
    assert fields(read) - given <= set(contract.model_fields)


def test_every_type_read_field_for_field_is_checked_here() -> None:
    assert set(FromContract.__subclasses__()) <= {read for read, _, _ in READ}


@pytest.mark.parametrize(("sent", "contract", "given"), SENT, ids=[t.__name__ for t, _, _ in SENT])
def test_an_input_sent_as_a_contract_request_fills_each_of_its_fields(
    sent: type, contract: type[BaseModel], given: set[str]
) -> None:
    assert set(contract.model_fields) <= fields(sent) | given
