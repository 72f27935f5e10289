"""Tests for backprop_ref.nn.activations: closed forms, central differences, stability, dtypes."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref._typing import ArrayLike, Float64Array, FloatArray
from backprop_ref.nn import (
    ACTIVATIONS,
    GELU,
    Activation,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softplus,
    Tanh,
    gelu,
    gelu_derivative,
    leaky_relu,
    leaky_relu_derivative,
    log_softmax,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softplus,
    softplus_derivative,
    tanh,
    tanh_derivative,
)
from tests.oracles import numeric_gradient

ScalarFunction = Callable[[float], float]
ArrayFunction = Callable[[ArrayLike], FloatArray]


# Independent scalar formulas, written from the definitions with the math module.
def reference_gelu(x: float) -> float:
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


REFERENCES: dict[str, ScalarFunction] = {
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "tanh": math.tanh,
    "relu": lambda x: x if x > 0 else 0.0,
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "gelu": reference_gelu,
}

PAIRS: dict[str, tuple[ArrayFunction, ArrayFunction]] = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "softplus": (softplus, softplus_derivative),
    "gelu": (gelu, gelu_derivative),
}

KINKED = {"relu", "leaky_relu"}  # not differentiable at 0
NAMES = sorted(PAIRS)

seeds = st.integers(min_value=0, max_value=2**32 - 1)
# Moderate inputs, at least 1e-3 away from the kink at 0 (the central difference uses h = 1e-6).
moderate = st.floats(min_value=-8, max_value=8, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> Float64Array:
    """Standard normal values pushed at least 0.01 away from 0 (the ReLU kink)."""
    x = rng.standard_normal(shape)
    return np.where(x >= 0, x + 0.01, x - 0.01)


@pytest.mark.parametrize("name", NAMES)
@settings(deadline=None, max_examples=30)
@given(x=moderate)
def test_function_matches_the_definition(name: str, x: float) -> None:
    function, _ = PAIRS[name]
    assert float(function(np.array(x))) == pytest.approx(REFERENCES[name](x), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
@settings(deadline=None, max_examples=30)
@given(x=moderate)
def test_derivative_matches_central_differences(name: str, x: float) -> None:
    reference = REFERENCES[name]
    _, derivative = PAIRS[name]
    h = 1e-6
    numeric = (reference(x + h) - reference(x - h)) / (2 * h)
    assert float(derivative(np.array(x))) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_derivatives_at_the_kink_follow_pytorch() -> None:
    zero = np.array([0.0])
    np.testing.assert_array_equal(relu_derivative(zero), [0.0])
    np.testing.assert_array_equal(leaky_relu_derivative(zero, 0.2), [0.2])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_the_limits_without_warnings(name: str, dtype: type) -> None:
    # Limits as x -> +inf and x -> -inf, derived from each definition:
    # sigmoid -> 1, 0; tanh -> 1, -1; relu -> x, 0; leaky -> x, 0.01 x; softplus -> x, 0;
    # gelu -> x, 0 (tanh u -> +-1). Derivatives -> the slopes of those limits.
    limits = {
        "sigmoid": ((1.0, 0.0), (0.0, 0.0)),
        "tanh": ((1.0, -1.0), (0.0, 0.0)),
        "relu": ((1000.0, 0.0), (1.0, 0.0)),
        "leaky_relu": ((1000.0, -10.0), (1.0, 0.01)),
        "softplus": ((1000.0, 0.0), (1.0, 0.0)),
        "gelu": ((1000.0, 0.0), (1.0, 0.0)),
    }
    function, derivative = PAIRS[name]
    x: FloatArray = np.array([1000.0, -1000.0], dtype=dtype)
    (value_hi, value_lo), (slope_hi, slope_lo) = limits[name]
    y, dy = function(x), derivative(x)
    assert y.dtype == dtype
    assert dy.dtype == dtype
    np.testing.assert_allclose(y, [value_hi, value_lo], rtol=1e-6)
    np.testing.assert_allclose(dy, [slope_hi, slope_lo], rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_plain_functions_keep_float32_and_promote_integers(name: str) -> None:
    function, derivative = PAIRS[name]
    x32 = np.linspace(-3, 3, 7, dtype=np.float32)
    assert function(x32).dtype == np.float32
    assert derivative(x32).dtype == np.float32
    integers = np.arange(-3, 4)
    np.testing.assert_allclose(function(integers), function(integers.astype(np.float64)))
    assert derivative(integers).dtype == np.float64


def test_plain_functions_reject_complex() -> None:
    with pytest.raises(TypeError, match="x must hold real numbers, got dtype complex128"):
        sigmoid(np.array([1j]))


# --- the modules ------------------------------------------------------------------------------

MODULES: dict[str, Callable[[], Activation]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "softplus": Softplus,
    "gelu": GELU,
}


def test_activation_table_lists_every_module() -> None:
    assert dict(ACTIVATIONS) == MODULES


@pytest.mark.parametrize("name", NAMES)
@settings(deadline=None, max_examples=15)
@given(
    shape=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3).map(tuple),
    seed=seeds,
)
def test_module_backward_matches_central_differences(
    name: str, shape: tuple[int, ...], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    module = MODULES[name]()
    x = 2 * away_from_zero(rng, shape)
    projection = rng.standard_normal(shape)

    def loss() -> float:
        return float(np.sum(projection * module.forward(x)))

    y = module.forward(x)
    np.testing.assert_allclose(y, PAIRS[name][0](x), rtol=1e-14)
    dx = module.backward(projection)
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_module_function_and_derivative_are_the_plain_ones(name: str) -> None:
    module = MODULES[name]()
    x = np.linspace(-4, 4, 17)
    function, derivative = PAIRS[name]
    np.testing.assert_array_equal(module.function(x), function(x))
    np.testing.assert_array_equal(module.derivative(x), derivative(x))
    assert module.parameters() == []
    assert module.gradients() == []


@pytest.mark.parametrize("name", NAMES)
def test_module_keeps_float32(name: str) -> None:
    module = MODULES[name]()
    x = np.linspace(-1000, 1000, 12, dtype=np.float32).reshape(3, 4)
    y = module.forward(x)
    dx = module.backward(np.ones((3, 4), dtype=np.float32))
    assert y.dtype == np.float32
    assert dx.dtype == np.float32
    assert np.all(np.isfinite(y))
    assert np.all(np.isfinite(dx))


@pytest.mark.parametrize("name", NAMES)
def test_module_bad_input(name: str) -> None:
    module = MODULES[name]()
    label = repr(module).replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    with pytest.raises(RuntimeError, match=f"^{label}: backward called before forward$"):
        module.backward(np.ones((2, 3)))
    with pytest.raises(TypeError, match=f"^{label}: input must have a floating dtype, got int64$"):
        module.forward(np.ones((2, 3), dtype=np.int64))
    module.forward(np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=rf"^{label}: grad_output must have shape \(2, 3\), got \(3, 2\)$",
    ):
        module.backward(np.ones((3, 2)))
    with pytest.raises(
        TypeError,
        match=f"^{label}: grad_output must have dtype float64, got float32$",
    ):
        module.backward(np.ones((2, 3), dtype=np.float32))


def test_relu_reuses_its_zeros_only_for_the_same_shape() -> None:
    module = ReLU()
    a = module.forward(np.array([[-1.0, 2.0]]))
    b = module.forward(np.array([[3.0], [-4.0]]))
    c = module.forward(np.array([[-1.0, 2.0]], dtype=np.float32))
    np.testing.assert_array_equal(a, [[0.0, 2.0]])
    np.testing.assert_array_equal(b, [[3.0], [0.0]])
    assert c.dtype == np.float32
    assert not np.signbit(a).any()  # +0.0, not -0.0, for negative inputs


def test_leaky_relu_slope() -> None:
    module = LeakyReLU(negative_slope=0.2)
    assert repr(module) == "LeakyReLU(negative_slope=0.2)"
    np.testing.assert_allclose(module.forward(np.array([[-1.0, 3.0]])), [[-0.2, 3.0]])
    np.testing.assert_allclose(module.backward(np.array([[1.0, 1.0]])), [[0.2, 1.0]])
    with pytest.raises(TypeError, match="LeakyReLU: negative_slope must be a real number, got str"):
        LeakyReLU("0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="LeakyReLU: negative_slope must be finite, got nan"):
        LeakyReLU(float("nan"))


# --- softmax ----------------------------------------------------------------------------------


@settings(deadline=None, max_examples=30)
@given(
    rows=st.integers(min_value=1, max_value=5),
    classes=st.integers(min_value=1, max_value=6),
    shift=st.floats(min_value=-500, max_value=500),
    seed=seeds,
)
def test_softmax_matches_the_naive_formula_and_ignores_shifts(
    rows: int, classes: int, shift: float, seed: int
) -> None:
    x = np.random.default_rng(seed).standard_normal((rows, classes)) * 3
    naive = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(x), naive, rtol=1e-12)
    np.testing.assert_allclose(softmax(x + shift), naive, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(log_softmax(x), np.log(naive), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.exp(log_softmax(x + shift)), naive, rtol=1e-9, atol=1e-15)


def test_softmax_at_extreme_logits() -> None:
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    # Row 1: e^0 / (e^0 + e^-2000 + e^-1000) = 1 in float64. Row 2: all equal, 1/3 each.
    np.testing.assert_allclose(softmax(x), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    # log softmax = x - max - log(sum e^(x - max)): [0, -2000, -1000] and log(1/3) each.
    np.testing.assert_allclose(
        log_softmax(x), [[0.0, -2000.0, -1000.0], [-math.log(3)] * 3], rtol=1e-15
    )
    np.testing.assert_allclose(softmax(x, axis=0)[:, 2], [1.0, 0.0], atol=1e-300)
    assert softmax(x.astype(np.float32)).dtype == np.float32


def test_inplace_relu_overwrites_and_matches_the_copying_one() -> None:
    rng = np.random.default_rng(4)
    x = away_from_zero(rng, (3, 4))
    delta = rng.standard_normal((3, 4))
    x_before, delta_before = x.copy(), delta.copy()
    copying, inplace = ReLU(), ReLU(inplace=True)
    expected_y = copying.forward(x)
    expected_dx = copying.backward(delta)
    x_in, delta_in = x.copy(), delta.copy()
    y = inplace.forward(x_in)
    assert y is x_in
    np.testing.assert_array_equal(y, expected_y)
    dx = inplace.backward(delta_in)
    assert dx is delta_in
    np.testing.assert_array_equal(dx, expected_dx)
    # The copying module left its arguments alone.
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(delta, delta_before)
    assert repr(inplace) == "ReLU(inplace=True)"
