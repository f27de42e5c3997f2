"""Prompts' use cases: staff open, close and reveal prompts in a live session; students answer
them; both read them, each as they may (ADR 0034)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bookend.auth import STAFF, Forbidden, Principal, Role
from bookend.clock import Clock, stored_instant
from bookend.ids import IdFactory
from bookend.paging import KeyedPage, PageAsk
from services.feedback.access import attends, teaches
from services.feedback.events import OUTBOUND
from services.feedback.live.domain import ChannelNotFound
from services.feedback.prompts.domain import (
    Answer,
    Prompt,
    PromptDraft,
    PromptNotFound,
    answer,
    not_answered,
    open_prompt,
)
from services.feedback.prompts.ports import Reads, Store, Transaction


@dataclass(frozen=True, slots=True)
class PromptView:
    """A prompt as one reader may see it: staff see its aggregate and who has not answered;
    a student sees their own answer, and the aggregate once it is revealed."""

    prompt: Prompt
    staff: bool
    not_answered: list[str] | None = None  # staff only
    reader: str | None = None  # the reading student
    own: Answer | None = None  # their answer

    @property
    def shows_results(self) -> bool:
        return self.staff or self.prompt.revealed

    @property
    def assigned(self) -> bool:
        """Left to the reading student as on-demand work."""
        return self.reader is not None and self.reader in self.prompt.assigned_student_ids


@dataclass(frozen=True, slots=True)
class AnswerView:
    answer: Answer
    repeated: bool = False  # the same answer was recorded before: nothing changed now


async def open_session_prompt(
    session_id: str,
    draft: PromptDraft,
    *,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
) -> PromptView:
    """Open a prompt in a live session of the caller's section; it and PromptOpened commit
    together."""
    principal.require(*STAFF)

    async def work(tx: Transaction) -> PromptView:
        channel = await tx.get_channel(principal.district, session_id)
        if channel is not None and not await teaches(principal, channel.section_id, tx):
            raise Forbidden("only the staff of the session's section may open its prompts")
        prompt, events = open_prompt(
            channel,
            draft,
            session_id=session_id,
            opened_so_far=len(await tx.list_prompts(principal.district, session_id)),
            opened_by=principal.subject,
            new_id=ids,
            at=stored_instant(clock()),
        )
        await tx.save_prompt(prompt)
        await tx.emit(*OUTBOUND.events(events))
        return await _staff_view(tx, prompt)

    return await store.atomically(work)


async def close_prompt(
    prompt_id: str, *, principal: Principal, store: Store, clock: Clock
) -> PromptView:
    """Stop taking answers; closing a closed prompt changes nothing."""
    return await _staff_change(
        prompt_id, Prompt.closed, principal=principal, store=store, clock=clock
    )


async def reveal_results(
    prompt_id: str, *, principal: Principal, store: Store, clock: Clock
) -> PromptView:
    """Show the aggregate to the class (closing the prompt first if it is open)."""
    return await _staff_change(
        prompt_id, Prompt.shown, principal=principal, store=store, clock=clock
    )


Change = Callable[[Prompt, datetime], tuple[Prompt, Sequence[object]]]


async def _staff_change(
    prompt_id: str, change: Change, *, principal: Principal, store: Store, clock: Clock
) -> PromptView:
    async def work(tx: Transaction) -> PromptView:
        prompt = await _visible(tx, prompt_id, principal)
        if not await teaches(principal, prompt.section_id, tx):
            raise Forbidden("only the staff of the prompt's section may close or reveal it")
        changed, events = change(prompt, stored_instant(clock()))
        if events:
            await tx.save_prompt(changed)
            await tx.emit(*OUTBOUND.events(events))
        return await _staff_view(tx, changed)

    return await store.atomically(work)


async def answer_prompt(
    prompt_id: str,
    *,
    choice: int | None,
    text: str | None,
    principal: Principal,
    store: Store,
    clock: Clock,
) -> AnswerView:
    """A student's answer while the prompt is open (or later, if it was left to them); the
    same answer again changes nothing (a retry), another replaces it and moves the tally."""
    principal.require(Role.STUDENT)

    async def work(tx: Transaction) -> AnswerView:
        prompt = await _visible(tx, prompt_id, principal)
        student = principal.subject
        before = await tx.get_answer(principal.district, prompt_id, student)
        after, given, events = answer(
            prompt,
            before,
            student_id=student,
            choice=choice,
            text=text,
            at=stored_instant(clock()),
        )
        if not events:
            return AnswerView(given, repeated=True)
        await tx.save_answer(given)
        await tx.save_prompt(after)
        await tx.emit(*OUTBOUND.events(events))
        return AnswerView(given)

    return await store.atomically(work)


async def list_session_prompts(
    session_id: str, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[PromptView]:
    """A page of a session's prompts in the order they opened, as the caller may see them."""
    channel = await store.get_channel(principal.district, session_id)
    if channel is None:
        raise ChannelNotFound(session_id)
    staff = await teaches(principal, channel.section_id, store)
    if not (staff or attends(principal, channel.section_id)):
        raise Forbidden("only the section's staff and students may read its prompts")
    page = await store.page_prompts(principal.district, session_id, asked)
    if staff:
        return page.with_items([await _staff_view(store, prompt) for prompt in page.items])
    own = {
        a.prompt_id: a
        for a in await store.list_own_answers(principal.district, session_id, principal.subject)
    }
    return page.with_items(
        [_student_view(prompt, principal, own.get(prompt.id)) for prompt in page.items]
    )


async def get_prompt(prompt_id: str, *, principal: Principal, store: Store) -> PromptView:
    prompt = await _visible(store, prompt_id, principal)
    if await teaches(principal, prompt.section_id, store):
        return await _staff_view(store, prompt)
    own = await store.get_answer(principal.district, prompt_id, principal.subject)
    return _student_view(prompt, principal, own)


async def list_prompt_answers(
    prompt_id: str, asked: PageAsk, *, principal: Principal, store: Store
) -> KeyedPage[Answer]:
    """A page of the students' answers by student id (short texts included), for the
    section's staff only: the class sees counts, never who answered what."""
    prompt = await _visible(store, prompt_id, principal)
    if not await teaches(principal, prompt.section_id, store):
        raise Forbidden("only the staff of the prompt's section may read who answered what")
    return await store.page_answers(principal.district, prompt_id, asked)


async def _visible(reads: Reads, prompt_id: str, principal: Principal) -> Prompt:
    """The prompt, if the caller is of its section; to anyone else it does not exist, so ids
    reveal nothing of other sections."""
    prompt = await reads.get_prompt(principal.district, prompt_id)
    if prompt is None or not (
        attends(principal, prompt.section_id) or await teaches(principal, prompt.section_id, reads)
    ):
        raise PromptNotFound(prompt_id)
    return prompt


async def _staff_view(reads: Reads, prompt: Prompt) -> PromptView:
    channel = await reads.get_channel(prompt.district_id, prompt.session_id)
    expected = channel.expected_student_ids if channel is not None else ()
    answered = await reads.answered_by(prompt.district_id, prompt.id)
    return PromptView(prompt, staff=True, not_answered=not_answered(expected, answered))


def _student_view(prompt: Prompt, principal: Principal, own: Answer | None) -> PromptView:
    return PromptView(prompt, staff=False, reader=principal.subject, own=own)
