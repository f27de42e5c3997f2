"""In-memory stand-ins for the pulse slice's storage ports, mixed into the feedback fakes (kept
apart from fakes.py so each slice's fake merges on its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bookend.paging import KeyedPage, PageAsk
from services.feedback.pulse.domain import Pulse
from services.feedback.pulse.store import pulse_order
from tests.support.fakes import keyed_page

if TYPE_CHECKING:  # the fakes' state holds the pulses (tests/feedback/fakes.py)
    from tests.feedback.fakes import FeedbackState

Key = tuple[str, str, str, str]  # district, student, week, respondent: the unique index


def key_of(pulse: Pulse) -> Key:
    return (pulse.district_id, pulse.student_id, pulse.week, pulse.respondent_id)


class FakePulseReads:
    state: FeedbackState

    async def get_pulse(
        self, district_id: str, student_id: str, week: str, respondent_id: str
    ) -> Pulse | None:
        return self.state.pulses.get((district_id, student_id, week, respondent_id))

    async def list_student_pulses(
        self, district_id: str, student_id: str, week: str
    ) -> list[Pulse]:
        found = [
            p for k, p in self.state.pulses.items() if k[:3] == (district_id, student_id, week)
        ]
        return sorted(found, key=lambda p: p.respondent_id)

    async def latest_own_pulse(self, district_id: str, student_id: str) -> Pulse | None:
        own = [
            p
            for p in self.state.pulses.values()
            if (p.district_id, p.student_id, p.respondent_id)
            == (district_id, student_id, student_id)
        ]
        return max(own, key=lambda p: p.week, default=None)

    async def list_section_pulses(
        self, district_id: str, section_id: str, week: str
    ) -> list[Pulse]:
        found = [
            p
            for p in self.state.pulses.values()
            if (p.district_id, p.week) == (district_id, week) and section_id in p.section_ids
        ]
        return sorted(found, key=lambda p: (p.student_id, p.respondent_id))

    async def page_section_pulses(
        self, district_id: str, section_id: str, week: str, asked: PageAsk
    ) -> KeyedPage[Pulse]:
        found = await self.list_section_pulses(district_id, section_id, week)
        return keyed_page(found, pulse_order, asked)


class FakePulseWrites(FakePulseReads):
    async def save_pulse(self, pulse: Pulse) -> None:
        earlier = self.state.pulses.get(key_of(pulse))
        assert earlier is None or earlier.id == pulse.id, "one pulse a respondent and week"
        self.state.pulses[key_of(pulse)] = pulse
