r"""Scalar reverse-mode automatic differentiation, micrograd-style, in four small modules.

- ``backprop_ref.autodiff.engine``: ``Value``, a scalar node that records how it was
  computed, and its ``backward()`` pass; ``topological_order`` and ``zero_grad``.
- ``backprop_ref.autodiff.trace``: ``trace`` (a table of every node) and ``to_dot`` (Graphviz
  DOT text); builds on the engine.
- ``backprop_ref.autodiff.drawing``: ``draw_graph`` and ``draw_backward_steps``, matplotlib
  figures drawn from a trace.
- ``backprop_ref.autodiff.mlp``: ``Neuron``, ``Layer`` and ``MLP``, a tiny neural network whose
  parameters are Values; builds on the engine.

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

from backprop_ref.autodiff.drawing import draw_backward_steps, draw_graph
from backprop_ref.autodiff.engine import Value, topological_order, zero_grad
from backprop_ref.autodiff.mlp import MLP, NEURON_ACTIVATIONS, Layer, Neuron, NeuronActivation
from backprop_ref.autodiff.trace import Trace, TraceRow, to_dot, trace

__all__ = [
    "MLP",
    "NEURON_ACTIVATIONS",
    "Layer",
    "Neuron",
    "NeuronActivation",
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
