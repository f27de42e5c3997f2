"""The copies a consumer tries to dead-letter: whole first, then cut until one fits."""

from __future__ import annotations

import hashlib

from bookend.eventbus.deadletters import Failed, is_whole, letters, what_was_cut


def failed(key: bytes, value: bytes, headers: list[tuple[str, bytes | None]]) -> Failed:
    return Failed(
        topic="t",
        partition=2,
        offset=7,
        key=key,
        value=value,
        headers=headers,
        reason="undecodable: bad header",
        group="bookend.scheduler",
    )


def test_the_first_copy_is_the_record_as_it_came_with_where_and_why() -> None:
    whole = next(letters(failed(b"k", b"{}", [("ce_id", b"e1"), ("ce_type", None)])))
    assert (whole.key, whole.value) == (b"k", b"{}")
    assert whole.headers[:2] == [("ce_id", b"e1"), ("ce_type", None)]
    assert dict(whole.headers)["dlq_reason"] == b"undecodable: bad header"
    assert dict(whole.headers)["dlq_offset"] == b"7"
    assert is_whole(whole.headers)


def test_a_large_value_is_cut_then_omitted_and_each_copy_says_so_with_its_size_and_digest() -> None:
    value = b"x" * 1_500_000
    _, truncated, omitted, _ = letters(failed(b"k", value, [("ce_id", b"e1")]))
    digest = hashlib.sha256(value).hexdigest().encode()
    for copy, kept in ((truncated, b"truncated"), (omitted, b"omitted")):
        headers = dict(copy.headers)
        assert (headers["dlq_value"], headers["dlq_value_size"]) == (kept, b"1500000")
        assert headers["dlq_value_sha256"] == digest
        assert headers["ce_id"] == b"e1" and copy.key == b"k"
        assert not is_whole(copy.headers)
    assert truncated.value is not None and 0 < len(truncated.value) <= 64 * 1024
    assert omitted.value == b""
    assert "value truncated (value of 1500000 bytes" in what_was_cut(truncated.headers)


def test_the_last_copy_drops_the_records_headers_and_cuts_its_key_but_keeps_the_reason() -> None:
    huge = b"h" * 2_000_000
    *_, least = letters(failed(b"k" * 5000, b"{}", [("ce_id", huge)]))
    headers = dict(least.headers)
    assert "ce_id" not in headers and least.value == b""
    assert (headers["dlq_headers"], headers["dlq_key"]) == (b"omitted", b"truncated")
    assert headers["dlq_reason"] == b"undecodable: bad header"
    assert least.key is not None and len(least.key) == 1024
    assert sum(len(v or b"") for _, v in least.headers) < 4096
