"""Who sees what of a question, as a table: staff everything with the asker; the asker their
own as theirs; classmates class questions without their asker; no one else anything. A view
shared by an audience (the gateway's session stream) never depends on who asks (ADR 0035)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bookend.auth import Forbidden, Principal
from bookend.contracts import CloudEvent
from bookend.contracts.feedback import QuestionPhase, QuestionVisibility
from bookend.hosting import ServiceState
from bookend.ids import new_id
from bookend.paging import PageAsk
from bookend.problems import NotFound
from services.feedback.events import inbound
from services.feedback.questions import service
from services.feedback.questions.domain import (
    Question,
    QuestionView,
    Sight,
    Viewer,
    seen_by,
    sight,
)
from services.feedback.settings import FeedbackSettings
from tests.feedback import builders
from tests.feedback.fakes import FakeFeedback
from tests.feedback.question_builders import (
    DISTRICT_ADMIN,
    OTHER_DISTRICT_ADMIN,
    OTHER_SCHOOL_ADMIN,
    SCHOOL_ADMIN,
    guardian,
    student,
    teacher,
)
from tests.support.fakes import TickingClock

ALL = PageAsk()  # a first page, more than these tests list

ASKER, PEER = student("ana"), student("ben")
WHO: dict[str, Principal] = {
    "the asker": ASKER,
    "a classmate": PEER,
    "a student of another section": student("cy", sections=frozenset({"sec2"})),
    "the section's teacher": teacher(),
    "another section's teacher": teacher("t2", sections=frozenset({"sec2"})),
    "an admin of the section's school": SCHOOL_ADMIN,
    "an admin of another school": OTHER_SCHOOL_ADMIN,
    "the district admin": DISTRICT_ADMIN,
    "another district's admin": OTHER_DISTRICT_ADMIN,
    "the asker's guardian": guardian("g1", "ana"),
    "a classmate's guardian": guardian("g2", "ben"),
}
TEACHER_ONLY, CLASS = QuestionVisibility.TEACHER, QuestionVisibility.CLASS

# who: what they see of a teacher-only question and of a class question, in a session's list
SEES = {
    "the asker": ("mine", "mine"),
    "a classmate": (None, "peer"),
    "a student of another section": ("refused", "refused"),
    "the section's teacher": ("staff", "staff"),
    "another section's teacher": ("refused", "refused"),
    "an admin of the section's school": ("staff", "staff"),
    "an admin of another school": ("refused", "refused"),
    "the district admin": ("staff", "staff"),
    "another district's admin": ("refused", "refused"),
    "the asker's guardian": ("refused", "refused"),
    "a classmate's guardian": ("refused", "refused"),
}
# The same, of a view shared by everyone with the viewer's claims
SHARED = {
    **{who: ("none", "none") for who in SEES},
    "the asker": ("none", "peer"),
    "a classmate": ("none", "peer"),
    "the section's teacher": ("staff", "staff"),
    "an admin of the section's school": ("staff", "staff"),
    "the district admin": ("staff", "staff"),
}


async def deliver(store: FakeFeedback, event: CloudEvent) -> None:
    state = ServiceState(store=store, settings=FeedbackSettings(), clock=TickingClock(), ids=new_id)
    await inbound(state)(event)


async def asked(visibility: QuestionVisibility) -> tuple[FakeFeedback, QuestionView]:
    """Session s1 of sec1 (school-1 in d1), scheduled; Ana asked about it."""
    store = FakeFeedback()
    await deliver(store, builders.scheduled("s1", "sec1", "d1", "school-1"))
    view = await service.ask_question(
        "s1",
        text="Why does the rule flip for negatives?",
        visibility=visibility,
        principal=ASKER,
        store=store,
        clock=TickingClock(),
        ids=new_id,
    )
    return store, view


def kind_of(view: QuestionView) -> str:
    if view.asker_id is not None:
        return "staff"
    if view.mine:
        return "mine"
    return "peer" if view.mine is False else "shared"


async def listed(store: FakeFeedback, who: Principal) -> str | None:
    try:
        views = (await service.list_session_questions("s1", ALL, principal=who, reads=store)).items
    except (Forbidden, NotFound):
        return "refused"
    if not views:
        return None
    [view] = views
    assert view.text == "Why does the rule flip for negatives?"
    return kind_of(view)


@pytest.mark.parametrize("who", SEES)
async def test_a_sessions_questions_are_listed_to_each_by_the_table(who: str) -> None:
    seen = []
    for visibility in (TEACHER_ONLY, CLASS):
        store, _ = await asked(visibility)
        seen.append(await listed(store, WHO[who]))
    assert tuple(seen) == SEES[who]


@pytest.mark.parametrize("who", SEES)
async def test_a_question_by_id_is_given_to_each_as_in_the_sessions_list(who: str) -> None:
    """What the gateway fetches for the asker of a teacher-only question (ADR 0039): by the
    same table, one a reader does not see in the list does not exist for them."""
    seen: list[str | None] = []
    for visibility in (TEACHER_ONLY, CLASS):
        store, view = await asked(visibility)
        try:
            one = await service.get_question(view.id, principal=WHO[who], reads=store)
        except NotFound:
            seen.append(None)
            continue
        seen.append(kind_of(one))
    expected = tuple(None if kind == "refused" else kind for kind in SEES[who])
    assert tuple(seen) == expected


@pytest.mark.parametrize("who", SEES)
async def test_questions_left_for_the_follow_up_are_given_to_each_as_in_the_sessions_list(
    who: str,
) -> None:
    """What a live session shows of its follow-up: by the same table, a session the reader
    may not read having none for them rather than refusing every session asked with it."""
    seen: list[str | None] = []
    for visibility in (TEACHER_ONLY, CLASS):
        store, view = await asked(visibility)
        await service.mark_for_follow_up(
            view.id, principal=teacher(), store=store, clock=TickingClock()
        )
        pages = await service.list_follow_up_questions(
            ["s1", "s-unknown"], ALL, principal=WHO[who], reads=store
        )
        assert pages["s-unknown"].items == []
        views = pages["s1"].items
        seen.append(kind_of(views[0]) if views else None)
    expected = tuple(None if kind == "refused" else kind for kind in SEES[who])
    assert tuple(seen) == expected


@pytest.mark.parametrize("who", SHARED)
async def test_a_shared_view_is_given_to_each_by_the_table(who: str) -> None:
    seen = []
    for visibility in (TEACHER_ONLY, CLASS):
        store, view = await asked(visibility)
        try:
            shared = await service.get_shared_question(view.id, principal=WHO[who], reads=store)
        except NotFound:
            seen.append("none")
            continue
        assert (shared.mine, shared.upvoted) == (None, None)
        seen.append("staff" if shared.asker_id == "ana" else "peer")
    assert tuple(seen) == SHARED[who]


@pytest.mark.parametrize("visibility", [TEACHER_ONLY, CLASS])
@pytest.mark.parametrize(
    "claims",
    [ASKER, teacher(), DISTRICT_ADMIN, guardian("g1", "ana"), student("cy", frozenset({"sec2"}))],
    ids=["student", "teacher", "district admin", "guardian", "other student"],
)
async def test_a_shared_view_depends_on_the_claims_not_on_who_asks(
    visibility: QuestionVisibility, claims: Principal
) -> None:
    """The gateway resolves a session stream's event once per audience, with the first
    subscriber's token (ADR 0018): the asker's answer must be their classmates'."""
    store, view = await asked(visibility)
    answers = []
    for subject in ("ana", "ben", "t1", "g1", "zed"):
        try:
            shared = await service.get_shared_question(
                view.id, principal=replace(claims, subject=subject), reads=store
            )
            answers.append(repr(shared))
        except NotFound as refused:
            answers.append(type(refused).__name__)
    assert len(set(answers)) == 1, answers


def question(visibility: QuestionVisibility) -> Question:
    return Question(
        id="q1",
        district_id="d1",
        session_id="s1",
        section_id="sec1",
        asker_id="ana",
        text="?",
        visibility=visibility,
        phase=QuestionPhase.BEFORE,
        asked_at=builders.START,
        upvoter_ids=("ben",),
    )


@pytest.mark.parametrize(
    ("viewer", "teacher_only", "in_class"),
    [
        (Viewer(staff=True, student=False, subject="t1"), Sight.STAFF, Sight.STAFF),
        (Viewer(staff=True, student=False), Sight.STAFF, Sight.STAFF),
        (Viewer(staff=False, student=True, subject="ana"), Sight.ASKER, Sight.ASKER),
        (Viewer(staff=False, student=True, subject="ben"), Sight.NONE, Sight.PEER),
        (Viewer(staff=False, student=True), Sight.NONE, Sight.PEER),
        (Viewer(staff=False, student=False, subject="ana"), Sight.NONE, Sight.NONE),
        (Viewer(staff=False, student=False), Sight.NONE, Sight.NONE),
    ],
    ids=[
        "staff",
        "staff, shared",
        "the asker",
        "a classmate",
        "students, shared",
        "the asker, no longer in the section",
        "anyone else, shared",
    ],
)
def test_sight_of_a_question(viewer: Viewer, teacher_only: Sight, in_class: Sight) -> None:
    assert sight(question(TEACHER_ONLY), viewer) is teacher_only
    assert sight(question(CLASS), viewer) is in_class


def test_no_view_but_staffs_names_the_asker_and_none_names_upvoters() -> None:
    for viewer in (
        Viewer(staff=False, student=True, subject="ana"),
        Viewer(staff=False, student=True, subject="ben"),
        Viewer(staff=False, student=True),
    ):
        view = seen_by(question(CLASS), viewer)
        assert view is not None and view.asker_id is None
    staff = seen_by(question(CLASS), Viewer(staff=True, student=False, subject="t1"))
    assert staff is not None and staff.asker_id == "ana"
    assert not hasattr(staff, "upvoter_ids")
    ben = seen_by(question(CLASS), Viewer(staff=False, student=True, subject="ben"))
    assert ben is not None and (ben.mine, ben.upvoted, ben.upvotes) == (False, True, 1)
