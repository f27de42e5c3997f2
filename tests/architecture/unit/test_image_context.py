"""The image's build context holds everything deploy/Dockerfile copies: .dockerignore is an
allow-list, and a folder missing from it fails `docker build` (no Docker engine runs here, so
this is checked by reading the two files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def allowed() -> set[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return {line[1:].rstrip("/") for line in lines if line.startswith("!")}


def copied() -> set[str]:
    """The sources of the Dockerfile's COPY lines from the build context."""
    found: set[str] = set()
    for line in (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip())
        if match:
            found.update(source.rstrip("/") for source in match.group(1).split())
    return found


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    assert copied(), "the Dockerfile copies nothing from the context?"
    assert copied() <= allowed(), f"not in .dockerignore's allow-list: {copied() - allowed()}"


def test_the_wheels_packages_are_all_copied() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = re.search(r"packages = \[(.*?)\]", pyproject)
    assert packages is not None
    wheel = {name.strip().strip('"') for name in packages.group(1).split(",")}
    assert wheel <= copied(), f"the wheel needs {wheel - copied()}"
