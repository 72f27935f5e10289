r"""Forward-mode automatic differentiation with dual numbers.

A dual number :math:`a + b\,\epsilon` carries a value :math:`a` and a tangent :math:`b`, with
:math:`\epsilon^2 = 0`, so :math:`f(x + \epsilon) = f(x) + f'(x)\,\epsilon`: one pass gives the
derivative of every output along one input direction. Write a function with the operators and
this module's :func:`exp`, :func:`log`, :func:`sin`, :func:`cos`, :func:`tanh`, :func:`sigmoid`
and :func:`sqrt` (which take plain floats too) and it can be evaluated or differentiated:

>>> def f(x):
...     return x * sin(x) + exp(x / 2)
>>> round(derivative(f, 1.0), 6)  # sin(1) + cos(1) + exp(1/2) / 2
2.206134

Files to copy: ``backprop_ref/forward_mode.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from backprop_ref._checks import check_real

__all__ = [
    "Dual",
    "cos",
    "derivative",
    "exp",
    "gradient",
    "jvp",
    "log",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
]

#: A plain real number accepted wherever a Dual is.
Number: TypeAlias = int | float


class Dual:
    r"""A dual number :math:`\text{value} + \text{tangent}\cdot\epsilon` with :math:`\epsilon^2 = 0`.

    Parameters
    ----------
    value
        The primal value :math:`a`, a finite real number.
    tangent
        The derivative carried along, :math:`b` (default 0: a constant).

    Raises
    ------
    TypeError
        If either part is not a real number.
    ValueError
        If either part is not finite.

    Examples
    --------
    >>> x = Dual(3.0, 1.0)  # the input: dx/dx = 1
    >>> y = x * x + 2 * x
    >>> y
    Dual(value=15.0, tangent=8.0)
    """

    __slots__ = ("tangent", "value")

    def __init__(self, value: Number, tangent: Number = 0.0) -> None:
        self.value = check_real("value", value, owner="Dual")
        self.tangent = check_real("tangent", tangent, owner="Dual")

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    # Each rule: the value as usual, and the tangent by the derivative of the operation.

    def __add__(self, other: Dual | Number) -> Dual:
        other = _lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def __sub__(self, other: Dual | Number) -> Dual:
        return self + (-_lift(other))

    def __rsub__(self, other: Dual | Number) -> Dual:
        return _lift(other) + (-self)

    def __mul__(self, other: Dual | Number) -> Dual:
        """Return ``self * other``: the product of the values, the product rule for tangents."""
        other = _lift(other)
        # (a + b e)(c + d e) = ac + (ad + bc) e: the product rule.
        return Dual(
            self.value * other.value, self.value * other.tangent + self.tangent * other.value
        )

    __rmul__ = __mul__

    def __truediv__(self, other: Dual | Number) -> Dual:
        other = _lift(other)
        if other.value == 0:
            raise ZeroDivisionError(f"division by a Dual whose value is zero: {other!r}")
        # d(u/v) = (du v - u dv) / v^2: the quotient rule.
        quotient = self.value / other.value
        return Dual(quotient, (self.tangent - quotient * other.tangent) / other.value)

    def __rtruediv__(self, other: Dual | Number) -> Dual:
        return _lift(other) / self

    def __pow__(self, exponent: Dual | Number) -> Dual:
        if isinstance(exponent, Dual):
            # u^v = exp(v log u): needs u > 0.
            if self.value <= 0:
                raise ValueError(
                    f"a Dual exponent needs a positive base (u^v = exp(v log u)), got {self.value!r}"
                )
            result: Dual = exp(exponent * log(self))
            return result
        p = check_real("exponent", exponent, owner="Dual **")
        if self.value == 0 and p < 1 and p != 0:
            raise ZeroDivisionError(f"the derivative of x**{p!r} is undefined at x = 0")
        try:
            value = self.value**p
        except ZeroDivisionError as error:
            raise ZeroDivisionError(f"0.0 ** {p!r} is undefined") from error
        if isinstance(value, complex):
            raise ValueError(f"{self.value!r} ** {p!r} is not a real number")
        # d(u^p) = p u^(p-1) du: the power rule.
        slope = p * self.value ** (p - 1) if p != 0 else 0.0
        return Dual(value, slope * self.tangent)

    def __rpow__(self, base: Number) -> Dual:
        return Dual(check_real("base", base, owner="** Dual")) ** self


def exp(x: Dual | Number) -> Any:
    r"""Return :math:`e^x` for a float or a :class:`Dual` (tangent: :math:`e^x\,dx`).

    Examples
    --------
    >>> exp(Dual(0.0, 1.0))
    Dual(value=1.0, tangent=1.0)
    """
    if not isinstance(x, Dual):
        return math.exp(x)
    value = math.exp(x.value)
    return Dual(value, value * x.tangent)


def log(x: Dual | Number) -> Any:
    r"""Return :math:`\ln x` for a float or a :class:`Dual` (tangent: :math:`dx / x`).

    Raises
    ------
    ValueError
        If the value is not positive.

    Examples
    --------
    >>> log(Dual(2.0, 1.0))
    Dual(value=0.6931471805599453, tangent=0.5)
    """
    value = x.value if isinstance(x, Dual) else float(x)
    if value <= 0:
        raise ValueError(f"log needs a positive argument, got {value!r}")
    if not isinstance(x, Dual):
        return math.log(value)
    return Dual(math.log(value), x.tangent / value)


def sin(x: Dual | Number) -> Any:
    r"""Return :math:`\sin x` for a float or a :class:`Dual` (tangent: :math:`\cos x\,dx`).

    Examples
    --------
    >>> sin(Dual(0.0, 1.0))
    Dual(value=0.0, tangent=1.0)
    """
    if not isinstance(x, Dual):
        return math.sin(x)
    return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)


def cos(x: Dual | Number) -> Any:
    r"""Return :math:`\cos x` for a float or a :class:`Dual` (tangent: :math:`-\sin x\,dx`).

    Examples
    --------
    >>> cos(Dual(0.0, 1.0))
    Dual(value=1.0, tangent=-0.0)
    """
    if not isinstance(x, Dual):
        return math.cos(x)
    return Dual(math.cos(x.value), -math.sin(x.value) * x.tangent)


def tanh(x: Dual | Number) -> Any:
    r"""Return :math:`\tanh x` for a float or a :class:`Dual` (tangent: :math:`(1 - \tanh^2 x)\,dx`).

    Examples
    --------
    >>> tanh(Dual(0.0, 1.0))
    Dual(value=0.0, tangent=1.0)
    """
    if not isinstance(x, Dual):
        return math.tanh(x)
    value = math.tanh(x.value)
    return Dual(value, (1.0 - value * value) * x.tangent)


def sigmoid(x: Dual | Number) -> Any:
    r"""Return :math:`\sigma(x) = 1 / (1 + e^{-x})`, built from :func:`exp`, for a float or a Dual.

    No rule of its own: the tangent :math:`\sigma(1 - \sigma)\,dx` follows from those of
    :func:`exp` and the quotient. ``exp`` only sees arguments :math:`\le 0`, so nothing
    overflows: :math:`e^x/(1 + e^x)` is used for :math:`x < 0`.

    Examples
    --------
    >>> sigmoid(Dual(0.0, 1.0))
    Dual(value=0.5, tangent=0.25)
    >>> sigmoid(-1000.0)
    0.0
    """
    if (x.value if isinstance(x, Dual) else x) >= 0:
        return 1 / (1 + exp(-x))
    e = exp(x)
    return e / (1 + e)


def sqrt(x: Dual | Number) -> Any:
    r"""Return :math:`\sqrt{x}` for a float or a :class:`Dual` (tangent: :math:`dx / (2\sqrt{x})`).

    Raises
    ------
    ValueError
        If the value is negative (or zero, for a :class:`Dual`, where the slope is infinite).

    Examples
    --------
    >>> sqrt(Dual(4.0, 1.0))
    Dual(value=2.0, tangent=0.25)
    """
    value = x.value if isinstance(x, Dual) else float(x)
    if value < 0 or (isinstance(x, Dual) and value == 0):
        raise ValueError(f"sqrt needs a positive argument, got {value!r}")
    if not isinstance(x, Dual):
        return math.sqrt(value)
    root = math.sqrt(value)
    return Dual(root, x.tangent / (2.0 * root))


def derivative(f: Callable[[Dual], Any], x: Number) -> float:
    r"""Return :math:`f'(x)` exactly (to rounding) with one forward pass.

    ``f`` is a function of one variable written with this module's operators and functions;
    ``x`` a finite real number. Raises ``TypeError`` if ``f`` returns neither a Dual nor a number.

    Examples
    --------
    >>> derivative(lambda x: x**3 - 3 * x**2 + 2 * x + 1, 2.0)
    2.0
    """
    return _tangent_of(f(Dual(x, 1.0)))


def jvp(f: Callable[[list[Dual]], Any], x: Sequence[Number], v: Sequence[Number]) -> float:
    r"""Return the directional derivative :math:`\nabla f(x) \cdot v` with one forward pass.

    A Jacobian-vector product: ``f`` (a scalar function of a list of variables) is evaluated
    with each input ``x[i]`` seeded with the tangent ``v[i]``. Raises ``ValueError`` if ``x``
    and ``v`` differ in length.

    Examples
    --------
    >>> jvp(lambda p: p[0] ** 2 + p[1] ** 2, [3.0, 4.0], [1.0, 0.0])
    6.0
    """
    if len(x) != len(v):
        raise ValueError(f"v must have one entry per input ({len(x)}), got {len(v)}")
    return _tangent_of(f([Dual(xi, vi) for xi, vi in zip(x, v, strict=True)]))


def gradient(f: Callable[[list[Dual]], Any], x: Sequence[Number]) -> list[float]:
    """Return the gradient with one forward pass per input (seeding each input in turn).

    ``n`` inputs cost ``n`` evaluations of ``f``; reverse mode costs one backward pass.

    Examples
    --------
    >>> gradient(lambda p: p[0] ** 2 + p[1] ** 2, [3.0, 4.0])
    [6.0, 8.0]
    """
    n = len(x)
    return [jvp(f, x, [1.0 if j == i else 0.0 for j in range(n)]) for i in range(n)]


def _lift(x: Dual | Number) -> Dual:
    return x if isinstance(x, Dual) else Dual(x)


def _tangent_of(result: object) -> float:
    if isinstance(result, Dual):
        return result.tangent
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return 0.0  # f did not depend on its input
    raise TypeError(f"f must return a Dual or a number, got {type(result).__name__}")
