"""The demo district's people: invented names, opaque ids, and the claims of their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bookend.auth import Principal, Role
from bookend.contracts.catalog import SHARED_LIBRARY

LAKESIDE = "district-lakeside"
HILLCREST = "district-hillcrest"
OAKRIDGE = "school-oakridge-elementary"
RIVERSIDE = "school-riverside-middle"
READING_2 = "section-oakridge-reading-2b"
ELA_8 = "section-riverside-ela-8a"
MATH_7 = "section-riverside-math-7c"
# Where the demo's people are, unless they say otherwise: their tokens name it (ADR 0045).
HOME_ZONE = "America/Chicago"


@dataclass(frozen=True)
class DemoUser:
    id: str
    name: str
    description: str
    principal: Principal
    time_zone: str | None = None  # a student's own, enrolled with


def _user(
    user_id: str,
    name: str,
    description: str,
    role: Role,
    *,
    district: str = LAKESIDE,
    school: str | None = None,
    sections: tuple[str, ...] = (),
    children: tuple[str, ...] = (),
    time_zone: str | None = None,
) -> DemoUser:
    principal = Principal(
        user_id,
        district,
        frozenset({role}),
        school,
        frozenset(sections),
        frozenset(children),
        ZoneInfo(time_zone or HOME_ZONE),
    )
    return DemoUser(user_id, name, description, principal, time_zone)


DEMO_USERS: tuple[DemoUser, ...] = (
    _user(
        "teacher-rivera",
        "Elena Rivera",
        "teaches ELA 8A and Math 7C at Riverside Middle",
        Role.TEACHER,
        school=RIVERSIDE,
        sections=(ELA_8, MATH_7),
    ),
    _user(
        "teacher-okafor",
        "Daniel Okafor",
        "teaches Reading 2B at Oakridge Elementary",
        Role.TEACHER,
        school=OAKRIDGE,
        sections=(READING_2,),
    ),
    _user(
        "student-amara",
        "Amara Lindqvist",
        "student in ELA 8A and Math 7C, in Chicago",
        Role.STUDENT,
        school=RIVERSIDE,
        sections=(ELA_8, MATH_7),
        time_zone="America/Chicago",
    ),
    _user(
        "student-kenji",
        "Kenji Moreau",
        "student in ELA 8A, learning from Los Angeles",
        Role.STUDENT,
        school=RIVERSIDE,
        sections=(ELA_8,),
        time_zone="America/Los_Angeles",
    ),
    _user(
        "student-noor",
        "Noor Haddad",
        "student in Reading 2B, in Chicago",
        Role.STUDENT,
        school=OAKRIDGE,
        sections=(READING_2,),
        time_zone="America/Chicago",
    ),
    _user(
        "guardian-lindqvist",
        "Maja Lindqvist",
        "guardian of Amara",
        Role.GUARDIAN,
        children=("student-amara",),
    ),
    _user(
        "admin-castellanos",
        "Rosa Castellanos",
        "district administrator of Lakeside",
        Role.DISTRICT_ADMIN,
    ),
    _user(
        "admin-oyelaran",
        "Tunde Oyelaran",
        "school administrator of Riverside Middle",
        Role.SCHOOL_ADMIN,
        school=RIVERSIDE,
    ),
    _user(
        "curator-obi",
        "Chidi Obi",
        "curates the shared library every district may adopt lessons from",
        Role.DISTRICT_ADMIN,
        district=SHARED_LIBRARY,
    ),
    _user(
        "teacher-hillcrest-vance",
        "Iris Vance",
        "a teacher of another district (Hillcrest)",
        Role.TEACHER,
        district=HILLCREST,
        school="school-hillcrest-high",
        sections=("section-hillcrest-bio-10",),
    ),
)

USERS_BY_ID = {user.id: user for user in DEMO_USERS}
