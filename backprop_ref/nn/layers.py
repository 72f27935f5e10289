r"""The fully connected layer :class:`Linear`: :math:`y = xW + b`, and its backward rule.

For a batch :math:`x` of shape ``(N, in_features)``, weight :math:`W` of shape
``(in_features, out_features)`` and bias :math:`b` of shape ``(out_features,)``:

.. math::

    y = x W + b, \qquad
    \frac{\partial L}{\partial W} = x^\top \delta, \qquad
    \frac{\partial L}{\partial b} = \sum_{n=1}^{N} \delta_n, \qquad
    \frac{\partial L}{\partial x} = \delta\, W^\top,

where :math:`\delta = \partial L/\partial y` is ``grad_output``. The bias gradient is a sum over
the batch because the forward pass broadcast :math:`b` to every row.

The weight is stored ``(in_features, out_features)`` so that the forward pass reads like the
math, ``x @ W``; PyTorch stores the transpose, ``(out_features, in_features)``, and computes
``x @ W.T``.
"""

from __future__ import annotations

import math
from typing import Any, Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.nn._checks import (
    check_finite,
    check_floating_dtype,
    check_grad_output,
    check_positive_int,
)
from backprop_ref.nn.module import Module

__all__ = ["INITS", "Init", "Linear"]

#: The name of a weight initialisation scheme.
Init: TypeAlias = Literal["he", "he_uniform", "xavier", "xavier_normal", "lecun"]

#: The valid values of ``Linear``'s ``init`` argument.
INITS: tuple[Init, ...] = get_args(Init)


class Linear(Module):
    r"""Fully connected layer :math:`y = xW + b`.

    Parameters
    ----------
    in_features, out_features
        Sizes of each input row and each output row.
    rng
        The random generator that draws the initial weight (required, so runs are
        reproducible: pass ``numpy.random.default_rng(seed)``).
    init
        How the weight is drawn, with :math:`n_\text{in}` = ``in_features`` and
        :math:`n_\text{out}` = ``out_features``; the bias always starts at zero.

        ``"he"`` (default)
            :math:`\mathcal N(0, 2/n_\text{in})`, He et al. (2015), for ReLU-like activations:
            it keeps the variance of the activations constant from layer to layer when half
            the units are zero. PyTorch's ``kaiming_normal_``.
        ``"he_uniform"``
            :math:`\mathcal U(\pm\sqrt{6/n_\text{in}})`, the same variance, uniform.
        ``"xavier"``
            :math:`\mathcal U(\pm\sqrt{6/(n_\text{in}+n_\text{out})})`, Glorot and Bengio
            (2010), for tanh and sigmoid: variance :math:`2/(n_\text{in}+n_\text{out})`
            balances the forward and backward passes. PyTorch's ``xavier_uniform_``.
        ``"xavier_normal"``
            :math:`\mathcal N(0, 2/(n_\text{in}+n_\text{out}))`.
        ``"lecun"``
            :math:`\mathcal N(0, 1/n_\text{in})`, LeCun et al. (1998).

        PyTorch's own default for ``nn.Linear`` is different again (uniform with variance
        :math:`1/(3 n_\text{in})`, bias included), so weights never match PyTorch's bit for bit.
    bias
        Whether to add a learnable bias :math:`b`.
    dtype
        ``numpy.float64`` (default) or ``numpy.float32``: the dtype of the parameters, the
        gradients, and the inputs the layer accepts. The weight is drawn in float64 and then
        rounded, so the same seed gives the same weights up to rounding in both dtypes.

    Raises
    ------
    TypeError
        If a size is not an int, ``rng`` is not a ``numpy.random.Generator`` or ``dtype`` is not
        float32 or float64.
    ValueError
        If a size is < 1 or ``init`` is unknown.

    Attributes
    ----------
    weight : numpy.ndarray
        :math:`W`, shape ``(in_features, out_features)``.
    bias : numpy.ndarray or None
        :math:`b`, shape ``(out_features,)``; ``None`` when ``bias=False``.
    grad_weight : numpy.ndarray
        :math:`\partial L/\partial W`, written in place by each ``backward``.
    grad_bias : numpy.ndarray or None
        :math:`\partial L/\partial b`, written in place by each ``backward``.

    Notes
    -----
    ``forward`` raises ``TypeError`` for an input whose dtype is not the layer's: a float64
    batch fed to a float32 layer would otherwise be silently upcast (and run at half speed), or
    silently rounded. Convert explicitly, e.g. ``x.astype(np.float32)``. It raises
    ``ValueError`` for an input containing NaN or inf; the check (two fast reductions, ``min``
    and ``max``) costs about 1% of a training step at batch size 128.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
    >>> layer
    Linear(3, 2)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 2), (2,))
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> bool(np.allclose(layer(x), x @ layer.weight + layer.bias))
    True
    >>> dx = layer.backward(np.array([[1.0, -1.0]]))
    >>> layer.grad_weight  # x.T @ grad_output
    array([[ 1., -1.],
           [ 2., -2.],
           [ 3., -3.]])
    >>> layer.grad_bias
    array([ 1., -1.])
    >>> layer(np.ones((4, 2)))
    Traceback (most recent call last):
    ...
    ValueError: Linear(3, 2): input must have shape (N, 3), got (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: np.random.Generator,
        init: Init = "he",
        bias: bool = True,
        dtype: type[np.floating[Any]] = np.float64,
    ) -> None:
        self.in_features = check_positive_int(in_features, "Linear", "in_features")
        self.out_features = check_positive_int(out_features, "Linear", "out_features")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                "Linear: rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
                f"got {type(rng).__name__}"
            )
        if init not in INITS:
            raise ValueError(
                f"Linear: init must be one of {', '.join(map(repr, INITS))}; got {init!r}"
            )
        self.dtype = check_floating_dtype(dtype, "Linear")
        self.weight: FloatArray = _initial_weight(
            self.in_features, self.out_features, rng, init
        ).astype(self.dtype)
        self.bias: FloatArray | None = (
            np.zeros(self.out_features, dtype=self.dtype) if bias else None
        )
        # Gradient buffers, allocated once and overwritten by every backward.
        self.grad_weight: FloatArray = np.zeros_like(self.weight)
        self.grad_bias: FloatArray | None = None if self.bias is None else np.zeros_like(self.bias)
        self._input: FloatArray | None = None  # cached by forward for backward

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return ``x @ weight + bias`` and cache ``x`` for :meth:`backward`.

        Parameters
        ----------
        x
            A finite batch of shape ``(N, in_features)`` and the layer's dtype.

        Returns
        -------
        numpy.ndarray
            Shape ``(N, out_features)``, the layer's dtype.

        Raises
        ------
        ValueError
            If ``x`` has the wrong shape or contains NaN or inf.
        TypeError
            If ``x`` does not have the layer's dtype.
        """
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(
                f"{self!r}: input must have shape (N, {self.in_features}), got {x.shape}"
            )
        if x.dtype != self.dtype:
            raise TypeError(
                f"{self!r}: input must have the layer's dtype, {self.dtype}, got {x.dtype}; "
                f"convert it with x.astype(np.{self.dtype})"
            )
        check_finite(x, self, "input", ValueError)
        y: FloatArray = np.matmul(x, self.weight)
        if self.bias is not None:
            y += self.bias  # in place: no second (N, out_features) array
        self._input = x
        return y

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Write :math:`x^\top\delta` and :math:`\sum_n \delta_n`, return :math:`\delta W^\top`.

        Parameters
        ----------
        grad_output
            :math:`\delta = \partial L/\partial y`, shape ``(N, out_features)``.

        Returns
        -------
        numpy.ndarray
            :math:`\partial L/\partial x`, shape ``(N, in_features)``.

        Raises
        ------
        RuntimeError
            If :meth:`forward` has not been called.
        ValueError
            If ``grad_output`` does not have the shape of the last output.
        TypeError
            If ``grad_output`` does not have the layer's dtype.
        """
        delta = self._parameter_gradients(grad_output)
        dx: FloatArray = np.matmul(delta, self.weight.T)
        return dx

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        r"""Write the weight and bias gradients, skipping the input gradient :math:`\delta W^\top`.

        Parameters
        ----------
        grad_output
            As in :meth:`backward`.

        Raises
        ------
        RuntimeError
            As in :meth:`backward`.
        ValueError
            As in :meth:`backward`.
        TypeError
            As in :meth:`backward`.

        Examples
        --------
        >>> import numpy as np
        >>> layer = Linear(2, 1, rng=np.random.default_rng(0))
        >>> _ = layer(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> layer.backward_parameters(np.array([[1.0], [1.0]]))
        >>> layer.grad_weight.ravel(), layer.grad_bias
        (array([4., 6.]), array([2.]))
        """
        self._parameter_gradients(grad_output)

    def _parameter_gradients(self, grad_output: ArrayLike) -> FloatArray:
        """Validate ``grad_output``, fill the gradient buffers, return ``grad_output``."""
        x = self._input
        if x is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        delta = check_grad_output(grad_output, self, (x.shape[0], self.out_features), self.dtype)
        np.matmul(x.T, delta, out=self.grad_weight)
        if self.grad_bias is not None:
            # b was broadcast over the batch in forward, so its gradient sums over the batch.
            # (As the BLAS product of a row of ones with delta it is faster on its own, but
            # slower inside a training step: it wakes the BLAS threads once more per layer.)
            np.sum(delta, axis=0, out=self.grad_bias)
        return delta

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return ``[("weight", weight), ("bias", bias)]`` (without the bias if there is none).

        Returns
        -------
        list of tuple
            The layer's own arrays.
        """
        if self.bias is None:
            return [("weight", self.weight)]
        return [("weight", self.weight), ("bias", self.bias)]

    def gradients(self) -> list[FloatArray]:
        """Return ``[grad_weight, grad_bias]`` (without ``grad_bias`` if there is no bias).

        Returns
        -------
        list of numpy.ndarray
            Live buffers, overwritten by each :meth:`backward`.
        """
        if self.grad_bias is None:
            return [self.grad_weight]
        return [self.grad_weight, self.grad_bias]

    def __repr__(self) -> str:
        options = "" if self.bias is not None else ", bias=False"
        if self.dtype != np.float64:
            options += f", dtype={self.dtype}"
        return f"Linear({self.in_features}, {self.out_features}{options})"


def _initial_weight(
    fan_in: int, fan_out: int, rng: np.random.Generator, init: Init
) -> npt.NDArray[np.float64]:
    """Draw a float64 weight of shape ``(fan_in, fan_out)`` with the scheme ``init``."""
    shape = (fan_in, fan_out)
    if init == "he":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    if init == "he_uniform":
        bound = math.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, size=shape)
    if init == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=shape)
    if init == "xavier_normal":
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=shape)  # "lecun"
