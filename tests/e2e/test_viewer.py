"""Who the token says you are, as the API reads it back: roles by their enum names."""

from __future__ import annotations

from bookend.auth import Role
from tests.e2e.client import ClientFor
from tests.support.global_ids import gid


async def test_the_viewer_reads_back_their_roles_as_enum_names(client_for: ClientFor) -> None:
    head = client_for("head-of-school", Role.TEACHER, Role.SCHOOL_ADMIN, district="district-1")
    viewer = (await head.run("{ viewer { id districtId roles } }"))["viewer"]
    assert viewer == {
        "id": gid("Person", "head-of-school"),
        "districtId": gid("District", "district-1"),
        "roles": ["SCHOOL_ADMIN", "TEACHER"],
    }
