"""Tests for the autodiff engine (backprop_ref.autodiff.engine).

Every gradient is checked against an independent oracle: central finite differences of the same
function written with plain floats and :mod:`math`, or a closed form written out here.
"""

from __future__ import annotations

import copy
import gc
import math
import pickle
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop_ref.autodiff import Value, topological_order, zero_grad

EPS = float(np.finfo(np.float64).eps)


def central_difference(f: Callable[[float], float], x: float) -> float:
    """The central difference (f(x + h) - f(x - h)) / 2h, with h = cbrt(eps) * max(1, |x|)."""
    h: float = EPS ** (1 / 3) * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def close(engine: float, oracle: float, scale: float = 1.0) -> bool:
    """Agreement to what a central difference can resolve (its error is ~eps^(2/3) * scale)."""
    return abs(engine - oracle) <= 1e-6 * (abs(oracle) + scale)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# --- every operation against central differences ---------------------------------------------

# name: (the operation on a Value, the same function on floats, the domain of x)
UNARY: dict[str, tuple[Callable[[Value], Value], Callable[[float], float], tuple[float, float]]] = {
    "neg": (lambda v: -v, lambda x: -x, (-10.0, 10.0)),
    "exp": (lambda v: v.exp(), math.exp, (-20.0, 20.0)),
    "log": (lambda v: v.log(), math.log, (0.01, 100.0)),
    "tanh": (lambda v: v.tanh(), math.tanh, (-10.0, 10.0)),
    "sigmoid": (lambda v: v.sigmoid(), sigmoid, (-30.0, 30.0)),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0), (-10.0, 10.0)),
    "square": (lambda v: v**2, lambda x: x**2, (-10.0, 10.0)),
    "cube": (lambda v: v**3, lambda x: x**3, (-5.0, 5.0)),
    "reciprocal": (lambda v: v**-1, lambda x: x**-1, (0.1, 10.0)),
    "sqrt": (lambda v: v**0.5, math.sqrt, (0.01, 100.0)),
    "pow 1.5": (lambda v: v**1.5, lambda x: x**1.5, (0.01, 10.0)),
    "pow 0": (lambda v: v**0, lambda x: 1.0, (-10.0, 10.0)),
    "pow int-valued float": (lambda v: v**2.0, lambda x: x**2.0, (-10.0, 10.0)),
}


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(UNARY)), u=st.floats(0.0, 1.0))
def test_unary_operations_match_central_differences(name: str, u: float) -> None:
    op, f, (low, high) = UNARY[name]
    x = low + u * (high - low)
    if name == "relu":
        assume(abs(x) > 1e-3)  # no derivative at the kink
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(f(x), rel=1e-15, abs=1e-300)
    assert close(v.grad, central_difference(f, x), scale=abs(f(x)) + 1.0)


# name: (the operation on two Values, the same on floats)
BINARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[float, float], float]]] = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
    "/": (lambda a, b: a / b, lambda a, b: a / b),
    "**": (lambda a, b: a**b, lambda a, b: a**b),
}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(BINARY)),
    a=st.floats(-5.0, 5.0),
    b=st.floats(-5.0, 5.0),
    operands=st.sampled_from(["Value op Value", "Value op number", "number op Value"]),
)
def test_binary_operations_match_central_differences(
    name: str, a: float, b: float, operands: str
) -> None:
    op, f = BINARY[name]
    if name == "/":
        assume(abs(b) > 0.1)
    if name == "**":
        assume(a > 0.1)  # a real power with a real exponent (and a gradient for it) needs a > 0
    va, vb = Value(a), Value(b)
    if operands == "Value op Value":
        out = op(va, vb)
    elif operands == "Value op number":
        out = op(va, b)
    else:
        out = op(a, vb)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == pytest.approx(f(a, b), rel=1e-14)
    scale = abs(f(a, b)) + 1.0
    if operands != "number op Value":
        assert close(va.grad, central_difference(lambda x: f(x, b), a), scale)
    if operands != "Value op number":
        assert close(vb.grad, central_difference(lambda x: f(a, x), b), scale)


def test_each_operation_records_its_local_derivatives() -> None:
    a, b = Value(3.0), Value(-2.0)
    assert (a + b).local_grads == (1.0, 1.0)
    assert (a * b).local_grads == (-2.0, 3.0)
    assert (-a).local_grads == (-1.0,)
    assert (a**2).local_grads == (6.0,)
    assert a.exp().local_grads == (math.exp(3.0),)
    assert a.log().local_grads == (1 / 3.0,)
    assert a.tanh().local_grads == (1 - math.tanh(3.0) ** 2,)
    assert b.relu().local_grads == (0.0,)
    assert [(a + b).op, (a**2).op, (a**0.5).op, a.op] == ["+", "**2", "**0.5", ""]
    assert a.is_leaf
    assert not (a * b).is_leaf
    assert [p.data for p in (a * b).parents] == [3.0, -2.0]


def test_subtraction_and_division_are_built_from_primitives() -> None:
    a, b = Value(6.0), Value(4.0)
    difference = a - b
    assert difference.op == "+"
    assert [p.op for p in difference.parents] == ["", "neg"]
    quotient = a / b
    assert quotient.op == "*"
    assert [p.op for p in quotient.parents] == ["", "**-1"]
    assert quotient.data == 1.5


def test_numbers_on_either_side_become_constant_leaves() -> None:
    x = Value(2.0)
    for out in (x + 3, 3 + x, x - 3, 3 - x, x * 3, 3 * x, x / 4, 4 / x, x**3, 3**x):
        assert isinstance(out, Value)
    assert [(3 - x).data, (4 / x).data, (3**x).data] == [1.0, 2.0, 9.0]
    constant = (x + 0.5).parents[1]
    assert constant.is_leaf
    assert constant.data == 0.5


@pytest.mark.parametrize(
    "number",
    [np.float64(2.0), np.float32(2.0), np.int64(2), np.int8(2), np.array(2.0), Fraction(2)],
    ids=["float64", "float32", "int64", "int8", "0-d array", "Fraction"],
)
def test_numpy_and_other_real_scalars_are_accepted_as_python_floats(number: Any) -> None:
    v = Value(number)
    assert type(v.data) is float
    assert v.data == 2.0
    for out in (v * number, number * v, number + v, v - number, number - v, number / v):
        assert isinstance(out, Value)
    assert (number * Value(3.0)).data == 6.0


# --- randomly composed expressions ------------------------------------------------------------


class OutOfDomainError(Exception):
    """The float evaluation left the region where the oracle is reliable."""


def _positive(x: float) -> float:
    if x < 0.1:  # away from 0, where log, sqrt and 1/x blow up
        raise OutOfDomainError
    return x


def _nonzero(x: float) -> float:
    if abs(x) < 0.1:
        raise OutOfDomainError
    return x


# Each op of a random program: (arity, on Values, on floats). Ops with a constant take it as
# their last argument. The float versions raise OutOfDomainError outside the domain where the
# Value version is defined and the central difference is accurate.
Op = tuple[int, Callable[..., Any], Callable[..., float]]
PROGRAM_OPS: dict[str, Op] = {
    "add": (2, lambda a, b, c: a + b, lambda a, b, c: a + b),
    "sub": (2, lambda a, b, c: a - b, lambda a, b, c: a - b),
    "mul": (2, lambda a, b, c: a * b, lambda a, b, c: a * b),
    "div": (2, lambda a, b, c: a / b, lambda a, b, c: a / _nonzero(b)),
    "pow": (2, lambda a, b, c: a**b, lambda a, b, c: _positive(a) ** b),
    "neg": (1, lambda a, c: -a, lambda a, c: -a),
    "exp": (1, lambda a, c: a.exp(), lambda a, c: math.exp(a)),
    "log": (1, lambda a, c: a.log(), lambda a, c: math.log(_positive(a))),
    "tanh": (1, lambda a, c: a.tanh(), lambda a, c: math.tanh(a)),
    "sigmoid": (1, lambda a, c: a.sigmoid(), lambda a, c: sigmoid(a)),
    "relu": (1, lambda a, c: a.relu(), lambda a, c: max(a, 0.0)),
    "square": (1, lambda a, c: a**2, lambda a, c: a**2),
    "sqrt": (1, lambda a, c: a**0.5, lambda a, c: math.sqrt(_positive(a))),
    "reciprocal": (1, lambda a, c: a**-1, lambda a, c: 1.0 / _nonzero(a)),
    "add const": (1, lambda a, c: a + c, lambda a, c: a + c),
    "const minus": (1, lambda a, c: c - a, lambda a, c: c - a),
    "times const": (1, lambda a, c: c * a, lambda a, c: c * a),
    "over const": (1, lambda a, c: a / c, lambda a, c: a / _nonzero(c)),
    "const over": (1, lambda a, c: c / a, lambda a, c: c / _nonzero(a)),
    "const pow": (1, lambda a, c: abs(c) ** a, lambda a, c: _positive(abs(c)) ** a),
}

Step = tuple[str, int, int, float]  # (op name, first operand, second operand, constant)


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[float], list[Step]]:
    """A straight-line program over 1-3 inputs: each step applies an op to earlier results."""
    inputs = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3))
    steps: list[Step] = []
    for k in range(draw(st.integers(1, 8))):
        available = len(inputs) + k
        name = draw(st.sampled_from(sorted(PROGRAM_OPS)))
        i = draw(st.integers(0, available - 1))
        j = draw(st.integers(0, available - 1))
        c = draw(st.floats(-3.0, 3.0))
        steps.append((name, i, j, c))
    return inputs, steps


def run_on_values(steps: list[Step], inputs: list[Value]) -> Value:
    """Evaluate a program on Values; the last step's result is the output."""
    results = list(inputs)
    for name, i, j, c in steps:
        arity, value_op, _ = PROGRAM_OPS[name]
        results.append(
            value_op(results[i], results[j], c) if arity == 2 else value_op(results[i], c)
        )
    return results[-1]


def run_on_floats(steps: list[Step], inputs: list[float]) -> tuple[float, tuple[bool, ...]]:
    """Evaluate a program on floats; also return which side of its kink each relu was on."""
    results = list(inputs)
    relu_signs = []
    for name, i, j, c in steps:
        arity, _, float_op = PROGRAM_OPS[name]
        args = (results[i], results[j], c) if arity == 2 else (results[i], c)
        if name == "relu":
            if abs(args[0]) < 1e-3:
                raise OutOfDomainError  # the kink, where relu has no derivative
            relu_signs.append(args[0] > 0)
        out = float_op(*args)
        if not abs(out) < 1e3:
            raise OutOfDomainError  # huge values: round-off swamps the differences
        results.append(out)
    return results[-1], tuple(relu_signs)


def program_derivative(steps: list[Step], inputs: list[float], k: int) -> tuple[float, float]:
    """Central differences of a program in input k: the estimate, and a bound on its error.

    The bound compares the differences at steps h and h/2: their gap is about 3/4 of the
    larger one's truncation error. Raises OutOfDomainError if a shifted point leaves the domain
    or moves a relu across its kink.
    """
    _, signs = run_on_floats(steps, inputs)

    def f(t: float) -> float:
        value, shifted_signs = run_on_floats(steps, [*inputs[:k], t, *inputs[k + 1 :]])
        if shifted_signs != signs:
            raise OutOfDomainError
        return value

    x = inputs[k]
    h = EPS ** (1 / 3) * max(1.0, abs(x))
    coarse = (f(x + h) - f(x - h)) / (2 * h)
    fine = (f(x + h / 2) - f(x - h / 2)) / h
    return fine, abs(coarse - fine)


@settings(max_examples=300, deadline=None)
@given(program=programs())
def test_random_expressions_match_central_differences(
    program: tuple[list[float], list[Step]],
) -> None:
    inputs, steps = program
    try:
        expected, _ = run_on_floats(steps, inputs)
        oracles = [program_derivative(steps, inputs, k) for k in range(len(inputs))]
    except (OutOfDomainError, OverflowError):  # math.exp and ** raise OverflowError
        assume(False)
    values = [Value(x) for x in inputs]
    out = run_on_values(steps, values)
    out.backward()
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
    for v, (difference, error) in zip(values, oracles, strict=True):
        assert abs(v.grad - difference) <= 1e-6 * (abs(difference) + abs(expected) + 1) + 10 * error


# --- gradient accumulation, zero_grad, shared sub-expressions ----------------------------------


def build_shared_graph() -> tuple[list[Value], list[Value], Value]:
    """A graph with fan-out, on dyadic numbers so every sum below is exact in float64."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    d = a * b  # -6
    e = d + c  # -5.5
    f = e * a  # -11     (a used twice)
    loss = f + d * d  # 25  (d used twice)
    return [a, b, c], [d, e, f], loss


def test_backward_twice_doubles_leaf_gradients_and_recomputes_intermediates() -> None:
    leaves, intermediates, loss = build_shared_graph()
    loss.backward()
    leaf_grads = [v.grad for v in leaves]
    intermediate_grads = [v.grad for v in intermediates]
    # Closed form: loss = (ab + c) a + (ab)^2, dL/da = 2ab + c + 2ab^2, dL/db = a^2 + 2a^2 b,
    # dL/dc = a; dL/dd = a + 2d, dL/de = a, dL/df = 1.
    a, b, c = 2.0, -3.0, 0.5
    assert leaf_grads == [2 * a * b + c + 2 * a * b**2, a**2 + 2 * a**2 * b, a]
    assert intermediate_grads == [a + 2 * a * b, a, 1.0]
    loss.backward()
    assert [v.grad for v in leaves] == [2 * g for g in leaf_grads]
    assert [v.grad for v in intermediates] == intermediate_grads
    assert loss.grad == 1.0
    loss.backward()
    assert [v.grad for v in leaves] == [3 * g for g in leaf_grads]


@settings(max_examples=100, deadline=None)
@given(program=programs())
def test_backward_twice_doubles_leaf_gradients_on_random_programs(
    program: tuple[list[float], list[Step]],
) -> None:
    inputs, steps = program
    values = [Value(x) for x in inputs]
    try:
        out = run_on_values(steps, values)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)
    out.backward()
    nodes = topological_order(out)
    first = {node: node.grad for node in nodes}
    largest = max(abs(local * first[n]) for n in nodes for local in n.local_grads)
    assume(math.isfinite(4 * largest))  # gradients are plain float sums and may overflow
    out.backward()
    # A leaf reached by several paths sums the same contributions twice, in a different
    # grouping: equal to 2x up to the rounding of those sums.
    for node in nodes:
        if node.is_leaf:
            assert abs(node.grad - 2 * first[node]) <= 1e-13 * len(nodes) * largest
        else:
            assert node.grad == first[node]


def test_leaf_gradients_accumulate_across_different_outputs() -> None:
    a, b = Value(2.0), Value(5.0)
    y = a * b
    z = y + a
    z.backward()  # dz/da = b + 1
    y.backward()  # dy/da = b, added to what a holds
    assert a.grad == (5.0 + 1.0) + 5.0
    assert y.grad == 1.0  # y is the output of the last call: recomputed, seeded with 1


def test_backward_of_a_leaf_accumulates_the_seed() -> None:
    x = Value(3.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_zero_grad_method_and_function() -> None:
    leaves, _, loss = build_shared_graph()
    loss.backward()
    leaves[0].zero_grad()
    assert leaves[0].grad == 0.0
    assert leaves[1].grad != 0.0
    zero_grad(leaves)
    assert [v.grad for v in leaves] == [0.0, 0.0, 0.0]
    loss.backward()  # after a reset, one call gives the single-call gradient again
    assert leaves[2].grad == 2.0


def test_zero_grad_rejects_non_values_and_changes_nothing() -> None:
    w = Value(1.0)
    (w * 3).backward()
    with pytest.raises(
        TypeError, match=r"^zero_grad: parameters\[1\] must be a Value, got float 2\.0$"
    ):
        zero_grad([w, 2.0])  # type: ignore[list-item]
    assert w.grad == 3.0


@settings(max_examples=50, deadline=None)
@given(a=st.floats(-5.0, 5.0), b=st.floats(-5.0, 5.0))
def test_fan_out_sums_the_paths(a: float, b: float) -> None:
    va, vb = Value(a), Value(b)
    (va + va).backward()
    assert va.grad == 2.0
    (vb * vb).backward()
    assert vb.grad == pytest.approx(2 * b, rel=1e-15, abs=1e-300)
    # One node, three consumers: loss = c*c + exp(c) + c with c = 2a; dL/dc = 2c + e^c + 1.
    va.zero_grad()
    c = va * 2
    loss = c * c + c.exp() + c
    loss.backward()
    dc = 2 * (2 * a) + math.exp(2 * a) + 1
    assert c.grad == pytest.approx(dc, rel=1e-14)
    assert va.grad == pytest.approx(2 * dc, rel=1e-14)


def test_graphs_have_no_reference_cycles() -> None:
    # The design point of the engine: no closures, no back references, so reference counting
    # alone frees a graph and the cyclic garbage collector finds nothing to collect.
    gc.collect()
    gc.disable()
    try:
        x, w = Value(0.5), Value(-1.5)
        out = (w * x + 1).tanh() ** 2 + (x / w).exp().log() - x.sigmoid() * 2**w
        out = out + (-x).relu() + (3 - w) / 2 + x ** w.sigmoid()
        out.backward()
        del x, w, out
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_million_node_chain_backpropagates_and_is_freed_without_recursion() -> None:
    # 10**6 additions: a graph a million levels deep. Both the topological sort and the backward
    # pass must be iterative, so they must work even with the recursion limit just above the
    # current depth; dropping the graph must not overflow the C stack in deallocation.
    n = 1_000_000
    x0, step = Value(1.0), Value(0.5)
    x = x0
    # The graph has no cycles (see above), so the cyclic collector has nothing to find here;
    # pausing it only saves its repeated full passes over two million live objects.
    gc.disable()
    try:
        for _ in range(n):
            x = x + step
    finally:
        gc.enable()
    depth = 0
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
        depth += 1
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 50)
    try:
        x.backward()
    finally:
        sys.setrecursionlimit(limit)
    assert x.data == 1.0 + 0.5 * n
    assert x0.grad == 1.0
    assert step.grad == float(n)
    del x  # frees a million-deep chain of Values (a crash here would fail the whole run)
    assert x0.grad == 1.0


# --- ** with a Value exponent ------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(a=st.floats(0.1, 5.0), b=st.floats(-3.0, 3.0))
def test_value_exponent_gradients_for_base_and_exponent(a: float, b: float) -> None:
    va, vb = Value(a), Value(b)
    out = va**vb
    out.backward()
    # Closed form: d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a.
    assert va.grad == pytest.approx(b * a ** (b - 1), rel=1e-12, abs=1e-300)
    assert vb.grad == pytest.approx(a**b * math.log(a), rel=1e-12, abs=1e-300)
    scale = a**b + 1.0
    assert close(va.grad, central_difference(lambda x: x**b, a), scale)
    assert close(vb.grad, central_difference(lambda y: a**y, b), scale)


def test_constant_base_with_value_exponent() -> None:
    x = Value(3.0)
    out = 2**x
    out.backward()
    assert out.data == 8.0
    assert x.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("2.0", r"got str '2\.0'"),
        (None, r"got NoneType None"),
        (1 + 2j, r"got complex \(1\+2j\)"),
        (np.array([1.0, 2.0]), r"got numpy\.ndarray of shape \(2,\) and dtype float64"),
        (np.array([1.0]), r"got numpy\.ndarray of shape \(1,\)"),
        (np.array(1 + 1j), r"got numpy\.ndarray of shape \(\) and dtype complex128"),
        (True, r"got bool True$"),
        (np.bool_(False), r"got bool np\.False_$"),
        ([1.0], r"got list \[1\.0\]"),
    ],
)
def test_non_numeric_data_raises_type_error(data: Any, message: str) -> None:
    with pytest.raises(TypeError, match=rf"^Value: data must be a real number.*{message}"):
        Value(data)


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (np.float64("nan"), "nan"),
        (np.float32("inf"), "inf"),
        (10**400, "an int too large for a float"),
    ],
)
def test_non_finite_data_raises_value_error(data: Any, shown: str) -> None:
    with pytest.raises(ValueError, match=rf"^Value: data must be finite, got {shown}$"):
        Value(data)


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match=r"label must be a str, got int 3"):
        Value(1.0, label=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda x: x + "a", r"Value \+: the other operand must be a real number, got str 'a'"),
        (lambda x: "a" * x, r"can't multiply sequence|Value \*"),
        (lambda x: x * None, r"Value \*: the other operand .*got NoneType None"),
        (lambda x: x - True, r"Value -: the other operand must be a real number, got bool True"),
        (lambda x: x / [1.0], r"Value /: the other operand .*got list"),
        (lambda x: x ** "2", r"Value \*\* n: the exponent n must be a real number, got str"),
        (lambda x: 1j - x, r"Value -: the other operand .*got complex 1j"),
    ],
)
def test_non_numeric_operands_raise_type_error(
    operation: Callable[[Value], Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        operation(Value(2.0))


def test_non_finite_operand_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"Value \*: the other operand must be finite, got nan"):
        Value(2.0) * math.nan


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_non_positive_raises_value_error_with_the_value(x: float) -> None:
    with pytest.raises(ValueError, match=rf"^Value\.log: log needs a positive value, got {x!r}$"):
        Value(x).log()


def test_log_of_a_subnormal_overflows_in_its_derivative() -> None:
    with pytest.raises(OverflowError, match=r"derivative 1/a overflows a float at a = 5e-324"):
        Value(5e-324).log()


@pytest.mark.parametrize(
    "operation",
    [lambda: Value(1.0) / 0, lambda: Value(1.0) / 0.0, lambda: Value(1.0) / Value(0.0)],
    ids=["int 0", "float 0", "Value 0"],
)
def test_division_by_zero_names_the_division(operation: Callable[[], Any]) -> None:
    with pytest.raises(ZeroDivisionError, match=r"^Value: division by zero in 1\.0 / 0\.0$"):
        operation()


def test_division_of_a_number_by_a_zero_value() -> None:
    with pytest.raises(ZeroDivisionError, match=r"^Value: division by zero in 3\.0 / 0\.0$"):
        3 / Value(0.0)


@pytest.mark.parametrize(
    ("base", "exponent", "error", "message"),
    [
        (-8.0, 1 / 3, ValueError, r"a negative base needs an integer exponent .*complex"),
        (-2.0, 0.5, ValueError, r"a negative base needs an integer exponent"),
        (0.0, -1, ZeroDivisionError, r"0\.0 cannot be raised to a negative power"),
        (0.0, -0.5, ZeroDivisionError, r"0\.0 cannot be raised to a negative power"),
        (0.0, 0.5, ValueError, r"derivative n \* a\*\*\(n-1\) is infinite at base 0\.0"),
        (10.0, 400, OverflowError, r"overflows a float at base 10\.0"),
        (1e-200, -1, OverflowError, r"overflows a float at base 1e-200"),
        (2.0, math.inf, ValueError, r"exponent n must be finite, got inf"),
    ],
)
def test_numeric_power_outside_its_domain_raises(
    base: float, exponent: float, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        Value(base) ** exponent


@pytest.mark.parametrize("base", [0.0, -2.0])
def test_value_exponent_needs_a_positive_base(base: float) -> None:
    with pytest.raises(
        ValueError,
        match=rf"^Value \*\* Value: the base must be > 0 \(d/db needs ln a\), got {base}$",
    ):
        Value(base) ** Value(2.0)
    with pytest.raises(ValueError, match=r"base must be > 0"):
        base ** Value(2.0)


def test_negative_base_with_integer_exponent_works() -> None:
    x = Value(-2.0)
    out = x**3
    out.backward()
    assert (out.data, x.grad) == (-8.0, 12.0)
    assert (Value(0.0) ** 0).data == 1.0
    assert (Value(0.0) ** 1).local_grads == (1.0,)


def test_exp_overflow_names_the_input() -> None:
    with pytest.raises(OverflowError, match=r"^Value\.exp: exp\(1000\.0\) overflows a float"):
        Value(1000.0).exp()


@pytest.mark.parametrize(
    "operation",
    [lambda: Value(1e200) * 1e200, lambda: Value(1.7e308) + Value(1.7e308)],
    ids=["*", "+"],
)
def test_arithmetic_overflow_raises_instead_of_returning_inf(
    operation: Callable[[], Any],
) -> None:
    with pytest.raises(OverflowError, match=r"overflows a float"):
        operation()


@pytest.mark.parametrize("x", [1e4, -1e4, 1e300, -1e300])
def test_sigmoid_and_tanh_are_stable_at_extreme_inputs(x: float) -> None:
    # pytest turns warnings into errors, so this also checks that nothing warns.
    v = Value(x)
    s, t = v.sigmoid(), v.tanh()
    (s + t).backward()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert t.data == math.copysign(1.0, x)
    assert v.grad == 0.0
    assert all(math.isfinite(y) for y in (s.data, t.data, v.grad))


def test_sigmoid_matches_both_branches_near_zero() -> None:
    for x in (-1e-3, 0.0, 1e-3, -20.0, 20.0):
        assert Value(x).sigmoid().data == pytest.approx(sigmoid(x), rel=1e-15)


def test_relu_derivative_at_zero_is_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_topological_order_rejects_non_values() -> None:
    with pytest.raises(TypeError, match=r"root must be a Value, got float 1\.0"):
        topological_order(1.0)  # type: ignore[arg-type]


def test_repr_shows_data_grad_and_label() -> None:
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(-1, label="x")) == "Value(data=-1.0, grad=0.0, label='x')"


def test_pickled_and_copied_graphs_keep_creation_order_topological() -> None:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    out = (w * x).tanh() + x
    out.backward()
    newest = Value(0.0)._sequence
    loaded = pickle.loads(pickle.dumps(out))
    nodes = topological_order(loaded)
    assert sorted((n.data, n.grad, n.label, n.op) for n in nodes) == sorted(
        (n.data, n.grad, n.label, n.op) for n in topological_order(out)
    )
    for node in nodes:
        assert node._sequence > newest  # renumbered, as if created now
        assert all(parent._sequence < node._sequence for parent in node.parents)
    # Built on in this process, the loaded graph still backpropagates correctly: x's gradient
    # (the loaded copy of x.grad, (1 - tanh(wx)^2) w + 1) gains twice that from d(2 out)/dx.
    loaded_x = next(n for n in nodes if n.label == "x")
    (loaded * 2).backward()
    assert loaded_x.grad == pytest.approx(3 * x.grad, rel=1e-15)
    copied = copy.copy(out)
    assert copied.parents == out.parents
    assert copied._sequence > out._sequence


def test_values_have_no_dict_and_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert not hasattr(a, "__dict__")
    assert len({a, b}) == 2


# --- the worked examples of the docs -----------------------------------------------------------


def test_worked_example_two_weight_linear_net() -> None:
    x, y, w1_, w2_ = 2.0, 20.0, 2.0, 0.5
    # Closed form, by the chain rule: h = w1 x, ŷ = w2 h, loss = (ŷ - y)^2 / 2.
    h_ = w1_ * x
    y_hat_ = w2_ * h_
    loss_ = 0.5 * (y_hat_ - y) ** 2
    dloss_dyhat = y_hat_ - y
    dloss_dw2 = dloss_dyhat * h_
    dloss_dh = dloss_dyhat * w2_
    dloss_dw1 = dloss_dh * x
    assert (h_, y_hat_, loss_, dloss_dyhat, dloss_dw2, dloss_dw1) == (
        4.0,
        2.0,
        162.0,
        -18.0,
        -72.0,
        -18.0,
    )

    w1, w2 = Value(w1_, label="w1"), Value(w2_, label="w2")
    h = w1 * x
    y_hat = w2 * h
    loss = 0.5 * (y_hat - y) ** 2
    loss.backward()
    assert (h.data, y_hat.data, loss.data) == (h_, y_hat_, loss_)
    assert (y_hat.grad, h.grad, w2.grad, w1.grad) == (dloss_dyhat, dloss_dh, dloss_dw2, dloss_dw1)


def test_worked_example_sigmoid_net() -> None:
    # Inputs chosen so z1 = w1 x1 + w2 x2 = -0.5: x1 = 0.5, x2 = -1, w1 = w2 = 1; w3 = 0.5, y = 1.
    x1, x2, w1_, w2_, w3_, y = 0.5, -1.0, 1.0, 1.0, 0.5, 1.0
    # Closed form, with math.exp: h1 = σ(z1), ŷ = σ(w3 h1), loss = (ŷ - y)²/2, σ' = σ(1-σ).
    z1_ = w1_ * x1 + w2_ * x2
    h1_ = 1 / (1 + math.exp(-z1_))
    z2_ = w3_ * h1_
    y_hat_ = 1 / (1 + math.exp(-z2_))
    loss_ = 0.5 * (y_hat_ - y) ** 2
    dloss_dz2 = (y_hat_ - y) * y_hat_ * (1 - y_hat_)
    dloss_dw3 = dloss_dz2 * h1_
    dloss_dz1 = dloss_dz2 * w3_ * h1_ * (1 - h1_)
    # The figures quoted in the docs, to their printed precision.
    assert z1_ == -0.5
    assert (round(h1_, 4), round(y_hat_, 4)) == (0.3775, 0.5471)
    assert (round(dloss_dz2, 4), round(dloss_dw3, 5), round(dloss_dz1, 5)) == (
        -0.1122,
        -0.04237,
        -0.01319,
    )

    w1, w2, w3 = Value(w1_), Value(w2_), Value(w3_)
    z1 = w1 * x1 + w2 * x2
    h1 = z1.sigmoid()
    z2 = w3 * h1
    y_hat = z2.sigmoid()
    loss = 0.5 * (y_hat - y) ** 2
    loss.backward()
    for engine, closed_form in [
        (h1.data, h1_),
        (y_hat.data, y_hat_),
        (loss.data, loss_),
        (z2.grad, dloss_dz2),
        (w3.grad, dloss_dw3),
        (z1.grad, dloss_dz1),
        (w1.grad, dloss_dz1 * x1),
        (w2.grad, dloss_dz1 * x2),
    ]:
        assert engine == pytest.approx(closed_form, rel=1e-13)
