"""Calendar links: one owner each, a secret kept as its hash, revoked for good, bounded per
calendar, and managed only by the student's own people or the section's staff."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from bookend.auth import Principal, Role
from bookend.contracts.scheduler import CalendarOwner
from bookend.paging import PageAsk
from bookend.problems import Forbidden, InvalidInput
from services.scheduler.calendars import service
from services.scheduler.calendars.domain import (
    CalendarLinkNotFound,
    CalendarLinksExhausted,
    CalendarNotFound,
    NewLink,
    Owner,
    StudentUnknown,
    new_link,
    new_secret,
    owner_of,
    secret_hash,
)
from services.scheduler.roster.domain import SectionNotFound
from tests.scheduler.builders import (
    DISTRICT_ADMIN,
    GUARDIAN,
    NOW,
    OTHER_DISTRICT_ADMIN,
    OTHER_GUARDIAN,
    OTHER_SCHOOL_ADMIN,
    OTHER_STUDENT,
    OTHER_TEACHER,
    SCHOOL_ADMIN,
    STUDENT,
    TEACHER,
    D,
)
from tests.scheduler.fakes import FakeScheduler
from tests.support.fakes import Clock, counting_ids

ALL = PageAsk()  # a first page, more than these tests list

STUDENT_1 = Owner(CalendarOwner.STUDENT, "student-1")
MATH = Owner(CalendarOwner.SECTION, "sec-math")
BOUND = 3
IDS = counting_ids("link")


async def create(store: FakeScheduler, clock: Clock, owner: Owner, principal: Principal) -> NewLink:
    return await service.create_link(
        owner,
        principal=principal,
        store=store,
        clock=clock,
        ids=IDS,
        per_owner=BOUND,
    )


@pytest.mark.parametrize(
    ("student_id", "section_id", "broken"),
    [
        (None, None, [("student_id", "one_owner"), ("section_id", "one_owner")]),
        ("s", "x", [("student_id", "one_owner"), ("section_id", "one_owner")]),
        (" ", None, [("student_id", "valid_id")]),
        (None, "x" * 201, [("section_id", "valid_id")]),
    ],
    ids=["neither", "both", "blank", "too-long"],
)
def test_a_link_names_exactly_one_owner(
    student_id: str | None, section_id: str | None, broken: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        owner_of(student_id=student_id, section_id=section_id)
    assert [(e.field, e.rule) for e in refused.value.errors] == broken


def test_the_owner_named_is_the_one_owner() -> None:
    assert owner_of(student_id=None, section_id="sec-math") == MATH


def test_a_secret_is_long_random_and_kept_only_as_its_sha256() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50 and min(len(s) for s in secrets) >= 43
    secret = secrets.pop()
    made = new_link("l1", STUDENT_1, district_id=D, created_by="guardian-1", at=NOW, secret=secret)
    assert made.link.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(made.link)


def test_any_text_hashes_even_a_lone_surrogate() -> None:
    assert len(secret_hash("\udcff" + "x" * 10_000)) == 64


def test_revoking_drops_the_hash_for_good_and_again_changes_nothing() -> None:
    made = new_link("l1", STUDENT_1, district_id=D, created_by="g", at=NOW, secret="s")
    revoked = made.link.revoke(NOW + timedelta(hours=1))
    assert (revoked.revoked_at, revoked.is_live) == (NOW + timedelta(hours=1), False)
    assert revoked.secret_hash != secret_hash("s")
    assert revoked.revoke(NOW + timedelta(days=1)) is revoked


@pytest.mark.parametrize(
    ("principal", "owner"),
    [
        (STUDENT, STUDENT_1),
        (GUARDIAN, STUDENT_1),
        (DISTRICT_ADMIN, STUDENT_1),
        (SCHOOL_ADMIN, STUDENT_1),
        (TEACHER, MATH),
        (SCHOOL_ADMIN, MATH),
        (DISTRICT_ADMIN, MATH),
    ],
    ids=[
        "the-student",
        "their-guardian",
        "a-district-admin",
        "an-admin-of-their-school",
        "the-sections-teacher",
        "an-admin-of-its-school",
        "a-district-admin-for-the-section",
    ],
)
async def test_those_who_manage_a_calendar_create_list_and_revoke_its_links(
    store: FakeScheduler, clock: Clock, principal: Principal, owner: Owner
) -> None:
    made = await create(store, clock, owner, principal)
    assert (made.link.owner, made.link.created_by) == (owner, principal.subject)
    listed = await service.list_links(owner, ALL, principal=principal, store=store)
    assert [link.id for link in listed.items] == [made.link.id]
    revoked = await service.revoke_link(made.link.id, principal=principal, store=store, clock=clock)
    assert not revoked.is_live
    assert (await service.list_links(owner, ALL, principal=principal, store=store)).items == []


@pytest.mark.parametrize(
    ("principal", "owner"),
    [
        (OTHER_STUDENT, STUDENT_1),
        (OTHER_GUARDIAN, STUDENT_1),
        (TEACHER, STUDENT_1),  # teaches student-1, yet a student's calendar is their family's
        (OTHER_SCHOOL_ADMIN, STUDENT_1),
        (OTHER_TEACHER, MATH),
        (STUDENT, MATH),  # subscribes to their own calendar, which holds math already
        (GUARDIAN, MATH),
        (OTHER_SCHOOL_ADMIN, MATH),
    ],
    ids=[
        "another-student",
        "another-guardian",
        "their-teacher",
        "another-schools-admin",
        "another-teacher",
        "a-student-of-the-section",
        "a-guardian",
        "another-schools-admin-for-the-section",
    ],
)
async def test_others_may_not_touch_a_calendars_links(
    store: FakeScheduler, clock: Clock, principal: Principal, owner: Owner
) -> None:
    made = await create(store, clock, owner, DISTRICT_ADMIN)
    with pytest.raises(Forbidden):
        await create(store, clock, owner, principal)
    with pytest.raises(Forbidden):
        await service.list_links(owner, ALL, principal=principal, store=store)
    with pytest.raises(Forbidden):
        await service.revoke_link(made.link.id, principal=principal, store=store, clock=clock)
    assert store.state.calendar_links == {made.link.id: made.link}


async def test_another_districts_admin_finds_nothing(store: FakeScheduler, clock: Clock) -> None:
    made = await create(store, clock, STUDENT_1, GUARDIAN)
    with pytest.raises(CalendarLinkNotFound):
        await service.revoke_link(
            made.link.id, principal=OTHER_DISTRICT_ADMIN, store=store, clock=clock
        )
    with pytest.raises(StudentUnknown):
        await create(store, clock, STUDENT_1, OTHER_DISTRICT_ADMIN)
    with pytest.raises(SectionNotFound):
        await create(store, clock, MATH, OTHER_DISTRICT_ADMIN)


async def test_a_guardians_child_never_enrolled_has_no_calendar(
    store: FakeScheduler, clock: Clock
) -> None:
    newborn = Principal("g", D, frozenset({Role.GUARDIAN}), children=frozenset({"student-9"}))
    with pytest.raises(StudentUnknown):
        await create(store, clock, Owner(CalendarOwner.STUDENT, "student-9"), newborn)


async def test_a_calendar_has_at_most_so_many_live_links(
    store: FakeScheduler, clock: Clock
) -> None:
    made = [await create(store, clock, STUDENT_1, GUARDIAN) for _ in range(BOUND)]
    with pytest.raises(CalendarLinksExhausted):
        await create(store, clock, STUDENT_1, STUDENT)
    await service.revoke_link(made[0].link.id, principal=STUDENT, store=store, clock=clock)
    await create(store, clock, STUDENT_1, STUDENT)


async def test_without_an_owner_a_principal_lists_the_links_they_made(
    store: FakeScheduler, clock: Clock
) -> None:
    mine = await create(store, clock, STUDENT_1, GUARDIAN)
    await create(store, clock, STUDENT_1, STUDENT)
    listed = await service.list_links(None, ALL, principal=GUARDIAN, store=store)
    assert [link.id for link in listed.items] == [mine.link.id]


async def test_unknown_malformed_and_revoked_secrets_open_nothing_alike(
    store: FakeScheduler, clock: Clock
) -> None:
    made = await create(store, clock, STUDENT_1, GUARDIAN)
    assert await service.open_calendar(made.secret, reads=store) == made.link
    await service.revoke_link(made.link.id, principal=GUARDIAN, store=store, clock=clock)
    for secret in (made.secret, new_secret(), "../feed", "", "x" * 5000):
        with pytest.raises(CalendarNotFound) as refused:
            await service.open_calendar(secret, reads=store)
        assert (refused.value.code, refused.value.message) == (
            "CALENDAR_NOT_FOUND",
            "no calendar at this address",
        )
