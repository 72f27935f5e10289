"""backprop_ref: backpropagation explained and implemented, in typed numpy.

The public API at a glance, one module per concept:

- :mod:`backprop_ref.calculus`: numerical derivatives, partial derivatives, gradients, Jacobians.
- :mod:`backprop_ref.autodiff`: a scalar reverse-mode autodiff engine (``Value``), graph
  drawings and a tiny MLP of Values.
- :mod:`backprop_ref.forward_mode`: forward-mode automatic differentiation with dual numbers.
- :mod:`backprop_ref.optim`: SGD, Adagrad, RMSprop, Adam and AdamW, as ``torch.optim`` defines
  them, and learning-rate schedules.
- :mod:`backprop_ref.datasets`: small generated 2-D data sets (moons, spirals).
"""

from __future__ import annotations

from backprop_ref.autodiff import (
    Layer,
    Neuron,
    Trace,
    TraceRow,
    Value,
    draw_backward_steps,
    draw_graph,
    to_dot,
    topological_order,
    trace,
    zero_grad,
)
from backprop_ref.calculus import (
    METHODS,
    default_step,
    derivative,
    directional_derivative,
    gradient,
    jacobian,
    partial_derivative,
)
from backprop_ref.datasets import make_moons, make_spirals
from backprop_ref.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    Optimizer,
    RMSprop,
    SequentialLR,
    StepLR,
)

__version__ = "0.1.0"

__all__ = [
    "METHODS",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "Layer",
    "LinearLR",
    "Neuron",
    "Optimizer",
    "RMSprop",
    "SequentialLR",
    "StepLR",
    "Trace",
    "TraceRow",
    "Value",
    "__version__",
    "default_step",
    "derivative",
    "directional_derivative",
    "draw_backward_steps",
    "draw_graph",
    "gradient",
    "jacobian",
    "make_moons",
    "make_spirals",
    "partial_derivative",
    "to_dot",
    "topological_order",
    "trace",
    "zero_grad",
]
