"""Prompts (checks for understanding) in a live session: opened, answered, closed and revealed,
with their aggregate kept as answers come; pure rules, no I/O (ADR 0034)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bookend.contracts.feedback import PromptKind, PromptStatus
from bookend.ids import IdFactory
from bookend.problems import Conflict, FieldError, NotFound, refuse_if
from services.feedback.live.domain import FeedbackError, LiveChannel, SessionNotLive

MAX_QUESTION_LENGTH = 500
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_OPTION_LENGTH = 200
MAX_TEXT_ANSWER_LENGTH = 1000
# A lesson's worth of checks; more is a runaway client, not teaching.
MAX_PROMPTS_PER_SESSION = 50

# The fixed choices of the kinds that are not multiple choice; an answer is an index into them.
FIXED_CHOICES: dict[PromptKind, tuple[str, ...]] = {
    PromptKind.THUMBS: ("up", "down"),
    PromptKind.UNDERSTANDING: ("1", "2", "3", "4"),
    PromptKind.SHORT_TEXT: (),
}


class PromptNotFound(FeedbackError, NotFound):
    code = "PROMPT_NOT_FOUND"

    def __init__(self, prompt_id: str) -> None:
        super().__init__(f"prompt {prompt_id} was not found")


class PromptNotOpen(FeedbackError, Conflict):
    code = "PROMPT_CLOSED"

    def __init__(self, prompt_id: str) -> None:
        super().__init__(
            f"prompt {prompt_id} is closed: answers are taken while it is open, and after that "
            "only from the students it was left to as on-demand work; nothing was recorded"
        )


def _text_errors(field: str, text: str, limit: int, *, lines: bool) -> list[FieldError]:
    """Stripped text: not blank, at most `limit` characters, no control characters (line
    breaks and tabs allowed where `lines`)."""
    if not text:
        return [FieldError(field, "not_blank", "must not be blank")]
    if len(text) > limit:
        return [FieldError(field, "max_length", f"must be at most {limit} characters")]
    allowed = "\n\t" if lines else ""
    if not all(ch.isprintable() or ch in allowed for ch in text):
        return [FieldError(field, "printable", "must not hold control or invisible characters")]
    return []


@dataclass(frozen=True, slots=True)
class PromptDraft:
    """A prompt as a teacher asks for it, before it is checked."""

    kind: PromptKind
    question: str
    options: tuple[str, ...] = ()

    def checked(self) -> PromptDraft:
        """The draft with its text stripped; every rule it breaks named at once."""
        question = self.question.strip()
        options = tuple(option.strip() for option in self.options)
        errors = _text_errors("question", question, MAX_QUESTION_LENGTH, lines=True)
        if self.kind is not PromptKind.MULTIPLE_CHOICE:
            if options:
                message = "only a multiple-choice prompt has options"
                errors.append(FieldError("options", "not_allowed", message))
        elif not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            message = f"a multiple-choice prompt has {MIN_OPTIONS} to {MAX_OPTIONS} options"
            errors.append(FieldError("options", "count", message))
        else:
            for index, option in enumerate(options):
                errors += _text_errors(f"options.{index}", option, MAX_OPTION_LENGTH, lines=False)
            if len({option.casefold() for option in options}) < len(options):
                errors.append(FieldError("options", "distinct", "options must differ"))
        refuse_if(errors)
        return replace(self, question=question, options=options)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.options if self.kind is PromptKind.MULTIPLE_CHOICE else FIXED_CHOICES[self.kind]


@dataclass(frozen=True, slots=True)
class Tally:
    """A prompt's aggregate, kept as answers come so that no reader counts answers: live
    answers by choice, and how many came late (as on-demand work, not in the counts)."""

    counts: tuple[int, ...]
    answered: int = 0
    late_answered: int = 0
    revision: int = 0

    @classmethod
    def empty(cls, choices: int) -> Tally:
        return cls(counts=(0,) * choices)

    def moved(self, before: Answer | None, after: Answer) -> Tally:
        """The tally once `after` replaces `before` (the same student's earlier answer)."""
        counts = list(self.counts)
        answered, late = self.answered, self.late_answered
        if before is not None:
            if before.late:
                late -= 1
            else:
                answered -= 1
                if before.choice is not None:
                    counts[before.choice] -= 1
        if after.late:
            late += 1
        else:
            answered += 1
            if after.choice is not None:
                counts[after.choice] += 1
        return Tally(tuple(counts), answered, late, self.revision + 1)


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    district_id: str
    session_id: str
    section_id: str
    kind: PromptKind
    question: str
    choices: tuple[str, ...]
    status: PromptStatus
    opened_by: str
    opened_at: datetime
    expected: int  # the students the session expected when the prompt opened
    tally: Tally
    closed_at: datetime | None = None
    revealed_at: datetime | None = None
    # Absent students who had not answered when the session ended: they may answer it later.
    assigned_student_ids: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is PromptStatus.OPEN

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    def closed(self, at: datetime) -> tuple[Prompt, list[PromptClosed]]:
        """Closed once; closing it again changes nothing and says nothing."""
        if not self.is_open:
            return self, []
        done = replace(self, status=PromptStatus.CLOSED, closed_at=at)
        return done, [PromptClosed(done)]

    def shown(self, at: datetime) -> tuple[Prompt, list[PromptClosed | PromptRevealed]]:
        """Its aggregate shown to the class, closing it first if it is open: what the class
        sees is final. Revealed once; again, it changes nothing."""
        if self.revealed:
            return self, []
        done, events = self.closed(at)
        shown = replace(done, revealed_at=at)
        return shown, [*events, PromptRevealed(shown)]


@dataclass(frozen=True, slots=True)
class Answer:
    """A student's answer: a choice (an index into the prompt's choices) or their own text."""

    prompt_id: str
    district_id: str
    session_id: str
    section_id: str
    student_id: str
    choice: int | None
    text: str | None
    answered_at: datetime
    late: bool = False  # given after the prompt closed, as on-demand work

    def says_the_same(self, other: Answer) -> bool:
        return (self.choice, self.text) == (other.choice, other.text)


@dataclass(frozen=True, slots=True)
class PromptOpened:
    prompt: Prompt


@dataclass(frozen=True, slots=True)
class PromptAnswered:
    prompt: Prompt
    answer: Answer


@dataclass(frozen=True, slots=True)
class PromptClosed:
    prompt: Prompt


@dataclass(frozen=True, slots=True)
class PromptRevealed:
    prompt: Prompt


@dataclass(frozen=True, slots=True)
class PromptAssigned:
    """Domain event: a prompt left as on-demand work to students absent from its session."""

    prompt: Prompt
    student_ids: tuple[str, ...]
    at: datetime


def open_prompt(
    channel: LiveChannel | None,
    draft: PromptDraft,
    *,
    session_id: str,
    opened_so_far: int,
    opened_by: str,
    new_id: IdFactory,
    at: datetime,
) -> tuple[Prompt, list[PromptOpened]]:
    """A prompt in a live session, and the event opening it; refused unless the session is
    live, and beyond MAX_PROMPTS_PER_SESSION."""
    draft = draft.checked()
    if channel is None or not channel.is_live:
        raise SessionNotLive(session_id, "prompts")
    if opened_so_far >= MAX_PROMPTS_PER_SESSION:
        message = f"a session holds at most {MAX_PROMPTS_PER_SESSION} prompts"
        refuse_if([FieldError("session_id", "max_prompts", message)])
    choices = draft.choices
    prompt = Prompt(
        id=new_id(),
        district_id=channel.district_id,
        session_id=channel.session_id,
        section_id=channel.section_id,
        kind=draft.kind,
        question=draft.question,
        choices=choices,
        status=PromptStatus.OPEN,
        opened_by=opened_by,
        opened_at=at,
        expected=len(channel.expected_student_ids),
        tally=Tally.empty(len(choices)),
    )
    return prompt, [PromptOpened(prompt)]


def answer_errors(prompt: Prompt, choice: int | None, text: str | None) -> list[FieldError]:
    """A choice for a prompt with choices, text for a short-text one; never both."""
    if prompt.kind is PromptKind.SHORT_TEXT:
        errors = [] if choice is None else [FieldError("choice", "not_allowed", "answer in text")]
        if text is None:
            return [*errors, FieldError("text", "required", "a short-text prompt needs text")]
        return errors + _text_errors("text", text.strip(), MAX_TEXT_ANSWER_LENGTH, lines=True)
    errors = [] if text is None else [FieldError("text", "not_allowed", "answer with a choice")]
    if choice is None:
        return [*errors, FieldError("choice", "required", "choose one of the prompt's choices")]
    if not 0 <= choice < len(prompt.choices):
        message = f"must be from 0 to {len(prompt.choices) - 1}, an index of the choices"
        errors.append(FieldError("choice", "in_range", message))
    return errors


def answer(
    prompt: Prompt,
    before: Answer | None,
    *,
    student_id: str,
    choice: int | None,
    text: str | None,
    at: datetime,
) -> tuple[Prompt, Answer, list[PromptAnswered]]:
    """A student's answer, replacing their earlier one. Taken while the prompt is open, and
    after that from the students it was left to (late). The same answer again changes nothing
    and says nothing: a retry is harmless."""
    refuse_if(answer_errors(prompt, choice, text))
    late = not prompt.is_open
    if late and student_id not in prompt.assigned_student_ids:
        raise PromptNotOpen(prompt.id)
    given = Answer(
        prompt_id=prompt.id,
        district_id=prompt.district_id,
        session_id=prompt.session_id,
        section_id=prompt.section_id,
        student_id=student_id,
        choice=choice,
        text=text.strip() if text is not None else None,
        answered_at=at,
        late=late,
    )
    if before is not None and before.says_the_same(given) and before.late == late:
        return prompt, before, []
    after = replace(prompt, tally=prompt.tally.moved(before, given))
    return after, given, [PromptAnswered(after, given)]


def left_to_absentees(
    prompts: Iterable[Prompt],
    answered: dict[str, set[str]],
    absent: Sequence[str],
    *,
    at: datetime,
) -> tuple[list[Prompt], list[PromptAssigned]]:
    """Each prompt of an ended session, left to the absent students who had not answered it
    (`answered`: by prompt id). A prompt left once is left as it was: the end heard again
    changes nothing."""
    changed: list[Prompt] = []
    events: list[PromptAssigned] = []
    for prompt in prompts:
        if prompt.assigned_student_ids:
            continue
        missing = tuple(s for s in dict.fromkeys(absent) if s not in answered.get(prompt.id, ()))
        if missing:
            left = replace(prompt, assigned_student_ids=missing)
            changed.append(left)
            events.append(PromptAssigned(left, missing, at))
    return changed, events


def not_answered(expected: Sequence[str], answered: Iterable[str]) -> list[str]:
    """The students expected who have not answered, in the order they were expected."""
    done = set(answered)
    return [student for student in dict.fromkeys(expected) if student not in done]
