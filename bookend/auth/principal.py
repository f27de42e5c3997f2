"""Who is calling: the claims of a verified token."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from bookend.clock import UTC_ZONE
from bookend.problems import Forbidden


class Role(StrEnum):
    STUDENT = "student"
    GUARDIAN = "guardian"
    TEACHER = "teacher"
    SCHOOL_ADMIN = "school_admin"
    DISTRICT_ADMIN = "district_admin"
    INTEGRATION = "integration"


# The role sets every service checks against, defined once.
ADMINS = frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
STAFF = frozenset({Role.TEACHER, *ADMINS})


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    district: str
    roles: frozenset[Role]
    school: str | None = None
    sections: frozenset[str] = field(default_factory=frozenset)
    children: frozenset[str] = field(default_factory=frozenset)
    # The zone the viewer reads times in: the token's `zoneinfo` claim, else UTC (ADR 0045).
    zone: ZoneInfo = UTC_ZONE

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def require(self, *roles: Role) -> None:
        """Refuse unless the principal holds one of `roles`."""
        if not self.has(*roles):
            wanted = ", ".join(sorted(role.value for role in roles))
            raise Forbidden(f"this action needs one of the roles: {wanted}")

    @property
    def is_admin(self) -> bool:
        return self.has(*ADMINS)

    @property
    def is_staff(self) -> bool:
        return self.has(*STAFF)

    def may_view_student(self, student_id: str) -> bool:
        """A student sees themself, a guardian their children; staff are checked on sections."""
        if self.has(Role.STUDENT) and student_id == self.subject:
            return True
        return self.has(Role.GUARDIAN) and student_id in self.children
