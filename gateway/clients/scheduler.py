"""The scheduler's HTTP API as typed calls: roster, live sessions with their tasks, feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus
from bookend.http_contracts.scheduler import (
    Enrolment,
    EnrolmentPut,
    Feed,
    School,
    SchoolPut,
    Section,
    SectionList,
    SectionPut,
    Session,
    SessionCreate,
    SessionList,
)
from gateway.upstream import Upstream


class SchedulerClient:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def put_school(self, school_id: str, school: SchoolPut, *, token: str) -> School:
        return await self.upstream.call(
            School, "PUT", f"/schools/{school_id}", token=token, body=school
        )

    async def put_section(self, section_id: str, section: SectionPut, *, token: str) -> Section:
        return await self.upstream.call(
            Section, "PUT", f"/sections/{section_id}", token=token, body=section
        )

    async def enrol(
        self, section_id: str, student_id: str, enrolment: EnrolmentPut, *, token: str
    ) -> Enrolment:
        path = f"/sections/{section_id}/enrolments/{student_id}"
        return await self.upstream.call(Enrolment, "PUT", path, token=token, body=enrolment)

    async def list_sections(self, *, token: str) -> SectionList:
        return await self.upstream.call(SectionList, "GET", "/sections", token=token)

    async def schedule_session(self, session: SessionCreate, *, token: str) -> Session:
        return await self.upstream.call(Session, "POST", "/sessions", token=token, body=session)

    async def get_session(self, session_id: str, *, token: str) -> Session:
        return await self.upstream.call(Session, "GET", f"/sessions/{session_id}", token=token)

    async def list_sessions(self, section_id: str, *, token: str) -> SessionList:
        return await self.upstream.call(
            SessionList, "GET", f"/sections/{section_id}/sessions", token=token
        )

    async def start_session(self, session_id: str, *, token: str) -> Session:
        return await self.upstream.call(
            Session, "POST", f"/sessions/{session_id}/start", token=token
        )

    async def end_session(self, session_id: str, *, token: str) -> Session:
        return await self.upstream.call(Session, "POST", f"/sessions/{session_id}/end", token=token)

    async def read_feed(
        self,
        *,
        token: str,
        first: int,
        after: str | None = None,
        student_id: str | None = None,
        starts: datetime | None = None,
        ends: datetime | None = None,
        kinds: Sequence[FeedItemKind] = (),
        statuses: Sequence[FeedItemStatus] = (),
    ) -> Feed:
        params = {
            "student_id": student_id,
            "first": first,
            "after": after,
            "from": starts.isoformat() if starts else None,
            "to": ends.isoformat() if ends else None,
            # The scheduler reads each filter as one comma-separated list.
            "kinds": ",".join(kinds) or None,
            "statuses": ",".join(statuses) or None,
        }
        return await self.upstream.call(Feed, "GET", "/feed", token=token, params=params)
