r"""Elementwise activations: each one a function, its derivative, and a thin module.

Each output depends on its own input only, so a module's ``backward`` is the upstream gradient
times the derivative, elementwise: :math:`\partial L/\partial x = \partial L/\partial y \odot
f'(x)`. :data:`ACTIVATIONS` maps the names ``MLP(activation=...)`` accepts to the classes:

>>> x = np.linspace(-3.0, 3.0, 7)
>>> for name, activation in ACTIVATIONS.items():
...     module = activation()
...     print(f"{name:<10}", module.function(x)[-1].round(3), module.derivative(x)[-1].round(3))
sigmoid    0.953 0.045
tanh       0.995 0.01
relu       3.0 1.0
leaky_relu 3.0 1.0
softplus   3.049 0.953
gelu       2.996 1.012

The functions take any real array (integers become float64) and keep float32; each gives
finite answers and no numpy warning at :math:`\pm 1000`. Besides its own names, the file passes
on ``Module`` and ``Sequential`` from ``module.py`` for ``layers.py``.

Files to copy: ``backprop_ref/nn/activations.py``, ``backprop_ref/nn/module.py``,
``backprop_ref/_checks.py``, ``backprop_ref/_numerics.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from backprop_ref._checks import as_float_array, check_like, check_real
from backprop_ref._numerics import floating, log_sum_exp, sigmoid, softplus
from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.nn.module import Module as Module
from backprop_ref.nn.module import Sequential as Sequential

__all__ = [
    "ACTIVATIONS",
    "GELU",
    "Activation",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Softplus",
    "Tanh",
    "gelu",
    "gelu_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softplus",
    "softplus_derivative",
    "tanh",
    "tanh_derivative",
]


def sigmoid_derivative(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`, in :math:`[0, 1/4]`.

    >>> sigmoid_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0.  , 0.25, 0.  ])
    """
    return _sigmoid_slope(sigmoid(x))


def _sigmoid_slope(y: FloatArray) -> FloatArray:
    r"""Return :math:`\sigma'` from the output :math:`y = \sigma(x)`: :math:`y(1 - y)`."""
    return y * (1 - y)


def tanh(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\tanh x` (numpy's, which is stable).

    >>> tanh(np.array([-1000.0, 0.0, 1000.0]))
    array([-1.,  0.,  1.])
    """
    return np.tanh(floating(x))


def tanh_derivative(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\tanh'(x) = 1 - \tanh^2 x`.

    >>> tanh_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0., 1., 0.])
    """
    return _tanh_slope(tanh(x))


def _tanh_slope(y: FloatArray) -> FloatArray:
    r"""Return :math:`\tanh'` from the output :math:`y = \tanh x`: :math:`1 - y^2`."""
    return 1 - y * y


def relu(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\max(x, 0)`.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(floating(x), 0)


def relu_derivative(x: ArrayLike) -> FloatArray:
    r"""Return 1 where :math:`x > 0`, else 0 (at the kink 0, as PyTorch), in the dtype of ``x``.

    >>> relu_derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = floating(x)
    return (x > 0).astype(x.dtype)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    r"""Return :math:`x` where :math:`x > 0`, else :math:`a x`, with :math:`a` = ``negative_slope``.

    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([-0.2,  0. ,  3. ])
    """
    x = floating(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_derivative(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    r"""Return 1 where :math:`x > 0`, else ``negative_slope`` (at 0 too, as PyTorch).

    >>> leaky_relu_derivative(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    x = floating(x)
    return np.where(x > 0, 1, negative_slope).astype(x.dtype, copy=False)


def softplus_derivative(x: ArrayLike) -> FloatArray:
    r"""Return the derivative of :math:`\log(1 + e^x)`: :math:`e^x/(1 + e^x) = \sigma(x)`.

    >>> softplus_derivative(np.array([0.0]))
    array([0.5])
    """
    return sigmoid(x)


# The tanh approximation of GELU (Hendrycks and Gimpel, 2016), PyTorch's
# GELU(approximate="tanh"). Python floats, so float32 inputs stay float32.
_GELU_SCALE = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def gelu(x: ArrayLike) -> FloatArray:
    r"""Return GELU in its tanh approximation, :math:`\tfrac12 x\,(1 + \tanh u)`.

    Here :math:`u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)`; the exact :math:`x\,\Phi(x)` differs by
    less than :math:`5 \times 10^{-4}`.

    >>> gelu(np.array([-1000.0, 0.0, 1000.0]))
    array([  -0.,    0., 1000.])
    """
    x = floating(x)
    y: FloatArray = 0.5 * x * (1 + np.tanh(_GELU_SCALE * x * (1 + _GELU_CUBIC * x * x)))
    return y


def gelu_derivative(x: ArrayLike) -> FloatArray:
    r"""Return the exact derivative of :func:`gelu`.

    With :math:`t = \tanh u`, it is :math:`\tfrac12 (1 + t) + \tfrac12 x\,(1 - t^2)\,
    \sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)`.

    >>> gelu_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = floating(x)
    t = np.tanh(_GELU_SCALE * x * (1 + _GELU_CUBIC * x * x))
    du_dx = _GELU_SCALE * (1 + 3 * _GELU_CUBIC * x * x)
    slope: FloatArray = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du_dx
    return slope


def log_softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Return :math:`x_i - \log\sum_j e^{x_j}` along ``axis`` (no :math:`\log 0`, no overflow).

    >>> log_softmax(np.array([0.0, -1000.0]))
    array([    0., -1000.])
    """
    x = floating(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # exact near the max: keeps its digits
    log_probability: FloatArray = shifted - log_sum_exp(shifted, axis, keepdims=True)
    return log_probability


def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Return :math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``, as :math:`e^{\text{log-softmax}}`.

    >>> softmax(np.array([[1000.0, 1000.0], [0.0, -1000.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    return np.exp(log_softmax(x, axis))


class Activation(Module):
    r"""Base class of the elementwise modules, :math:`y = f(x)`, :math:`dx = dy \odot f'(x)`.

    A subclass sets :meth:`function` and :meth:`derivative`. ``forward`` caches what
    ``_forward`` returns beside the output (by default the input), ``backward`` hands it to
    ``_backward``. The input must be floating (``TypeError``); its dtype is kept.
    """

    _saved: FloatArray | None = None

    def function(self, x: ArrayLike) -> FloatArray:
        """Return :math:`f(x)` elementwise."""
        raise NotImplementedError(f"{type(self).__name__} must implement function")

    def derivative(self, x: ArrayLike) -> FloatArray:
        """Return :math:`f'(x)` elementwise."""
        raise NotImplementedError(f"{type(self).__name__} must implement derivative")

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return :math:`f(x)` for a floating ``x``; ``TypeError`` otherwise."""
        y, self._saved = self._forward(as_float_array("input", x, owner=self))
        return y

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Return :math:`\partial L/\partial y \odot f'(x)` for the last :meth:`forward`.

        Raises ``RuntimeError`` before any forward, ``ValueError`` or ``TypeError`` if
        ``grad_output`` does not have the shape or the dtype of the last output.
        """
        if self._saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        saved = self._saved
        delta = check_like("grad_output", grad_output, saved.shape, saved.dtype, owner=self)
        return self._backward(delta, saved)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        return self.function(x), x

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * self.derivative(saved)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """The module of :func:`sigmoid` and :func:`sigmoid_derivative`; it keeps its output."""

    function = staticmethod(sigmoid)
    derivative = staticmethod(sigmoid_derivative)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        y = sigmoid(x)
        return y, y  # sigma' = y (1 - y) needs the output only: no second exponential

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * _sigmoid_slope(saved)


class Tanh(Activation):
    """The module of :func:`tanh` and :func:`tanh_derivative`; it keeps its output."""

    function = staticmethod(tanh)
    derivative = staticmethod(tanh_derivative)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        y = tanh(x)
        return y, y  # tanh' = 1 - y^2 needs the output only: no second tanh

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * _tanh_slope(saved)


class Softplus(Activation):
    """The module of :func:`softplus` and :func:`softplus_derivative` (PyTorch's, ``beta=1``)."""

    function = staticmethod(softplus)
    derivative = staticmethod(softplus_derivative)


class GELU(Activation):
    """The module of :func:`gelu` and :func:`gelu_derivative` (``approximate="tanh"``)."""

    function = staticmethod(gelu)
    derivative = staticmethod(gelu_derivative)


class LeakyReLU(Activation):
    """The module of :func:`leaky_relu` and :func:`leaky_relu_derivative`, slope 0.01 default."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = check_real("negative_slope", negative_slope, owner="LeakyReLU")

    def function(self, x: ArrayLike) -> FloatArray:
        """Return :func:`leaky_relu` with this module's slope."""
        return leaky_relu(x, self.negative_slope)

    def derivative(self, x: ArrayLike) -> FloatArray:
        """Return :func:`leaky_relu_derivative` with this module's slope."""
        return leaky_relu_derivative(x, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class ReLU(Activation):
    """The module of :func:`relu` and :func:`relu_derivative`; ``inplace`` as in PyTorch.

    ``inplace=True`` overwrites the input with the output and the upstream gradient with the
    input gradient: safe only where nothing else reads those arrays (as in ``MLP``).

    >>> x, dy = np.array([[-1.0, 2.0]]), np.array([[5.0, 5.0]])
    >>> module = ReLU(inplace=True)
    >>> module(x) is x, x, module.backward(dy) is dy, dy
    (True, array([[0., 2.]]), True, array([[0., 5.]]))
    """

    function = staticmethod(relu)
    derivative = staticmethod(relu_derivative)
    _zeros: FloatArray | None = None

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = bool(inplace)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        # Against an array of zeros np.maximum runs its vectorized loop, about 3 times faster
        # than against the scalar 0; the zeros are allocated once per input shape.
        if self._zeros is None or self._zeros.shape != x.shape or self._zeros.dtype != x.dtype:
            self._zeros = np.zeros_like(x)
        slope = relu_derivative(x)  # before x may be overwritten: all backward needs
        y: FloatArray = np.maximum(x, self._zeros, out=x if self.inplace else None)
        return y, slope

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        dx: FloatArray = np.multiply(grad_output, saved, out=grad_output if self.inplace else None)
        return dx

    def __repr__(self) -> str:
        return "ReLU(inplace=True)" if self.inplace else "ReLU()"


#: The activations by the names ``MLP(activation=...)`` accepts, name to module class (read-only).
ACTIVATIONS: Mapping[str, type[Activation]] = MappingProxyType(
    {
        "sigmoid": Sigmoid,
        "tanh": Tanh,
        "relu": ReLU,
        "leaky_relu": LeakyReLU,
        "softplus": Softplus,
        "gelu": GELU,
    }
)
