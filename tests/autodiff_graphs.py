"""Small Value graphs shared by the tests of the trace tables and of the drawings."""

from __future__ import annotations

from backprop_ref.autodiff import Value


def linear_net() -> Value:
    """The docs' two-weight linear net: x = 2, y = 20, w1 = 2, w2 = 0.5."""
    x, w1, w2 = Value(2.0, label="x"), Value(2.0, label="w1"), Value(0.5, label="w2")
    h = w1 * x
    h.label = "h"
    y_hat = w2 * h
    y_hat.label = "y_hat"
    loss = 0.5 * (y_hat - 20.0) ** 2
    loss.label = "L"
    return loss
