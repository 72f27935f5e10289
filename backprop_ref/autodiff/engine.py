r"""A scalar reverse-mode autodiff engine: :class:`Value` and its backward pass.

Arithmetic on Values builds a graph: each result keeps its operands (its *parents*) and, computed
in the forward pass, its *local derivative* with respect to each one. ``out.backward()`` then
applies the chain rule from ``out`` back to the leaves, each node after all its consumers:

.. math::

    \frac{\partial\,\mathrm{out}}{\partial\,\mathrm{parent}}
    \mathrel{+}= \frac{\partial\,\mathrm{node}}{\partial\,\mathrm{parent}}
    \cdot \frac{\partial\,\mathrm{out}}{\partial\,\mathrm{node}}

Only ``+``, ``*``, unary ``-``, ``**``, ``exp``, ``log``, ``tanh``, ``sigmoid`` and ``relu`` have
rules; subtraction and division are built from them. Leaves accumulate gradients across calls
(as in PyTorch), intermediate nodes start from zero on each call. Why there are no closures, and
how the order of creation gives the topological order: the page docs/autodiff/engine.md.

Files to copy: ``backprop_ref/autodiff/engine.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from math import isfinite
from operator import attrgetter
from typing import Any

import numpy as np

from backprop_ref._checks import check_real, check_type

__all__ = ["Value", "topological_order", "zero_grad"]

# Numbers every Value in order of creation; parents are always created before their children.
_next_sequence_number = itertools.count().__next__


def _op_result(
    data: float,
    op: str,
    parent_a: Value | None,
    local_a: float,
    parent_b: Value | None = None,
    local_b: float = 0.0,
) -> Value:
    """Build the output of ``op``: its value, and each parent with its local derivative."""
    if not isfinite(data):
        raise OverflowError(f"Value {op}: the result overflows a float")
    out = object.__new__(Value)  # skips __init__: the operation has checked its operands
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._parent_a = parent_a
    out._local_a = local_a
    out._parent_b = parent_b
    out._local_b = local_b
    out._sequence = _next_sequence_number()
    return out


def _constant(number: object, op: str) -> Value:
    """Wrap a plain number used as an operand of ``op`` as a constant leaf."""
    return Value(_to_float(number, "the other operand", f"Value {op}"))


class Value:
    r"""A scalar node of a computation graph: a float, its gradient, and how it was made.

    Parameters
    ----------
    data
        A real number (``int``, ``float``, a numpy real scalar or 0-d array), stored as a float.
    label
        A name shown by the trace tables, drawings and DOT export.

    Attributes
    ----------
    data, grad : float
        The value, and :math:`\partial\,\mathrm{out}/\partial\,\mathrm{self}` after
        ``out.backward()``.

    Raises
    ------
    TypeError
        If ``data`` is not a real number (a bool, str, complex, array with dimensions) or
        ``label`` is not a str.
    ValueError
        If ``data`` is nan or infinite.

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> y.data, x.grad  # d(x**2 + 3x)/dx = 2x + 3
    (10.0, 7.0)
    """

    # One object per node, no __dict__. Every operation has one or two operands: _parent_a and
    # _parent_b (None if absent) and the local derivatives d(self)/d(parent), _local_a and
    # _local_b. _sequence numbers the nodes in creation order, a topological order.
    __slots__ = ("_local_a", "_local_b", "_op", "_parent_a", "_parent_b", "_sequence",
                 "data", "grad", "label")  # fmt: skip

    __array_ufunc__ = None  # so np.float64(2.0) * Value(3.0) calls Value.__rmul__, not numpy

    def __init__(self, data: float, label: str = "") -> None:
        self.data: float = _to_float(data, "data", "Value")
        self.grad: float = 0.0
        self.label: str = (
            label if type(label) is str else check_type("label", label, str, owner="Value")
        )
        self._op: str = ""
        self._parent_a: Value | None = None
        self._parent_b: Value | None = None
        self._local_a: float = 0.0
        self._local_b: float = 0.0
        self._sequence: int = _next_sequence_number()

    # --- the graph, read-only, for the trace and drawing tools ---------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order; ``()`` for a leaf."""
        return tuple(p for p in (self._parent_a, self._parent_b) if p is not None)

    @property
    def op(self) -> str:
        """The operation that made this Value (``"+"``, ``"exp"``, ...); ``""`` for a leaf."""
        return self._op

    @property
    def local_grads(self) -> tuple[float, ...]:
        """The local derivatives d(self)/d(parent), aligned with ``parents``."""
        return (self._local_a, self._local_b)[: len(self.parents)]

    @property
    def is_leaf(self) -> bool:
        """Whether this Value has no parents (an input, a parameter or a constant)."""
        return self._parent_a is None

    # --- primitive operations: the result, and its local derivative per operand ----------------

    def __add__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "+")
        # d(a + b)/da = 1, d(a + b)/db = 1
        return _op_result(self.data + other.data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other: Value | float) -> Value:
        """Return ``self * other``; a plain number becomes a constant leaf."""
        if not isinstance(other, Value):
            other = _constant(other, "*")
        # d(ab)/da = b, d(ab)/db = a
        return _op_result(self.data * other.data, "*", self, other.data, other, self.data)

    def __neg__(self) -> Value:
        return _op_result(-self.data, "neg", self, -1.0)  # d(-a)/da = -1

    def __pow__(self, exponent: Value | float) -> Value:
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        n, a = _to_float(exponent, "the exponent n", "Value ** n"), self.data
        where = f"Value ** {n!r}"
        if a < 0.0 and not n.is_integer():
            raise ValueError(
                f"{where}: a negative base needs an integer exponent "
                f"(the result would be complex), got base {a!r}"
            )
        if a == 0.0 and n < 0.0:
            raise ZeroDivisionError(f"{where}: 0.0 cannot be raised to a negative power")
        if a == 0.0 and 0.0 < n < 1.0:
            raise ValueError(f"{where}: the derivative n * a**(n-1) is infinite at base 0.0")
        try:  # d(a**n)/da = n a**(n-1); a**0 = 1 has derivative 0
            data, local = a**n, (n * a ** (n - 1.0) if n != 0.0 else 0.0)
        except OverflowError:
            data = local = math.inf
        if not (isfinite(data) and isfinite(local)):
            raise OverflowError(f"{where}: overflows a float at base {a!r}")
        return _op_result(data, f"**{n:g}", self, local)

    def _pow_value(self, exponent: Value) -> Value:
        """``self ** exponent`` for a Value exponent: gradients for the base and the exponent."""
        a, b = self.data, exponent.data
        if a <= 0.0:
            raise ValueError(f"Value ** Value: the base must be > 0 (d/db needs ln a), got {a!r}")
        try:  # d(a**b)/da = b a**(b-1), d(a**b)/db = a**b ln a
            data, local_a = a**b, b * a ** (b - 1.0)
        except OverflowError:
            data = local_a = math.inf
        local_b = data * math.log(a)
        if not (isfinite(data) and isfinite(local_a) and isfinite(local_b)):
            raise OverflowError(f"Value ** Value: {a!r} ** {b!r} overflows a float")
        return _op_result(data, "**", self, local_a, exponent, local_b)

    def exp(self) -> Value:
        """Return :math:`e^x`; its local derivative is :math:`e^x` itself.

        Raises ``OverflowError`` above about 709.78.

        >>> y = Value(0.0).exp()
        >>> y.data, y.local_grads
        (1.0, (1.0,))
        """
        if self.data > 709.782712893384:  # log of the largest float
            raise OverflowError(f"Value.exp: exp({self.data!r}) overflows a float (max 709.78)")
        data = math.exp(self.data)
        return _op_result(data, "exp", self, data)  # d(e^a)/da = e^a

    def log(self) -> Value:
        r"""Return :math:`\ln x`; its local derivative is :math:`1/x`.

        Raises ``ValueError`` for ``x <= 0`` and ``OverflowError`` if ``1/x`` overflows.

        >>> Value(2.0).log().local_grads
        (0.5,)
        """
        a = self.data
        if a <= 0.0:
            raise ValueError(f"Value.log: log needs a positive value, got {a!r}")
        local = 1.0 / a  # d(ln a)/da = 1/a
        if not isfinite(local):
            raise OverflowError(f"Value.log: the derivative 1/a overflows a float at a = {a!r}")
        return _op_result(math.log(a), "log", self, local)

    def tanh(self) -> Value:
        r"""Return :math:`\tanh x`; its local derivative is :math:`1 - \tanh^2 x`.

        >>> y = Value(0.0).tanh()
        >>> y.data, y.local_grads
        (0.0, (1.0,))
        """
        t = math.tanh(self.data)
        return _op_result(t, "tanh", self, 1.0 - t * t)  # d(tanh a)/da = 1 - tanh(a)**2

    def sigmoid(self) -> Value:
        r"""Return :math:`\sigma(x) = 1/(1 + e^{-x})`; its local derivative is :math:`\sigma(1-\sigma)`.

        >>> y = Value(0.0).sigmoid()
        >>> y.data, y.local_grads
        (0.5, (0.25,))
        """
        e = math.exp(-abs(self.data))  # from the exp of the engine, of an argument <= 0: stable
        s = (1.0 if self.data >= 0.0 else e) / (1.0 + e)  # 1/(1 + e^-x), or e^x/(1 + e^x) for x < 0
        return _op_result(s, "sigmoid", self, s * (1.0 - s))  # d(sigma)/da = sigma (1 - sigma)

    def relu(self) -> Value:
        r"""Return :math:`\max(x, 0)`; its local derivative is 1 for :math:`x > 0`, else 0.

        >>> Value(-2.0).relu().local_grads
        (0.0,)
        """
        if self.data > 0.0:  # d(relu a)/da = 1 for a > 0, else 0 (also at 0, as in PyTorch)
            return _op_result(self.data, "relu", self, 1.0)
        return _op_result(0.0, "relu", self, 0.0)

    # --- derived operations: built from the primitives, so they need no rule of their own ------

    def __radd__(self, other: float) -> Value:  # other + self
        return self + other

    def __rmul__(self, other: float) -> Value:  # other * self
        return self * other

    def __sub__(self, other: Value | float) -> Value:  # self - other = self + (-other)
        if not isinstance(other, Value):
            other = _constant(other, "-")
        return self + (-other)

    def __rsub__(self, other: float) -> Value:  # other - self = (-self) + other
        return (-self) + _constant(other, "-")

    def __truediv__(self, other: Value | float) -> Value:
        """Return ``self / other``, built as ``self * other**-1``."""
        other = other if isinstance(other, Value) else _constant(other, "/")
        if other.data == 0.0:  # checked here so the error names the division, not the power
            raise ZeroDivisionError(f"Value: division by zero in {self.data!r} / 0.0")
        return self * other**-1

    def __rtruediv__(self, other: float) -> Value:  # other / self = other * self**-1
        return _constant(other, "/") / self

    def __rpow__(self, base: float) -> Value:  # base ** self, with a constant base
        return _constant(base, "**") ** self

    # --- the backward pass ---------------------------------------------------------------------

    def backward(self) -> None:
        """Compute d(self)/d(node) into ``node.grad`` for every node ``self`` depends on.

        Leaves accumulate across calls (reset them with ``zero_grad``); intermediate nodes are
        reset to zero first, so calling ``backward()`` twice doubles every leaf's gradient.

        >>> a, b = Value(2.0), Value(-3.0)
        >>> L = a * b + a  # a is used twice
        >>> L.backward()
        >>> a.grad, b.grad  # dL/da = b + 1, dL/db = a
        (-2.0, 2.0)
        """
        order = topological_order(self)
        for node in order:
            if node._parent_a is not None:  # an intermediate node: recomputed on every call
                node.grad = 0.0
        self.grad += 1.0  # d(self)/d(self) = 1; added, so a leaf's gradient accumulates
        for node in reversed(order):
            grad_output = node.grad  # d(self)/d(node), final: every consumer has been visited
            # the chain rule, one edge at a time: d(self)/d(parent) += local * d(self)/d(node)
            if node._parent_a is not None:
                node._parent_a.grad += node._local_a * grad_output
            if node._parent_b is not None:
                node._parent_b.grad += node._local_b * grad_output

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 (a leaf's gradient accumulates across ``backward()`` calls)."""
        self.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __reduce__(self) -> tuple[Callable[..., Value], tuple[object, ...]]:
        # copy and deepcopy rebuild a node after its parents, with a fresh sequence number, so
        # creation order stays a topological order.
        parts = (self._op, self._parent_a, self._local_a, self._parent_b, self._local_b)
        return _rebuild, (self.data, self.grad, self.label, *parts)


def topological_order(root: Value) -> list[Value]:
    """Return every node ``root`` depends on (``root`` included), each after all of its parents.

    A Value is always created after its operands, so creation order is a topological order:
    collect the nodes with an explicit stack (no recursion limit), then sort by sequence number.
    Raises ``TypeError`` if ``root`` is not a Value.

    Examples
    --------
    >>> x, w = Value(2.0, label="x"), Value(3.0, label="w")
    >>> y = w * x + x
    >>> [node.label or node.op for node in topological_order(y)]
    ['x', 'w', '*', '+']
    """
    check_type("root", root, Value, owner="topological_order")
    reached, stack = {root}, [root]
    while stack:
        node = stack.pop()
        for parent in (node._parent_a, node._parent_b):
            if parent is not None and parent not in reached:
                reached.add(parent)
                stack.append(parent)
    return sorted(reached, key=attrgetter("_sequence"))


def zero_grad(parameters: Iterable[Value]) -> None:
    """Set the ``grad`` of every Value in ``parameters`` to 0.0.

    Raises ``TypeError`` if an element is not a Value (and then resets nothing).

    Examples
    --------
    >>> w, b = Value(2.0), Value(1.0)
    >>> (w * 3 + b).backward()
    >>> zero_grad([w, b])
    >>> w.grad, b.grad
    (0.0, 0.0)
    """
    values = list(parameters)
    for i, value in enumerate(values):  # validate everything before changing anything
        check_type(f"parameters[{i}]", value, Value, owner="zero_grad")
    for value in values:
        value.grad = 0.0


def _rebuild(data: float, grad: float, label: str, op: str, *edges: Any) -> Value:
    """Recreate a copied Value (see ``Value.__reduce__``), with a new sequence number."""
    out = _op_result(data, op, *edges)
    out.grad, out.label = grad, label
    return out


def _to_float(x: object, name: str, owner: str) -> float:
    """Return ``x`` as a finite float: a real number or a 0-d real array, never a bool."""
    if type(x) is float and isfinite(x):  # the common case, first
        return x
    if isinstance(x, np.ndarray):
        if x.ndim != 0 or x.dtype.kind not in "iuf":
            raise TypeError(
                f"{owner}: {name} must be a real number, got numpy.ndarray of shape {x.shape} "
                f"and dtype {x.dtype}"
            )
        x = x.item()
    try:
        return check_real(name, x, owner=owner)
    except OverflowError:  # float() of an int beyond 1.8e308
        raise ValueError(
            f"{owner}: {name} must be finite, got an int too large for a float"
        ) from None
