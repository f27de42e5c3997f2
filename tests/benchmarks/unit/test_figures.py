"""The bench's arithmetic: nearest-rank percentiles and min / median over runs."""

from __future__ import annotations

import math

import pytest

from benchmarks.figures import Runs, number, percentile, ratio


@pytest.mark.parametrize(
    ("samples", "pct", "expected"),
    [
        ([3.0, 1.0, 2.0], 50, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        (list(range(1, 41)), 99, 40),
        (list(range(1, 201)), 99, 198),
        ([7.0], 99, 7.0),
    ],
    ids=["odd", "even-lower", "p99-of-40-is-max", "p99-of-200", "single"],
)
def test_percentile_is_the_nearest_rank(samples: list[float], pct: float, expected: float) -> None:
    assert percentile(samples, pct) == expected


def test_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_runs_show_min_then_median() -> None:
    assert Runs.of([30.0, 10.0, 20.0]).show(" ms") == "10.0 / 20.0 ms"


def test_large_numbers_are_grouped_and_unrounded_ones_keep_a_digit() -> None:
    assert (number(12345.6), number(4.25), number(4.25, 2)) == ("12,346", "4.2", "4.25")


def test_a_ratio_over_zero_is_not_a_number() -> None:
    assert math.isnan(ratio(1.0, 0.0))
    assert number(ratio(1.0, 0.0)) == "n/a"
