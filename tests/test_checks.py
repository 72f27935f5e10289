"""Tests for backprop_ref._checks: all_finite against numpy's entrywise test, and check_type."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop_ref._checks import all_finite, check_type

# Every float, including NaN, ±inf and values whose squares overflow.
float_arrays = st.sampled_from([np.float32, np.float64]).flatmap(
    lambda dtype: hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
        elements=st.floats(width=32 if dtype is np.float32 else 64),
    )
)


@settings(deadline=None, max_examples=300)
@given(array=float_arrays, transpose=st.booleans())
def test_agrees_with_isfinite(array: np.ndarray, transpose: bool) -> None:
    if transpose:  # not C-contiguous when it has two or more non-trivial axes
        array = array.T
    assert all_finite(array) == bool(np.isfinite(array).all())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_finds_one_bad_entry_among_huge_finite_ones(dtype: type, bad: float) -> None:
    # The squares of the huge entries overflow, so the exact test must decide.
    array: np.ndarray = np.full(1000, np.finfo(dtype).max / 2, dtype=dtype)
    assert all_finite(array)
    array[617] = bad
    assert not all_finite(array)
    view = array[1::2].reshape(20, 25).T  # holds index 617, not contiguous
    assert not view.flags.c_contiguous
    assert not all_finite(view)


def test_integer_and_empty_arrays_are_finite() -> None:
    assert all_finite(np.array([np.iinfo(np.int64).max, -1]))
    assert all_finite(np.array([True, False]))
    assert all_finite(np.empty((0, 3)))


def test_does_not_warn_when_the_squares_overflow() -> None:
    with np.errstate(all="raise"):  # an overflow would raise FloatingPointError here
        assert all_finite(np.array([1e30, -1e30], dtype=np.float32))


def test_check_type_returns_the_value_or_names_the_expected_type() -> None:
    assert check_type("label", "x", str) == "x"
    with pytest.raises(TypeError, match=r"^Value: label must be a str, got int 3$"):
        check_type("label", 3, str, owner="Value")
