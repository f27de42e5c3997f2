"""Recurring live sessions: an RFC 5545 RRULE expanded at the session's local wall time, with
the school's blackout dates skipped. Pure rules, no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bookend.problems import FieldError, InvalidInput

FIELD = "recurrence"
# A school year of daily sessions at the most: a longer rule is a mistake or an attack.
MAX_OCCURRENCES = 200
MAX_SPAN = timedelta(days=400)
MAX_INTERVAL = 52
MAX_RULE_LENGTH = 300
# The parts a timetable needs. BYHOUR and the like would put several sessions in one day (or
# move the time the request gave), BYSETPOS and BYYEARDAY make rules that rarely match.
ALLOWED_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "WKST"})
ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY"})
_DATE_ONLY = re.compile(r"^\d{8}$")


@dataclass(frozen=True, slots=True)
class Occurrence:
    starts_at: datetime  # aware, in the rule's zone
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Expansion:
    occurrences: tuple[Occurrence, ...]
    skipped: tuple[date, ...]  # local dates the rule gave that were blackout dates


def expand(
    rule: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    skip: Callable[[date], bool] = lambda day: False,
) -> Expansion:
    """Every occurrence of `rule` from the first session (`starts_at`, `ends_at`), each at the
    same local wall time in `time_zone` (across a change of summer time too), leaving out the
    local dates `skip` names; InvalidInput under `recurrence` when the rule is not one we take.

    Skipped dates are left out as an EXDATE would leave them: COUNT counts the dates the rule
    gives, so a COUNT=10 rule over one blackout date yields nine sessions.
    """
    zone = ZoneInfo(time_zone)
    first = starts_at.astimezone(zone)
    length = ends_at - starts_at
    parsed = _parse(rule, first, zone)
    limit = first + MAX_SPAN
    dates = list(islice(_until(parsed, limit), MAX_OCCURRENCES + 1))
    if len(dates) > MAX_OCCURRENCES:
        raise InvalidInput(FIELD, "max_occurrences", f"gives more than {MAX_OCCURRENCES} sessions")
    if parsed.after(limit) is not None:
        days = MAX_SPAN.days
        raise InvalidInput(FIELD, "max_span", f"runs more than {days} days past the first session")
    if not dates or dates[0] != first:
        message = "the first session (starts_at) must be one the rule gives"
        raise InvalidInput(FIELD, "starts_on_rule", message)
    kept = [moment for moment in dates if not skip(moment.date())]
    skipped = tuple(moment.date() for moment in dates if skip(moment.date()))
    # Aware arithmetic in one zone is wall-clock time: a 09:00-09:45 session stays so on the
    # day summer time changes.
    occurrences = tuple(Occurrence(moment, moment + length) for moment in kept)
    return Expansion(occurrences, skipped)


def _until(parsed: rrule, limit: datetime) -> Iterator[datetime]:
    for moment in parsed:
        if moment > limit:
            return
        yield moment


def _parse(rule: str, first: datetime, zone: ZoneInfo) -> rrule:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if len(text) > MAX_RULE_LENGTH:
        raise InvalidInput(FIELD, "max_length", f"must be at most {MAX_RULE_LENGTH} characters")
    if not text or not text.isprintable():
        raise InvalidInput(
            FIELD, "valid_rrule", "must be one RRULE line, e.g. FREQ=WEEKLY;COUNT=10"
        )
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        name = name.strip().upper()
        if not value or name in parts:
            raise InvalidInput(FIELD, "valid_rrule", f"{part!r} is not a NAME=VALUE part")
        parts[name] = value.strip()
    _check_parts(parts)
    until = parts.get("UNTIL")
    if until is not None and _DATE_ONLY.match(until):
        # A date alone means through that local day; the rule's dates are local, so in UTC.
        day = datetime.strptime(until, "%Y%m%d").date()
        end = datetime.combine(day, time(23, 59, 59), zone).astimezone(ZoneInfo("UTC"))
        parts["UNTIL"] = end.strftime("%Y%m%dT%H%M%SZ")
    normal = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        parsed = rrulestr(normal, dtstart=first, forceset=False)
    except (ValueError, TypeError, OverflowError) as bad:
        raise InvalidInput(FIELD, "valid_rrule", f"not a valid RRULE: {bad}"[:300]) from None
    assert isinstance(parsed, rrule)
    return parsed


def _check_parts(parts: dict[str, str]) -> None:
    errors: list[FieldError] = []
    unknown = sorted(set(parts) - ALLOWED_PARTS)
    if unknown:
        allowed = ", ".join(sorted(ALLOWED_PARTS))
        message = f"{', '.join(unknown)} not supported; use {allowed}"
        errors.append(FieldError(FIELD, "supported_parts", message))
    if parts.get("FREQ", "").upper() not in ALLOWED_FREQUENCIES:
        message = f"FREQ must be one of {', '.join(sorted(ALLOWED_FREQUENCIES))}"
        errors.append(FieldError(FIELD, "supported_freq", message))
    if ("COUNT" in parts) == ("UNTIL" in parts):
        message = "give COUNT or UNTIL (one of them): a series has an end"
        errors.append(FieldError(FIELD, "bounded", message))
    for name, top in (("COUNT", MAX_OCCURRENCES), ("INTERVAL", MAX_INTERVAL)):
        value = parts.get(name)
        if value is not None and not (value.isdigit() and 1 <= int(value) <= top):
            errors.append(FieldError(FIELD, "in_range", f"{name} must be between 1 and {top}"))
    if errors:
        raise InvalidInput.many(errors)
