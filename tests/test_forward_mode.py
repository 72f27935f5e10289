"""Tests for backprop_ref.forward_mode against closed forms and central differences."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref import forward_mode as fm
from backprop_ref.calculus import derivative as numerical_derivative

finite = st.floats(min_value=-3, max_value=3, allow_nan=False)
positive = st.floats(min_value=0.1, max_value=5, allow_nan=False)

# (forward-mode function, the same with math, closed-form derivative, input strategy)
UNARY = {
    "exp": (fm.exp, math.exp, math.exp, finite),
    "log": (fm.log, math.log, lambda x: 1 / x, positive),
    "sin": (fm.sin, math.sin, math.cos, finite),
    "cos": (fm.cos, math.cos, lambda x: -math.sin(x), finite),
    "tanh": (fm.tanh, math.tanh, lambda x: 1 - math.tanh(x) ** 2, finite),
    "sigmoid": (
        fm.sigmoid,
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        finite,
    ),
    "sqrt": (fm.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), positive),
}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(UNARY)))
def test_unary_rules_match_closed_form(data: st.DataObject, name: str) -> None:
    dual_f, plain_f, df, inputs = UNARY[name]
    x = data.draw(inputs)
    result = dual_f(fm.Dual(x, 1.0))
    assert result.value == pytest.approx(plain_f(x), rel=1e-14, abs=1e-300)
    assert result.tangent == pytest.approx(df(x), rel=1e-12, abs=1e-15)
    assert dual_f(x) == pytest.approx(plain_f(x), rel=1e-14, abs=1e-300)  # floats pass through


@settings(max_examples=100, deadline=None)
@given(a=finite, b=positive, x=positive)
def test_composite_expression_matches_central_differences(a: float, b: float, x: float) -> None:
    def f(t: Any) -> Any:
        return (a * t**3 - t / b + fm.exp(-t) * fm.sin(t)) / (1 + t**2) + fm.log(t + b) ** 2

    assert fm.derivative(f, x) == pytest.approx(numerical_derivative(f, x), rel=1e-6, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(x=positive, y=st.floats(min_value=-2, max_value=2))
def test_dual_exponent_gradient_both_ways(x: float, y: float) -> None:
    # d(x^y)/dx = y x^(y-1), d(x^y)/dy = x^y ln x
    grad = fm.gradient(lambda p: p[0] ** p[1], [x, y])
    assert grad[0] == pytest.approx(y * x ** (y - 1), rel=1e-12, abs=1e-12)
    assert grad[1] == pytest.approx(x**y * math.log(x), rel=1e-12, abs=1e-12)


def test_gradient_and_jvp_of_x2_plus_y2() -> None:
    def f(p: list[fm.Dual]) -> Any:
        return p[0] ** 2 + p[1] ** 2

    assert fm.gradient(f, [3.0, 4.0]) == [6.0, 8.0]
    assert fm.jvp(f, [3.0, 4.0], [0.6, 0.8]) == pytest.approx(10.0)


def test_reflected_operators() -> None:
    x = fm.Dual(2.0, 1.0)
    for result, value, tangent in [
        (3 + x, 5.0, 1.0),
        (3 - x, 1.0, -1.0),
        (3 * x, 6.0, 3.0),
        (3 / x, 1.5, -0.75),
        (2**x, 4.0, 4 * math.log(2)),
    ]:
        assert result.value == pytest.approx(value)
        assert result.tangent == pytest.approx(tangent)


def test_constant_function_has_zero_derivative() -> None:
    assert fm.derivative(lambda x: 5.0, 1.0) == 0.0


def test_sigmoid_is_stable_at_extremes() -> None:
    for x in (-1000.0, 1000.0):
        result = fm.sigmoid(fm.Dual(x, 1.0))
        assert math.isfinite(result.value)
        assert result.tangent == 0.0


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: fm.Dual("1"), TypeError, "value must be a real number, got str"),  # type: ignore[arg-type]
        (lambda: fm.Dual(1.0, math.nan), ValueError, "tangent must be finite, got nan"),
        (lambda: fm.Dual(1.0) / fm.Dual(0.0), ZeroDivisionError, "value is zero"),
        (lambda: fm.log(fm.Dual(-1.0, 1.0)), ValueError, "log needs a positive argument, got -1.0"),
        (lambda: fm.sqrt(fm.Dual(0.0, 1.0)), ValueError, "sqrt needs a positive argument"),
        (lambda: fm.Dual(-2.0) ** fm.Dual(0.5), ValueError, "positive base"),
        (lambda: fm.Dual(-2.0) ** 0.5, ValueError, "is not a real number"),
        (lambda: fm.Dual(0.0, 1.0) ** -1, ZeroDivisionError, "undefined"),
        (lambda: fm.jvp(lambda p: p[0], [1.0, 2.0], [1.0]), ValueError, "one entry per input"),
        (lambda: fm.derivative(lambda x: "no", 1.0), TypeError, "must return a Dual or a number"),
    ],
)
def test_bad_input(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()
