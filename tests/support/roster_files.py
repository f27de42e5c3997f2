"""OneRoster 1.1-style CSV files for roster imports: a small district of two schools, as a
district's SIS would export it (with columns the import does not read), and a district of any
size for imports at scale."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Files = dict[str, str]


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


ORGS = ("sourcedId", "status", "dateLastModified", "name", "type", "identifier")
ORGS_MORE = ("parentSourcedId", "timeZone")
SESSIONS = ("sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate")
SESSIONS_MORE = (
    "parentSourcedId",
    "schoolYear",
    "schoolSourcedId",
    "weekdays",
    "dayStartTime",
    "dayEndTime",
)
BLACKOUTS = ("termSourcedId", "startDate", "endDate", "reason")
CLASSES = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
    "timeZone",
)
USERS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "timeZone",
)
ENROLLMENTS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
)


def user(
    sourced_id: str,
    orgs: str,
    role: str,
    given: str,
    family: str,
    *,
    agents: str = "",
    zone: str = "",
    email: str = "",
) -> list[str]:
    """A users.csv row, in USERS' columns."""
    named = [given, family, "", "", email]  # middleName and identifier left blank
    return [
        sourced_id,
        "active",
        "",
        "true",
        orgs,
        role,
        "",
        "",
        *named,
        "",
        "",
        agents,
        "",
        "",
        zone,
    ]


def lakeside(tag: str = "") -> Files:
    """Oakridge (Chicago) and Riverside (Los Angeles); a school year for the district with a
    Thanksgiving break, and Oakridge's fall semester (08:30-15:00, a training day off); Reading
    2B at Oakridge and Math 7C at Riverside, each with its teacher and a student; a parent of
    the Oakridge student; an administrator and a grading period the import does not read."""
    t = tag
    return {
        "orgs.csv": table(
            ORGS + ORGS_MORE,
            [
                [f"{t}dist", "active", "", "Lakeside USD", "district", "", "", ""],
                [
                    f"{t}oak",
                    "active",
                    "",
                    "Oakridge Elementary",
                    "school",
                    "OAK",
                    f"{t}dist",
                    "America/Chicago",
                ],
                [
                    f"{t}river",
                    "active",
                    "",
                    "Riverside Middle",
                    "school",
                    "RIV",
                    f"{t}dist",
                    "America/Los_Angeles",
                ],
            ],
        ),
        "academicSessions.csv": table(
            SESSIONS + SESSIONS_MORE,
            [
                [
                    f"{t}sy",
                    "active",
                    "",
                    "2025-2026",
                    "schoolYear",
                    "2025-08-18",
                    "2026-06-05",
                    "",
                    "2026",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    f"{t}fall-oak",
                    "active",
                    "",
                    "Fall 2025",
                    "semester",
                    "2025-08-18",
                    "2025-12-19",
                    f"{t}sy",
                    "2026",
                    f"{t}oak",
                    "Mon,Tue,Wed,Thu,Fri",
                    "08:30",
                    "15:00",
                ],
                [
                    f"{t}q1",
                    "active",
                    "",
                    "Q1",
                    "gradingPeriod",
                    "2025-08-18",
                    "2025-10-17",
                    f"{t}fall-oak",
                    "2026",
                    "",
                    "",
                    "",
                    "",
                ],
            ],
        ),
        "blackouts.csv": table(
            BLACKOUTS,
            [
                [f"{t}sy", "2025-11-26", "2025-11-28", "Thanksgiving break"],
                [f"{t}fall-oak", "2025-10-13", "", "Staff development day"],
            ],
        ),
        "classes.csv": table(
            CLASSES,
            [
                [
                    f"{t}read2",
                    "active",
                    "",
                    "Reading 2B",
                    "02",
                    "",
                    "R2B",
                    "scheduled",
                    "Room 4",
                    f"{t}oak",
                    f"{t}fall-oak",
                    "Reading",
                    "",
                    "",
                    "",
                ],
                [
                    f"{t}math7",
                    "active",
                    "",
                    "Math 7C",
                    "07,08",
                    "",
                    "M7C",
                    "scheduled",
                    "Room 12",
                    f"{t}river",
                    f"{t}sy",
                    "Mathematics",
                    "",
                    "",
                    "",
                ],
            ],
        ),
        "users.csv": table(
            USERS,
            [
                user(
                    f"{t}t-okafor", f"{t}oak", "teacher", "Ngozi", "Okafor", email="n@oak.example"
                ),
                user(f"{t}t-rivera", f"{t}river", "teacher", "Ana", "Rivera"),
                user(f"{t}s-ava", f"{t}oak", "student", "Ava", "Lopez", agents=f"{t}g-maria"),
                user(f"{t}s-ben", f"{t}river", "student", "Ben", "Okoro", zone="America/New_York"),
                user(f"{t}g-maria", f"{t}oak", "parent", "Maria", "Lopez", agents=f"{t}s-ava"),
                user(f"{t}adm", f"{t}dist", "administrator", "Pat", "Chen"),
            ],
        ),
        "enrollments.csv": table(
            ENROLLMENTS,
            [
                [
                    f"{t}e1",
                    "active",
                    "",
                    f"{t}read2",
                    f"{t}oak",
                    f"{t}t-okafor",
                    "teacher",
                    "true",
                    "",
                    "",
                ],
                [
                    f"{t}e2",
                    "active",
                    "",
                    f"{t}read2",
                    f"{t}oak",
                    f"{t}s-ava",
                    "student",
                    "false",
                    "",
                    "",
                ],
                [
                    f"{t}e3",
                    "active",
                    "",
                    f"{t}math7",
                    f"{t}river",
                    f"{t}t-rivera",
                    "teacher",
                    "true",
                    "",
                    "",
                ],
                [
                    f"{t}e4",
                    "active",
                    "",
                    f"{t}math7",
                    f"{t}river",
                    f"{t}s-ben",
                    "student",
                    "false",
                    "",
                    "",
                ],
                [
                    f"{t}e5",
                    "active",
                    "",
                    f"{t}math7",
                    f"{t}river",
                    f"{t}adm",
                    "administrator",
                    "false",
                    "",
                    "",
                ],
            ],
        ),
    }


def district(
    *, schools: int, sections: int, students: int, enrolments: int, tag: str = ""
) -> Files:
    """A district of any size: a teacher and a guardian per section, students spread over the
    schools, and `enrolments` student enrolments spread over the sections of each student's
    school (a student in a section once)."""
    t = tag
    school_ids = [f"{t}sch{n:03d}" for n in range(schools)]
    section_school = [school_ids[n % schools] for n in range(sections)]
    orgs = [
        [sid, "active", "", f"School {sid}", "school", "", "", "America/Chicago"]
        for sid in school_ids
    ]
    classes = [
        [
            f"{t}cls{n:05d}",
            "active",
            "",
            f"Class {n}",
            "07",
            "",
            "",
            "scheduled",
            "",
            section_school[n],
            "",
            "Mathematics",
            "",
            "",
            "",
        ]
        for n in range(sections)
    ]
    users = [
        user(f"{t}tch{n:05d}", section_school[n], "teacher", "T", f"{n}") for n in range(sections)
    ]
    users += [
        user(f"{t}grd{n:05d}", section_school[n], "guardian", "G", f"{n}", agents=f"{t}stu{n:06d}")
        for n in range(sections)
    ]
    users += [
        user(f"{t}stu{n:06d}", school_ids[n % schools], "student", "S", f"{n}")
        for n in range(students)
    ]
    rows = [
        [
            f"{t}et{n:05d}",
            "active",
            "",
            f"{t}cls{n:05d}",
            "",
            f"{t}tch{n:05d}",
            "teacher",
            "",
            "",
            "",
        ]
        for n in range(sections)
    ]
    per_school = [[n for n in range(sections) if section_school[n] == sid] for sid in school_ids]
    made = 0
    round_ = 0
    while made < enrolments:
        for student in range(students):
            if made >= enrolments:
                break
            mine = per_school[student % schools]
            section = mine[(student // schools + round_ * 7) % len(mine)]
            rows.append(
                [
                    f"{t}es{made:06d}",
                    "active",
                    "",
                    f"{t}cls{section:05d}",
                    "",
                    f"{t}stu{student:06d}",
                    "student",
                    "",
                    "",
                    "",
                ]
            )
            made += 1
        round_ += 1
    return {
        "orgs.csv": table(ORGS + ORGS_MORE, orgs),
        "classes.csv": table(CLASSES, classes),
        "users.csv": table(USERS, users),
        "enrollments.csv": table(ENROLLMENTS, rows),
    }
