"""Tests for backprop_ref.calculus against analytic derivatives (the independent oracle)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.calculus import (
    METHODS,
    Method,
    default_step,
    derivative,
    directional_derivative,
    gradient,
    jacobian,
    partial_derivative,
)

EPS = float(np.finfo(np.float64).eps)

# The size of each method's total error relative to the scale of f and its derivatives, at its
# default step: O(h) + eps/h with h = sqrt(eps) is ~sqrt(eps); O(h^2) + eps/h with
# h = cbrt(eps) is ~eps^(2/3); the complex step has only O(h^2) with h = eps, so ~eps.
ERROR_ORDER: dict[Method, float] = {
    "forward": EPS ** (1 / 2),
    "backward": EPS ** (1 / 2),
    "central": EPS ** (2 / 3),
    "complex": EPS,
}

coefficients = st.lists(
    st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=1, max_size=6
)
points = st.floats(min_value=-3, max_value=3, allow_nan=False)
methods = st.sampled_from(METHODS)


def polynomial(coefs: list[float]) -> Callable[[Any], Any]:
    def p(x: Any) -> Any:
        total: Any = 0.0
        for c in reversed(coefs):  # Horner's rule works for float and complex x
            total = total * x + c
        return total

    return p


def polynomial_derivative(coefs: list[float], x: float) -> float:
    return sum(k * c * x ** (k - 1) for k, c in enumerate(coefs) if k > 0)


def polynomial_scale(coefs: list[float], x: float) -> float:
    """A bound on |f|, |f'|, |f''| and |f'''| near x: what the error terms are multiplied by."""
    r = max(1.0, abs(x)) + 1e-3
    return 1.0 + sum(abs(c) * max(1, k) ** 3 * r**k for k, c in enumerate(coefs))


@settings(max_examples=200, deadline=None)
@given(coefs=coefficients, x=points, method=methods)
def test_polynomial_derivatives_match_power_rule(
    coefs: list[float], x: float, method: Method
) -> None:
    estimate = derivative(polynomial(coefs), x, method=method)
    exact = polynomial_derivative(coefs, x)
    tolerance = 20 * ERROR_ORDER[method] * polynomial_scale(coefs, x)
    assert abs(estimate - exact) <= tolerance


# (function, derivative, domain, a bound on the size of the higher derivatives near x) for the
# elementary functions: exp's are exp; sin's are bounded by 1; log's are (k - 1)!/x^k.
Elementary = tuple[
    Callable[[Any], Any], Callable[[float], float], tuple[float, float], Callable[[float], float]
]
ELEMENTARY: dict[str, Elementary] = {
    "exp": (np.exp, math.exp, (-5.0, 5.0), math.exp),
    "sin": (np.sin, math.cos, (-10.0, 10.0), lambda x: 1.0),
    "log": (np.log, lambda x: 1 / x, (0.1, 10.0), lambda x: 2 / x**3 + 1 / x**2),
}


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(sorted(ELEMENTARY)), u=st.floats(0, 1), method=methods)
def test_elementary_derivatives(name: str, u: float, method: Method) -> None:
    f, df, (low, high), higher_derivatives = ELEMENTARY[name]
    x = low + u * (high - low)
    scale = higher_derivatives(x) + abs(float(f(x)))
    tolerance = 20 * ERROR_ORDER[method] * scale
    assert abs(derivative(f, x, method=method) - df(x)) <= tolerance


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0])
def test_central_difference_error_shrinks_quadratically(x: float) -> None:
    steps = np.logspace(-1, -3, 5)  # large enough that round-off stays negligible
    errors = [abs(derivative(np.exp, x, h=h) - math.exp(x)) for h in steps]
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.05)
    # Each tenfold smaller step is about a hundredfold smaller error.
    ratios = [errors[i] / errors[i + 2] for i in range(len(errors) - 2)]
    assert all(90 < r < 110 for r in ratios)


def test_forward_difference_error_shrinks_linearly() -> None:
    steps = np.logspace(-2, -4, 5)
    errors = [abs(derivative(np.exp, 1.0, h=h, method="forward") - math.e) for h in steps]
    assert np.polyfit(np.log(steps), np.log(errors), 1)[0] == pytest.approx(1.0, abs=0.05)


def test_round_off_dominates_for_tiny_steps() -> None:
    # Below the optimal step, shrinking h makes the central difference *worse*.
    good = abs(derivative(np.exp, 1.0, h=1e-5) - math.e)
    tiny = abs(derivative(np.exp, 1.0, h=1e-12) - math.e)
    assert tiny > 100 * good


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(sorted(ELEMENTARY)), u=st.floats(0, 1))
def test_complex_step_is_exact_to_rounding(name: str, u: float) -> None:
    f, df, (low, high), _ = ELEMENTARY[name]
    x = low + u * (high - low)
    exact = df(x)
    assert abs(derivative(f, x, method="complex") - exact) <= 4 * EPS * max(1.0, abs(exact))


def test_complex_step_at_tiny_steps_has_no_cancellation() -> None:
    assert derivative(np.sin, 1.0, h=1e-200, method="complex") == pytest.approx(
        math.cos(1.0), rel=1e-15
    )


def test_default_step_follows_epsilon_and_scale() -> None:
    assert default_step(0.0, "forward") == math.sqrt(EPS)
    assert default_step(0.0, "central") == pytest.approx(EPS ** (1 / 3))
    assert default_step(0.0, "complex") == EPS
    assert default_step(-1e6, "central") == pytest.approx(1e6 * EPS ** (1 / 3))


def test_derivative_of_the_worked_cubic() -> None:
    # f(x) = x^3 - 3x^2 + 2x + 1 from the derivatives page; f'(x) = 3x^2 - 6x + 2.
    def f(x: Any) -> Any:
        return x**3 - 3 * x**2 + 2 * x + 1

    for x in np.linspace(-2, 3, 11):
        exact = 3 * x**2 - 6 * x + 2
        assert derivative(f, float(x), method="complex") == pytest.approx(exact, abs=1e-13)
        assert derivative(f, float(x)) == pytest.approx(exact, abs=1e-8)


# --- partial derivatives, gradients, directional derivatives, Jacobians ---------------------


def quadratic_form(a: np.ndarray) -> Callable[[np.ndarray], Any]:
    def f(v: np.ndarray) -> Any:
        return v @ a @ v + np.sum(np.sin(v))

    return f


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    method=methods,
)
def test_gradient_matches_analytic(n: int, seed: int, method: Method) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    x = rng.uniform(-2, 2, size=n)
    exact = (a + a.T) @ x + np.cos(x)  # d/dx (x^T A x + sum sin x)
    scale = 1 + np.abs(a).sum() * 3
    estimate = gradient(quadratic_form(a), x, method=method)
    assert estimate.dtype == np.float64
    assert estimate.shape == x.shape
    np.testing.assert_allclose(estimate, exact, rtol=0, atol=50 * ERROR_ORDER[method] * scale)
    for i in range(n):
        assert partial_derivative(quadratic_form(a), x, i, method=method) == pytest.approx(
            estimate[i], abs=50 * ERROR_ORDER[method] * scale
        )


def test_gradient_of_x2_plus_y2_at_3_4() -> None:
    def f(v: np.ndarray) -> Any:
        return v[0] ** 2 + v[1] ** 2

    np.testing.assert_allclose(gradient(f, [3, 4]), [6.0, 8.0], atol=1e-8)
    np.testing.assert_array_equal(gradient(f, [3.0, 4.0], method="complex"), [6.0, 8.0])


def test_gradient_of_matrix_argument_keeps_shape() -> None:
    x = np.arange(6.0).reshape(2, 3)
    grad = gradient(lambda m: np.sum(m**3), x, method="complex")
    # The complex step's O(h^2) term is all that is left: -h^2 at x = 0, with h = eps.
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-15, atol=EPS**2)
    assert partial_derivative(lambda m: np.sum(m**3), x, (1, 2)) == pytest.approx(75.0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_directional_derivative_equals_gradient_dot_direction(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(3, 3))
    x, v = rng.uniform(-2, 2, size=3), rng.normal(size=3)
    exact = ((a + a.T) @ x + np.cos(x)) @ v
    assert directional_derivative(quadratic_form(a), x, v) == pytest.approx(exact, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 4), n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1), method=methods)
def test_jacobian_matches_analytic(m: int, n: int, seed: int, method: Method) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(m, n))
    x = rng.uniform(-1, 1, size=n)

    def f(v: np.ndarray) -> Any:
        return np.tanh(a @ v)

    # d tanh(Av)/dv = diag(1 - tanh^2(Av)) A
    exact = (1 - np.tanh(a @ x) ** 2)[:, None] * a
    estimate = jacobian(f, x, method=method)
    assert estimate.shape == (m, n)
    np.testing.assert_allclose(
        estimate, exact, atol=50 * ERROR_ORDER[method] * (1 + np.abs(a).sum())
    )


def test_jacobian_of_scalar_function_is_gradient() -> None:
    x = np.array([0.3, -1.2])
    f = quadratic_form(np.eye(2))
    np.testing.assert_allclose(jacobian(f, x), gradient(f, x), rtol=1e-12)


def test_inputs_are_not_modified() -> None:
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    gradient(lambda v: np.sum(v**2), x)
    jacobian(lambda v: v**2, x, method="complex")
    partial_derivative(lambda v: np.sum(v**2), x, 0)
    np.testing.assert_array_equal(x, before)


# --- bad input ---------------------------------------------------------------------------------


def square(x: Any) -> Any:
    return x * x


@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_non_finite_x_is_rejected(x: float) -> None:
    with pytest.raises(ValueError, match=r"x must be finite, got"):
        derivative(square, x)
    with pytest.raises(ValueError, match=r"x must be finite, got .* at index \(1,\)"):
        gradient(lambda v: np.sum(v), [1.0, x])


@pytest.mark.parametrize("x", ["1.0", None, 1 + 2j, True])
def test_non_real_x_is_rejected(x: Any) -> None:
    with pytest.raises(TypeError, match="x must be a real number"):
        derivative(square, x)


@pytest.mark.parametrize("h", [0.0, -1e-3])
def test_non_positive_step_is_rejected(h: float) -> None:
    with pytest.raises(ValueError, match=rf"h must be > 0, got {h!r}"):
        derivative(square, 1.0, h=h)
    with pytest.raises(ValueError, match="h must be > 0"):
        gradient(lambda v: np.sum(v), [1.0], h=h)


def test_step_that_does_not_change_x_is_rejected() -> None:
    with pytest.raises(ValueError, match="too small to change x"):
        derivative(square, 1e10, h=1e-10)


def test_non_finite_step_is_rejected() -> None:
    with pytest.raises(ValueError, match="h must be finite"):
        derivative(square, 1.0, h=math.inf)


def test_unknown_method_lists_the_valid_ones() -> None:
    with pytest.raises(
        ValueError,
        match=r"method must be one of 'forward', 'backward', 'central', 'complex'; got 'centered'",
    ):
        derivative(square, 1.0, method="centered")  # type: ignore[arg-type]


def test_non_scalar_output_names_its_shape() -> None:
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(2,\)"):
        derivative(lambda x: np.array([x, x]), 1.0)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        gradient(lambda v: v * 2, [1.0, 2.0, 3.0])


def test_non_finite_output_is_rejected() -> None:
    with pytest.raises(ValueError, match="f must return finite values"):
        derivative(lambda x: np.inf * x, 1.0)


def test_complex_step_needs_complex_aware_function() -> None:
    with pytest.raises(TypeError, match="method='complex' needs f to accept and return complex"):
        derivative(lambda x: float(np.real(x)) ** 2, 1.0, method="complex")


@pytest.mark.parametrize("i", [2, -3, (0, 0)])
def test_index_out_of_range(i: Any) -> None:
    with pytest.raises(IndexError, match=r"i=.* is out of range|one index per axis of x \(1\)"):
        partial_derivative(lambda v: np.sum(v), [1.0, 2.0], i)


def test_negative_index_counts_from_the_end() -> None:
    assert partial_derivative(lambda v: v[0] * v[1], [2.0, 5.0], -1) == pytest.approx(2.0)


def test_non_integer_index_is_rejected() -> None:
    with pytest.raises(TypeError, match="i must be an int"):
        partial_derivative(lambda v: np.sum(v), [1.0, 2.0], 1.0)  # type: ignore[arg-type]


def test_direction_shape_must_match() -> None:
    with pytest.raises(
        ValueError, match=r"direction must have the shape of x, \(2,\), got shape \(3,\)"
    ):
        directional_derivative(lambda v: np.sum(v), [1.0, 2.0], [1.0, 0.0, 0.0])


def test_non_real_array_is_rejected() -> None:
    with pytest.raises(TypeError, match="x must be an array of real numbers, got dtype <U1"):
        gradient(lambda v: np.sum(v), ["a", "b"])


def test_jacobian_output_shape_must_not_change() -> None:
    def ragged(v: np.ndarray) -> Any:
        return v if v[0] == 1.0 else v[:1]

    with pytest.raises(ValueError, match="same shape for every input"):
        jacobian(ragged, [1.0, 2.0])
