"""An in-memory stand-in for the pulse slice's storage port (kept apart from fakes.py so each
slice's fake merges on its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.feedback.pulse.domain import Pulse
from tests.support.fakes import FakeState, FakeStore, FakeTransaction

Key = tuple[str, str, str, str]  # district, student, week, respondent: the unique index


@dataclass
class PulseState(FakeState):
    pulses: dict[Key, Pulse] = field(default_factory=dict)
    section_schools: dict[tuple[str, str], str] = field(default_factory=dict)


def key_of(pulse: Pulse) -> Key:
    return (pulse.district_id, pulse.student_id, pulse.week, pulse.respondent_id)


class FakePulseReads:
    state: PulseState

    async def get_section_school(self, district_id: str, section_id: str) -> str | None:
        return self.state.section_schools.get((district_id, section_id))

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


class FakePulseTransaction(FakeTransaction[PulseState], FakePulseReads):
    async def save_pulse(self, pulse: Pulse) -> None:
        earlier = self.state.pulses.get(key_of(pulse))
        assert earlier is None or earlier.id == pulse.id, "one pulse a respondent and week"
        self.state.pulses[key_of(pulse)] = pulse


class FakePulses(FakeStore[PulseState, FakePulseTransaction], FakePulseReads):
    transaction = FakePulseTransaction

    def __init__(self) -> None:
        super().__init__(PulseState())
