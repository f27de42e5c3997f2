"""What a session's end does to its prompts, inside the transaction of the end's handler
(services/feedback/events.py): those still open close, and each is left to the absent students
who had not answered it. Returns domain events for the handler to emit."""

from __future__ import annotations

from datetime import datetime

from bookend.contracts.feedback import AttendanceMark
from services.feedback.live.domain import AttendanceSummary, LiveChannel
from services.feedback.prompts.domain import PromptAssigned, PromptClosed, left_to_absentees
from services.feedback.prompts.ports import Transaction


async def close_open_prompts(
    tx: Transaction, channel: LiveChannel, *, at: datetime
) -> list[PromptClosed]:
    """The session is over: no prompt of it takes live answers any more."""
    events: list[PromptClosed] = []
    for prompt in await tx.list_prompts(channel.district_id, channel.session_id):
        closed, changes = prompt.closed(at)
        if changes:
            await tx.save_prompt(closed)
            events += changes
    return events


async def leave_to_absentees(
    tx: Transaction, summary: AttendanceSummary, *, at: datetime
) -> list[PromptAssigned]:
    """Each prompt of the session becomes on-demand work for the students marked absent who
    had not answered it (ADR 0034)."""
    absent = summary.marked(AttendanceMark.ABSENT)
    if not absent:
        return []
    prompts = await tx.list_prompts(summary.district_id, summary.session_id)
    answered = {p.id: set(await tx.answered_by(p.district_id, p.id)) for p in prompts}
    changed, events = left_to_absentees(prompts, answered, absent, at=at)
    for prompt in changed:
        await tx.save_prompt(prompt)
    return events
