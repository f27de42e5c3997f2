"""The scheduler's HTTP API: the roster's, the sessions', the feed's, the calendars' and the
balance policies' routes under one router."""

from fastapi import APIRouter

from services.scheduler.adjustments.api import router as adjustments
from services.scheduler.balance.api import router as balance
from services.scheduler.calendars.api import router as calendars
from services.scheduler.feed.api import router as feed
from services.scheduler.roster.api import router as roster
from services.scheduler.sessions.api import router as sessions

router = APIRouter()
for part in (roster, sessions, feed, calendars, balance, adjustments):
    router.include_router(part)
