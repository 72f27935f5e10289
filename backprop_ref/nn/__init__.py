r"""Vectorized backpropagation: layers, activations, losses, a model, and saving parameters.

Each module has ``forward(x)``, which computes a batch's output and caches what the backward pass
needs, and ``backward(grad_output)``, which fills the module's parameter gradients and returns
the gradient with respect to its input. Arrays are batch-first, ``(N, D)``.

- :mod:`backprop_ref.nn.module`: the ``Module`` interface and ``Sequential``.
- :mod:`backprop_ref.nn.layers`: ``Linear``, :math:`y = xW + b`.
- :mod:`backprop_ref.nn.activations`: ``Sigmoid``, ``Tanh``, ``ReLU``, ``LeakyReLU``,
  ``Softplus``, ``GELU``, and the plain functions with their derivatives.
- :mod:`backprop_ref.nn.losses`: ``MSELoss``, ``BCEWithLogitsLoss``, ``CrossEntropyLoss``.
- :mod:`backprop_ref.nn.model`: ``MLP``.
- :mod:`backprop_ref.nn.serialization`: ``save_parameters``, ``load_parameters``.

Examples
--------
One step of gradient descent on a small classifier:

>>> import numpy as np
>>> from backprop_ref.nn import MLP, CrossEntropyLoss
>>> rng = np.random.default_rng(0)
>>> model = MLP([2, 16, 3], rng=rng)
>>> loss = CrossEntropyLoss()
>>> x, labels = rng.standard_normal((8, 2)), rng.integers(0, 3, size=8)
>>> before = loss.forward(model.forward(x), labels)
>>> model.backward_parameters(loss.backward())
>>> for parameter, gradient in zip(model.parameters(), model.gradients()):
...     parameter -= 0.1 * gradient  # in place
>>> loss.forward(model.forward(x), labels) < before
True
"""

from __future__ import annotations

from backprop_ref.nn.activations import (
    ACTIVATIONS,
    GELU,
    Activation,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softplus,
    Tanh,
    gelu,
    gelu_derivative,
    leaky_relu,
    leaky_relu_derivative,
    log_softmax,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softplus,
    softplus_derivative,
    tanh,
    tanh_derivative,
)
from backprop_ref.nn.layers import INITS, Init, Linear
from backprop_ref.nn.losses import BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss, Reduction
from backprop_ref.nn.model import MLP
from backprop_ref.nn.module import IncompatibleKeys, Module, Sequential
from backprop_ref.nn.serialization import load_parameters, save_parameters

__all__ = [
    "ACTIVATIONS",
    "GELU",
    "INITS",
    "MLP",
    "Activation",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "IncompatibleKeys",
    "Init",
    "LeakyReLU",
    "Linear",
    "Loss",
    "MSELoss",
    "Module",
    "ReLU",
    "Reduction",
    "Sequential",
    "Sigmoid",
    "Softplus",
    "Tanh",
    "gelu",
    "gelu_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "load_parameters",
    "log_softmax",
    "relu",
    "relu_derivative",
    "save_parameters",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softplus",
    "softplus_derivative",
    "tanh",
    "tanh_derivative",
]
