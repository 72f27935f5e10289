r"""A scalar reverse-mode autodiff engine: :class:`Value` and its backward pass.

A :class:`Value` wraps one float. Arithmetic on Values builds a graph: each result remembers the
Values it was computed from (its *parents*), the name of the operation, and the operation's
*local derivatives* :math:`\partial\,\mathrm{out} / \partial\,\mathrm{parent}`, one per parent.
``out.backward()`` then applies the chain rule node by node, from ``out`` back to the inputs:

.. math::

    \frac{\partial\,\mathrm{out}}{\partial\,\mathrm{parent}}
    \mathrel{+}= \frac{\partial\,\mathrm{node}}{\partial\,\mathrm{parent}}
    \cdot \frac{\partial\,\mathrm{out}}{\partial\,\mathrm{node}}

for every node in reverse topological order (a node is finished before any of its parents is
visited). A parent used by several nodes receives the sum over all paths, because every
contribution is *added* to its ``grad``.

Each operation states its local derivative in a comment next to its forward rule, so the chain
rule can be read one operation at a time. Only ``+``, ``*``, unary ``-``, ``**``, ``exp``,
``log``, ``tanh``, ``sigmoid`` and ``relu`` have rules of their own: subtraction is addition of a
negation and division is multiplication by the reciprocal (``b ** -1``), so they need none.

Gradients follow PyTorch's rules. Gradients of *leaves* (Values made by the user, with no parents:
inputs and parameters) accumulate across ``backward()`` calls until reset with
:meth:`Value.zero_grad` or :func:`zero_grad`. Gradients of *intermediate* nodes are recomputed
from zero on every call, so calling ``backward()`` twice gives every leaf exactly twice the
gradient of one call.

Why there are no closures
-------------------------
micrograd gives each result a ``_backward`` closure that reads and writes ``out.grad``, so the
closure refers to ``out`` while ``out`` refers to the closure: every node sits in a reference
cycle. Reference counting cannot free a cycle, so each graph stays in memory after its last use
until CPython's cyclic garbage collector finds it, and the collector runs again and again while
the next graph is built, walking every live node. In micrograd's demo training step that
collector takes most of the time. Here a node stores plain floats instead, its local
derivatives, and references point only from a node to its parents, never back. The graph has no
cycles, so it is freed the moment its last reference goes away.

The collector still walks every live node now and then while a large graph is being built, so
a node is kept to a single object: ``__slots__`` (no per-node ``__dict__``), and, because every
operation has one or two operands, two fixed slots for the parents (``_parent_a``,
``_parent_b``) and two for their local derivatives (``_local_a``, ``_local_b``) rather than two
tuples per node. Together these make building and differentiating a graph several times faster.

The topological order needs no depth-first search either. A Value is always created after its
parents (an operation needs its operands), so the order of creation is already a topological
order: each Value gets a sequence number when it is made (PyTorch's autograd numbers its nodes
the same way), and :func:`topological_order` collects the nodes the output depends on with an
explicit stack, then sorts them by that number. No recursion, so a chain of a million operations
(a million levels deep, far past Python's recursion limit) is no problem; and no allocation per
node, so the backward pass does not wake the garbage collector.

Numbers
-------
``data`` is always a finite Python float. The constructor accepts Python ``int`` and ``float``,
numpy real scalars and 0-d numpy arrays of a real dtype, and converts them to ``float`` (one type
keeps the arithmetic fast). It rejects ``bool`` (a bool in arithmetic is usually a bug, such as a
comparison passed by mistake; write ``float(flag)`` to mean 0.0 or 1.0), complex numbers, strings,
``None`` and arrays with one or more dimensions, with :class:`TypeError`; and ``nan`` and ``inf``
with :class:`ValueError`. An operation whose result or local derivative is not a finite float
raises instead of returning it: :class:`ZeroDivisionError` for ``x / 0`` and ``0 ** -1``,
:class:`ValueError` outside an operation's domain (``log`` of a non-positive value, a complex
power), :class:`OverflowError` on overflow. Gradients are plain float sums and are not checked.

Examples
--------
>>> a, b = Value(3.0, label="a"), Value(4.0, label="b")
>>> c = (a * a + b * b) ** 0.5  # the length of (a, b)
>>> c.backward()
>>> c.data, a.grad, b.grad  # dc/da = a/c, dc/db = b/c
(5.0, 0.6, 0.8)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from math import isfinite
from numbers import Real
from operator import attrgetter

import numpy as np

__all__ = ["Value", "topological_order", "zero_grad"]

# Numbers every Value in order of creation; parents are always created before their children.
_next_sequence_number = itertools.count().__next__


class Value:
    r"""A scalar node of a computation graph: a float, its gradient, and how it was made.

    Parameters
    ----------
    data
        The value: a Python ``int`` or ``float``, a numpy real scalar or a 0-d numpy array of a
        real dtype; stored as a Python ``float``.
    label
        A name shown by the graph tools (trace tables, drawings, DOT export).

    Attributes
    ----------
    data : float
        The value. Optimizers update it in place (``p.data -= lr * p.grad``).
    grad : float
        :math:`\partial\,\mathrm{out} / \partial\,\mathrm{self}` for the output ``out`` of the
        last ``backward()`` call; 0.0 until then. For leaves it is the sum over all calls since
        the last reset.
    label : str
        The name given at construction (or set later); ``""`` for results of operations.

    Raises
    ------
    TypeError
        If ``data`` is not a real number (a ``bool``, ``str``, ``None``, a complex number, an
        array with one or more dimensions) or ``label`` is not a string.
    ValueError
        If ``data`` is ``nan`` or infinite.

    See Also
    --------
    topological_order : The nodes a Value depends on, parents first.

    Notes
    -----
    Operators: ``+``, ``-``, ``*``, ``/`` and ``**`` with a Value or a plain number on either
    side, and unary ``-``. A plain number becomes a constant leaf of the graph. The exponent of
    ``**`` may itself be a Value: then both the base and the exponent get a gradient,
    :math:`\partial a^b/\partial a = b\,a^{b-1}` and
    :math:`\partial a^b/\partial b = a^b \ln a`, which needs a base :math:`a > 0`.

    Values compare and hash by identity (like Python objects in general), so they can be kept in
    sets and dicts; compare ``.data`` to compare numbers. They have no ``__float__``, on purpose:
    ``math.exp(v)`` would silently leave the graph.

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y
    Value(data=10.0, grad=0.0)
    >>> y.backward()
    >>> x.grad  # d(x**2 + 3x)/dx = 2x + 3
    7.0
    """

    # No per-node __dict__: less memory, faster attribute access.
    __slots__ = (
        "_local_a",  # d(self)/d(_parent_a), computed in the forward pass
        "_local_b",  # d(self)/d(_parent_b); 0.0 for one operand
        "_op",
        "_parent_a",  # the first operand; None for a leaf
        "_parent_b",  # the second operand; None for a leaf or a one-operand operation
        "_sequence",  # creation order, a topological order
        "data",
        "grad",
        "label",
    )

    # Make numpy hand binary operators back to Value: np.float64(2.0) * Value(3.0) calls
    # Value.__rmul__ (and gives a Value) instead of building a numpy object array.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {_describe(label)}")
        self.data: float = _to_float(data, "Value: data")
        self.grad: float = 0.0
        self.label: str = label
        self._op: str = ""
        self._parent_a: Value | None = None
        self._parent_b: Value | None = None
        self._local_a: float = 0.0
        self._local_b: float = 0.0
        self._sequence: int = _next_sequence_number()

    # ----------------------------------------------------------------------------------------
    # Read-only views of the graph structure, for the graph tools and for inspection.

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order; ``()`` for a leaf.

        Examples
        --------
        >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
        >>> [p.label for p in (a * b).parents]
        ['a', 'b']
        """
        if self._parent_a is None:
            return ()
        if self._parent_b is None:
            return (self._parent_a,)
        return (self._parent_a, self._parent_b)

    @property
    def op(self) -> str:
        """The operation that made this Value (``"+"``, ``"exp"``, ...); ``""`` for a leaf.

        Examples
        --------
        >>> (Value(2.0) ** 3).op
        '**3'
        """
        return self._op

    @property
    def local_grads(self) -> tuple[float, ...]:
        r"""The local derivatives d(self)/d(parent), aligned with ``parents``.

        That is, :math:`\partial\,\mathrm{self}/\partial\,\mathrm{parent}` for each parent.
        They are computed in the forward pass; ``backward()`` only multiplies and adds them.

        Examples
        --------
        >>> (Value(2.0) * Value(3.0)).local_grads  # d(ab)/da = b, d(ab)/db = a
        (3.0, 2.0)
        """
        if self._parent_a is None:
            return ()
        if self._parent_b is None:
            return (self._local_a,)
        return (self._local_a, self._local_b)

    @property
    def is_leaf(self) -> bool:
        """Whether this Value has no parents (an input, a parameter or a constant).

        Examples
        --------
        >>> x = Value(1.0)
        >>> x.is_leaf, (x + 1).is_leaf
        (True, False)
        """
        return self._parent_a is None

    # ----------------------------------------------------------------------------------------
    # Primitive operations: each one computes its result and its local derivatives.

    def __add__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "+")
        # local derivatives: d(out)/d(self) = 1, d(out)/d(other) = 1
        data = self.data + other.data
        if not isfinite(data):
            raise OverflowError(f"Value: {self.data!r} + {other.data!r} overflows a float")
        return _op_result(data, "+", self, 1.0, other, 1.0)

    def __mul__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "*")
        # local derivatives: d(out)/d(self) = other, d(out)/d(other) = self
        data = self.data * other.data
        if not isfinite(data):
            raise OverflowError(f"Value: {self.data!r} * {other.data!r} overflows a float")
        return _op_result(data, "*", self, other.data, other, self.data)

    def __neg__(self) -> Value:
        # local derivative: d(out)/d(self) = -1
        return _op_result(-self.data, "neg", self, -1.0)

    def __pow__(self, exponent: Value | float) -> Value:
        if isinstance(exponent, Value):
            return self._pow_value(exponent)
        n = _to_float(exponent, "Value ** n: the exponent n")
        a = self.data
        if a < 0.0 and not n.is_integer():
            raise ValueError(
                f"Value ** {n!r}: a negative base needs an integer exponent "
                f"(the result would be complex), got base {a!r}"
            )
        if a == 0.0 and n < 0.0:
            raise ZeroDivisionError(f"Value ** {n!r}: 0.0 cannot be raised to a negative power")
        if a == 0.0 and 0.0 < n < 1.0:
            raise ValueError(f"Value ** {n!r}: the derivative n * a**(n-1) is infinite at base 0.0")
        # local derivative: d(out)/d(self) = n * self**(n-1)      (n is a constant)
        try:
            data = a**n
            local = n * a ** (n - 1.0) if n != 0.0 else 0.0  # a**0 = 1 has derivative 0
        except OverflowError:
            raise OverflowError(f"Value ** {n!r}: overflows a float at base {a!r}") from None
        if not (isfinite(data) and isfinite(local)):
            raise OverflowError(f"Value ** {n!r}: overflows a float at base {a!r}")
        return _op_result(data, f"**{n:g}", self, local)

    def _pow_value(self, exponent: Value) -> Value:
        """``self ** exponent`` for a Value exponent: gradients for the base and the exponent."""
        a, b = self.data, exponent.data
        if a <= 0.0:
            raise ValueError(
                "Value ** Value: the base must be > 0, because the derivative with respect to "
                f"the exponent, a**b * ln(a), needs ln(a); got base {a!r}"
            )
        # local derivatives: d(out)/d(self) = b * a**(b-1), d(out)/d(exponent) = a**b * ln(a)
        try:
            data = a**b
            local_a = b * a ** (b - 1.0)
        except OverflowError:
            raise OverflowError(f"Value ** Value: {a!r} ** {b!r} overflows a float") from None
        local_b = data * math.log(a)
        if not (isfinite(data) and isfinite(local_a) and isfinite(local_b)):
            raise OverflowError(f"Value ** Value: {a!r} ** {b!r} overflows a float")
        return _op_result(data, "**", self, local_a, exponent, local_b)

    def exp(self) -> Value:
        r"""Return :math:`e^x` for :math:`x` = ``self``; its local derivative is :math:`e^x` itself.

        Returns
        -------
        Value
            The exponential, a new node with ``self`` as its parent.

        Raises
        ------
        OverflowError
            If the result does not fit in a float (an input above about 709.78).

        Examples
        --------
        >>> x = Value(0.0)
        >>> y = x.exp()
        >>> y.backward()
        >>> y.data, x.grad
        (1.0, 1.0)
        """
        # local derivative: d(out)/d(self) = exp(self) = out
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"Value.exp: exp({self.data!r}) overflows a float (inputs must be <= 709.78)"
            ) from None
        return _op_result(data, "exp", self, data)

    def log(self) -> Value:
        r"""Return the natural logarithm :math:`\ln x`; its local derivative is :math:`1/x`.

        Returns
        -------
        Value
            The logarithm, a new node with ``self`` as its parent.

        Raises
        ------
        ValueError
            If ``self.data <= 0`` (log is defined for positive numbers only).
        OverflowError
            If ``1 / self.data`` overflows (a subnormal input below about 5.6e-309).

        Examples
        --------
        >>> x = Value(2.0)
        >>> y = x.log()
        >>> y.backward()
        >>> x.grad
        0.5
        """
        a = self.data
        if a <= 0.0:
            raise ValueError(f"Value.log: log needs a positive value, got {a!r}")
        # local derivative: d(out)/d(self) = 1 / self
        local = 1.0 / a
        if not isfinite(local):
            raise OverflowError(f"Value.log: the derivative 1/a overflows a float at a = {a!r}")
        return _op_result(math.log(a), "log", self, local)

    def tanh(self) -> Value:
        r"""Return :math:`\tanh(\mathrm{self})`; its local derivative is :math:`1 - \tanh^2`.

        Finite for every finite input (``math.tanh`` saturates to :math:`\pm 1`).

        Returns
        -------
        Value
            The hyperbolic tangent, a new node with ``self`` as its parent.

        Examples
        --------
        >>> x = Value(0.0)
        >>> y = x.tanh()
        >>> y.backward()
        >>> y.data, x.grad
        (0.0, 1.0)
        >>> Value(1e4).tanh().data
        1.0
        """
        t = math.tanh(self.data)
        # local derivative: d(out)/d(self) = 1 - tanh(self)**2
        return _op_result(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        r"""Return the sigmoid of ``self``; its local derivative is :math:`\sigma (1-\sigma)`.

        The sigmoid is :math:`\sigma(x) = 1/(1 + e^{-x})`.

        Numerically stable: ``exp`` is only ever called with a non-positive argument, so it
        cannot overflow, and the result is finite for every finite input.

        Returns
        -------
        Value
            The sigmoid, a new node with ``self`` as its parent.

        Examples
        --------
        >>> x = Value(0.0)
        >>> y = x.sigmoid()
        >>> y.backward()
        >>> y.data, x.grad
        (0.5, 0.25)
        >>> Value(-1e4).sigmoid().data, Value(1e4).sigmoid().data
        (0.0, 1.0)
        """
        a = self.data
        # Branch on the sign so exp never sees a large positive argument.
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        # local derivative: d(out)/d(self) = sigmoid(self) * (1 - sigmoid(self))
        return _op_result(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        r"""Return :math:`\max(x, 0)`; its local derivative is 1 where :math:`x > 0`, else 0.

        At exactly 0 the derivative is taken to be 0, as in PyTorch.

        Returns
        -------
        Value
            The rectified value, a new node with ``self`` as its parent.

        Examples
        --------
        >>> x = Value(-2.0)
        >>> y = x.relu()
        >>> y.backward()
        >>> y.data, x.grad
        (0.0, 0.0)
        """
        a = self.data
        # local derivative: d(out)/d(self) = 1 if self > 0 else 0
        if a > 0.0:
            return _op_result(a, "relu", self, 1.0)
        return _op_result(0.0, "relu", self, 0.0)

    # ----------------------------------------------------------------------------------------
    # Derived operations: built from the primitives above, so they need no rule of their own.

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

    def __truediv__(self, other: Value | float) -> Value:  # self / other = self * other**-1
        if not isinstance(other, Value):
            other = _constant(other, "/")
        # Checked here so the error names the division, not the power it is built from.
        if other.data == 0.0:
            raise ZeroDivisionError(f"Value: division by zero in {self.data!r} / 0.0")
        return self * other**-1

    def __rtruediv__(self, other: float) -> Value:  # other / self = other * self**-1
        numerator = _constant(other, "/")
        if self.data == 0.0:
            raise ZeroDivisionError(f"Value: division by zero in {numerator.data!r} / 0.0")
        return numerator * self**-1

    def __rpow__(self, base: float) -> Value:  # base ** self, with a constant base
        return _constant(base, "**") ** self

    # ----------------------------------------------------------------------------------------
    # The backward pass.

    def backward(self) -> None:
        r"""Compute d(self)/d(node) into ``node.grad`` for every node ``self`` depends on.

        Seeds ``self.grad`` with 1 and applies the chain rule in reverse topological order:
        each node passes ``local * node.grad`` to each of its parents, *adding* it to what the
        parent already holds, so a node used on several paths gets the sum over the paths.

        The semantics are PyTorch's. Gradients of leaves (nodes with no parents: inputs,
        parameters, constants) accumulate across calls until reset with ``zero_grad``.
        Gradients of intermediate nodes (and of ``self``, unless it is a leaf) are reset to zero
        at the start of each call and so always hold the gradient of this call's output.
        Calling ``backward()`` twice therefore gives every leaf exactly twice the gradient of
        one call.

        The graph is walked with an explicit stack, so graphs of any depth work.

        Examples
        --------
        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b
        >>> L = c + a  # a is used twice: L = a*b + a
        >>> L.backward()
        >>> a.grad, b.grad, c.grad  # dL/da = b + 1, dL/db = a, dL/dc = 1
        (-2.0, 2.0, 1.0)
        >>> L.backward()  # leaves accumulate, intermediates are recomputed
        >>> a.grad, b.grad, c.grad
        (-4.0, 4.0, 1.0)
        """
        order = topological_order(self)
        for node in order:
            if node._parent_a is not None:  # an intermediate node: recomputed on every call
                node.grad = 0.0
        self.grad += 1.0  # d(self)/d(self) = 1; added, so a leaf's gradient accumulates
        for node in reversed(order):
            grad_output = node.grad  # d(self)/d(node), final: every consumer has been visited
            # The chain rule, one edge at a time:
            # d(self)/d(parent) += d(node)/d(parent) * d(self)/d(node)
            if node._parent_a is not None:
                node._parent_a.grad += node._local_a * grad_output
            if node._parent_b is not None:
                node._parent_b.grad += node._local_b * grad_output

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 (for leaves, whose gradients accumulate across ``backward()`` calls).

        Examples
        --------
        >>> w = Value(3.0)
        >>> (w * w).backward()
        >>> w.grad
        6.0
        >>> w.zero_grad()
        >>> w.grad
        0.0
        """
        self.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __reduce__(self) -> tuple[Callable[..., Value], tuple[object, ...]]:
        # Pickle and copy rebuild a Value after its parents and through _rebuild, so the copy
        # gets a fresh sequence number and creation order stays a topological order, even for
        # a graph loaded in another process.
        state = (
            self.data,
            self.grad,
            self.label,
            self._op,
            self._parent_a,
            self._local_a,
            self._parent_b,
            self._local_b,
        )
        return _rebuild, state


def topological_order(root: Value) -> list[Value]:
    """Return every node ``root`` depends on (``root`` included), each after all of its parents.

    The nodes come in the order they were created, which is a topological order: a Value is
    always created after the Values it is computed from. Leaves come before their first use and
    ``root`` is last; reversed, this is the order ``backward()`` visits the nodes in. Each node
    appears once, however many paths lead to it.

    Parameters
    ----------
    root
        The output node.

    Returns
    -------
    list of Value
        The nodes in topological order (parents before children).

    Raises
    ------
    TypeError
        If ``root`` is not a Value.

    Examples
    --------
    >>> x, w = Value(2.0, label="x"), Value(3.0, label="w")
    >>> h = w * x
    >>> h.label = "h"
    >>> y = h + x
    >>> y.label = "y"
    >>> [node.label for node in topological_order(y)]
    ['x', 'w', 'h', 'y']
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: root must be a Value, got {_describe(root)}")
    # 1. Collect every node root depends on, with an explicit stack (graphs can be far deeper
    #    than Python's recursion limit).
    reached = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in (node._parent_a, node._parent_b):
            if parent is not None and parent not in reached:
                reached.add(parent)
                stack.append(parent)
    # 2. Creation order is a topological order: sort by sequence number.
    return sorted(reached, key=attrgetter("_sequence"))


def zero_grad(parameters: Iterable[Value]) -> None:
    """Set the ``grad`` of every Value in ``parameters`` to 0.0.

    Parameters
    ----------
    parameters
        The Values to reset, typically the parameters of a model.

    Raises
    ------
    TypeError
        If an element is not a Value (nothing is reset then).

    Examples
    --------
    >>> w, b = Value(2.0), Value(1.0)
    >>> (w * 3 + b).backward()
    >>> w.grad, b.grad
    (3.0, 1.0)
    >>> zero_grad([w, b])
    >>> w.grad, b.grad
    (0.0, 0.0)
    """
    values = list(parameters)
    for i, value in enumerate(values):  # validate everything before changing anything
        if not isinstance(value, Value):
            raise TypeError(
                f"zero_grad: parameters must be Values, got {_describe(value)} at index {i}"
            )
    for value in values:
        value.grad = 0.0


# --------------------------------------------------------------------------------------------
# Helpers


def _op_result(
    data: float,
    op: str,
    parent_a: Value,
    local_a: float,
    parent_b: Value | None = None,
    local_b: float = 0.0,
) -> Value:
    """Build the output node of an operation (skipping ``__init__``: ops check their own data)."""
    out = object.__new__(Value)
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


def _rebuild(
    data: float,
    grad: float,
    label: str,
    op: str,
    parent_a: Value | None,
    local_a: float,
    parent_b: Value | None,
    local_b: float,
) -> Value:
    """Recreate a pickled or copied Value, with a new sequence number."""
    out = object.__new__(Value)
    out.data = data
    out.grad = grad
    out.label = label
    out._op = op
    out._parent_a = parent_a
    out._local_a = local_a
    out._parent_b = parent_b
    out._local_b = local_b
    out._sequence = _next_sequence_number()
    return out


def _constant(number: object, op: str) -> Value:
    """Wrap a plain number used as an operand of ``op`` as a constant leaf."""
    return Value(_to_float(number, f"Value {op}: the other operand"))


def _to_float(x: object, what: str) -> float:
    """Convert a real number to a finite Python float, or raise naming ``what``."""
    if type(x) is float:  # the common case, first
        value = x
    elif isinstance(x, (bool, np.bool_)):
        raise TypeError(
            f"{what} must be a real number, got bool {bool(x)!r} "
            "(bools are rejected; write float(flag) for 0.0 or 1.0)"
        )
    elif isinstance(x, Real) or (
        isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf"
    ):
        # int, float subclasses, numpy real scalars, fractions; 0-d real arrays
        try:
            value = float(x)
        except OverflowError:
            raise ValueError(f"{what} must be finite, got an int too large for a float") from None
    else:
        raise TypeError(
            f"{what} must be a real number (int, float or a numpy real scalar), got {_describe(x)}"
        )
    if not isfinite(value):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return value


def _describe(x: object) -> str:
    """Name an unexpected argument for an error message: its type, and its value or shape."""
    if isinstance(x, np.ndarray):
        return f"numpy.ndarray of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(x).__name__} {text}"
