r"""The numerically stable primitives several concepts share: sigmoid, softplus, log-sum-exp.

Each is written so that no exponential can overflow, and each ignores the harmless underflow of
:math:`e^{-1000}` to 0, so it gives finite answers and no numpy warning or error at
:math:`\pm 1000`, whatever ``np.errstate`` is in force. Floating inputs keep their dtype;
integers and booleans are computed in float64.

Files to copy: ``backprop_ref/_numerics.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import numpy as np

from backprop_ref._typing import ArrayLike, FloatArray


def floating(x: ArrayLike) -> FloatArray:
    """Return ``x`` as a floating array: floats keep their dtype, integers become float64.

    >>> floating([1, 2]).dtype, floating(np.float32(1)).dtype
    (dtype('float64'), dtype('float32'))
    """
    array = np.asarray(x)
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise TypeError(f"x must hold real numbers, got dtype {array.dtype}")


def sigmoid(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\sigma(x) = 1/(1 + e^{-x})`, computed from :math:`e^{-|x|}` only.

    For :math:`x \ge 0` it is :math:`1/(1 + e^{-x})`, for :math:`x < 0` the equal
    :math:`e^{x}/(1 + e^{x})`.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = floating(x)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
        y: FloatArray = np.where(x >= 0, 1, e) / (1 + e)
    return y


def softplus(x: ArrayLike) -> FloatArray:
    r"""Return :math:`\log(1 + e^x)` as :math:`\max(x, 0) + \log(1 + e^{-|x|})`.

    >>> softplus(np.array([-1000.0, 0.0, 1000.0]))
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+03])
    """
    x = floating(x)
    with np.errstate(under="ignore"):
        y: FloatArray = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    return y


def log_sum_exp(x: ArrayLike, axis: int = -1, *, keepdims: bool = False) -> FloatArray:
    r"""Return :math:`\log\sum_j e^{x_j}` along ``axis`` as :math:`m + \log\sum_j e^{x_j - m}`.

    With :math:`m = \max_j x_j` every exponent is :math:`\le 0` and the sum is at least 1.

    >>> log_sum_exp(np.array([[1000.0, 1000.0], [0.0, -1000.0]]))
    array([1000.69314718,    0.        ])
    """
    x = floating(x)
    peak = np.max(x, axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        total: FloatArray = peak + np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True))
    return total if keepdims else np.squeeze(total, axis=axis)
