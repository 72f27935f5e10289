r"""The multilayer perceptron :class:`MLP`: ``Linear`` layers with an activation between them.

``MLP([784, 256, 10], activation="relu", rng=rng)`` is ``Sequential([Linear(784, 256, rng=rng),
ReLU(inplace=True), Linear(256, 10, rng=rng)])``. The last layer has no activation: it outputs
logits (or raw regression values), and the loss applies the softmax or sigmoid itself.

Files to copy: ``backprop_ref/nn/model.py``, ``backprop_ref/nn/layers.py``,
``backprop_ref/nn/activations.py``, ``backprop_ref/nn/module.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_numerics.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from backprop_ref._checks import check_choice, check_float_dtype, check_int
from backprop_ref.nn.layers import ACTIVATIONS, Init, Linear, Module, ReLU, Sequential

__all__ = ["MLP"]

# Activations whose output is zero (or nearly) for half the inputs get He initialisation.
_RELU_LIKE = frozenset({"relu", "leaky_relu", "gelu", "softplus"})


class MLP(Sequential):
    r"""A multilayer perceptron: ``Linear`` layers of the given sizes, an activation between each.

    Parameters
    ----------
    sizes
        The width of every layer, input first, at least two: ``[784, 256, 10]`` makes
        ``Linear(784, 256)`` and ``Linear(256, 10)``.
    activation
        A key of ``ACTIVATIONS`` (default ``"relu"``), not applied after the last layer. ReLU is
        built with ``inplace=True``: its input and upstream gradient are fresh arrays made by
        the ``Linear`` layers on either side.
    rng
        The generator that draws every initial weight, in layer order (required).
    init
        Every ``Linear``'s ``init``; ``None`` (default): ``"he"`` for the ReLU-like
        activations, ``"xavier"`` for tanh and sigmoid.
    bias, dtype
        As in ``Linear``, for every layer.

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence of ints, or as in ``Linear``.
    ValueError
        If there are fewer than two sizes, a size is < 1, or ``activation`` is unknown.

    Examples
    --------
    >>> model = MLP([4, 8, 3], activation="tanh", rng=np.random.default_rng(0))
    >>> model, list(model)
    (MLP(sizes=[4, 8, 3], activation='tanh'), [Linear(4, 8), Tanh(), Linear(8, 3)])
    >>> model(np.zeros((2, 4))).shape
    (2, 3)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        activation: str = "relu",
        rng: np.random.Generator,
        init: Init | None = None,
        bias: bool = True,
        dtype: type[np.floating[Any]] = np.float64,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"MLP: sizes must be a sequence of ints, got {type(sizes).__name__}")
        if len(sizes) < 2:
            raise ValueError(
                f"MLP: sizes must hold at least two sizes (input and output), got {list(sizes)}"
            )
        widths = [check_int(f"sizes[{k}]", n, minimum=1, owner="MLP") for k, n in enumerate(sizes)]
        check_choice("activation", activation, ACTIVATIONS, owner="MLP")
        self.dtype = check_float_dtype("dtype", dtype, owner="MLP")
        if init is None:
            init = "he" if activation in _RELU_LIKE else "xavier"
        modules: list[Module] = []
        for k in range(len(widths) - 1):
            if k > 0:
                relu = activation == "relu"
                modules.append(ReLU(inplace=True) if relu else ACTIVATIONS[activation]())
            modules.append(
                Linear(widths[k], widths[k + 1], rng=rng, init=init, bias=bias, dtype=dtype)
            )
        super().__init__(modules)
        self.sizes = tuple(widths)
        self.activation = activation

    def __repr__(self) -> str:
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        return f"MLP(sizes={list(self.sizes)}, activation={self.activation!r}{dtype})"
