"""The scheduler's HTTP API: the roster's, the sessions', the feed's and the calendars' routes
under one router."""

from fastapi import APIRouter

from services.scheduler.calendars.api import router as calendars
from services.scheduler.feed.api import router as feed
from services.scheduler.roster.api import router as roster
from services.scheduler.sessions.api import router as sessions

router = APIRouter()
for part in (roster, sessions, feed, calendars):
    router.include_router(part)
