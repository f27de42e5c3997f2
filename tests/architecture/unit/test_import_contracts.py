"""The import rules of the design are contracts that `make lint` checks (import-linter).

Each case plants one forbidden import in a copy of the code and shows its contract breaking,
so a contract that silently matches nothing cannot pass unnoticed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("bookend", "services", "gateway", "devstack")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(  # noqa: S603 - our own tool on our own copy
        [str(lint), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": str(lint.parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("code")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree)
    return tree


@pytest.fixture
def tree(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "code"
    shutil.copytree(pristine, copy)
    return copy


def test_the_code_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        (
            "services/catalog/lessons/service.py",
            "import services.feedback.domain",
            "A service never imports another service",
        ),
        (
            "gateway/context.py",
            "import services.catalog.lessons.store",
            "The gateway imports no service internals",
        ),
        (
            "services/feedback/live/api.py",
            "import gateway.app",
            "Services never import the gateway",
        ),
        (
            "bookend/problems/http.py",
            "import services.catalog.lessons.domain",
            "The shared libraries import no service, the gateway or the embedded launcher",
        ),
        (
            "services/feedback/live/api.py",
            "import aiokafka",
            "Only the event-bus library imports aiokafka",
        ),
        (
            "services/catalog/lessons/service.py",
            "import pymongo",
            "Only stores (and the MongoDB and outbox libraries) import pymongo",
        ),
        (
            "services/feedback/live/domain.py",
            "import fastapi",
            "A service's domain is pure Python: no I/O, web or storage",
        ),
        (
            "services/feedback/live/domain.py",
            "import services.feedback.live.store",
            "Each slice of a service is layered: api, service, store, ports, domain",
        ),
        (
            "services/catalog/lessons/domain.py",
            "import services.catalog.lessons.service",
            "Each slice of a service is layered: api, service, store, ports, domain",
        ),
    ],
    ids=[
        "service to service",
        "gateway to service",
        "service to gateway",
        "library to service",
        "aiokafka outside the event bus",
        "pymongo outside stores",
        "web framework in a domain",
        "domain above its store",
        "slice domain above its service",
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, planted: str, contract: str
) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{planted}  # planted by the test\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
