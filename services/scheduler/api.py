"""The scheduler's HTTP API: the roster's, the sessions' and the feed's routes under one router."""

from fastapi import APIRouter

from services.scheduler.feed.api import router as feed
from services.scheduler.roster.api import router as roster
from services.scheduler.sessions.api import router as sessions

router = APIRouter()
for part in (roster, sessions, feed):
    router.include_router(part)
