"""A school's days: its terms and the district's, their weekdays, times and blackout dates."""

from __future__ import annotations

from datetime import date, time

import pytest

from bookend.problems import InvalidInput
from services.scheduler.roster.calendar import (
    Blackout,
    SchoolCalendar,
    Term,
    TermDraft,
    calendar_of,
    new_term,
)

D = "district-1"
YEAR = Term(
    "sy",
    D,
    None,
    "2025-2026",
    date(2025, 8, 18),
    date(2026, 6, 5),
    blackouts=(Blackout(date(2025, 11, 27), "Thanksgiving"),),
)
FALL = Term(
    "fall",
    D,
    "oak",
    "Fall",
    date(2025, 8, 18),
    date(2025, 12, 19),
    weekdays=(1, 2, 3, 4),
    day_starts=time(8, 30),
    day_ends=time(14, 45),
    blackouts=(Blackout(date(2025, 10, 13), "Staff development"),),
)
RIVER = Term("river-fall", D, "river", "River fall", date(2025, 8, 1), date(2025, 12, 1))
OAK = calendar_of("oak", "America/Chicago", [YEAR, FALL, RIVER])

TUESDAY, FRIDAY, SATURDAY = date(2025, 9, 2), date(2025, 9, 5), date(2025, 9, 6)


def test_a_school_keeps_its_own_terms_and_the_districts_not_another_schools() -> None:
    assert [term.id for term in OAK.terms] == ["fall", "sy"]  # by start, then id


def test_the_narrowest_term_holding_a_day_decides_its_weekdays_and_times() -> None:
    assert OAK.day_bounds(TUESDAY) == (time(8, 30), time(14, 45))
    assert not OAK.is_school_day(FRIDAY)  # the fall semester keeps Monday to Thursday
    spring_friday = date(2026, 2, 6)  # only the school year holds it: Monday to Friday
    assert OAK.day_bounds(spring_friday) == (time(8, 0), time(15, 0))


def test_a_blackout_of_any_term_holding_the_day_makes_it_no_school_day() -> None:
    thanksgiving, training_day = date(2025, 11, 27), date(2025, 10, 13)
    for day in (thanksgiving, training_day):
        assert OAK.is_blackout(day)
        assert not OAK.is_school_day(day)
        assert OAK.day_bounds(day) is None
    assert not OAK.is_blackout(TUESDAY)


def test_a_day_outside_every_term_is_no_school_day() -> None:
    summer_monday = date(2026, 7, 6)
    assert not OAK.is_school_day(summer_monday)
    assert OAK.day_bounds(summer_monday) is None


def test_a_school_without_terms_has_school_from_monday_to_friday_eight_to_three() -> None:
    bare = SchoolCalendar("new", "Europe/London", ())
    assert bare.day_bounds(FRIDAY) == (time(8, 0), time(15, 0))
    assert not bare.is_school_day(SATURDAY)
    assert not bare.is_blackout(FRIDAY)


def draft(**change: object) -> TermDraft:
    fields: dict[str, object] = {
        "school_id": "oak",
        "name": "Fall",
        "starts_on": date(2025, 8, 18),
        "ends_on": date(2025, 12, 19),
    }
    return TermDraft(**(fields | change))  # type: ignore[arg-type]


def test_a_term_sorts_its_weekdays_and_blackouts_and_trims_reasons() -> None:
    term = new_term(
        "fall",
        draft(
            weekdays=[5, 1, 3, 1],
            blackouts=[Blackout(date(2025, 12, 1), "  "), Blackout(date(2025, 9, 1), " Labor ")],
        ),
        district_id=D,
    )
    assert term.weekdays == (1, 3, 5)
    assert term.blackouts == (Blackout(date(2025, 9, 1), "Labor"), Blackout(date(2025, 12, 1)))


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ({"name": " "}, [("name", "not_blank")]),
        ({"ends_on": date(2025, 8, 1)}, [("ends_on", "not_before_start")]),
        ({"ends_on": date(2028, 1, 1)}, [("ends_on", "max_span")]),
        ({"weekdays": []}, [("weekdays", "not_empty")]),
        ({"weekdays": [0, 8]}, [("weekdays", "iso_weekday")]),
        ({"day_starts": time(15), "day_ends": time(8)}, [("day_ends", "after_start")]),
        (
            {"blackouts": [Blackout(date(2026, 1, 5)), Blackout(date(2025, 9, 1))] * 2},
            [
                ("blackouts.0.on", "within_term"),
                ("blackouts.2.on", "within_term"),
                ("blackouts.2.on", "unique"),
                ("blackouts.3.on", "unique"),
            ],
        ),
    ],
    ids=[
        "blank name",
        "ends first",
        "three years",
        "no weekday",
        "no such weekday",
        "day ends first",
        "blackouts",
    ],
)
def test_a_broken_term_names_every_field_and_rule(
    change: dict[str, object], broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        new_term("fall", draft(**change), district_id=D)
    assert [(e.field, e.rule) for e in refused.value.errors] == broken


def test_blackouts_added_to_a_term_keep_its_own_and_take_new_reasons() -> None:
    more = FALL.with_blackouts([Blackout(date(2025, 10, 13), "Moved"), Blackout(date(2025, 9, 1))])
    assert more.blackouts == (Blackout(date(2025, 9, 1)), Blackout(date(2025, 10, 13), "Moved"))
