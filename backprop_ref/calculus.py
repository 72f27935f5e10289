r"""Numerical derivatives, partial derivatives, gradients and Jacobians, from values of ``f`` alone.

The independent oracle the package is tested against. Four difference formulas (forward,
backward, central, complex step), each with a default step from machine epsilon
:math:`\varepsilon` and the scale of ``x`` (:func:`default_step`; why: docs/calculus/derivatives.md):

.. math::

    \frac{f(x+h) - f(x)}{h}, \quad \frac{f(x) - f(x-h)}{h}, \quad
    \frac{f(x+h) - f(x-h)}{2h}, \quad \frac{\operatorname{Im} f(x+ih)}{h}

Files to copy: ``backprop_ref/calculus.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from backprop_ref._checks import (
    check_choice,
    check_finite,
    check_float_dtype,
    check_positive,
    check_real,
)
from backprop_ref._typing import ArrayLike, Float64Array

__all__ = [
    "METHODS",
    "Method",
    "default_step",
    "derivative",
    "difference_quotient",
    "directional_derivative",
    "gradient",
    "jacobian",
    "partial_derivative",
]

#: The name of a finite-difference method.
Method: TypeAlias = Literal["forward", "backward", "central", "complex"]

#: The valid values of the ``method`` argument, in the order the docs discuss them.
METHODS: tuple[Method, ...] = get_args(Method)

#: A real function of one real variable (and of a complex one, for ``method="complex"``).
RealFunction: TypeAlias = Callable[[float], Any]
#: A scalar-valued function of an array.
ArrayFunction: TypeAlias = Callable[[Float64Array], Any]

#: The default step is eps ** power * max(1, |x|): the power that balances each method's errors.
_STEP_POWER: dict[Method, float] = {
    "forward": 1 / 2,
    "backward": 1 / 2,
    "central": 1 / 3,
    "complex": 1,
}


def default_step(
    x: float, method: Method = "central", *, dtype: npt.DTypeLike = np.float64
) -> float:
    r"""Return the step ``h`` used by ``method`` at ``x`` when none is given.

    .. math::

        h = \varepsilon^{p} \max(1, |x|), \qquad
        p = \tfrac12 \text{ (one-sided)}, \ \tfrac13 \text{ (central)}, \ 1 \text{ (complex)},

    with :math:`\varepsilon` the machine epsilon of ``dtype`` (float64 or float32): the step
    that balances truncation against round-off, kept distinguishable from ``x`` for large ``x``.
    Raises ``TypeError`` if ``x`` is not a real number or ``dtype`` not float32 or float64, and
    ``ValueError`` if ``method`` is unknown or ``x`` not finite.

    Examples
    --------
    >>> default_step(1.0, "forward")
    1.4901161193847656e-08
    >>> default_step(1.0, "central", dtype=np.float32)  # float32's eps ** (1/3)
    0.00492156660115185
    """
    check_choice("method", method, METHODS)
    factor: float = float(np.finfo(check_float_dtype("dtype", dtype)).eps) ** _STEP_POWER[method]
    return factor * max(1.0, abs(check_real("x", x)))


def derivative(
    f: RealFunction, x: float, *, h: float | None = None, method: Method = "central"
) -> float:
    r"""Estimate :math:`f'(x)` from values of ``f``, e.g. :math:`\frac{f(x+h) - f(x-h)}{2h}`.

    Parameters
    ----------
    f
        A real function of one real variable; for ``method="complex"`` it must accept complex
        input and be analytic (written with numpy's functions, not math's).
    x
        The point, a finite real number.
    h
        The step, positive; ``None`` chooses :func:`default_step`.
    method
        ``"forward"``, ``"backward"``, ``"central"`` (default) or ``"complex"``.

    Raises
    ------
    TypeError
        If ``x`` or ``h`` is not a real number, or ``f`` is not complex for ``"complex"``.
    ValueError
        If ``x`` is not finite, ``h <= 0``, ``method`` is unknown, or ``f`` returns a
        non-scalar or non-finite value.

    Examples
    --------
    The derivative of :math:`x^3 - 3x^2 + 2x + 1` at 2 is :math:`3 \cdot 4 - 12 + 2 = 2`:

    >>> def f(x):
    ...     return x**3 - 3 * x**2 + 2 * x + 1
    >>> derivative(f, 2.0, method="complex")
    2.0
    """
    check_choice("method", method, METHODS)
    x = check_real("x", x)
    step = default_step(x, method) if h is None else check_positive("h", h)
    return _difference(f, x, step, method)


def partial_derivative(
    f: ArrayFunction,
    x: ArrayLike,
    i: int | tuple[int, ...],
    *,
    h: float | None = None,
    method: Method = "central",
) -> float:
    r"""Estimate :math:`\partial f / \partial x_i`, holding every other coordinate fixed.

    ``f``, ``x``, ``h`` and ``method`` are as in :func:`gradient` (the default step uses the scale
    of ``x[i]``); ``i`` is an int for a 1-D ``x`` (negative counts from the end) or one index per
    axis. Raises ``IndexError`` if ``i`` is out of range for ``x``, otherwise as :func:`gradient`.

    Examples
    --------
    For :math:`f(x, y) = x^2 + y^2`, :math:`\partial f / \partial y = 2y`, which is 8 at (3, 4):

    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> round(partial_derivative(f, [3.0, 4.0], 1), 8)
    8.0
    """
    check_choice("method", method, METHODS)
    point = _check_array(x, "x")
    index = _check_index(i, point.shape)
    return _partial(f, point, index, h, method)


def gradient(
    f: ArrayFunction, x: ArrayLike, *, h: float | None = None, method: Method = "central"
) -> Float64Array:
    r"""Estimate the gradient :math:`\nabla f(x)`: every partial derivative, in the shape of ``x``.

    Two evaluations of ``f`` per coordinate, which is why training uses reverse mode instead.

    Parameters
    ----------
    f
        A real function of an array of the shape of ``x``.
    x
        The point, any shape; ``f`` sees a float64 copy, never your array.
    h, method
        As in :func:`derivative`; with ``h=None`` each coordinate gets its own default step.

    Raises
    ------
    TypeError, ValueError
        As :func:`derivative`, and ``ValueError`` if ``x`` holds non-finite values.

    Examples
    --------
    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> gradient(f, [3.0, 4.0], method="complex")
    array([6., 8.])
    """
    check_choice("method", method, METHODS)
    point = _check_array(x, "x")
    if h is not None:
        check_positive("h", h)
    result = np.empty(point.shape, dtype=np.float64)
    for index in np.ndindex(point.shape):
        result[index] = _partial(f, point, index, h, method)
    return result


def directional_derivative(
    f: ArrayFunction,
    x: ArrayLike,
    direction: ArrayLike,
    *,
    h: float | None = None,
    method: Method = "central",
) -> float:
    r"""Estimate :math:`\frac{d}{dt} f(x + t\,v)\big|_{t=0} = \nabla f(x) \cdot v` for ``v = direction``.

    ``f``, ``x``, ``h`` and ``method`` are as in :func:`gradient` (``h`` for
    :math:`t \mapsto f(x + t v)`); ``direction`` is :math:`v`, shaped like ``x`` and used as given
    (divide by its norm for a unit slope). Raises as :func:`gradient`, and ``ValueError`` if
    ``direction`` is not shaped like ``x``.

    Examples
    --------
    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> round(directional_derivative(f, [3.0, 4.0], [0.6, 0.8]), 8)  # along the gradient
    10.0
    """
    check_choice("method", method, METHODS)
    point = _check_array(x, "x")
    v = _check_array(direction, "direction")
    if v.shape != point.shape:
        raise ValueError(f"direction must have the shape of x, {point.shape}, got shape {v.shape}")

    def along_line(t: Any) -> Any:
        return f(point + t * v)

    return derivative(along_line, 0.0, h=h, method=method)


def jacobian(
    f: Callable[[Float64Array], ArrayLike],
    x: ArrayLike,
    *,
    h: float | None = None,
    method: Method = "central",
) -> Float64Array:
    r"""Estimate the Jacobian :math:`J_{jk} = \partial f_j / \partial x_k`, of shape ``f(x).shape + x.shape``.

    ``f`` is array-valued, with a fixed output shape; ``x``, ``h`` and ``method`` are as in
    :func:`gradient`. Raises as :func:`gradient`, and ``ValueError`` if ``f`` is not finite or
    changes shape.

    Examples
    --------
    The polar-to-Cartesian map :math:`(r, \theta) \mapsto (r\cos\theta, r\sin\theta)` at (2, 0):

    >>> def polar(v):
    ...     return np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])
    >>> jacobian(polar, [2.0, 0.0]).round(8)
    array([[1., 0.],
           [0., 2.]])
    """
    check_choice("method", method, METHODS)
    point = _check_array(x, "x")
    if h is not None:
        check_positive("h", h)
    output_shape = _as_finite_array(f(point.copy()), "f(x)").shape
    result = np.empty(output_shape + point.shape, dtype=np.float64)
    for index in np.ndindex(point.shape):
        evaluate = _evaluator(_along_axis(f, point, index, method), method, output_shape)
        x_i = float(point[index])
        step = default_step(x_i, method) if h is None else h
        column = (Ellipsis, *index)  # J[..., index]: the derivative of every output along x[index]
        result[column] = _difference_quotient(evaluate, x_i, step, method)
    return result


# --- the difference formulas, written once for scalar and array outputs -------------------------


def difference_quotient(f: Callable[[float], Any], lower: float, upper: float) -> Any:
    r"""Return the slope :math:`\frac{f(\mathrm{upper}) - f(\mathrm{lower})}{\mathrm{upper} - \mathrm{lower}}`.

    Every difference formula here is this slope (central: over :math:`[x - h, x + h]`), divided
    by the distance actually evaluated, not :math:`2h`, which removes the representation error
    of :math:`x \pm h`. ``f`` may return arrays; ``f(upper)`` is evaluated first. Raises
    ``ValueError`` if ``upper == lower`` (the step is too small to change the point).

    Examples
    --------
    >>> difference_quotient(lambda t: t**2, 2.0, 3.0)  # (9 - 4) / (3 - 2)
    5.0
    """
    if upper == lower:
        raise ValueError(f"the step is too small: both points are {upper!r}")
    return (f(upper) - f(lower)) / (upper - lower)


def _difference_quotient(
    evaluate: Callable[[Any, str], Float64Array], x: float, h: float, method: Method
) -> Float64Array:
    """Apply one difference formula; ``evaluate(t, name)`` returns a checked float64 array."""
    if method == "complex":
        # Im f(x + ih) / h: no subtraction, hence no cancellation.
        return evaluate(complex(x, h), "f(x + ih)") / h
    lower, upper = {"forward": (x, x + h), "backward": (x - h, x)}.get(method, (x - h, x + h))
    if upper == lower:
        raise ValueError(f"h={h!r} is too small to change x={x!r} in float64")
    names = {upper: "f(x + h)", lower: "f(x - h)", x: "f(x)"}  # the point x itself: f(x)
    result: Float64Array = difference_quotient(lambda t: evaluate(t, names[t]), lower, upper)
    return result


def _difference(f: RealFunction, x: float, h: float, method: Method) -> float:
    """Differentiate a real scalar function of one variable (inputs already checked)."""
    return float(_difference_quotient(_evaluator(f, method, ()), x, h, method))


def _evaluator(
    f: Callable[[Any], Any], method: Method, shape: tuple[int, ...]
) -> Callable[[Any, str], Float64Array]:
    """Return ``(t, name) -> f(t)`` (``Im f`` for the complex step), checked: finite, ``shape``."""

    def evaluate(t: Any, name: str) -> Float64Array:
        value = _as_finite_array(_complex_step_part(f(t), method), name)
        if value.shape != shape:
            raise ValueError(
                f"f must return a scalar, got an array of shape {value.shape}"
                if shape == ()
                else f"f must return the same shape for every input: {shape} at x, "
                f"{value.shape} at {name}"
            )
        return value

    return evaluate


def _complex_step_part(value: Any, method: Method) -> Any:
    """For the complex step, return ``Im f``; otherwise ``f`` unchanged."""
    if method != "complex":
        return value
    if not np.iscomplexobj(value):
        raise TypeError(
            "method='complex' needs f to accept and return complex numbers (use numpy "
            f"functions, not math's); f returned {type(value).__name__}"
        )
    return np.imag(value)


def _along_axis(
    f: Callable[[Any], Any], point: Float64Array, index: tuple[int, ...], method: Method
) -> RealFunction:
    """Return ``t -> f(point with point[index] = t)``, evaluated on a private copy."""
    work = point.astype(np.complex128 if method == "complex" else np.float64)

    def restricted(t: Any) -> Any:
        work[index] = t
        return f(work)

    return restricted


def _partial(
    f: ArrayFunction,
    point: Float64Array,
    index: tuple[int, ...],
    h: float | None,
    method: Method,
) -> float:
    """Differentiate ``f`` along one coordinate of ``point`` (inputs already checked)."""
    x_i = float(point[index])
    step = default_step(x_i, method) if h is None else h
    return _difference(_along_axis(f, point, index, method), x_i, step, method)


# --- validation: every message names the argument, what was expected and what was given -------


def _check_array(x: ArrayLike, name: str) -> Float64Array:
    array = np.asarray(x)
    if array.dtype.kind not in "iuf":  # bools are refused too
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    result = np.array(array, dtype=np.float64)  # always a copy
    check_finite(name, result)
    return result


def _check_index(i: object, shape: tuple[int, ...]) -> tuple[int, ...]:
    raw = i if isinstance(i, tuple) else (i,)
    if any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) for k in raw):
        raise TypeError(f"i must be an int or a tuple of ints, got {i!r}")
    if len(raw) != len(shape):
        raise IndexError(f"i must have one index per axis of x ({len(shape)}), got {i!r}")
    if not all(-n <= int(k) < n for k, n in zip(raw, shape, strict=True)):
        raise IndexError(f"i={i!r} is out of range for x of shape {shape}")
    return tuple(int(k) % n for k, n in zip(raw, shape, strict=True))


def _as_finite_array(value: ArrayLike, name: str) -> Float64Array:
    array = np.asarray(value)
    if np.iscomplexobj(array):
        raise TypeError(f"f must return real numbers, got a complex array for {name}")
    result = array.astype(np.float64)
    if not np.all(np.isfinite(result)):
        raise ValueError(f"f must return finite values, got non-finite entries in {name}")
    return result
