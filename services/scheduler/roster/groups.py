"""Named groups of a section's students ("reading group B", "needs support"), which a teacher
assigns on-demand work to. Staff of the section only: a group's name can say something about
its students, so students and guardians never see groups. Pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bookend.problems import FieldError, InvalidInput, NotFound, refuse_if
from services.scheduler.roster.domain import SchedulerError
from services.scheduler.roster.rules import text_errors

MAX_GROUP_NAME = 80
# A class's worth of students, several times over; a whole section is assigned as one.
MAX_GROUP_MEMBERS = 200
# Far more than a teacher keeps in one section; the bound keeps a section's list small.
MAX_GROUPS_IN_SECTION = 100


class GroupNotFound(SchedulerError, NotFound):
    code = "GROUP_NOT_FOUND"

    def __init__(self, group_id: str) -> None:
        super().__init__(f"no group {group_id!r} in this district")


class GroupNameTaken(SchedulerError, InvalidInput):
    def __init__(self) -> None:
        # The name itself is left out: it may say something about the students.
        message = "another group of this section has this name (names ignore case)"
        super().__init__("name", "unique_in_section", message)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    district_id: str
    section_id: str
    name: str
    student_ids: tuple[str, ...]
    created_by: str

    @property
    def name_key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """What two names must not share in one section: "Group A" and "group  a" are one name."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class GroupDraft:
    """A group's name and members as a teacher gives them, before they are checked."""

    name: str
    student_ids: Sequence[str]

    def name_errors(self) -> list[FieldError]:
        return text_errors([("name", self.name.strip())], limit=MAX_GROUP_NAME)

    def member_errors(self, enrolled: Collection[str]) -> list[FieldError]:
        if not self.student_ids:
            return [FieldError("student_ids", "not_empty", "name at least one student")]
        if len(self.student_ids) > MAX_GROUP_MEMBERS:
            message = f"at most {MAX_GROUP_MEMBERS}; assign the section instead"
            return [FieldError("student_ids", "max_items", message)]
        strangers = sorted(set(self.student_ids) - set(enrolled))
        if strangers:
            message = f"not enrolled in the section: {', '.join(strangers[:20])}"
            return [FieldError("student_ids", "enrolled", message)]
        return []


def grouped(
    draft: GroupDraft,
    *,
    group_id: str,
    section_id: str,
    district_id: str,
    created_by: str,
    enrolled: Collection[str],
    others: Sequence[Group],
) -> Group:
    """The group the draft makes in its section, or InvalidInput naming every broken rule: its
    name unique among the section's `others`, its members enrolled."""
    group = Group(
        id=group_id,
        district_id=district_id,
        section_id=section_id,
        name=draft.name.strip(),
        student_ids=tuple(dict.fromkeys(draft.student_ids)),
        created_by=created_by,
    )
    errors = draft.name_errors()
    if not errors and any(other.name_key == group.name_key for other in others):
        errors += GroupNameTaken().errors
    refuse_if(errors + draft.member_errors(enrolled))
    return group


def members_enrolled(group: Group, enrolled: Collection[str]) -> tuple[str, ...]:
    """The group's members still enrolled in its section, or InvalidInput (`group_id`) when
    none is: work for an empty group would reach no one."""
    still = set(enrolled)
    members = tuple(student for student in group.student_ids if student in still)
    if not members:
        message = f"no student of group {group.id!r} is enrolled in the section any more"
        raise InvalidInput("group_id", "has_enrolled_members", message)
    return members
