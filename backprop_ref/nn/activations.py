r"""Elementwise activation functions, their derivatives, and the modules built from them.

Each activation comes three ways:

* a plain function and its derivative, e.g. :func:`sigmoid` and :func:`sigmoid_derivative`, for
  plots and for checking by hand (they accept any array or scalar, integers included);
* a module, e.g. :class:`Sigmoid`, whose ``backward`` multiplies the upstream gradient by the
  derivative, :math:`\partial L/\partial x = \partial L/\partial y \odot f'(x)` (elementwise,
  because each output depends on one input only);
* an entry of :data:`ACTIVATIONS`, which maps the names accepted by ``MLP(activation=...)`` to
  the module classes. Every module also has ``function`` and ``derivative`` methods, so the docs
  plot the whole family with one loop:

  >>> import numpy as np
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

Every function is numerically stable: finite answers and no numpy warnings at :math:`\pm 1000`.
The functions and modules keep the dtype of their input (float32 stays float32). The stable
:func:`softmax` and :func:`log_softmax` live here too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.nn._checks import as_float_array, check_grad_output
from backprop_ref.nn.module import Module

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

# --- the plain functions ----------------------------------------------------------------------


def _floating(x: ArrayLike) -> FloatArray:
    """Return ``x`` as a floating array: floats keep their dtype, integers become float64."""
    array = np.asarray(x)
    if np.issubdtype(array.dtype, np.floating):
        return array
    if np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        return array.astype(np.float64)
    raise TypeError(f"x must hold real numbers, got dtype {array.dtype}")


def sigmoid(x: ArrayLike) -> FloatArray:
    r"""Compute the logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})` stably.

    For :math:`x \ge 0` it evaluates :math:`1/(1 + e^{-x})` and for :math:`x < 0` the equal
    :math:`e^{x}/(1 + e^{x})`, so the exponential is always of :math:`-|x|` and never overflows.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        :math:`\sigma(x)` elementwise, in :math:`[0, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = _floating(x)
    e = np.exp(-np.abs(x))  # in (0, 1]
    y: FloatArray = np.where(x >= 0, 1, e) / (1 + e)
    return y


def sigmoid_derivative(x: ArrayLike) -> FloatArray:
    r"""Compute :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        The derivative elementwise, in :math:`[0, 1/4]`.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0.  , 0.25, 0.  ])
    """
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: ArrayLike) -> FloatArray:
    r"""Compute the hyperbolic tangent :math:`\tanh x` (numpy's, which is stable).

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        :math:`\tanh x` elementwise, in :math:`[-1, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> tanh(np.array([-1000.0, 0.0, 1000.0]))
    array([-1.,  0.,  1.])
    """
    return np.tanh(_floating(x))


def tanh_derivative(x: ArrayLike) -> FloatArray:
    r"""Compute :math:`\tanh'(x) = 1 - \tanh^2 x`.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        The derivative elementwise, in :math:`[0, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> tanh_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0., 1., 0.])
    """
    t = tanh(x)
    return 1 - t * t


def relu(x: ArrayLike) -> FloatArray:
    r"""Compute the rectified linear unit :math:`\max(x, 0)`.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        :math:`\max(x, 0)` elementwise.

    Examples
    --------
    >>> import numpy as np
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(_floating(x), 0)


def relu_derivative(x: ArrayLike) -> FloatArray:
    r"""Compute the derivative of :func:`relu`: 1 where :math:`x > 0`, else 0.

    ReLU has no derivative at 0; like PyTorch, we use 0 there.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        0 or 1 elementwise, in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> relu_derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = _floating(x)
    return (x > 0).astype(x.dtype)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    r"""Compute the leaky ReLU: :math:`x` where :math:`x > 0`, else :math:`a x`.

    Parameters
    ----------
    x
        Any array (or scalar).
    negative_slope
        The slope :math:`a` for negative inputs.

    Returns
    -------
    numpy.ndarray
        The leaky ReLU elementwise.

    Examples
    --------
    >>> import numpy as np
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([-0.2,  0. ,  3. ])
    """
    x = _floating(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_derivative(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    r"""Compute the derivative of :func:`leaky_relu`: 1 where :math:`x > 0`, else the slope.

    At 0 we use ``negative_slope``, as PyTorch does.

    Parameters
    ----------
    x
        Any array (or scalar).
    negative_slope
        The slope for negative inputs.

    Returns
    -------
    numpy.ndarray
        The derivative elementwise, in the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> leaky_relu_derivative(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    x = _floating(x)
    return np.where(x > 0, 1, negative_slope).astype(x.dtype, copy=False)


def softplus(x: ArrayLike) -> FloatArray:
    r"""Compute the softplus :math:`\log(1 + e^x)`, a smooth ReLU, stably.

    Evaluated as :math:`\max(x, 0) + \log(1 + e^{-|x|})`: the exponential never overflows, and
    ``log1p`` keeps precision when :math:`e^{-|x|}` is tiny.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        :math:`\log(1 + e^x)` elementwise, positive.

    Examples
    --------
    >>> import numpy as np
    >>> softplus(np.array([-1000.0, 1000.0]))
    array([   0., 1000.])
    >>> float(softplus(0.0))  # log 2
    0.6931471805599453
    """
    x = _floating(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_derivative(x: ArrayLike) -> FloatArray:
    r"""Compute the derivative of :func:`softplus`: the sigmoid, :math:`e^x/(1 + e^x) = \sigma(x)`.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        :math:`\sigma(x)` elementwise.

    Examples
    --------
    >>> import numpy as np
    >>> softplus_derivative(np.array([0.0]))
    array([0.5])
    """
    return sigmoid(x)


# The tanh approximation of GELU (Hendrycks and Gimpel, 2016), as in PyTorch's
# GELU(approximate="tanh"). Python floats, so float32 inputs stay float32.
_GELU_SCALE = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def gelu(x: ArrayLike) -> FloatArray:
    r"""Compute GELU in its tanh approximation: :math:`\tfrac12 x\,(1 + \tanh u)`.

    .. math::

        u = \sqrt{2/\pi}\,\bigl(x + 0.044715\,x^3\bigr).

    This is PyTorch's ``GELU(approximate="tanh")`` (used by GPT-2 and BERT). The exact GELU,
    :math:`x\,\Phi(x)`, differs from it by less than :math:`5 \times 10^{-4}`.

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        The approximate GELU elementwise.

    Examples
    --------
    >>> import numpy as np
    >>> gelu(np.array([-1000.0, 0.0, 1000.0]))
    array([  -0.,    0., 1000.])
    """
    x = _floating(x)
    u = _GELU_SCALE * x * (1 + _GELU_CUBIC * x * x)
    y: FloatArray = 0.5 * x * (1 + np.tanh(u))
    return y


def gelu_derivative(x: ArrayLike) -> FloatArray:
    r"""Compute the exact derivative of the tanh approximation :func:`gelu`.

    With :math:`u` as in :func:`gelu` and :math:`t = \tanh u`, the product and chain rules give

    .. math::

        \frac{d}{dx}\,\tfrac12 x (1 + t)
        = \tfrac12 (1 + t) + \tfrac12 x\,(1 - t^2)\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2).

    Parameters
    ----------
    x
        Any array (or scalar).

    Returns
    -------
    numpy.ndarray
        The derivative elementwise; it dips slightly below 0 near :math:`x \approx -0.75`.

    Examples
    --------
    >>> import numpy as np
    >>> gelu_derivative(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = _floating(x)
    x2 = x * x
    t = np.tanh(_GELU_SCALE * x * (1 + _GELU_CUBIC * x2))
    du_dx = _GELU_SCALE * (1 + 3 * _GELU_CUBIC * x2)
    slope: FloatArray = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du_dx
    return slope


def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Compute the softmax :math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``, stably.

    Subtracting :math:`\max_j x_j` first changes nothing mathematically (it cancels between
    numerator and denominator) but makes every exponent :math:`\le 0`, so nothing overflows and
    the denominator is at least 1.

    Parameters
    ----------
    x
        A finite array (or a list), e.g. logits of shape ``(N, C)``.
    axis
        The axis that sums to 1.

    Returns
    -------
    numpy.ndarray
        Probabilities: non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[1000.0, 1000.0], [0.0, -1000.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    x = _floating(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    probability: FloatArray = e / np.sum(e, axis=axis, keepdims=True)
    return probability


def log_softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    r"""Compute the logarithm of :func:`softmax`, :math:`x_i - \log\sum_j e^{x_j}`, stably.

    With :math:`m = \max_j x_j`, :math:`\log\sum_j e^{x_j} = m + \log\sum_j e^{x_j - m}` (the
    log-sum-exp trick): no overflow, and no :math:`\log 0` for very negative :math:`x_i`, where
    ``np.log(softmax(x))`` would give ``-inf``.

    Parameters
    ----------
    x
        A finite array (or a list), e.g. logits of shape ``(N, C)``.
    axis
        The axis to normalise along.

    Returns
    -------
    numpy.ndarray
        Log-probabilities, all :math:`\le 0`.

    Examples
    --------
    >>> import numpy as np
    >>> log_softmax(np.array([0.0, -1000.0]))
    array([    0., -1000.])
    """
    x = _floating(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    log_probability: FloatArray = shifted - np.log(
        np.sum(np.exp(shifted), axis=axis, keepdims=True)
    )
    return log_probability


# --- the modules ------------------------------------------------------------------------------


class Activation(Module):
    r"""Base class of the elementwise activation modules, :math:`y_i = f(x_i)`.

    ``backward`` returns :math:`\partial L/\partial y \odot f'(x)`. A subclass defines
    :meth:`function` and :meth:`derivative`; by default ``forward`` caches the input and
    ``backward`` calls :meth:`derivative` on it. Subclasses whose derivative is cheaper from the
    output (sigmoid, tanh, ReLU) override ``_forward``, which returns the output and the array
    to cache, and ``_backward``, which receives that array back.

    Activations have no parameters and no ``dtype`` of their own: they keep the dtype of their
    input, which must be floating (``TypeError`` otherwise). Inputs are not scanned for NaN or
    inf; a non-finite value flows on to the next ``Linear`` or the loss, which reports it.

    Examples
    --------
    >>> import numpy as np
    >>> class Square(Activation):
    ...     def function(self, x):
    ...         return np.asarray(x) ** 2
    ...
    ...     def derivative(self, x):
    ...         return 2 * np.asarray(x)
    >>> square = Square()
    >>> square(np.array([[3.0]]))
    array([[9.]])
    >>> square.backward(np.array([[1.0]]))
    array([[6.]])
    """

    _saved: FloatArray | None = None

    def function(self, x: ArrayLike) -> FloatArray:
        """Return :math:`f(x)` elementwise.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`f(x)`, same shape.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement function")

    def derivative(self, x: ArrayLike) -> FloatArray:
        r"""Return :math:`f'(x)` elementwise.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`f'(x)`, same shape.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement derivative")

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return :math:`f(x)` and cache what :meth:`backward` needs.

        Parameters
        ----------
        x
            A floating array of any shape.

        Returns
        -------
        numpy.ndarray
            :math:`f(x)`, same shape and dtype.

        Raises
        ------
        TypeError
            If ``x`` does not have a floating dtype.
        """
        x = as_float_array(x, self, "input")
        y, saved = self._forward(x)
        self._saved = saved
        return y

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Return :math:`\partial L/\partial y \odot f'(x)` for the last :meth:`forward`.

        Parameters
        ----------
        grad_output
            :math:`\partial L/\partial y`, the shape and dtype of the last output.

        Returns
        -------
        numpy.ndarray
            :math:`\partial L/\partial x`.

        Raises
        ------
        RuntimeError
            If :meth:`forward` has not been called.
        ValueError
            If ``grad_output`` does not have the shape of the last output.
        TypeError
            If ``grad_output`` does not have the dtype of the last output.
        """
        saved = self._saved
        if saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        delta = check_grad_output(grad_output, self, saved.shape, saved.dtype)
        return self._backward(delta, saved)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return the output and the array ``backward`` needs (here: the input)."""
        return self.function(x), x

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        """Return the input gradient from the upstream gradient and the cached array."""
        return grad_output * self.derivative(saved)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    r"""The logistic sigmoid :math:`y = \sigma(x)`, with :math:`\sigma' = y(1 - y)` from the output.

    Examples
    --------
    >>> import numpy as np
    >>> module = Sigmoid()
    >>> module(np.array([[0.0, 1000.0]]))
    array([[0.5, 1. ]])
    >>> module.backward(np.array([[1.0, 1.0]]))
    array([[0.25, 0.  ]])
    """

    def function(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`sigmoid` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\sigma(x)`.
        """
        return sigmoid(x)

    def derivative(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`sigmoid_derivative` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\sigma'(x)`.
        """
        return sigmoid_derivative(x)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        y = sigmoid(x)
        return y, y  # the derivative needs only the output

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * saved * (1 - saved)


class Tanh(Activation):
    r"""The hyperbolic tangent :math:`y = \tanh x`, with :math:`\tanh' = 1 - y^2` from the output.

    Examples
    --------
    >>> import numpy as np
    >>> module = Tanh()
    >>> module(np.array([[0.0, -1000.0]]))
    array([[ 0., -1.]])
    >>> module.backward(np.array([[2.0, 2.0]]))
    array([[2., 0.]])
    """

    def function(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`tanh` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\tanh x`.
        """
        return tanh(x)

    def derivative(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`tanh_derivative` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`1 - \tanh^2 x`.
        """
        return tanh_derivative(x)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        y = np.tanh(x)
        return y, y

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * (1 - saved * saved)


class ReLU(Activation):
    r"""The rectified linear unit :math:`y = \max(x, 0)`; backward passes the gradient where y > 0.

    Parameters
    ----------
    inplace
        Overwrite the input with the output in ``forward``, and the upstream gradient with the
        input gradient in ``backward``, as PyTorch's ``ReLU(inplace=True)`` does. This saves
        writing two fresh arrays per step, but it is safe only where nothing else uses those
        arrays afterwards: ``MLP`` uses it because there each ReLU's input and upstream
        gradient are fresh arrays made by the neighbouring ``Linear`` layers. Off by default.

    Examples
    --------
    >>> import numpy as np
    >>> module = ReLU()
    >>> module(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> module.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])

    In place, the arrays passed in are overwritten and returned:

    >>> x, grad_output = np.array([[-1.0, 2.0]]), np.array([[5.0, 5.0]])
    >>> module = ReLU(inplace=True)
    >>> module(x) is x, x
    (True, array([[0., 2.]]))
    >>> module.backward(grad_output) is grad_output, grad_output
    (True, array([[0., 5.]]))
    """

    _zeros: FloatArray | None = None

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = bool(inplace)

    def function(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`relu` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\max(x, 0)`.
        """
        return relu(x)

    def derivative(self, x: ArrayLike) -> FloatArray:
        """Return :func:`relu_derivative` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            1 where :math:`x > 0`, else 0.
        """
        return relu_derivative(x)

    def _forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        # The derivative, 1 where x > 0 and 0 elsewhere, is all backward needs. As floats, the
        # product in backward is a plain same-dtype multiplication.
        slope = (x > 0).astype(x.dtype)
        # Against an array of zeros np.maximum runs its vectorized loop, about 3 times faster
        # than against the scalar 0; the zeros are allocated once per input shape.
        if self._zeros is None or self._zeros.shape != x.shape or self._zeros.dtype != x.dtype:
            self._zeros = np.zeros_like(x)
        y: FloatArray = np.maximum(x, self._zeros, out=x if self.inplace else None)
        return y, slope

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        dx: FloatArray = np.multiply(grad_output, saved, out=grad_output if self.inplace else None)
        return dx

    def __repr__(self) -> str:
        return "ReLU(inplace=True)" if self.inplace else "ReLU()"


class LeakyReLU(Activation):
    r"""The leaky ReLU: :math:`y = x` for :math:`x > 0`, else :math:`a x`.

    Parameters
    ----------
    negative_slope
        The slope :math:`a` for negative inputs, as in PyTorch (default 0.01).

    Examples
    --------
    >>> import numpy as np
    >>> module = LeakyReLU(negative_slope=0.1)
    >>> module
    LeakyReLU(negative_slope=0.1)
    >>> module(np.array([[-1.0, 2.0]]))
    array([[-0.1,  2. ]])
    >>> module.backward(np.array([[5.0, 5.0]]))
    array([[0.5, 5. ]])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)):
            raise TypeError(
                f"LeakyReLU: negative_slope must be a real number, got "
                f"{type(negative_slope).__name__}"
            )
        if not math.isfinite(negative_slope):
            raise ValueError(f"LeakyReLU: negative_slope must be finite, got {negative_slope}")
        self.negative_slope = float(negative_slope)

    def function(self, x: ArrayLike) -> FloatArray:
        """Return :func:`leaky_relu` of ``x`` with this module's slope.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            The leaky ReLU of ``x``.
        """
        return leaky_relu(x, self.negative_slope)

    def derivative(self, x: ArrayLike) -> FloatArray:
        """Return :func:`leaky_relu_derivative` of ``x`` with this module's slope.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            1 where :math:`x > 0`, else the slope.
        """
        return leaky_relu_derivative(x, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Softplus(Activation):
    r"""The softplus :math:`y = \log(1 + e^x)`, whose derivative is :math:`\sigma(x)`.

    PyTorch's ``Softplus`` has a sharpness ``beta`` (default 1) and switches to :math:`y = x`
    above ``threshold=20``; this module is ``beta=1`` with no threshold, since the stable
    formula needs none.

    Examples
    --------
    >>> import numpy as np
    >>> module = Softplus()
    >>> module(np.array([[0.0]])).round(6)
    array([[0.693147]])
    >>> module.backward(np.array([[1.0]]))
    array([[0.5]])
    """

    def function(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`softplus` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\log(1 + e^x)`.
        """
        return softplus(x)

    def derivative(self, x: ArrayLike) -> FloatArray:
        r"""Return :func:`softplus_derivative` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            :math:`\sigma(x)`.
        """
        return softplus_derivative(x)


class GELU(Activation):
    r"""GELU in its tanh approximation (PyTorch's ``GELU(approximate="tanh")``), see :func:`gelu`.

    ``backward`` uses :func:`gelu_derivative`, the exact derivative of the approximation, so
    gradient checks pass to rounding error.

    Examples
    --------
    >>> import numpy as np
    >>> module = GELU()
    >>> module(np.array([[0.0, 1000.0]]))
    array([[   0., 1000.]])
    >>> module.backward(np.array([[1.0, 1.0]]))
    array([[0.5, 1. ]])
    """

    def function(self, x: ArrayLike) -> FloatArray:
        """Return :func:`gelu` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            The approximate GELU of ``x``.
        """
        return gelu(x)

    def derivative(self, x: ArrayLike) -> FloatArray:
        """Return :func:`gelu_derivative` of ``x``.

        Parameters
        ----------
        x
            Any array.

        Returns
        -------
        numpy.ndarray
            The derivative of the approximate GELU.
        """
        return gelu_derivative(x)


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
