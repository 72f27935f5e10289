"""Tests for backprop_ref.optim.schedules against the closed forms written out here.

The closed forms are PyTorch's ``_get_closed_form_lr`` of the schedulers of the same names,
restated independently; tests/test_optim_torch.py also runs PyTorch's schedulers themselves.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.optim import (
    SGD,
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    SequentialLR,
    StepLR,
)

lrs = st.floats(1e-6, 10.0)
factors = st.floats(0.01, 1.0)
steps = st.integers(0, 500)


@settings(max_examples=100, deadline=None)
@given(lr=lrs, step_size=st.integers(1, 50), gamma=factors, t=steps)
def test_step_lr(lr: float, step_size: int, gamma: float, t: int) -> None:
    expected = lr * gamma ** math.floor(t / step_size)
    assert StepLR(lr, step_size, gamma)(t) == pytest.approx(expected, rel=1e-12, abs=0)


@settings(max_examples=100, deadline=None)
@given(lr=lrs, gamma=factors, t=steps)
def test_exponential_lr(lr: float, gamma: float, t: int) -> None:
    expected = lr * math.exp(t * math.log(gamma))  # γ₀ gᵗ, computed another way
    assert ExponentialLR(lr, gamma)(t) == pytest.approx(expected, rel=1e-10, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(lr=lrs, t_max=st.integers(1, 200), eta_min=st.floats(0, 1e-3), t=steps)
def test_cosine_annealing_lr(lr: float, t_max: int, eta_min: float, t: int) -> None:
    expected = eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2
    assert CosineAnnealingLR(lr, t_max, eta_min)(t) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_cosine_annealing_lr_landmarks() -> None:
    schedule = CosineAnnealingLR(0.1, t_max=10, eta_min=0.01)
    assert schedule(0) == pytest.approx(0.1, rel=1e-15)
    assert schedule(5) == pytest.approx((0.1 + 0.01) / 2, rel=1e-15)  # half-way: the mean
    assert schedule(10) == pytest.approx(0.01, rel=1e-15)
    assert schedule(20) == pytest.approx(0.1, rel=1e-15)  # like PyTorch's, it rises again


@settings(max_examples=100, deadline=None)
@given(
    lr=lrs,
    start=st.floats(0.01, 1.0),
    end=st.floats(0.0, 1.0),
    total=st.integers(1, 100),
    t=steps,
)
def test_linear_lr(lr: float, start: float, end: float, total: int, t: int) -> None:
    u = min(t, total) / total  # the fraction of the change done
    expected = lr * ((1 - u) * start + u * end)  # linear interpolation, then constant
    actual = LinearLR(lr, start, end, total)(t)
    assert actual == pytest.approx(expected, rel=1e-12, abs=1e-15 * lr)


def test_linear_lr_defaults_are_pytorchs() -> None:
    schedule = LinearLR(3.0)  # start_factor 1/3, end_factor 1, total_iters 5
    assert schedule(0) == pytest.approx(1.0, rel=1e-15)
    assert schedule(5) == pytest.approx(3.0, rel=1e-15)


def test_step_lr_default_gamma_is_pytorchs() -> None:
    assert StepLR(1.0, step_size=1)(2) == pytest.approx(0.01, rel=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    milestones=st.lists(st.integers(1, 30), min_size=0, max_size=3, unique=True).map(sorted),
    t=st.integers(0, 100),
)
def test_sequential_lr_switches_and_restarts_the_count(milestones: list[int], t: int) -> None:
    # Schedule k returns (k, its own step), so the test sees which one ran and from where.
    schedules = [lambda s, k=k: 1000.0 * k + s for k in range(len(milestones) + 1)]
    k = sum(1 for m in milestones if m <= t)
    start = milestones[k - 1] if k else 0
    assert SequentialLR(schedules, milestones)(t) == 1000.0 * k + (t - start)


def test_warmup_then_cosine() -> None:
    schedule = SequentialLR(
        [LinearLR(0.1, start_factor=0.1, total_iters=4), CosineAnnealingLR(0.1, t_max=8)],
        milestones=[4],
    )
    expected = [0.1 * (0.1 + 0.9 * t / 4) for t in range(4)] + [
        0.1 * (1 + math.cos(math.pi * s / 8)) / 2 for s in range(9)
    ]
    np.testing.assert_allclose([schedule(t) for t in range(13)], expected, rtol=1e-14, atol=1e-17)


def test_scheduler_drives_the_optimizer() -> None:
    # The t-th optimizer step (from 0) must use schedule(t): check lr and the trajectory.
    schedule = ExponentialLR(0.5, gamma=0.5)
    w = np.array([1.0])
    opt = SGD([w], lr=123.0)
    scheduler = LRScheduler(opt, schedule)
    assert opt.lr == 0.5
    expected = 1.0
    for t in range(5):
        assert opt.lr == schedule(t)
        opt.step([np.array([1.0])])
        expected -= 0.5 * 0.5**t
        scheduler.step()
    assert scheduler.last_step == 5
    np.testing.assert_allclose(w, [expected], rtol=1e-15)


def test_scheduler_accepts_any_function_and_refuses_a_bad_rate() -> None:
    opt = SGD([np.zeros(1)], lr=0.1)
    scheduler = LRScheduler(opt, lambda t: 0.1 - 0.04 * t)
    scheduler.step()
    scheduler.step()
    assert opt.lr == pytest.approx(0.02)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        scheduler.step()  # 0.1 − 0.12 < 0
    assert scheduler.last_step == 2  # unchanged by the failed step
    assert opt.lr == pytest.approx(0.02)


BAD_SCHEDULES: list[tuple[Any, type[Exception], str]] = [
    (lambda: StepLR(-0.1, 1), ValueError, "lr must be >= 0, got -0.1"),
    (lambda: StepLR(0.1, 0), ValueError, "step_size must be an int >= 1, got 0"),
    (
        lambda: StepLR(0.1, 2.5),  # type: ignore[arg-type]
        TypeError,
        "step_size must be an int, got float 2.5",
    ),
    (lambda: StepLR(0.1, 1, gamma=-1.0), ValueError, "gamma must be >= 0, got -1.0"),
    (lambda: ExponentialLR(0.1, math.nan), ValueError, "gamma must be finite, got nan"),
    (lambda: CosineAnnealingLR(0.1, 0), ValueError, "t_max must be an int >= 1, got 0"),
    (lambda: CosineAnnealingLR(0.1, 10, -1.0), ValueError, "eta_min must be >= 0"),
    (lambda: LinearLR(0.1, start_factor=0.0), ValueError, r"start_factor must be in \(0, 1\]"),
    (lambda: LinearLR(0.1, start_factor=1.5), ValueError, r"start_factor must be in \(0, 1\]"),
    (lambda: LinearLR(0.1, end_factor=1.5), ValueError, r"end_factor must be in \[0, 1\]"),
    (lambda: LinearLR(0.1, total_iters=0), ValueError, "total_iters must be an int >= 1, got 0"),
    (lambda: SequentialLR([], []), ValueError, "schedules must contain at least one"),
    (
        lambda: SequentialLR([0.1], []),  # type: ignore[list-item]
        TypeError,
        r"schedules\[0\] must be callable",
    ),
    (
        lambda: SequentialLR([StepLR(0.1, 1), StepLR(0.1, 1)], []),
        ValueError,
        "milestones must have 1 entries",
    ),
    (
        lambda: SequentialLR([StepLR(0.1, 1)] * 3, [5, 5]),
        ValueError,
        r"milestones\[1\] must be an int >= 6, got 5",
    ),
    (
        lambda: SequentialLR([StepLR(0.1, 1)] * 2, [0]),
        ValueError,
        r"milestones\[0\] must be an int >= 1",
    ),
    (lambda: StepLR(0.1, 1)(-1), ValueError, "step must be an int >= 0, got -1"),
    (
        lambda: ExponentialLR(0.1, 0.5)(1.5),  # type: ignore[arg-type]
        TypeError,
        "step must be an int, got float 1.5",
    ),
    (
        lambda: LRScheduler(SGD([np.zeros(1)]), 0.1),  # type: ignore[arg-type]
        TypeError,
        "schedule must be callable",
    ),
]


@pytest.mark.parametrize(("build", "error", "match"), BAD_SCHEDULES)
def test_bad_schedules_are_refused(build: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        build()
