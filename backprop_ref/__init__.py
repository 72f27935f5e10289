"""backprop_ref: backpropagation explained and implemented, in typed numpy.

The public API at a glance, one module per concept:

- :mod:`backprop_ref.calculus`: numerical derivatives, partial derivatives, gradients, Jacobians.
"""

from __future__ import annotations

from backprop_ref.calculus import (
    METHODS,
    default_step,
    derivative,
    directional_derivative,
    gradient,
    jacobian,
    partial_derivative,
)

__version__ = "0.1.0"

__all__ = [
    "METHODS",
    "__version__",
    "default_step",
    "derivative",
    "directional_derivative",
    "gradient",
    "jacobian",
    "partial_derivative",
]
