r"""Scalar reverse-mode automatic differentiation, micrograd-style, in three small modules.

- ``backprop_ref.autodiff.engine``: ``Value``, a scalar node that records how it was
  computed, and its ``backward()`` pass; ``topological_order`` and ``zero_grad``.
- ``backprop_ref.autodiff.graph``: tools to look inside a graph: ``trace`` (a table of
  every node), ``draw_graph`` and ``draw_backward_steps`` (matplotlib figures) and
  ``to_dot`` (Graphviz DOT text).
- ``backprop_ref.autodiff.mlp``: ``Neuron``, ``Layer`` and ``MLP``, a tiny
  neural network whose parameters are Values.

The engine stands on its own (numpy only); the other two modules build on it.

Examples
--------
>>> from backprop_ref.autodiff import Value
>>> x, w = Value(2.0, label="x"), Value(-1.5, label="w")
>>> loss = (w * x - 1.0) ** 2
>>> loss.backward()
>>> loss.data, w.grad  # (wx - 1)^2 = 16; d/dw = 2 (wx - 1) x = -16
(16.0, -16.0)
"""

from __future__ import annotations

from backprop_ref.autodiff.engine import Value, topological_order, zero_grad
from backprop_ref.autodiff.graph import (
    Trace,
    TraceRow,
    draw_backward_steps,
    draw_graph,
    to_dot,
    trace,
)
from backprop_ref.autodiff.mlp import ACTIVATIONS, MLP, Activation, Layer, Neuron

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Activation",
    "Layer",
    "Neuron",
    "Trace",
    "TraceRow",
    "Value",
    "draw_backward_steps",
    "draw_graph",
    "to_dot",
    "topological_order",
    "trace",
    "zero_grad",
]
