r"""Numerical derivatives, partial derivatives, gradients and Jacobians.

Every function here estimates a derivative from values of ``f`` alone, so it works for any
function you can evaluate, and it is the independent oracle that the rest of the package is
tested against.

Four methods are offered, each with a step ``h`` chosen from machine epsilon
:math:`\varepsilon \approx 2.2 \times 10^{-16}` and the scale of ``x`` unless you pass one:

.. list-table::
   :header-rows: 1

   * - method
     - formula
     - truncation error
     - default step
   * - ``forward``
     - :math:`\frac{f(x+h) - f(x)}{h}`
     - :math:`O(h)`
     - :math:`\sqrt{\varepsilon}\,\max(1, |x|)`
   * - ``backward``
     - :math:`\frac{f(x) - f(x-h)}{h}`
     - :math:`O(h)`
     - :math:`\sqrt{\varepsilon}\,\max(1, |x|)`
   * - ``central``
     - :math:`\frac{f(x+h) - f(x-h)}{2h}`
     - :math:`O(h^2)`
     - :math:`\sqrt[3]{\varepsilon}\,\max(1, |x|)`
   * - ``complex``
     - :math:`\frac{\operatorname{Im} f(x+ih)}{h}`
     - :math:`O(h^2)`
     - :math:`\varepsilon\,\max(1, |x|)`

The defaults balance two errors. Truncation error (from cutting the Taylor series) shrinks with
``h``; round-off error (from subtracting two nearly equal values of ``f``, each known only to about
:math:`\varepsilon |f|`) grows like :math:`\varepsilon / h`. Minimising :math:`h + \varepsilon/h`
gives :math:`h \sim \sqrt{\varepsilon}` for the one-sided differences, and minimising
:math:`h^2 + \varepsilon/h` gives :math:`h \sim \sqrt[3]{\varepsilon}` for the central difference.
The complex step subtracts nothing, so it has no round-off penalty and ``h`` can be tiny; it
needs ``f`` to be analytic and written with operations that accept complex numbers (numpy's,
not :mod:`math`'s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeAlias, get_args

import numpy as np

from backprop_ref._typing import ArrayLike, Float64Array

__all__ = [
    "METHODS",
    "Method",
    "default_step",
    "derivative",
    "directional_derivative",
    "gradient",
    "jacobian",
    "partial_derivative",
]

#: The name of a finite-difference method.
Method: TypeAlias = Literal["forward", "backward", "central", "complex"]

#: The valid values of the ``method`` argument, in the order the docs discuss them.
METHODS: tuple[Method, ...] = get_args(Method)

#: A real function of one real variable (it must also accept complex input for
#: ``method="complex"``).
RealFunction: TypeAlias = Callable[[float], Any]

#: A scalar-valued function of an array.
ArrayFunction: TypeAlias = Callable[[Float64Array], Any]

_EPS = float(np.finfo(np.float64).eps)
_STEP_FACTOR: dict[Method, float] = {
    "forward": _EPS ** (1 / 2),
    "backward": _EPS ** (1 / 2),
    "central": _EPS ** (1 / 3),
    "complex": _EPS,
}


def default_step(x: float, method: Method = "central") -> float:
    r"""Return the step ``h`` used by ``method`` at ``x`` when none is given.

    The step is :math:`c\,\max(1, |x|)`, with :math:`c = \sqrt{\varepsilon}` for the one-sided
    differences, :math:`c = \sqrt[3]{\varepsilon}` for the central difference and
    :math:`c = \varepsilon` for the complex step (see the module documentation for why). Scaling
    by :math:`|x|` keeps ``x + h`` distinguishable from ``x`` for large ``x``.

    Parameters
    ----------
    x
        The point at which the derivative is taken.
    method
        One of :data:`METHODS`.

    Returns
    -------
    float
        The step, always positive.

    Raises
    ------
    ValueError
        If ``method`` is unknown or ``x`` is not finite.

    Examples
    --------
    >>> default_step(1.0, "forward")
    1.4901161193847656e-08
    >>> default_step(1000.0, "central") / default_step(1.0, "central")
    1000.0
    """
    _check_method(method)
    return _STEP_FACTOR[method] * max(1.0, abs(_check_point(x, "x")))


def derivative(
    f: RealFunction,
    x: float,
    *,
    h: float | None = None,
    method: Method = "central",
) -> float:
    r"""Estimate :math:`f'(x)` from values of ``f``.

    Parameters
    ----------
    f
        A function of one real variable returning a real scalar. For ``method="complex"`` it
        must accept a complex argument and be analytic (written with numpy functions).
    x
        The point, a finite real number.
    h
        The step, a positive finite number; ``None`` chooses :func:`default_step`.
    method
        ``"forward"``, ``"backward"``, ``"central"`` (default) or ``"complex"``.

    Returns
    -------
    float
        The estimate of the derivative.

    Raises
    ------
    TypeError
        If ``x`` or ``h`` is not a real number, or ``f`` does not return a complex number for
        ``method="complex"``.
    ValueError
        If ``x`` is not finite, ``h <= 0``, ``method`` is unknown, or ``f`` returns a
        non-scalar or non-finite value.

    Notes
    -----
    For the differences, the step actually used is ``(x + h) - x``, the distance between the
    two floating-point numbers at which ``f`` is evaluated; dividing by it rather than by the
    requested ``h`` removes the representation error of ``x + h``.

    Examples
    --------
    The derivative of :math:`x^3 - 3x^2 + 2x + 1` at 2 is :math:`3 \cdot 4 - 12 + 2 = 2`:

    >>> def f(x):
    ...     return x**3 - 3 * x**2 + 2 * x + 1
    >>> round(derivative(f, 2.0), 9)
    2.0
    >>> derivative(f, 2.0, method="complex")
    2.0
    >>> round(derivative(f, 2.0, h=0.1, method="forward"), 6)
    2.31
    """
    _check_method(method)
    x = _check_point(x, "x")
    step = default_step(x, method) if h is None else _check_step(h)
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

    Parameters
    ----------
    f
        A function of an array of the shape of ``x`` returning a real scalar.
    x
        The point; any shape, converted to float64 (``f`` never sees your array itself).
    i
        Which coordinate: an int for a 1-D ``x`` (negative values count from the end, as in
        numpy), or a tuple with one index per axis.
    h, method
        As in :func:`derivative`; the default step uses the scale of ``x[i]``.

    Returns
    -------
    float
        The estimate of the partial derivative.

    Raises
    ------
    IndexError
        If ``i`` is out of range for ``x``.
    TypeError
        As in :func:`derivative`.
    ValueError
        As in :func:`derivative`; also if ``x`` holds non-finite values.

    Examples
    --------
    For :math:`f(x, y) = x^2 + y^2`, :math:`\partial f / \partial y = 2y`, which is 8 at (3, 4):

    >>> import numpy as np
    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> round(partial_derivative(f, [3.0, 4.0], 1), 8)
    8.0
    """
    _check_method(method)
    point = _check_array(x, "x")
    index = _check_index(i, point.shape)
    return _partial(f, point, index, h, method)


def gradient(
    f: ArrayFunction,
    x: ArrayLike,
    *,
    h: float | None = None,
    method: Method = "central",
) -> Float64Array:
    r"""Estimate the gradient :math:`\nabla f(x)`: every partial derivative, in the shape of ``x``.

    Costs two evaluations of ``f`` per coordinate (whatever the method, the one-sided
    differences re-evaluate ``f(x)`` for each coordinate to keep the code one loop), which is
    why training uses reverse-mode differentiation instead.

    Parameters
    ----------
    f
        A function of an array of the shape of ``x`` returning a real scalar.
    x
        The point; any shape, converted to a float64 copy.
    h, method
        As in :func:`derivative`; with ``h=None`` each coordinate gets its own default step.

    Returns
    -------
    numpy.ndarray
        A float64 array of the shape of ``x``.

    Raises
    ------
    TypeError
        As in :func:`partial_derivative`.
    ValueError
        As in :func:`partial_derivative`.

    Examples
    --------
    >>> import numpy as np
    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> gradient(f, [3.0, 4.0]).round(8)
    array([6., 8.])
    >>> gradient(f, [3.0, 4.0], method="complex")
    array([6., 8.])
    """
    _check_method(method)
    point = _check_array(x, "x")
    if h is not None:
        _check_step(h)
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
    r"""Estimate the rate of change of ``f`` at ``x`` along ``direction``.

    This is :math:`\frac{d}{dt} f(x + t\,v)\big|_{t=0}` for :math:`v` = ``direction`` as given
    (not normalised). For differentiable ``f`` it equals :math:`\nabla f(x) \cdot v`, which is
    how the docs check a gradient without computing it coordinate by coordinate.

    Parameters
    ----------
    f
        A function of an array of the shape of ``x`` returning a real scalar.
    x
        The point.
    direction
        The direction :math:`v`, of the same shape as ``x``. Divide it by its norm first if you
        want the slope per unit distance.
    h, method
        As in :func:`derivative`, for the one-variable function :math:`t \mapsto f(x + t v)`.

    Returns
    -------
    float
        The directional derivative.

    Raises
    ------
    ValueError
        If ``direction`` does not have the shape of ``x`` or is not finite, and as in
        :func:`derivative`.

    Examples
    --------
    >>> def f(v):
    ...     return v[0] ** 2 + v[1] ** 2
    >>> round(directional_derivative(f, [3.0, 4.0], [0.6, 0.8]), 8)  # along the gradient
    10.0
    """
    _check_method(method)
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
    r"""Estimate the Jacobian of a vector-valued ``f``: :math:`J_{jk} = \partial f_j / \partial x_k`.

    Parameters
    ----------
    f
        A function of an array of the shape of ``x`` returning an array (any fixed shape).
    x
        The point; any shape, converted to a float64 copy.
    h, method
        As in :func:`derivative`.

    Returns
    -------
    numpy.ndarray
        A float64 array of shape ``f(x).shape + x.shape``: for vectors, ``(m, n)`` with one row
        per output and one column per input.

    Raises
    ------
    TypeError
        As in :func:`partial_derivative`.
    ValueError
        As in :func:`partial_derivative`; also if ``f`` returns non-finite values or arrays
        whose shape changes with the input.

    Examples
    --------
    The polar-to-Cartesian map :math:`(r, \theta) \mapsto (r\cos\theta, r\sin\theta)` has
    Jacobian :math:`\begin{pmatrix}\cos\theta & -r\sin\theta\\ \sin\theta & r\cos\theta\end{pmatrix}`:

    >>> import numpy as np
    >>> def polar(v):
    ...     return np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])
    >>> jacobian(polar, [2.0, 0.0]).round(8)
    array([[1., 0.],
           [0., 2.]])
    """
    _check_method(method)
    point = _check_array(x, "x")
    if h is not None:
        _check_step(h)
    output_shape = _as_finite_array(f(point.copy()), "f(x)").shape
    result = np.empty(output_shape + point.shape, dtype=np.float64)
    for index in np.ndindex(point.shape):
        along_axis = _along_axis(f, point, index, method)

        def checked(t: Any, name: str, along_axis: RealFunction = along_axis) -> Float64Array:
            value = _as_finite_array(_complex_step_part(along_axis(t), method), name)
            if value.shape != output_shape:
                raise ValueError(
                    f"f must return the same shape for every input: {output_shape} at x, "
                    f"{value.shape} at {name}"
                )
            return value

        x_i = float(point[index])
        step = default_step(x_i, method) if h is None else h
        column = (Ellipsis, *index)  # J[..., index]: the derivative of every output along x[index]
        result[column] = _difference_quotient(checked, x_i, step, method)
    return result


# --- the difference formulas, written once for scalar and array outputs -------------------------


def _difference_quotient(
    evaluate: Callable[[Any, str], Float64Array], x: float, h: float, method: Method
) -> Float64Array:
    """Apply one difference formula; ``evaluate(t, name)`` returns a checked float64 array."""
    if method == "complex":
        # Im f(x + ih) / h: no subtraction, hence no cancellation.
        return evaluate(complex(x, h), "f(x + ih)") / h
    if method == "forward":
        upper, lower = x + h, x
    elif method == "backward":
        upper, lower = x, x - h
    else:
        upper, lower = x + h, x - h
    if upper == lower:
        raise ValueError(f"h={h!r} is too small to change x={x!r} in float64")
    # Divide by the exact distance between the two points actually evaluated, not by h.
    rise = evaluate(upper, "f(x + h)" if upper != x else "f(x)") - evaluate(
        lower, "f(x - h)" if lower != x else "f(x)"
    )
    return rise / (upper - lower)


def _difference(f: RealFunction, x: float, h: float, method: Method) -> float:
    """Differentiate a real scalar function of one variable (inputs already checked)."""

    def evaluate(t: Any, name: str) -> Float64Array:
        return _as_finite_array(_as_scalar(_complex_step_part(f(t), method)), name)

    return float(_difference_quotient(evaluate, x, h, method))


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


def _check_method(method: object) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")


def _check_point(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _check_step(h: object) -> float:
    step = _check_point(h, "h")
    if step <= 0:
        raise ValueError(f"h must be > 0, got {step!r}")
    return step


def _check_array(x: ArrayLike, name: str) -> Float64Array:
    array = np.asarray(x)
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    result = np.array(array, dtype=np.float64)  # always a copy
    if not np.all(np.isfinite(result)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(result))[0])
        raise ValueError(f"{name} must be finite, got {result[bad]!r} at index {bad}")
    return result


def _check_index(i: object, shape: tuple[int, ...]) -> tuple[int, ...]:
    raw = i if isinstance(i, tuple) else (i,)
    if any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) for k in raw):
        raise TypeError(f"i must be an int or a tuple of ints, got {i!r}")
    if len(raw) != len(shape):
        raise IndexError(f"i must have one index per axis of x ({len(shape)}), got {i!r}")
    index = []
    for k, n in zip(raw, shape, strict=True):
        if not -n <= int(k) < n:
            raise IndexError(f"i={i!r} is out of range for x of shape {shape}")
        index.append(int(k) % n)
    return tuple(index)


def _as_scalar(value: object) -> Any:
    array = np.asarray(value)
    if array.ndim != 0:
        raise ValueError(f"f must return a scalar, got an array of shape {array.shape}")
    return array


def _as_finite_array(value: ArrayLike, name: str) -> Float64Array:
    array = np.asarray(value)
    if np.iscomplexobj(array):
        raise TypeError(f"f must return real numbers, got a complex array for {name}")
    result = array.astype(np.float64)
    if not np.all(np.isfinite(result)):
        raise ValueError(f"f must return finite values, got non-finite entries in {name}")
    return result
