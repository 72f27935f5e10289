r"""Check any ``backward`` against central differences: the gradient check.

A backward pass is easy to get subtly wrong (a missing transpose, a sum over the wrong axis)
and still train, badly. The gradient check compares every entry of every gradient it
computes, the *analytic* gradient :math:`a`, with the *numeric* estimate

.. math::

    n = \frac{f(\theta + h) - f(\theta - h)}{2h},

obtained by perturbing that one entry of the parameter (or of the input) up and down and
running the forward pass again. Here :math:`f` is the loss when you pass one, and otherwise the
fixed random projection :math:`f = \sum_{ij} R_{ij}\,y_{ij}` of the module's output :math:`y`
(:math:`R` standard normal divided by the square root of its size),
whose gradient with respect to :math:`y` is :math:`R`; checking against a random :math:`R`
tests the whole backward map, not just one direction.

**The error measure.** For each entry,

.. math::

    \text{error} = \frac{|a - n|}{\max(|a| + |n|,\ \text{atol})},

and the entry passes when :math:`\text{error} \le \text{rtol}`. Away from zero this is a
relative error: 0 when :math:`a` and :math:`n` agree, 1 when they have opposite signs or one is
zero, whatever the scale of the gradient. Near zero a relative error is meaningless, because the
numeric estimate itself carries an absolute round-off error of about
:math:`\varepsilon |f| / h` (:math:`\varepsilon` the machine epsilon of the computation); the
floor ``atol`` turns it into the absolute test :math:`|a - n| \le \text{rtol}\cdot\text{atol}`
there. This is the same shape of test as ``numpy.isclose`` and PyTorch's ``gradcheck``.

**The defaults.** The step is :math:`h = \varepsilon^{1/3} \max(1, |\theta|)` with the machine
epsilon of the array being perturbed, which balances the truncation error of the central
difference, :math:`O(h^2)`, against the round-off error, :math:`O(\varepsilon/h)`; both are then
about :math:`\varepsilon^{2/3}` in relative terms.

=======  ===========================  =========================  ========  ========
dtype    :math:`\varepsilon`          :math:`\varepsilon^{2/3}`  ``rtol``  ``atol``
=======  ===========================  =========================  ========  ========
float64  :math:`2.2\times10^{-16}`    :math:`3.7\times10^{-11}`  1e-6      1e-2
float32  :math:`1.2\times10^{-7}`     :math:`2.4\times10^{-5}`   1e-2      1e-1
=======  ===========================  =========================  ========  ========

``rtol`` sits well above the relative error :math:`\varepsilon^{2/3}` of a correct gradient,
because the constants in front (third derivatives, rounding inside the forward pass) are not 1,
and far below the errors of order 1 that a wrong backward typically gives. ``atol`` is chosen
so that the absolute round-off noise, about :math:`\varepsilon^{2/3}|f|` (measured on small
MLPs with :math:`|f|` of order 1: up to :math:`10^{-10}` in float64 and :math:`5 \times 10^{-5}`
in float32), stays 20 to 100 times below :math:`\text{rtol}\cdot\text{atol}`. The noise grows with
:math:`|f|`: for a loss far above 1 (e.g. ``reduction="sum"`` over a large batch), raise ``atol``
in proportion; the random projection is scaled so that :math:`|f|` is of order 1. A float32
module can only be perturbed in float32 (its parameters are float32 arrays), so its check is
coarse: to check a backward precisely, build the module in float64.

**Kinks.** A ReLU input within :math:`h` of 0 makes the two evaluations straddle the kink, where
the numeric estimate is meaningless; with random inputs this is rare in float64 (:math:`h
\approx 6\times10^{-6}`) but it does happen in large float32 checks. Use smooth activations or a
few samples when checking your own code.

Every perturbed entry is restored exactly (the original value is saved and written back), so
the check leaves the parameters bit for bit as it found them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from backprop_ref._typing import ArrayLike, Float64Array, FloatArray

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
    A scaling layer :math:`y = w x` with one parameter, written from scratch:

    >>> import numpy as np
    >>> class Scale:
    ...     def __init__(self):
    ...         self.w, self.dw = np.array([3.0]), np.zeros(1)
    ...
    ...     def forward(self, x):
    ...         self.x = x
    ...         return self.w * x
    ...
    ...     def backward(self, grad_output):
    ...         self.dw[:] = np.sum(grad_output * self.x)  # dL/dw = sum of grad * x
    ...         return self.w * grad_output  # dL/dx = w * grad
    ...
    ...     def parameters(self):
    ...         return [self.w]
    ...
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

    Every loss of ``backprop_ref.nn`` satisfies it.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.nn import Linear, MSELoss
    >>> layer = Linear(2, 1, rng=np.random.default_rng(0))
    >>> check_gradients(layer, np.ones((3, 2)), MSELoss(), np.zeros((3, 1))).passed
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
    shape
        The shape of the array.
    max_error
        The largest error over the entries (see the module documentation).
    index
        The index of the entry with the largest error.
    analytic, numeric
        The two estimates at that index.
    passed
        Whether ``max_error <= rtol``.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.nn import Linear
    >>> report = check_gradients(Linear(2, 3, rng=np.random.default_rng(0)), np.ones((4, 2)))
    >>> result = report.results[1]
    >>> result.name, result.shape, result.passed
    ('weight', (2, 3), True)
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

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.nn import Tanh
    >>> report = check_gradients(Tanh(), np.array([[0.5, -1.0]]))
    >>> print(report)  # doctest: +ELLIPSIS
    gradient check passed (float64, rtol=1e-06, atol=0.01)
    name   shape   max error  at index  analytic    numeric     passed
    input  (1, 2)  ...        (0, ...)  ...         ...         yes
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
    >>> import numpy as np
    >>> from backprop_ref.nn import Sigmoid
    >>> class BrokenSigmoid(Sigmoid):
    ...     def backward(self, grad_output):
    ...         return grad_output  # forgets the derivative
    >>> try:
    ...     check_gradients(BrokenSigmoid(), np.zeros((1, 2)))
    ... except GradientCheckError as error:
    ...     print(error.report.passed, error.report.results[0].max_error)
    False 0.6
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
    r"""Compare ``module``'s gradients (and input gradient) with central differences.

    Costs two forward passes per checked entry, so use small modules and batches.

    Parameters
    ----------
    module
        Any object with ``forward``, ``backward``, ``parameters`` and ``gradients`` (see
        :class:`ModuleLike`), such as a layer or a whole model.
    x
        The input batch, in the dtype the module expects. It is copied; your array is never
        modified.
    loss, target
        A loss (see :class:`LossLike`) and its target, to check ``module`` followed by the loss.
        Without them the check uses the random projection described in the module
        documentation.
    rtol, atol
        The tolerances; ``None`` takes :data:`DEFAULT_TOLERANCES` for the dtype of ``x``.
    h
        The step; ``None`` chooses :math:`\varepsilon^{1/3}\max(1, |\theta|)` per entry.
    check_input
        Whether to check the gradient with respect to ``x`` too.
    seed
        Seeds the random projection.
    raise_on_failure
        Raise :class:`GradientCheckError` if any array fails (default); otherwise return the
        report and let you inspect ``report.passed``.

    Returns
    -------
    GradientCheckReport
        One result per checked array.

    Raises
    ------
    GradientCheckError
        If a gradient fails and ``raise_on_failure`` is true.
    TypeError
        If ``x`` is not a floating array, or a tolerance or ``h`` is not a number.
    ValueError
        If only one of ``loss`` and ``target`` is given, a tolerance or ``h`` is not positive,
        ``h`` is too small to change an entry, or ``gradients()`` does not match
        ``parameters()`` in length and shapes.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.nn import MLP, CrossEntropyLoss
    >>> rng = np.random.default_rng(0)
    >>> model = MLP([3, 4, 2], activation="tanh", rng=rng)
    >>> x, labels = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    >>> report = check_gradients(model, x, CrossEntropyLoss(), labels)
    >>> report.passed
    True
    >>> [result.name for result in report.results]
    ['input', '0.weight', '0.bias', '2.weight', '2.bias']

    A backward that forgets the factor 2 of :math:`y = x^2` is caught:

    >>> class BadSquare:
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x**2
    ...
    ...     def backward(self, grad_output):
    ...         return grad_output * self.x  # should be 2 * x
    ...
    ...     def parameters(self):
    ...         return []
    ...
    ...     def gradients(self):
    ...         return []
    >>> report = check_gradients(BadSquare(), np.array([[1.0, 2.0]]), raise_on_failure=False)
    >>> report.passed, round(report.results[0].max_error, 3)  # |x - 2x| / (|x| + |2x|)
    (False, 0.333)
    """
    work = np.array(x)  # a private copy, perturbed in place
    if not np.issubdtype(work.dtype, np.floating):
        raise TypeError(f"x must have a floating dtype, got {work.dtype}")
    if (loss is None) != (target is None):
        raise ValueError("loss and target must be given together, got only one of them")
    default_rtol, default_atol = DEFAULT_TOLERANCES.get(work.dtype.name, (1e-2, 1e-2))
    rtol = default_rtol if rtol is None else _positive(rtol, "rtol")
    atol = default_atol if atol is None else _positive(atol, "atol")
    if h is not None:
        _positive(h, "h")

    # The analytic pass, and the scalar function f that the numeric pass differentiates.
    output = module.forward(work)
    f: Callable[[], float]
    if loss is None:
        rng = np.random.default_rng(seed)
        # Entries of variance 1/size keep f of the order of the outputs, and the noise small.
        scale = 1 / np.sqrt(max(output.size, 1))
        projection = (scale * rng.standard_normal(output.shape)).astype(output.dtype)
        projection64 = projection.astype(np.float64)  # f sums in float64: less round-off

        def f() -> float:
            return float(np.vdot(projection64, module.forward(work).astype(np.float64)))

        grad_output = projection
    else:

        def f() -> float:
            return float(loss.forward(module.forward(work), target))

        loss.forward(output, target)
        grad_output = loss.backward()
    input_gradient = np.array(module.backward(grad_output))
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


def _numeric(f: Callable[[], float], array: FloatArray, h: float | None) -> Float64Array:
    """Central differences of ``f`` with respect to every entry of ``array`` (restored after)."""
    result = np.empty(array.shape, dtype=np.float64)
    cube_root_eps = float(np.finfo(array.dtype).eps) ** (1 / 3)
    for index in np.ndindex(array.shape):
        original = array[index].copy()  # the exact stored value, written back below
        value = float(original)
        step = cube_root_eps * max(1.0, abs(value)) if h is None else h
        try:
            array[index] = value + step
            upper = float(array[index])  # the value actually stored, after rounding
            f_upper = f()
            array[index] = value - step
            lower = float(array[index])
            f_lower = f()
        finally:
            array[index] = original
        if upper == lower:
            raise ValueError(f"h={step!r} is too small to change the entry {value!r}")
        # Divide by the distance between the points actually evaluated, not by 2h.
        result[index] = (f_upper - f_lower) / (upper - lower)
    return result


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
        name=name,
        shape=a.shape,
        max_error=max_error,
        index=index,
        analytic=float(a[index]),
        numeric=float(numeric[index]),
        passed=max_error <= rtol,
    )


def _parameter_names(module: ModuleLike, count: int) -> list[str]:
    """Return the names from ``named_parameters()`` if the module has it, else ``parameter k``."""
    named = getattr(module, "named_parameters", None)
    if callable(named):
        names = [str(name) for name, _ in named()]
        if len(names) == count:
            return names
    return [f"parameter {k}" for k in range(count)]


def _positive(value: object, name: str) -> float:
    """Return ``value`` as a float if it is a positive finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not 0 < value < np.inf:
        raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return float(value)
