"""The wrk script the bench writes and the figures it reads back."""

from __future__ import annotations

import pytest

from benchmarks.load import Target, lua_script, parse_done


def test_the_script_quotes_body_and_headers_verbatim_in_long_brackets() -> None:
    body = '{"query": "{ a[b] }", "x": "]]"}'
    script = lua_script(Target("gw", "http://h/graphql", "POST", body, {"Authorization": "B t"}))
    assert "wrk.method = [[POST]]" in script
    assert f"wrk.body = [=[{body}]=]" in script
    # A space after `[`: `headers[[[` would open a long string.
    assert "wrk.headers[ [[Authorization]] ] = [[B t]]" in script


def test_a_marker_counts_answers_that_carry_it_as_errors() -> None:
    script = lua_script(Target("gw", "http://h/graphql", failure_marker='"errors"'))
    assert 'string.find(body, [["errors"]], 1, true)' in script
    assert "response = function" not in lua_script(Target("plain", "http://h/feed"))


def test_the_done_line_gives_requests_seconds_and_milliseconds() -> None:
    output = "Running 8s test\nBENCH 800 8000000 12500 48000 3\nRequests/sec: 100\n"
    assert parse_done(output) == (800, 8.0, 12.5, 48.0, 3)


def test_output_without_figures_is_an_error_that_shows_it() -> None:
    with pytest.raises(RuntimeError, match="unexpected symbol"):
        parse_done("script.lua:3: unexpected symbol near ']'")
