"""Tests for backprop_ref.datasets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.datasets import make_moons, make_spirals


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 300), seed=st.integers(0, 2**32 - 1))
def test_moons_shapes_balance_and_reproducibility(n: int, seed: int) -> None:
    points, labels = make_moons(n, rng=np.random.default_rng(seed))
    assert points.shape == (n, 2)
    assert points.dtype == np.float64
    assert labels.shape == (n,)
    assert labels.dtype == np.int64
    assert abs(int(np.sum(labels == 0)) - int(np.sum(labels == 1))) <= 1
    again, again_labels = make_moons(n, rng=np.random.default_rng(seed))
    np.testing.assert_array_equal(points, again)
    np.testing.assert_array_equal(labels, again_labels)


def test_noiseless_moons_lie_on_their_circles() -> None:
    points, labels = make_moons(200, rng=np.random.default_rng(1), noise=0.0)
    upper, lower = points[labels == 0], points[labels == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)  # unit circle about (0, 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)


@settings(max_examples=30, deadline=None)
@given(n_classes=st.integers(2, 6), per_class=st.integers(1, 50), seed=st.integers(0, 99))
def test_spirals_have_one_arm_per_class(n_classes: int, per_class: int, seed: int) -> None:
    n = n_classes * per_class
    points, labels = make_spirals(n, rng=np.random.default_rng(seed), n_classes=n_classes)
    assert points.shape == (n, 2)
    assert np.bincount(labels).tolist() == [per_class] * n_classes
    # The noise moves points along the angle only, so radii stay within [0.05, 1].
    radius = np.hypot(*points.T)
    assert radius.min() >= 0.05 - 1e-12
    assert radius.max() <= 1.0 + 1e-12


def test_bad_input() -> None:
    rng = np.random.default_rng(0)
    bad_rng: Any = 0
    bad_count: Any = 10.0
    with pytest.raises(ValueError, match="n_samples must be an int >= 2, got 1"):
        make_moons(1, rng=rng)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        make_moons(10, rng=bad_rng)
    with pytest.raises(TypeError, match="n_samples must be an int, got float"):
        make_moons(bad_count, rng=rng)
    with pytest.raises(ValueError, match="noise must be >= 0, got -1"):
        make_moons(10, rng=rng, noise=-1)
    with pytest.raises(ValueError, match="n_classes must be an int >= 2, got 1"):
        make_spirals(10, rng=rng, n_classes=1)
    with pytest.raises(ValueError, match="n_samples must be an int >= 3, got 2"):
        make_spirals(2, rng=rng)
    with pytest.raises(ValueError, match="noise must be finite, got nan"):
        make_spirals(9, rng=rng, noise=np.nan)
