r"""Check any ``backward`` against central differences: the gradient check.

Every entry of every gradient the module computes, the *analytic* :math:`a`, is compared with
the numeric estimate :math:`n = \frac{f(\theta + h) - f(\theta - h)}{2h}` of
:func:`~backprop_ref.calculus.difference_quotient`, perturbing that one entry, where :math:`f`
is the loss, or without one a fixed random projection :math:`\sum_{ij} R_{ij} y_{ij}` of the
output. An entry passes when

.. math::

    \frac{|a - n|}{\max(|a| + |n|,\ \text{atol})} \le \text{rtol}.

Each perturbed entry is restored bit for bit. Why this error measure, these tolerances and this
step, and what kinks do: docs/nn/gradient-checking.md.

Files to copy: ``backprop_ref/gradcheck.py``, ``backprop_ref/calculus.py``,
``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from backprop_ref._checks import as_float_array, check_positive
from backprop_ref._typing import ArrayLike, Float64Array, FloatArray
from backprop_ref.calculus import default_step, difference_quotient

__all__ = [
    "DEFAULT_TOLERANCES",
    "GradientCheckError",
    "GradientCheckReport",
    "GradientCheckResult",
    "LossLike",
    "ModuleLike",
    "check_gradients",
]

#: Default ``(rtol, atol)`` by dtype name; see the module documentation for the reasoning.
DEFAULT_TOLERANCES: dict[str, tuple[float, float]] = {
    "float64": (1e-6, 1e-2),
    "float32": (1e-2, 1e-1),
}


class ModuleLike(Protocol):
    """What the gradient check needs from a module (any object with these four methods).

    ``backprop_ref.nn.Module`` satisfies it; so does any layer you write with the same
    methods, without inheriting from anything. If the object also has ``named_parameters()``,
    its names label the report.

    Examples
    --------
    >>> import numpy as np
    >>> class Scale:  # y = w x, one parameter, written from scratch
    ...     def __init__(self):
    ...         self.w, self.dw = np.array([3.0]), np.zeros(1)
    ...
    ...     def forward(self, x):
    ...         self.x = x
    ...         return self.w * x
    ...     def backward(self, grad_output):
    ...         self.dw[:] = np.sum(grad_output * self.x)  # dL/dw = sum of grad * x
    ...         return self.w * grad_output  # dL/dx = w * grad
    ...     def parameters(self):
    ...         return [self.w]
    ...     def gradients(self):
    ...         return [self.dw]
    >>> check_gradients(Scale(), np.array([[1.0, -2.0]])).passed
    True
    """

    def forward(self, x: FloatArray, /) -> FloatArray:
        """Return the output for the batch ``x``."""

    def backward(self, grad_output: FloatArray, /) -> FloatArray:
        """Fill the parameter gradients and return the input gradient."""

    def parameters(self) -> list[FloatArray]:
        """Return the parameter arrays themselves."""

    def gradients(self) -> list[FloatArray]:
        """Return the gradient arrays, in the order of ``parameters()``."""


class LossLike(Protocol):
    """What the gradient check needs from a loss: ``forward(prediction, target)`` and ``backward()``.

    Every loss of ``backprop_ref.nn`` satisfies it; so does this one, written from scratch.

    Examples
    --------
    >>> class HalfSquaredError:  # L = sum((y - t)**2) / 2, dL/dy = y - t
    ...     def forward(self, prediction, target):
    ...         self.difference = prediction - target
    ...         return 0.5 * float(np.sum(self.difference**2))
    ...     def backward(self):
    ...         return self.difference
    >>> class Double:  # y = 2x, no parameters
    ...     def forward(self, x):
    ...         return 2 * x
    ...     def backward(self, grad_output):
    ...         return 2 * grad_output
    ...     parameters = gradients = lambda self: []
    >>> x = np.array([[1.0, -2.0]])
    >>> check_gradients(Double(), x, HalfSquaredError(), np.zeros((1, 2))).passed
    True
    """

    def forward(self, prediction: FloatArray, target: Any, /) -> float:
        """Return the loss."""

    def backward(self) -> FloatArray:
        """Return the gradient of the last loss with respect to the prediction."""


@dataclass(frozen=True)
class GradientCheckResult:
    """The comparison for one gradient array (a parameter's, or the input's).

    Attributes
    ----------
    name
        ``"input"``, or the parameter's name (``"0.weight"``), or ``"parameter k"`` for a
        module without ``named_parameters()``.
    shape, max_error, index
        The array's shape; its largest error (see the module documentation) and where.
    analytic, numeric
        The two estimates at that index.
    passed
        Whether ``max_error <= rtol``.
    """

    name: str
    shape: tuple[int, ...]
    max_error: float
    index: tuple[int, ...]
    analytic: float
    numeric: float
    passed: bool


@dataclass(frozen=True)
class GradientCheckReport:
    r"""The outcome of :func:`check_gradients`: one :class:`GradientCheckResult` per array.

    Prints as a table; in a notebook it renders as an HTML table.

    Attributes
    ----------
    results
        The input (first, if checked) and then each parameter, in ``parameters()`` order.
    rtol, atol
        The tolerances used.
    dtype
        The dtype of the module's computation, ``"float64"`` or ``"float32"``.
    """

    results: tuple[GradientCheckResult, ...]
    rtol: float
    atol: float
    dtype: str

    @property
    def passed(self) -> bool:
        """Whether every array passed."""
        return all(result.passed for result in self.results)

    def _rows(self) -> list[list[str]]:
        rows = [["name", "shape", "max error", "at index", "analytic", "numeric", "passed"]]
        rows.extend(
            [
                result.name,
                str(result.shape),
                f"{result.max_error:.2e}",
                str(result.index),
                f"{result.analytic:.8g}",
                f"{result.numeric:.8g}",
                "yes" if result.passed else "NO",
            ]
            for result in self.results
        )
        return rows

    def _title(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return f"gradient check {verdict} ({self.dtype}, rtol={self.rtol:g}, atol={self.atol:g})"

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        return "\n".join([self._title(), *lines])

    def _repr_html_(self) -> str:
        header, *body = self._rows()
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        rows = []
        for row, result in zip(body, self.results, strict=True):
            style = "" if result.passed else ' style="color: #b00020; font-weight: bold"'
            cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
            rows.append(f"<tr{style}>{cells}</tr>")
        return (
            f"<p>{html.escape(self._title())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )


class GradientCheckError(AssertionError):
    """Raised by :func:`check_gradients` when an analytic gradient disagrees with the numeric one.

    An ``AssertionError``, so test frameworks report it as a failed check. The full report is
    in the ``report`` attribute.

    Examples
    --------
    >>> result = GradientCheckResult("input", (2,), 0.5, (1,), 1.0, 3.0, False)
    >>> error = GradientCheckError(GradientCheckReport((result,), 1e-6, 1e-2, "float64"))
    >>> str(error).splitlines()[0], error.report.passed
    ('wrong gradient for input', False)
    """

    def __init__(self, report: GradientCheckReport) -> None:
        failed = ", ".join(result.name for result in report.results if not result.passed)
        super().__init__(f"wrong gradient for {failed}\n{report}")
        self.report = report


def check_gradients(
    module: ModuleLike,
    x: ArrayLike,
    loss: LossLike | None = None,
    target: ArrayLike | None = None,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    h: float | None = None,
    check_input: bool = True,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> GradientCheckReport:
    r"""Compare ``module``'s gradients with central differences, two forward passes per entry.

    Parameters
    ----------
    module
        A :class:`ModuleLike`: a layer or a whole model.
    x
        The input batch, in the module's dtype (copied, never modified).
    loss, target
        A :class:`LossLike` and its target, to check ``module`` followed by the loss; without
        them, a random projection of the output.
    rtol, atol, h
        Tolerances and step; ``None`` takes :data:`DEFAULT_TOLERANCES` and ``default_step``.
    check_input, seed
        Whether to check the gradient with respect to ``x``; the projection's seed.
    raise_on_failure
        Raise :class:`GradientCheckError` if any array fails (else just return the report).

    Raises
    ------
    GradientCheckError
        If a gradient fails and ``raise_on_failure`` is true.
    TypeError, ValueError
        For a bad argument; ``ValueError`` also if ``gradients()`` does not match
        ``parameters()`` in length and shapes.

    Examples
    --------
    >>> class BadSquare:  # its backward forgets the factor 2 of y = x**2
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x**2
    ...     def backward(self, grad_output):
    ...         return grad_output * self.x  # should be 2 * x
    ...     parameters = gradients = lambda self: []
    >>> report = check_gradients(BadSquare(), np.array([[1.0, 2.0]]), raise_on_failure=False)
    >>> report.passed, round(report.results[0].max_error, 3)  # |x - 2x| / (|x| + |2x|)
    (False, 0.333)
    """
    work = as_float_array("x", x).copy()  # a private copy, perturbed in place
    if (loss is None) != (target is None):
        raise ValueError("loss and target must be given together, got only one of them")
    default_rtol, default_atol = DEFAULT_TOLERANCES.get(work.dtype.name, (1e-2, 1e-2))
    rtol = default_rtol if rtol is None else check_positive("rtol", rtol)
    atol = default_atol if atol is None else check_positive("atol", atol)
    if h is not None:
        check_positive("h", h)

    # Fresh copies each call: an inplace module cannot move the point or the projection.
    output = module.forward(work.copy())  # the analytic pass
    f, grad_output = _objective(module, work, output, loss, target, seed)
    input_gradient = np.array(module.backward(grad_output.copy()))
    analytic = [np.array(gradient) for gradient in module.gradients()]
    parameters = module.parameters()
    names = _parameter_names(module, len(parameters))
    if len(analytic) != len(parameters) or any(
        g.shape != p.shape for g, p in zip(analytic, parameters, strict=False)
    ):
        raise ValueError(
            "gradients() must match parameters() in length and shapes: got "
            f"{[g.shape for g in analytic]} for {[p.shape for p in parameters]}"
        )

    results = []
    if check_input:
        results.append(_compare("input", input_gradient, _numeric(f, work, h), rtol, atol))
    for name, parameter, gradient in zip(names, parameters, analytic, strict=True):
        results.append(_compare(name, gradient, _numeric(f, parameter, h), rtol, atol))
    # Leave the module's caches as after the analytic pass (at the unperturbed point).
    f()

    report = GradientCheckReport(tuple(results), rtol, atol, output.dtype.name)
    if raise_on_failure and not report.passed:
        raise GradientCheckError(report)
    return report


def _objective(
    module: ModuleLike,
    work: FloatArray,
    output: FloatArray,
    loss: LossLike | None,
    target: ArrayLike | None,
    seed: int,
) -> tuple[Callable[[], float], FloatArray]:
    """Return the scalar ``f`` the numeric pass differentiates, and df/d(output)."""
    if loss is not None:
        loss.forward(output, target)
        return lambda: float(loss.forward(module.forward(work.copy()), target)), loss.backward()
    rng = np.random.default_rng(seed)
    # Entries of variance 1/size keep f of the order of the outputs, and the noise small.
    scale = 1 / np.sqrt(max(output.size, 1))
    projection = (scale * rng.standard_normal(output.shape)).astype(output.dtype)
    projection64 = projection.astype(np.float64)  # f sums in float64: less round-off
    return lambda: float(
        np.vdot(projection64, module.forward(work.copy()).astype(np.float64))
    ), projection


def _numeric(f: Callable[[], float], array: FloatArray, h: float | None) -> Float64Array:
    """Central differences of ``f`` with respect to every entry of ``array`` (restored after)."""
    result = np.empty(array.shape, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index].copy()  # the exact stored value, written back below
        value = float(original)
        step = default_step(value, dtype=array.dtype) if h is None else h
        # The points in the array's dtype, so that f sees exactly the points divided by.
        upper = float(array.dtype.type(value + step))
        lower = float(array.dtype.type(value - step))
        if upper == lower:
            raise ValueError(f"h={step!r} is too small to change the entry {value!r}")
        try:
            result[index] = difference_quotient(_setting(f, array, index), lower, upper)
        finally:
            array[index] = original
    return result


def _setting(
    f: Callable[[], float], array: FloatArray, index: tuple[int, ...]
) -> Callable[[float], float]:
    """Return ``t -> f()`` evaluated with ``array[index] = t``."""

    def at(t: float) -> float:
        array[index] = t
        return f()

    return at


def _compare(
    name: str, analytic: FloatArray, numeric: Float64Array, rtol: float, atol: float
) -> GradientCheckResult:
    """Summarise the entrywise errors of one gradient array."""
    a = analytic.astype(np.float64)
    if a.size == 0:
        return GradientCheckResult(name, a.shape, 0.0, (), 0.0, 0.0, True)
    errors = np.abs(a - numeric) / np.maximum(np.abs(a) + np.abs(numeric), atol)
    index = tuple(int(k) for k in np.unravel_index(int(np.argmax(errors)), a.shape))
    max_error = float(errors[index])
    return GradientCheckResult(
        name, a.shape, max_error, index, float(a[index]), float(numeric[index]), max_error <= rtol
    )


def _parameter_names(module: ModuleLike, count: int) -> list[str]:
    """Return the names from ``named_parameters()`` if the module has it, else ``parameter k``."""
    named = getattr(module, "named_parameters", None)
    if callable(named):
        names = [str(name) for name, _ in named()]
        if len(names) == count:
            return names
    return [f"parameter {k}" for k in range(count)]
