"""backprop_ref: backpropagation explained and implemented, in typed numpy.

The public API at a glance, one module per concept:

- :mod:`backprop_ref.calculus`: numerical derivatives, partial derivatives, gradients, Jacobians.
- :mod:`backprop_ref.autodiff`: a scalar reverse-mode autodiff engine (``Value``), graph
  drawings and a tiny MLP of Values.
- :mod:`backprop_ref.nn`: vectorized layers, activations and losses with explicit backward passes.
- :mod:`backprop_ref.gradcheck`: check any backward pass against central differences.
- :mod:`backprop_ref.forward_mode`: forward-mode automatic differentiation with dual numbers.
- :mod:`backprop_ref.optim`: SGD, Adagrad, RMSprop, Adam and AdamW, as ``torch.optim`` defines
  them, and learning-rate schedules.
- :mod:`backprop_ref.datasets`: small generated 2-D data sets (moons, spirals).

The most used names are importable from here too. Where two modules define the same name, this
level holds one of them: ``gradient`` and ``derivative`` are the finite-difference ones of
``calculus`` (the forward-mode ones stay in ``forward_mode``), and ``MLP`` is the vectorized
``nn.MLP`` (the scalar one, with its ``Neuron`` and ``Layer``, stays in ``autodiff``).
"""

from __future__ import annotations

from backprop_ref.autodiff import (
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
from backprop_ref.gradcheck import GradientCheckError, GradientCheckReport, check_gradients
from backprop_ref.nn import (
    GELU,
    MLP,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    IncompatibleKeys,
    LeakyReLU,
    Linear,
    Loss,
    Module,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Softplus,
    Tanh,
    load_parameters,
    log_softmax,
    save_parameters,
    softmax,
)
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
    "GELU",
    "METHODS",
    "MLP",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "BCEWithLogitsLoss",
    "CosineAnnealingLR",
    "CrossEntropyLoss",
    "ExponentialLR",
    "GradientCheckError",
    "GradientCheckReport",
    "IncompatibleKeys",
    "LRScheduler",
    "LeakyReLU",
    "Linear",
    "LinearLR",
    "Loss",
    "MSELoss",
    "Module",
    "Optimizer",
    "RMSprop",
    "ReLU",
    "Sequential",
    "SequentialLR",
    "Sigmoid",
    "Softplus",
    "StepLR",
    "Tanh",
    "Trace",
    "TraceRow",
    "Value",
    "__version__",
    "check_gradients",
    "default_step",
    "derivative",
    "directional_derivative",
    "draw_backward_steps",
    "draw_graph",
    "gradient",
    "jacobian",
    "load_parameters",
    "log_softmax",
    "make_moons",
    "make_spirals",
    "partial_derivative",
    "save_parameters",
    "softmax",
    "to_dot",
    "topological_order",
    "trace",
    "zero_grad",
]
