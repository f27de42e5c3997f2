"""`bookend token` signs with the running stack's secret, and never makes one of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookend.auth import AuthSettings, TokenVerifier
from devstack.cli import main
from devstack.users import USERS_BY_ID


def test_without_a_secret_the_command_refuses_and_makes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOOKEND_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AUTH_DEV_SECRET", raising=False)
    assert main(["token", "student-amara"]) == 2
    assert "make run" in capsys.readouterr().err
    assert not (tmp_path / "home").exists()


def test_a_token_is_signed_with_the_homes_secret_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dev-secret").write_text("a-secret-of-the-running-stack-long-enough\n")
    monkeypatch.setenv("BOOKEND_HOME", str(home))
    monkeypatch.delenv("AUTH_DEV_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["token", "student-amara"]) == 0
    token = capsys.readouterr().out.strip()
    verifier = TokenVerifier(AuthSettings(dev_secret="a-secret-of-the-running-stack-long-enough"))
    assert verifier.verify(token) == USERS_BY_ID["student-amara"].principal
