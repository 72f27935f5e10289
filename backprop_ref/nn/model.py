r"""The multilayer perceptron :class:`MLP`: ``Linear`` layers with an activation between them.

``MLP([784, 256, 256, 10], activation="relu", rng=rng)`` is shorthand for

.. code-block:: python

    Sequential([
        Linear(784, 256, rng=rng), ReLU(inplace=True),
        Linear(256, 256, rng=rng), ReLU(inplace=True),
        Linear(256, 10, rng=rng),
    ])

(``inplace=True`` is safe there, see ``ReLU``). The last layer has no activation: it outputs logits (or raw regression values), and the loss
applies the softmax or sigmoid itself, which is both stabler and cheaper.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from backprop_ref.nn._checks import check_floating_dtype, check_positive_int
from backprop_ref.nn.activations import ACTIVATIONS, ReLU
from backprop_ref.nn.layers import Init, Linear
from backprop_ref.nn.module import Module, Sequential

__all__ = ["MLP"]

# Activations whose output is zero (or nearly) for half the inputs get He initialisation.
_RELU_LIKE = frozenset({"relu", "leaky_relu", "gelu", "softplus"})


class MLP(Sequential):
    r"""A multilayer perceptron: ``Linear`` layers of the given sizes, an activation between each.

    Parameters
    ----------
    sizes
        The width of every layer, input first: ``[784, 256, 256, 10]`` makes three ``Linear``
        layers (784→256, 256→256, 256→10). At least two sizes, each >= 1.
    activation
        A key of ``ACTIVATIONS``: ``"relu"`` (default), ``"leaky_relu"``, ``"gelu"``,
        ``"softplus"``, ``"tanh"`` or ``"sigmoid"``. Not applied after the last layer. ReLU
        layers are built with ``inplace=True``: each one's input and upstream gradient are
        fresh arrays from the ``Linear`` layers on either side, so overwriting them is safe
        and saves memory traffic.
    rng
        The random generator that draws every initial weight, in layer order (required).
    init
        The weight initialisation of every ``Linear`` (see ``INITS``). ``None`` (default)
        chooses ``"he"`` for the ReLU-like activations and ``"xavier"`` for tanh and sigmoid.
    bias
        Whether the ``Linear`` layers have a bias.
    dtype
        ``numpy.float64`` (default) or ``numpy.float32``, for every layer.

    Raises
    ------
    TypeError
        If ``sizes`` holds a non-integer, or as in ``Linear``.
    ValueError
        If there are fewer than two sizes, a size is < 1, or ``activation`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> model = MLP([4, 8, 3], activation="tanh", rng=np.random.default_rng(0))
    >>> model
    MLP(sizes=[4, 8, 3], activation='tanh')
    >>> list(model)
    [Linear(4, 8), Tanh(), Linear(8, 3)]
    >>> [p.shape for p in model.parameters()]
    [(4, 8), (8,), (8, 3), (3,)]
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
        widths = [check_positive_int(size, "MLP", f"sizes[{k}]") for k, size in enumerate(sizes)]
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"MLP: activation must be one of {', '.join(map(repr, ACTIVATIONS))}; "
                f"got {activation!r}"
            )
        self.dtype = check_floating_dtype(dtype, "MLP")
        if init is None:
            init = "he" if activation in _RELU_LIKE else "xavier"
        modules: list[Module] = []
        for k in range(len(widths) - 1):
            if k > 0:
                # In place is safe for ReLU here: its input and upstream gradient are fresh
                # arrays from the Linear layers on either side (see ReLU's documentation).
                modules.append(
                    ReLU(inplace=True) if activation == "relu" else ACTIVATIONS[activation]()
                )
            modules.append(
                Linear(widths[k], widths[k + 1], rng=rng, init=init, bias=bias, dtype=dtype)
            )
        super().__init__(modules)
        self.sizes = tuple(widths)
        self.activation = activation

    def __repr__(self) -> str:
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        return f"MLP(sizes={list(self.sizes)}, activation={self.activation!r}{dtype})"
