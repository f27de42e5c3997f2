"""`bookend trusted-documents` writes the manifest the gateway reads (ADR 0043): each .graphql
file one document, by the SHA-256 of its exact text; a file that does not parse is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devstack.cli import main
from gateway.trusted import TrustedDocuments, document_id

ME = "query Me {\n  viewer {\n    id\n  }\n}\n"
FEED = "query Feed { feed { edges { cursor } } }"


def test_a_folder_of_documents_becomes_a_manifest_the_gateway_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app" / "feed").mkdir(parents=True)
    (tmp_path / "app" / "me.graphql").write_text(ME)
    (tmp_path / "app" / "feed" / "feed.gql").write_text(FEED)
    (tmp_path / "app" / "notes.txt").write_text("not a document")
    out = tmp_path / "persisted-documents.json"
    assert main(["trusted-documents", str(tmp_path / "app"), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == {document_id(ME): ME, document_id(FEED): FEED}
    assert "2 documents from 2 files" in capsys.readouterr().out
    trusted = TrustedDocuments.from_manifest(out, only_trusted=True)
    assert trusted.resolve({"documentId": document_id(ME)})["query"] == ME


def test_a_file_that_does_not_parse_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.graphql"
    broken.write_text("query { viewer {")
    out = tmp_path / "manifest.json"
    assert main(["trusted-documents", str(broken), "--out", str(out)]) == 1
    assert f"trusted documents {broken}" in capsys.readouterr().err
    assert not out.exists()
