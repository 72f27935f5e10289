"""Tests for backprop_ref.optim against the update rules written out independently below.

The oracle: every rule is element-wise, so each is restated here as a loop over the steps of ONE
scalar coordinate in plain Python floats, from the math in PyTorch's documentation (not from the
package). ``CASES`` is the table of every optimizer and every hyperparameter combination that
changes the code path (optax's ``_OPTIMIZERS_UNDER_TEST``); tests/test_optim_torch.py reuses it
to compare against torch.optim itself.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop_ref import optim
from backprop_ref._typing import FloatArray
from backprop_ref.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

Hyper = dict[str, Any]

# PyTorch 2.x's documented defaults, restated (test_defaults_match_pytorch checks them).
DEFAULTS: dict[str, Hyper] = {
    "SGD": {
        "lr": 1e-3,
        "momentum": 0.0,
        "dampening": 0.0,
        "weight_decay": 0.0,
        "nesterov": False,
        "maximize": False,
    },
    "Adagrad": {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
        "maximize": False,
    },
    "RMSprop": {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
        "maximize": False,
    },
    "Adam": {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
        "maximize": False,
    },
    "AdamW": {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 1e-2,
        "amsgrad": False,
        "maximize": False,
    },
}


# --- the independent oracle: one coordinate, plain floats ----------------------------------------


def sgd_reference(theta: float, grads: Sequence[float], h: Hyper) -> list[float]:
    path = []
    buf = 0.0
    for t, grad in enumerate(grads, start=1):
        g = (-grad if h["maximize"] else grad) + h["weight_decay"] * theta
        direction = g
        if h["momentum"] != 0:
            # The first buffer is the gradient itself; dampening applies from step 2.
            buf = g if t == 1 else h["momentum"] * buf + (1 - h["dampening"]) * g
            direction = g + h["momentum"] * buf if h["nesterov"] else buf
        theta = theta - h["lr"] * direction
        path.append(theta)
    return path


def adagrad_reference(theta: float, grads: Sequence[float], h: Hyper) -> list[float]:
    path = []
    total = h["initial_accumulator_value"]
    for t, grad in enumerate(grads, start=1):
        g = (-grad if h["maximize"] else grad) + h["weight_decay"] * theta
        clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
        total = total + g**2
        theta = theta - clr * g / (math.sqrt(total) + h["eps"])
        path.append(theta)
    return path


def rmsprop_reference(theta: float, grads: Sequence[float], h: Hyper) -> list[float]:
    path = []
    alpha = h["alpha"]
    v = g_avg = buf = 0.0
    for grad in grads:
        g = (-grad if h["maximize"] else grad) + h["weight_decay"] * theta
        v = alpha * v + (1 - alpha) * g**2
        if h["centered"]:
            g_avg = alpha * g_avg + (1 - alpha) * g
            # v − ḡ² ≥ 0 in exact arithmetic (Cauchy–Schwarz); the package clamps rounding.
            denom = math.sqrt(max(v - g_avg**2, 0.0)) + h["eps"]
        else:
            denom = math.sqrt(v) + h["eps"]
        if h["momentum"] > 0:
            buf = h["momentum"] * buf + g / denom
            theta = theta - h["lr"] * buf
        else:
            theta = theta - h["lr"] * g / denom
        path.append(theta)
    return path


def adam_reference(
    theta: float, grads: Sequence[float], h: Hyper, *, decoupled: bool = False
) -> list[float]:
    path = []
    beta1, beta2 = h["betas"]
    m = v = v_max = 0.0
    for t, grad in enumerate(grads, start=1):
        g = -grad if h["maximize"] else grad
        if decoupled:
            theta = theta * (1 - h["lr"] * h["weight_decay"])
        else:
            g = g + h["weight_decay"] * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = max(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if h["amsgrad"] else v) / (1 - beta2**t)
        theta = theta - h["lr"] * m_hat / (math.sqrt(v_hat) + h["eps"])
        path.append(theta)
    return path


def adamw_reference(theta: float, grads: Sequence[float], h: Hyper) -> list[float]:
    return adam_reference(theta, grads, h, decoupled=True)


REFERENCES: dict[str, Callable[[float, Sequence[float], Hyper], list[float]]] = {
    "SGD": sgd_reference,
    "Adagrad": adagrad_reference,
    "RMSprop": rmsprop_reference,
    "Adam": adam_reference,
    "AdamW": adamw_reference,
}


# --- the table of cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One optimizer (named as in torch.optim) with keyword arguments for its constructor."""

    name: str
    kwargs: Hyper

    @property
    def optimizer(self) -> Callable[..., Optimizer]:
        cls: Callable[..., Optimizer] = getattr(optim, self.name)
        return cls

    @property
    def hyper(self) -> Hyper:
        """Every hyperparameter, the defaults overridden by ``kwargs``."""
        return DEFAULTS[self.name] | self.kwargs

    def build(self, params: Sequence[FloatArray]) -> Optimizer:
        return self.optimizer(params, **self.kwargs)

    @property
    def id(self) -> str:
        return self.name + "(" + ",".join(f"{k}={v}" for k, v in self.kwargs.items()) + ")"


CASES = [
    # SGD: plain, momentum, dampening, Nesterov, L2, maximise.
    Case("SGD", {}),
    Case("SGD", {"lr": 0.1}),
    Case("SGD", {"lr": 0.1, "momentum": 0.9}),
    Case("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    Case("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    Case("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    Case("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True}),
    Case("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1}),
    Case("SGD", {"lr": 0.1, "maximize": True}),
    Case("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1, "maximize": True}),
    # Adagrad: plain, lr decay, L2, initial accumulator, eps, maximise.
    Case("Adagrad", {}),
    Case("Adagrad", {"lr": 0.1, "lr_decay": 0.1}),
    Case("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    Case("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    Case("Adagrad", {"lr": 0.1, "eps": 0.1}),
    Case(
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.1},
    ),
    Case("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    # RMSprop: plain, alpha, centred, momentum, both, L2, eps, maximise.
    Case("RMSprop", {}),
    Case("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    Case("RMSprop", {"lr": 0.01, "centered": True}),
    Case("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    Case("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    Case("RMSprop", {"lr": 0.01, "weight_decay": 0.1, "eps": 1e-3}),
    Case("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    Case("RMSprop", {"lr": 0.01, "momentum": 0.9, "maximize": True}),
    # Adam: plain, betas, eps, AMSGrad, coupled L2, both, maximise.
    Case("Adam", {}),
    Case("Adam", {"lr": 0.1, "betas": (0.5, 0.9)}),
    Case("Adam", {"lr": 0.1, "eps": 0.1}),
    Case("Adam", {"lr": 0.1, "amsgrad": True}),
    Case("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    Case("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
    Case("Adam", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    # AdamW: default decay, no decay, strong decay, AMSGrad, maximise.
    Case("AdamW", {}),
    Case("AdamW", {"lr": 0.1, "weight_decay": 0.0}),
    Case("AdamW", {"lr": 0.1, "weight_decay": 0.5}),
    Case("AdamW", {"lr": 0.1, "weight_decay": 0.1, "amsgrad": True, "betas": (0.8, 0.99)}),
    Case("AdamW", {"lr": 0.1, "maximize": True}),
]
CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]

SHAPES = [(3, 2), (), (4,)]  # a matrix, a 0-d array and a vector


def random_problem(
    seed: int, steps: int, dtype: type[np.floating[Any]] = np.float64
) -> tuple[list[FloatArray], list[list[FloatArray]]]:
    """Starting parameters and a sequence of gradients (one list per step)."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=shape).astype(dtype) for shape in SHAPES]
    grads = [[rng.normal(size=shape).astype(dtype) for shape in SHAPES] for _ in range(steps)]
    return params, grads


def reference_trajectory(
    case: Case, params: Sequence[FloatArray], grads: Sequence[Sequence[FloatArray]]
) -> list[list[FloatArray]]:
    """The parameters after each step, coordinate by coordinate from the scalar reference."""
    rule = REFERENCES[case.name]
    per_param = []
    for index, param in enumerate(params):
        flat_grads = [g[index].ravel() for g in grads]
        paths = [
            rule(float(theta), [float(g[k]) for g in flat_grads], case.hyper)
            for k, theta in enumerate(param.ravel())
        ]
        per_param.append(
            [np.array([p[t] for p in paths]).reshape(param.shape) for t in range(len(grads))]
        )
    return [[per_param[i][t] for i in range(len(params))] for t in range(len(grads))]


def assert_close(actual: FloatArray, expected: FloatArray, rtol: float = 1e-12) -> None:
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_trajectory_matches_reference(case: Case) -> None:
    params, grads = random_problem(seed=0, steps=8)
    expected = reference_trajectory(case, params, grads)
    arrays = [p.copy() for p in params]
    opt = case.build(arrays)
    for t, step_grads in enumerate(grads):
        before = [g.copy() for g in step_grads]
        opt.step(step_grads)
        assert opt.step_count == t + 1
        for array, param, grad, grad_before in zip(
            arrays, opt.params, step_grads, before, strict=True
        ):
            assert param is array  # updated in place, by reference
            np.testing.assert_array_equal(grad, grad_before)  # gradients are only read
        for actual, wanted in zip(arrays, expected[t], strict=True):
            assert_close(actual, wanted)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), case=st.sampled_from(CASES))
def test_random_gradient_sequences_match_reference(data: st.DataObject, case: Case) -> None:
    size = data.draw(st.integers(1, 3), label="size")
    steps = data.draw(st.integers(1, 8), label="steps")
    value = st.floats(-100, 100, allow_nan=False)
    theta = np.array(data.draw(st.lists(value, min_size=size, max_size=size)))
    grads = [
        [np.array(data.draw(st.lists(value, min_size=size, max_size=size)))] for _ in range(steps)
    ]
    expected = reference_trajectory(case, [theta], grads)
    opt = case.build([theta])
    for t, step_grads in enumerate(grads):
        opt.step(step_grads)
        assert_close(theta, expected[t][0], rtol=1e-11)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_match_pytorch(name: str) -> None:
    opt: Optimizer = getattr(optim, name)([np.zeros(2)])
    assert opt.hyperparameters == DEFAULTS[name]


@pytest.mark.parametrize("cls", [Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW])
def test_docstring_documents_every_parameter_once(cls: type[Optimizer]) -> None:
    # The shared entries are spliced in at import: none may be left as a placeholder.
    doc = cls.__doc__ or ""
    assert not re.search(r"^\s*\{\w*\s*\}\s*$", doc, re.MULTILINE)
    for name in inspect.signature(cls).parameters:
        assert len(re.findall(rf"^    {name}$", doc, re.MULTILINE)) == 1, name
    assert doc.count("\n    Raises\n") == (cls is not Optimizer)


def test_sgd_first_momentum_buffer_is_the_gradient_undampened() -> None:
    w = np.array([0.0])
    opt = SGD([w], lr=1.0, momentum=0.5, dampening=0.9)
    opt.step([np.array([2.0])])  # b₁ = g₁ = 2 (a zero-initialised buffer would give 0.2)
    np.testing.assert_array_equal(opt.state[0]["momentum_buffer"], [2.0])
    np.testing.assert_array_equal(w, [-2.0])
    opt.step([np.array([2.0])])  # b₂ = 0.5·2 + (1 − 0.9)·2 = 1.2
    np.testing.assert_allclose(opt.state[0]["momentum_buffer"], [1.2], rtol=1e-15)
    np.testing.assert_allclose(w, [-3.2], rtol=1e-15)


def test_adam_bias_correction_uses_the_incremented_step() -> None:
    # At t = 1: m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps) whatever β₁, β₂.
    w = np.array([1.0, -1.0])
    g = np.array([3.0, -0.5])
    opt = Adam([w], lr=0.1, betas=(0.7, 0.95), eps=1e-3)
    opt.step([g])
    np.testing.assert_allclose(w, [1.0, -1.0] - 0.1 * g / (np.abs(g) + 1e-3), rtol=1e-14)


def test_adam_l2_is_coupled_and_adamw_decay_is_not() -> None:
    # With a zero loss gradient, Adam's L2 gradient λθ is normalised (a step of ≈ lr), while
    # AdamW only shrinks θ by the factor 1 − lr·λ.
    w_adam, w_adamw = np.array([10.0]), np.array([10.0])
    Adam([w_adam], lr=0.1, weight_decay=0.01, eps=0.0).step([np.zeros(1)])
    AdamW([w_adamw], lr=0.1, weight_decay=0.01).step([np.zeros(1)])  # m = 0: only decay
    np.testing.assert_allclose(w_adam, [10.0 - 0.1], rtol=1e-15)
    np.testing.assert_allclose(w_adamw, [10.0 * (1 - 0.1 * 0.01)], rtol=1e-15)


def test_amsgrad_keeps_the_maximum_of_the_uncorrected_second_moment() -> None:
    w = np.array([0.0])
    opt = Adam([w], lr=0.1, betas=(0.0, 0.5), amsgrad=True)
    opt.step([np.array([4.0])])  # v = 0.5·16 = 8
    opt.step([np.array([0.0])])  # v = 4, the maximum stays 8
    np.testing.assert_array_equal(opt.state[0]["exp_avg_sq"], [4.0])
    np.testing.assert_array_equal(opt.state[0]["max_exp_avg_sq"], [8.0])


def test_centered_rmsprop_never_takes_the_root_of_a_negative_number() -> None:
    # A constant gradient makes v − ḡ² → 0, where rounding can go below zero.
    w = np.full(1000, 1.0)
    grad = np.full(1000, 0.1)
    opt = RMSprop([w], lr=1e-6, alpha=0.5, centered=True)
    for _ in range(200):
        opt.step([grad])  # a sqrt of a negative number would warn, and warnings are errors
    assert np.isfinite(w).all()


def test_lr_can_change_between_steps() -> None:
    w = np.array([1.0])
    opt = SGD([w], lr=0.1)
    opt.step([np.array([1.0])])
    opt.lr = 0.25
    opt.step([np.array([1.0])])
    np.testing.assert_allclose(w, [1.0 - 0.1 - 0.25], rtol=1e-15)


# --- convergence: a convex quadratic and the Rosenbrock function ---------------------------------

# Hyperparameters chosen for each optimizer to make progress; every family and variant appears.
CONVERGENCE_CASES = [
    Case("SGD", {"lr": 0.05}),
    Case("SGD", {"lr": 0.01, "momentum": 0.9}),
    Case("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    Case("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.5}),
    Case("Adagrad", {"lr": 0.5}),
    Case("Adagrad", {"lr": 0.5, "lr_decay": 1e-3, "initial_accumulator_value": 0.1}),
    Case("RMSprop", {"lr": 0.01}),
    Case("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5}),
    Case("Adam", {"lr": 0.05}),
    Case("Adam", {"lr": 0.05, "amsgrad": True}),
    Case("AdamW", {"lr": 0.05, "weight_decay": 0.0}),
    Case("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.0}),
]
CONVERGENCE_PARAMS = [pytest.param(case, id=case.id) for case in CONVERGENCE_CASES]

# f(θ) = ½ Σ aₖ (θₖ − cₖ)², condition number 10, minimum 0 at c.
CURVATURE = np.array([1.0, 4.0, 10.0])
CENTRE = np.array([1.0, -2.0, 0.5])


def quadratic(theta: FloatArray) -> float:
    return 0.5 * float(np.sum(CURVATURE * (theta - CENTRE) ** 2))


def quadratic_grad(theta: FloatArray) -> FloatArray:
    grad: FloatArray = CURVATURE * (theta - CENTRE)
    return grad


def rosenbrock(theta: FloatArray) -> float:
    x, y = theta
    return float((1 - x) ** 2 + 100 * (y - x**2) ** 2)


def rosenbrock_grad(theta: FloatArray) -> FloatArray:
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


@pytest.mark.parametrize("case", CONVERGENCE_PARAMS)
def test_converges_on_a_convex_quadratic(case: Case) -> None:
    theta = np.zeros(3)
    opt = case.build([theta])
    start = quadratic(theta)
    for _ in range(3000):
        opt.step([quadratic_grad(theta)])
    assert quadratic(theta) < 1e-6 * start
    np.testing.assert_allclose(theta, CENTRE, atol=3e-3)


@pytest.mark.parametrize("case", CONVERGENCE_PARAMS)
def test_converges_when_maximising_the_negated_quadratic(case: Case) -> None:
    theta = np.zeros(3)
    opt = case.optimizer([theta], **(case.kwargs | {"maximize": True}))
    for _ in range(3000):
        opt.step([-quadratic_grad(theta)])  # the gradient of −f
    np.testing.assert_allclose(theta, CENTRE, atol=3e-3)


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam"])
def test_l2_weight_decay_converges_to_the_penalised_minimum(name: str) -> None:
    # The minimiser of f(θ) + ½λ‖θ‖² solves a(θ − c) + λθ = 0: θ* = a c / (a + λ).
    lam = 0.5
    kwargs = {"SGD": {"lr": 0.05}, "Adagrad": {"lr": 0.5}, "RMSprop": {"lr": 0.002}}
    theta = np.zeros(3)
    opt: Optimizer = getattr(optim, name)(
        [theta], weight_decay=lam, **kwargs.get(name, {"lr": 0.05})
    )
    for _ in range(3000):
        opt.step([quadratic_grad(theta)])
    np.testing.assert_allclose(theta, CURVATURE * CENTRE / (CURVATURE + lam), atol=3e-3)


def test_adamw_decay_pulls_towards_zero() -> None:
    # Decoupled decay has no closed-form minimiser, but it must shrink the solution.
    plain, decayed = np.zeros(3), np.zeros(3)
    opt_plain = AdamW([plain], lr=0.05, weight_decay=0.0)
    opt_decayed = AdamW([decayed], lr=0.05, weight_decay=1.0)
    for _ in range(3000):
        opt_plain.step([quadratic_grad(plain)])
        opt_decayed.step([quadratic_grad(decayed)])
    assert np.all(np.abs(decayed) < np.abs(plain))


@pytest.mark.parametrize("case", CONVERGENCE_PARAMS)
def test_makes_progress_on_rosenbrock(case: Case) -> None:
    theta = np.array([-1.2, 1.0])  # the classic start, f = 24.2; the minimum is 0 at (1, 1)
    kwargs = case.kwargs.copy()
    if case.name == "SGD":
        kwargs["lr"] = kwargs["lr"] / 50  # the curvature reaches ~1000 along the valley wall
    opt = case.optimizer([theta], **kwargs)
    start = rosenbrock(theta)
    for _ in range(2000):
        opt.step([rosenbrock_grad(theta)])
    assert rosenbrock(theta) < start / 20


# --- saving and restoring ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_state_dict_round_trip_through_a_file_resumes_identically(
    case: Case, tmp_path: Path
) -> None:
    params, grads = random_problem(seed=1, steps=10)
    arrays = [p.copy() for p in params]
    opt = case.build(arrays)
    for step_grads in grads[:4]:
        opt.step(step_grads)
    saved_state: dict[str, Any] = opt.state_dict()  # (numpy's stubs reject a precise type)
    np.savez(tmp_path / "opt.npz", **saved_state)
    np.savez(tmp_path / "params.npz", *arrays)
    for step_grads in grads[4:]:
        opt.step(step_grads)

    # A fresh optimizer of the same class but default hyperparameters takes everything back.
    with np.load(tmp_path / "params.npz", allow_pickle=False) as saved_params:
        resumed_arrays = [saved_params[f"arr_{i}"] for i in range(len(params))]
    resumed = case.optimizer(resumed_arrays)
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as saved:
        resumed.load_state_dict(saved)
    assert resumed.step_count == 4
    assert resumed.hyperparameters == opt.hyperparameters
    assert all(isinstance(v, bool | float | tuple) for v in resumed.hyperparameters.values())
    for step_grads in grads[4:]:
        resumed.step(step_grads)
    for original, restored in zip(arrays, resumed_arrays, strict=True):
        np.testing.assert_array_equal(restored, original)  # identical, not just close
    assert_state_dicts_equal(resumed.state_dict(), opt.state_dict())


def assert_state_dicts_equal(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_state_dict_is_a_flat_snapshot_of_plain_values() -> None:
    w = np.ones(3)
    opt = Adam([w], lr=0.1, amsgrad=True)
    opt.step([np.ones(3)])
    snapshot = opt.state_dict()
    assert set(snapshot) == {
        "step",
        "lr",
        "betas.0",
        "betas.1",
        "eps",
        "weight_decay",
        "amsgrad",
        "maximize",
        "state.0.exp_avg",
        "state.0.exp_avg_sq",
        "state.0.max_exp_avg_sq",
    }
    assert snapshot["step"] == 1
    assert snapshot["betas.0"] == 0.9
    saved_exp_avg = np.array(snapshot["state.0.exp_avg"])
    opt.step([np.ones(3)])
    np.testing.assert_array_equal(snapshot["state.0.exp_avg"], saved_exp_avg)  # a copy


def test_load_state_dict_restores_the_structure_of_the_state() -> None:
    # Loading SGD-with-momentum state into a plain SGD brings the momentum buffer with it.
    source = SGD([np.ones(2)], lr=0.1, momentum=0.9)
    source.step([np.ones(2)])
    target = SGD([np.ones(2)])
    target.load_state_dict(source.state_dict())
    assert target.hyperparameters == source.hyperparameters
    np.testing.assert_array_equal(target.state[0]["momentum_buffer"], [1.0, 1.0])


def test_load_state_dict_stores_state_in_the_parameters_dtype() -> None:
    source = Adam([np.ones(2)])
    source.step([np.ones(2)])
    target = Adam([np.ones(2, dtype=np.float32)])
    target.load_state_dict(source.state_dict())
    assert target.state[0]["exp_avg"].dtype == np.float32


def broken(state: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {k: v for k, v in (state | changes).items() if v is not None}


LOAD_ERRORS = [
    ({"lr": None}, ValueError, "state_dict has no entry 'lr'"),
    ({"state.0.exp_avg": None}, ValueError, "state_dict has no entry 'state.0.exp_avg'"),
    ({"momentum": 0.9}, ValueError, r"unexpected entries \['momentum'\]"),
    ({"state.1.exp_avg": np.zeros(2)}, ValueError, "unexpected entries"),
    ({"lr": -1.0}, ValueError, "lr must be >= 0, got -1.0"),
    ({"betas.1": 1.0}, ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    ({"lr": np.array([0.1, 0.2])}, ValueError, r"state_dict\['lr'\] must be a scalar"),
    ({"amsgrad": 1.0}, ValueError, r"state_dict\['amsgrad'\] must be a bool, got float64"),
    ({"step": 1.5}, ValueError, r"state_dict\['step'\] must be an integer, got float64"),
    ({"step": -1}, ValueError, r"state_dict\['step'\] must be >= 0, got -1"),
    ({"lr": "0.1"}, ValueError, r"state_dict\['lr'\] must be a number"),
    ({"state.0.exp_avg": np.zeros(3)}, ValueError, r"must have shape \(2,\), got \(3,\)"),
    ({"state.0.exp_avg": np.array([1.0, np.nan])}, ValueError, "must hold finite floats"),
    ({"state.0.exp_avg": np.array([1, 2])}, ValueError, "must hold finite floats"),
]


@pytest.mark.parametrize(("changes", "error", "match"), LOAD_ERRORS)
def test_bad_state_dict_is_refused_and_changes_nothing(
    changes: dict[str, Any], error: type[Exception], match: str
) -> None:
    source = Adam([np.ones(2)], lr=0.5)
    source.step([np.ones(2)])
    w = np.ones(2)
    target = Adam([w], lr=0.1)
    target.step([np.full(2, 3.0)])
    before = target.state_dict()
    w_before = w.copy()
    with pytest.raises(error, match=match):
        target.load_state_dict(broken(source.state_dict(), **changes))
    assert_state_dicts_equal(target.state_dict(), before)
    np.testing.assert_array_equal(w, w_before)


def test_state_dict_of_another_optimizer_is_refused() -> None:
    adam = Adam([np.ones(2)])
    with pytest.raises(ValueError, match="has no entry 'momentum'"):
        SGD([np.ones(2)]).load_state_dict(adam.state_dict())


# --- dtypes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_float32_stays_float32(case: Case) -> None:
    params, grads = random_problem(seed=2, steps=5, dtype=np.float32)
    arrays = [p.copy() for p in params]
    opt = case.build(arrays)
    for step_grads in grads:
        opt.step(step_grads)
    assert all(a.dtype == np.float32 for a in arrays)
    assert all(s.dtype == np.float32 for state in opt.state for s in state.values())
    assert all(
        v.dtype == np.float32 for v in opt.state_dict().values() if isinstance(v, np.ndarray)
    )
    # ... and still follows the float64 trajectory, to float32 precision.
    expected = reference_trajectory(case, [p.astype(np.float64) for p in params], grads)
    for actual, wanted in zip(arrays, expected[-1], strict=True):
        np.testing.assert_allclose(actual, wanted, rtol=1e-4, atol=1e-5)


def test_numpy_scalar_hyperparameters_become_python_floats() -> None:
    # A numpy float64 scalar would promote float32 arithmetic to float64 (NEP 50).
    opt = Adam([np.ones(2, dtype=np.float32)], lr=np.float64(0.1), betas=(np.float64(0.8), 0.9))
    assert type(opt.lr) is float
    assert all(type(b) is float for b in opt.hyperparameters["betas"])  # type: ignore[union-attr]
    opt.lr = np.float64(0.2)
    assert type(opt.lr) is float


# --- bad input -----------------------------------------------------------------------------------

NEGATIVE = [
    (cls, name)
    for cls, names in [
        (SGD, ["lr", "momentum", "weight_decay"]),
        (Adagrad, ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]),
        (RMSprop, ["lr", "eps", "weight_decay", "momentum"]),
        (Adam, ["lr", "eps", "weight_decay"]),
        (AdamW, ["lr", "eps", "weight_decay"]),
    ]
    for name in names
]


@pytest.mark.parametrize(("cls", "name"), NEGATIVE)
def test_negative_hyperparameters_are_refused(cls: Callable[..., Optimizer], name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: {name} must be >= 0, got -0.5$"):
        cls([np.zeros(2)], **{name: -0.5})


@pytest.mark.parametrize(("cls", "name"), NEGATIVE)
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_hyperparameters_are_refused(
    cls: Callable[..., Optimizer], name: str, value: float
) -> None:
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: {name} must be finite, got {value}$"):
        cls([np.zeros(2)], **{name: value})


BAD_HYPERPARAMETERS = [
    (Adam, {"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\), got 1.0"),
    (Adam, {"betas": (-0.1, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\), got -0.1"),
    (Adam, {"betas": (0.9, 1.0)}, ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    (AdamW, {"betas": (0.9, 1.5)}, ValueError, r"betas\[1\] must be in \[0, 1\), got 1.5"),
    (Adam, {"betas": (0.9,)}, ValueError, r"betas must be a pair \(beta1, beta2\), got \(0.9,\)"),
    (Adam, {"betas": 0.9}, ValueError, r"betas must be a pair"),
    (RMSprop, {"alpha": 1.0}, ValueError, r"alpha must be in \[0, 1\), got 1.0"),
    (RMSprop, {"alpha": -0.01}, ValueError, r"alpha must be in \[0, 1\), got -0.01"),
    (SGD, {"dampening": 1.5}, ValueError, r"dampening must be in \[0, 1\], got 1.5"),
    (
        SGD,
        {"nesterov": True},
        ValueError,
        "nesterov=True requires momentum > 0 and dampening == 0, got momentum=0.0",
    ),
    (
        SGD,
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        ValueError,
        "nesterov=True requires momentum > 0 and dampening == 0, got momentum=0.9 and "
        "dampening=0.1",
    ),
    (SGD, {"lr": True}, TypeError, "SGD: lr must be a real number, got bool True"),
    (Adam, {"eps": "1e-8"}, TypeError, "Adam: eps must be a real number, got str '1e-8'"),
    (SGD, {"nesterov": 1}, TypeError, "SGD: nesterov must be True or False, got int 1"),
    (
        RMSprop,
        {"centered": "yes"},
        TypeError,
        "RMSprop: centered must be True or False, got str 'yes'",
    ),
    (Adam, {"amsgrad": None}, TypeError, "Adam: amsgrad must be True or False, got NoneType None"),
    (Adagrad, {"maximize": 0}, TypeError, "Adagrad: maximize must be True or False, got int 0"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "match"), BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_refused(
    cls: Callable[..., Optimizer], kwargs: Hyper, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        cls([np.zeros(2)], **kwargs)


def test_zero_is_accepted_where_torch_accepts_it() -> None:
    SGD([np.zeros(1)], lr=0.0, momentum=0.0, dampening=1.0)
    Adam([np.zeros(1)], lr=0.0, betas=(0.0, 0.0), eps=0.0)
    RMSprop([np.zeros(1)], alpha=0.0, eps=0.0)
    Adagrad([np.zeros(1)], eps=0.0, initial_accumulator_value=0.0)


def test_lr_setter_validates_and_keeps_the_old_value_on_error() -> None:
    opt = Adam([np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match=r"^Adam: lr must be >= 0, got -0.001$"):
        opt.lr = -0.001
    with pytest.raises(ValueError, match=r"^Adam: lr must be finite, got nan$"):
        opt.lr = math.nan
    assert opt.lr == 0.1


BAD_PARAMS: list[tuple[Any, type[Exception], str]] = [
    ([], ValueError, "params must contain at least one array, got none"),
    (np.zeros(3), TypeError, "params must be a sequence of arrays, got a single array"),
    ([np.zeros(2), [1.0, 2.0]], TypeError, r"params\[1\] must be a numpy array, got list"),
    ([np.zeros(2), np.arange(3)], TypeError, r"params\[1\] must be float32 or float64, got int64"),
    (
        [np.zeros(2, dtype=complex)],
        TypeError,
        r"params\[0\] must be float32 or float64, got complex128",
    ),
]


@pytest.mark.parametrize("name", sorted(DEFAULTS))
@pytest.mark.parametrize(("params", "error", "match"), BAD_PARAMS)
def test_bad_params_are_refused(name: str, params: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        getattr(optim, name)(params)


def test_read_only_and_repeated_params_are_refused() -> None:
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[1\] must be writeable"):
        Adam([np.zeros(1), frozen])
    w = np.zeros(2)
    with pytest.raises(ValueError, match=r"params\[2\] is the same array as params\[0\]"):
        Adam([w, np.zeros(1), w])


def bad_grads(params: list[FloatArray]) -> list[tuple[list[Any], type[Exception], str]]:
    ok = [np.ones_like(p) for p in params]
    return [
        (ok[:1], ValueError, r"expected 2 gradients \(one per parameter\), got 1"),
        ([*ok, ok[0]], ValueError, r"expected 2 gradients \(one per parameter\), got 3"),
        ([ok[0], np.ones(4)], ValueError, r"grads\[1\] must have shape \(2, 3\), got \(4,\)"),
        (
            [ok[0], np.ones((2, 3), dtype=np.float32)],
            TypeError,
            r"grads\[1\] must have dtype float64, got float32",
        ),
        (
            [ok[0], [[1, 2, 3], [4, 5, 6]]],
            TypeError,
            r"grads\[1\] must have dtype float64, got int",
        ),
        ([ok[0], params[1]], ValueError, r"grads\[1\] shares memory with params\[1\]"),
        (
            [ok[0], np.full((2, 3), np.nan)],
            FloatingPointError,
            r"grads\[1\] must be finite, got 6 ",
        ),
        ([ok[0], np.full((2, 3), np.inf)], FloatingPointError, r"the first inf at index \(0, 0\)"),
        ([np.array([1.0, -np.inf]), ok[1]], FloatingPointError, r"grads\[0\] must be finite"),
    ]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_a_failed_step_changes_nothing(case: Case) -> None:
    params = [np.array([0.5, -1.0]), np.arange(6.0).reshape(2, 3)]
    opt = case.build(params)
    for _ in range(3):  # a non-trivial state to protect
        opt.step([np.full_like(p, 0.3) for p in params])
    for grads, error, match in bad_grads(params):
        before_params = [p.copy() for p in params]
        before_state = opt.state_dict()
        with pytest.raises(error, match=match):
            opt.step(grads)
        assert opt.step_count == 3
        for param, before in zip(params, before_params, strict=True):
            np.testing.assert_array_equal(param, before)
        assert_state_dicts_equal(opt.state_dict(), before_state)


@settings(max_examples=200, deadline=None)
@given(
    grad=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=4),
    )
)
def test_a_step_is_refused_exactly_when_a_gradient_entry_is_not_finite(grad: FloatArray) -> None:
    # Includes huge finite entries whose squares overflow: they must be accepted.
    param = np.zeros(grad.shape, dtype=grad.dtype)
    opt = SGD([param], lr=0.0)
    if np.isfinite(grad).all():
        opt.step([grad])
        assert opt.step_count == 1
    else:
        with pytest.raises(FloatingPointError, match=r"grads\[0\] must be finite"):
            opt.step([grad])
        assert opt.step_count == 0
