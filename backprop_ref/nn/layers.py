r"""The fully connected layer :class:`Linear`, :math:`y = xW + b`, and its backward rule.

With :math:`\delta = \partial L/\partial y` (``grad_output``), for a batch ``x`` of shape
``(N, in_features)``:

.. math::

    \frac{\partial L}{\partial W} = x^\top \delta, \qquad
    \frac{\partial L}{\partial b} = \sum_{n} \delta_n, \qquad
    \frac{\partial L}{\partial x} = \delta\, W^\top.

The bias gradient sums over the batch because the forward pass broadcast :math:`b` to every
row. The weight is stored ``(in_features, out_features)``, so the code reads ``x @ W``
(PyTorch stores the transpose). The file also passes on the activation layers, ``Module`` and
``Sequential`` from ``activations.py``: the layers an :class:`~backprop_ref.nn.model.MLP` stacks.

Files to copy: ``backprop_ref/nn/layers.py``, ``backprop_ref/nn/activations.py``,
``backprop_ref/nn/module.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_numerics.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from typing import Any, Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt

from backprop_ref._checks import (
    check_choice,
    check_finite,
    check_float_dtype,
    check_int,
    check_like,
    check_rng,
)
from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.nn.activations import ACTIVATIONS as ACTIVATIONS
from backprop_ref.nn.activations import Module as Module
from backprop_ref.nn.activations import ReLU as ReLU
from backprop_ref.nn.activations import Sequential as Sequential

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
        The generator that draws the initial weight (required: ``np.random.default_rng(seed)``).
    init
        How :math:`W` is drawn (:math:`n_\text{in}`, :math:`n_\text{out}` the sizes; :math:`b`
        starts at 0): ``"he"`` :math:`\mathcal N(0, 2/n_\text{in})` (default, for ReLU),
        ``"he_uniform"`` :math:`\mathcal U(\pm\sqrt{6/n_\text{in}})`, ``"xavier"``
        :math:`\mathcal U(\pm\sqrt{6/(n_\text{in}+n_\text{out})})` (for tanh and sigmoid),
        ``"xavier_normal"`` :math:`\mathcal N(0, 2/(n_\text{in}+n_\text{out}))`, ``"lecun"``
        :math:`\mathcal N(0, 1/n_\text{in})`.
    bias
        Whether to add a learnable bias :math:`b`.
    dtype
        ``np.float64`` (default) or ``np.float32``: of the parameters, gradients and inputs.

    Raises
    ------
    TypeError
        If a size is not an int, ``rng`` not a Generator, ``dtype`` not float32 or float64.
    ValueError
        If a size is < 1 or ``init`` is unknown.

    Examples
    --------
    >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> bool(np.allclose(layer(x), x @ layer.weight + layer.bias))
    True
    >>> dx = layer.backward(np.array([[1.0, -1.0]]))
    >>> layer.grad_weight, layer.grad_bias
    (array([[ 1., -1.],
           [ 2., -2.],
           [ 3., -3.]]), array([ 1., -1.]))
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
        self.in_features = check_int("in_features", in_features, minimum=1, owner="Linear")
        self.out_features = check_int("out_features", out_features, minimum=1, owner="Linear")
        check_rng("rng", rng, owner="Linear")
        check_choice("init", init, INITS, owner="Linear")
        self.dtype = check_float_dtype("dtype", dtype, owner="Linear")
        weight = _initial_weight(self.in_features, self.out_features, rng, init)
        self.weight: FloatArray = weight.astype(self.dtype)
        self.bias: FloatArray | None = np.zeros(out_features, self.dtype) if bias else None
        # Gradient buffers, allocated once and overwritten by every backward.
        self.grad_weight: FloatArray = np.zeros_like(self.weight)
        self.grad_bias: FloatArray | None = None if self.bias is None else np.zeros_like(self.bias)
        self._input: FloatArray | None = None  # cached by forward for backward

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return ``x @ weight + bias`` for a finite ``x`` of shape ``(N, in_features)``.

        Raises ``ValueError`` for another shape or a NaN or inf, ``TypeError`` for another dtype
        than the layer's (no silent upcast or rounding).
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
        check_finite("input", x, owner=self)
        self._input = x
        y: FloatArray = x @ self.weight
        if self.bias is not None:
            y += self.bias  # in place: no second (N, out_features) array
        return y

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Write :math:`x^\top\delta` and :math:`\sum_n \delta_n`; return :math:`\delta W^\top`.

        Raises ``RuntimeError`` before any forward, ``ValueError`` or ``TypeError`` if
        ``grad_output`` does not have the shape or dtype of the last output, ``ValueError``
        if it holds a nan or an infinity.
        """
        self.backward_parameters(grad_output)
        dx: FloatArray = np.asarray(grad_output) @ self.weight.T  # dx = delta W^T
        return dx

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        """Write the weight and bias gradients as :meth:`backward`, skipping the input gradient."""
        x, delta = self._checked(grad_output)
        np.matmul(x.T, delta, out=self.grad_weight)  # dW = x^T delta
        if self.grad_bias is not None:
            np.sum(delta, axis=0, out=self.grad_bias)  # db = delta summed over the batch

    def _checked(self, grad_output: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Return the cached input and ``grad_output``, checked against the last forward."""
        if self._input is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        shape = (self._input.shape[0], self.out_features)
        delta = check_like("grad_output", grad_output, shape, self.dtype, owner=self)
        check_finite("grad_output", delta, owner=self)
        return self._input, delta

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return ``[("weight", weight), ("bias", bias)]`` (no bias entry if there is none)."""
        named = [("weight", self.weight), ("bias", self.bias)]
        return [(name, array) for name, array in named if array is not None]

    def gradients(self) -> list[FloatArray]:
        """Return ``[grad_weight, grad_bias]`` (no ``grad_bias`` if there is no bias)."""
        return [g for g in (self.grad_weight, self.grad_bias) if g is not None]

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
