"""Calendar links: a secret address per student or section that calendar apps poll without a
token. Pure rules, no I/O.

The secret is the credential. It is made here, shown once, and kept only as its SHA-256 hash:
a stolen database opens no calendar, and a revoked link's hash is dropped, so its address is
then exactly as unknown as one that never existed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import ClassVar

from bookend.clock import Span, stored_instant
from bookend.contracts.scheduler import CalendarOwner
from bookend.problems import Conflict, FieldError, NotFound, ProblemKind, refuse_if
from services.scheduler.roster.domain import SchedulerError

# 32 random bytes: 256 bits, 43 URL-safe characters. Guessing one is hopeless, so a calendar
# address needs no rate limit against enumeration, only against a poller (see api.py).
SECRET_BYTES = 32
MAX_ID_LENGTH = 200
# A revoked link keeps a unique marker where its hash was: no secret hashes to it.
REVOKED_MARK = "revoked:"


class CalendarLinkNotFound(SchedulerError, NotFound):
    code = "CALENDAR_LINK_NOT_FOUND"

    def __init__(self, link_id: str) -> None:
        super().__init__(f"no calendar link {link_id!r} in this district")


class CalendarNotFound(SchedulerError, NotFound):
    """One answer for an address that is malformed, unknown or revoked: nothing to tell apart."""

    code = "CALENDAR_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("no calendar at this address")


class PolledTooOften(SchedulerError, kind=ProblemKind.UNAVAILABLE, status=429):
    """A link fetched more often than any calendar app needs: come back after a while."""

    code: ClassVar[str] = "TOO_MANY_REQUESTS"

    def __init__(self) -> None:
        super().__init__("this calendar is fetched too often: come back later")


class CalendarLinksExhausted(SchedulerError, Conflict):
    code = "CALENDAR_LINKS_EXHAUSTED"

    def __init__(self, bound: int) -> None:
        super().__init__(
            f"this calendar already has {bound} live links, the most it may have: "
            "revoke one that is no longer used first"
        )


class StudentUnknown(SchedulerError, NotFound):
    code = "STUDENT_NOT_FOUND"

    def __init__(self, student_id: str) -> None:
        super().__init__(f"no student {student_id!r} enrolled in this district")


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose calendar: a student's feed or a section's sessions and tasks."""

    kind: CalendarOwner
    id: str


def owner_of(*, student_id: str | None, section_id: str | None) -> Owner:
    """The one owner a request names, or InvalidInput naming every broken rule."""
    errors: list[FieldError] = []
    named = [
        (field, value)
        for field, value in (("student_id", student_id), ("section_id", section_id))
        if value is not None
    ]
    if len(named) != 1:
        message = "name exactly one of student_id and section_id"
        errors += [
            FieldError(field, "one_owner", message) for field in ("student_id", "section_id")
        ]
    for field, value in named:
        if not value.strip() or len(value) > MAX_ID_LENGTH:
            message = f"must be 1 to {MAX_ID_LENGTH} characters, not blank"
            errors.append(FieldError(field, "valid_id", message))
    refuse_if(errors)
    field, value = named[0]
    kind = CalendarOwner.STUDENT if field == "student_id" else CalendarOwner.SECTION
    return Owner(kind, value)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """Whatever a client sent, hashed the same way: a malformed secret costs the same lookup
    as a well-formed one and finds nothing, like a revoked one."""
    return hashlib.sha256(secret.encode("utf-8", "backslashreplace")).hexdigest()


@dataclass(frozen=True, slots=True)
class CalendarLink:
    id: str
    district_id: str
    owner_kind: CalendarOwner
    owner_id: str
    created_by: str
    created_at: datetime
    secret_hash: str
    revoked_at: datetime | None = None

    @property
    def owner(self) -> Owner:
        return Owner(self.owner_kind, self.owner_id)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def revoke(self, at: datetime) -> CalendarLink:
        """Revoked at once and for good; revoking again changes nothing."""
        if not self.is_live:
            return self
        return replace(self, revoked_at=stored_instant(at), secret_hash=f"{REVOKED_MARK}{self.id}")


@dataclass(frozen=True, slots=True)
class NewLink:
    """A link and its secret, which exists only in this answer."""

    link: CalendarLink
    secret: str


def new_link(
    link_id: str, owner: Owner, *, district_id: str, created_by: str, at: datetime, secret: str
) -> NewLink:
    link = CalendarLink(
        id=link_id,
        district_id=district_id,
        owner_kind=owner.kind,
        owner_id=owner.id,
        created_by=created_by,
        created_at=stored_instant(at),
        secret_hash=secret_hash(secret),
    )
    return NewLink(link, secret)


def require_room(live_links: int, bound: int) -> None:
    """Several links per calendar (one per device or family member), but a bounded number."""
    if live_links >= bound:
        raise CalendarLinksExhausted(bound)


@dataclass(frozen=True, slots=True)
class CalendarWindow:
    """What a calendar shows: from some days back to some days ahead, at most so many events."""

    days_back: int
    days_ahead: int
    max_events: int

    def around(self, now: datetime) -> Span:
        return Span(now - timedelta(days=self.days_back), now + timedelta(days=self.days_ahead))
