"""The public schema's contract: its SDL as the gateway serves it, checked in as
`schema.graphql`, and the changes from the checked-in one that would break existing clients,
refused unless listed on purpose in `schema-breaking-allowed.txt` (ADR 0040)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema as build_from_sdl
from graphql import find_breaking_changes, find_dangerous_changes
from strawberry.printer import print_schema

from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings


def served_sdl() -> str:
    """The SDL of the schema the gateway serves (its types do not depend on the settings)."""
    return print_schema(build_schema(GatewaySettings())) + "\n"


def breaking_changes(before: str, after: str) -> list[str]:
    """What in `after` breaks a client written against `before`: a type or field removed, an
    argument added as required or its type changed, a field's type changed, an enum value
    removed... each as `KIND: description`, the form the allow-list takes."""
    changes = find_breaking_changes(build_from_sdl(before), build_from_sdl(after))
    return [f"{change.type.name}: {change.description}" for change in changes]


def dangerous_changes(before: str, after: str) -> list[str]:
    """What may change how existing clients behave without breaking them (an enum value or
    an optional argument added, a default changed): said, never refused."""
    changes = find_dangerous_changes(build_from_sdl(before), build_from_sdl(after))
    return [f"{change.type.name}: {change.description}" for change in changes]


def allowed_breaking_changes(path: Path) -> frozenset[str]:
    """The allow-list: one change a line, as `breaking_changes` words it; `#` comments (the
    reason, and what clients do instead) and blank lines are skipped."""
    if not path.exists():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class Export:
    written: bool
    refused: list[str]  # breaking changes not on the allow-list: nothing was written
    dangerous: list[str]


def export(sdl: str, out: Path, allowed: Path) -> Export:
    """Write `sdl` to `out`, unless it breaks clients of the SDL there now in a way the
    allow-list at `allowed` does not name."""
    before = out.read_text(encoding="utf-8") if out.exists() else None
    if before is None:
        out.write_text(sdl, encoding="utf-8")
        return Export(written=True, refused=[], dangerous=[])
    permitted = allowed_breaking_changes(allowed)
    refused = [c for c in breaking_changes(before, sdl) if c not in permitted]
    dangerous = dangerous_changes(before, sdl)
    if refused:
        return Export(written=False, refused=refused, dangerous=dangerous)
    if sdl != before:
        out.write_text(sdl, encoding="utf-8")
    return Export(written=sdl != before, refused=[], dangerous=dangerous)
