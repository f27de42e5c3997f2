"""The integrations component on the real embedded broker and store: public events relayed to
their district's topic, logged for replay, and delivered to signed webhooks (ADR 0050)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import jsonschema
import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent, district_topic, new_event
from bookend.contracts.documents import json_schemas
from bookend.contracts.feedback import CheckInRecorded, CheckInSignal
from bookend.eventbus import KafkaPublisher, KafkaSettings, ensure_topics, missing_topics
from gateway.integrations.app import create_app
from tests.integrations.builders import START, cancelled, scheduled
from tests.integrations.component import deliveries, manager, register, settings
from tests.support.auth import token_for
from tests.support.polling import eventually
from tests.support.running import Fresh, Served, running, watching
from tests.support.webhooks import Receiver, receiver_at


def checked_in(district: str, section: str, session: str) -> CloudEvent:
    payload = CheckInRecorded(
        district_id=district,
        checkin_id="c-1",
        session_id=session,
        section_id=section,
        student_id="student-1",
        signal=CheckInSignal.LOST,
        has_note=True,
        recorded_at=START,
    )
    return new_event("bookend/feedback", payload)


@pytest.fixture
async def component(fresh: Fresh) -> AsyncIterator[Served]:
    async with fresh.serve(create_app, settings(fresh), "integrations") as served:
        yield served


async def test_a_districts_public_events_reach_its_topic_alone_in_order_per_section(
    component: Served, publisher: KafkaPublisher, kafka_settings: KafkaSettings, fresh: Fresh
) -> None:
    mine, theirs = fresh.unique("district"), fresh.unique("district")
    events = [
        scheduled(mine, "section-a", "s-1"),
        scheduled(mine, "section-b", "s-2"),
        cancelled(mine, "section-a", "s-1"),
        checked_in(mine, "section-a", "s-1"),  # not public: never relayed
        scheduled(theirs, "section-c", "s-3"),
        scheduled(mine, "section-a", "s-4"),
    ]
    for event in events:
        await publisher.publish(event)
    await publisher.publish(events[0])  # delivered twice: relayed once

    public_mine = [e.id for e in events if e.districtid == mine and "checkin" not in e.type]
    async with watching(kafka_settings, [district_topic(mine)], fresh.unique("watch")) as seen:
        got = await eventually(lambda: seen if len(seen) >= len(public_mine) else None)
    assert sorted(e.id for e in got) == sorted(public_mine)
    assert all(e.districtid == mine for e in got)
    schemas = json_schemas()  # what docs/contracts publishes (a test keeps them the same)
    for relayed in got:
        jsonschema.validate(relayed.data, schemas[relayed.type])
    for section in ("section-a", "section-b"):
        order = [e.id for e in got if e.key == section]
        assert order == [
            i for i in public_mine if events[[e.id for e in events].index(i)].key == section
        ]

    replayed = await component.http.get("/events", params={"first": 2}, headers=manager(mine))
    assert replayed.status_code == 200, replayed.text
    first = replayed.json()
    rest = await component.http.get(
        "/events", params={"after": first["page_info"]["end_cursor"]}, headers=manager(mine)
    )
    ids = [e["id"] for e in first["items"]] + [e["id"] for e in rest.json()["items"]]
    assert ids == public_mine
    others = await component.http.get("/events", headers=manager(theirs))
    assert [e["id"] for e in others.json()["items"]] == [events[4].id]


async def test_a_receiver_that_fails_a_while_gets_every_event_as_often_as_its_attempts_say(
    component: Served, publisher: KafkaPublisher, fresh: Fresh
) -> None:
    district = fresh.unique("district")
    receiver = Receiver(failing=[503, 503, 500])
    with receiver_at(receiver) as url:
        endpoint, secret = await register(component, district, url)
        events = [scheduled(district, "section-a", f"s-{n}") for n in range(4)]
        for event in events:
            await publisher.publish(event)

        async def all_delivered() -> list[dict[str, Any]] | None:
            found = await deliveries(component, district, endpoint)
            done = len(found) == len(events) and all(d["status"] == "delivered" for d in found)
            return found if done else None

        log = await eventually(all_delivered)
        bodies = receiver.verified(secret)  # every signature checks, or this raises

    arrived = Counter(body["id"] for body in bodies)
    attempts = {d["event_id"]: len(d["attempts"]) for d in log}
    assert arrived == Counter(attempts)  # each as often as its attempts, none lost
    assert set(arrived) == {e.id for e in events}
    assert sum(attempts.values()) == len(events) + 3
    assert all(b["specversion"] == "1.0" and b["districtid"] == district for b in bodies)


async def test_a_410_disables_the_endpoint_and_a_redrive_once_enabled_loses_nothing(
    component: Served, publisher: KafkaPublisher, fresh: Fresh
) -> None:
    district = fresh.unique("district")
    receiver = Receiver(failing=[410])
    with receiver_at(receiver) as url:
        endpoint, secret = await register(component, district, url)
        await publisher.publish(scheduled(district, "section-a", "s-1"))

        async def disabled() -> dict[str, Any] | None:
            found = await component.http.get(f"/endpoints/{endpoint}", headers=manager(district))
            body: dict[str, Any] = found.json()
            return body if body["status"] == "disabled" else None

        assert "410" in (await eventually(disabled))["disabled_reason"]
        refused = await component.http.post(
            f"/endpoints/{endpoint}/redrive", json={}, headers=manager(district)
        )
        assert refused.status_code == 409
        assert refused.json()["code"] == "ENDPOINT_DISABLED"

        enabled = await component.http.patch(
            f"/endpoints/{endpoint}", json={"enabled": True}, headers=manager(district)
        )
        assert enabled.json()["status"] == "active"
        redriven = await component.http.post(
            f"/endpoints/{endpoint}/redrive", json={}, headers=manager(district)
        )
        assert redriven.json() == {"count": 1}

        async def delivered() -> bool:
            found = await deliveries(component, district, endpoint)
            return [d["status"] for d in found] == ["delivered"]

        await eventually(delivered)
        assert len(receiver.verified(secret)) == 2


async def test_retries_that_run_out_leave_a_dead_letter(
    component: Served, publisher: KafkaPublisher, fresh: Fresh
) -> None:
    district = fresh.unique("district")
    receiver = Receiver(failing=[503] * 50)
    with receiver_at(receiver) as url:
        endpoint, _ = await register(component, district, url)
        await publisher.publish(scheduled(district, "section-a", "s-1"))

        async def dead() -> dict[str, Any] | None:
            found = await deliveries(component, district, endpoint)
            return found[0] if found and found[0]["status"] == "dead" else None

        letter = await eventually(dead)
    assert len(letter["attempts"]) == 4  # the first and the three of the schedule
    assert "retries ran out" in letter["dead_reason"]
    assert len(receiver.received) == 4


async def test_a_rotated_secret_signs_beside_the_old_one_during_the_overlap(
    component: Served, publisher: KafkaPublisher, fresh: Fresh
) -> None:
    district = fresh.unique("district")
    receiver = Receiver()
    with receiver_at(receiver) as url:
        endpoint, old = await register(component, district, url)
        rotated = await component.http.post(
            f"/endpoints/{endpoint}/rotate-secret", json={"overlap_hours": 1},
            headers=manager(district),
        )  # fmt: skip
        new = rotated.json()["secret"]
        await publisher.publish(scheduled(district, "section-a", "s-1"))
        await eventually(lambda: receiver.received)
    assert receiver.verified(old) == receiver.verified(new)


async def test_an_endpoint_on_a_private_address_is_refused_without_the_development_setting(
    fresh: Fresh,
) -> None:
    production = settings(fresh, allow_private_addresses=False)
    async with fresh.serve(create_app, production, "integrations") as served:
        for url, rule in (
            ("https://127.0.0.1/hook", "private_address"),
            ("https://169.254.169.254/latest", "private_address"),
            ("http://hooks.example.org/x", "url_scheme"),
        ):
            response = await served.http.post(
                "/endpoints", json={"url": url}, headers=manager("district-1")
            )
            assert response.status_code == 422, response.text
            assert response.json()["errors"][0]["field"] == "url"
            assert response.json()["errors"][0]["rule"] == rule
        listed = await served.http.get("/endpoints", headers=manager("district-1"))
        assert listed.json()["items"] == []


async def test_only_an_integration_or_a_district_admin_manages_endpoints(
    component: Served,
) -> None:
    teacher = token_for("teacher-1", Role.TEACHER)
    response = await component.http.get(
        "/endpoints", headers={"Authorization": f"Bearer {teacher}"}
    )
    assert response.status_code == 403
    admin = token_for("admin-1", Role.DISTRICT_ADMIN)
    response = await component.http.get("/endpoints", headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200


async def test_a_component_stopped_mid_way_relays_and_delivers_everything_once_restarted(
    fresh: Fresh, publisher: KafkaPublisher, kafka_settings: KafkaSettings
) -> None:
    """Events published while it is down wait in Kafka; deliveries pending when it stopped
    wait in its store: a new process on the same database and group finishes both."""
    district = fresh.unique("district")
    same = settings(fresh)
    receiver = Receiver(failing=[503])
    with receiver_at(receiver) as url:
        async with fresh.serve(create_app, same, "integrations") as first:
            endpoint, secret = await register(first, district, url)
            await publisher.publish(scheduled(district, "section-a", "s-1"))
            await eventually(lambda: receiver.received)  # its first attempt failed
        during = [scheduled(district, "section-a", f"s-{n}") for n in range(2, 5)]
        for event in during:
            await publisher.publish(event)
        async with fresh.serve(create_app, same, "integrations") as second:

            async def all_delivered() -> list[dict[str, Any]] | None:
                found = await deliveries(second, district, endpoint)
                done = len(found) == 4 and all(d["status"] == "delivered" for d in found)
                return found if done else None

            log = await eventually(all_delivered)
            replayed = await second.http.get("/events", headers=manager(district))
            group = fresh.unique("watch")
            async with watching(kafka_settings, [district_topic(district)], group) as seen:
                relayed = await eventually(lambda: seen if len(seen) >= 4 else None)
        bodies = receiver.verified(secret)
    ids = [e["id"] for e in replayed.json()["items"]]
    assert len(ids) == len(set(ids)) == 4
    arrived = Counter(b["id"] for b in bodies)
    assert arrived == Counter({ids[0]: 2, **dict.fromkeys(ids[1:], 1)})
    # The attempt under way when it stopped was finished and recorded, not cut off unlogged.
    assert arrived == Counter({d["event_id"]: len(d["attempts"]) for d in log})
    assert sorted(e.id for e in relayed) == sorted(ids)


async def test_a_district_without_its_topic_holds_back_no_other_district(
    fresh: Fresh, publisher: KafkaPublisher, kafka_settings: KafkaSettings
) -> None:
    """Where the platform declares topics (production), a district not onboarded yet has none:
    its events are logged for replay, not sent to Kafka, and the next district's still go."""
    onboarded, not_yet = fresh.unique("district"), fresh.unique("district")
    await ensure_topics(kafka_settings, [district_topic(onboarded)], dead_letters=False)
    declared_by_platform = kafka_settings.model_copy(update={"create_topics": False})
    app = create_app(
        settings(fresh), kafka=declared_by_platform, mongo=fresh.mongo, auth=fresh.auth
    )
    async with running(app, "integrations") as http:
        waiting = scheduled(not_yet, "section-a", "s-1")
        flowing = scheduled(onboarded, "section-b", "s-2")
        await publisher.publish(waiting)
        await publisher.publish(flowing)
        group = fresh.unique("watch")
        async with watching(kafka_settings, [district_topic(onboarded)], group) as seen:
            arrived = await eventually(lambda: seen)
        assert [e.id for e in arrived] == [flowing.id]

        async def logged() -> list[str] | None:
            found = await http.get("/events", headers=manager(not_yet))
            return [e["id"] for e in found.json()["items"]] or None

        assert await eventually(logged) == [waiting.id]
    assert district_topic(not_yet) in await missing_topics(
        kafka_settings, [district_topic(not_yet)]
    )
