"""The vectorized ``nn`` backward pass against a second autodiff: the scalar ``Value`` engine.

The two share no code: ``backprop_ref.nn`` differentiates whole matrices with hand-derived
formulas (dW = xᵀδ, softmax − one-hot, ...), while ``backprop_ref.autodiff`` builds a graph of
scalar operations and applies the chain rule node by node. For random MLPs, activations and
losses they must agree to rounding error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.autodiff import Value
from tests.nn_cases import LOSSES, make_loss_and_target, random_mlp

Rows = list[list[Value]]

_GELU_SCALE = float(np.sqrt(2.0 / np.pi))

# Each activation written with the scalar engine's operations, from its definition.
SCALAR_ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": lambda v: v.sigmoid(),
    "tanh": lambda v: v.tanh(),
    "relu": lambda v: v.relu(),
    "leaky_relu": lambda v: v.relu() - 0.01 * (-v).relu(),
    "softplus": lambda v: (1 + v.exp()).log(),
    "gelu": lambda v: 0.5 * v * (1 + (_GELU_SCALE * (v + 0.044715 * v**3)).tanh()),
}


def as_values(matrix: np.ndarray) -> Rows:
    """One leaf Value per entry of a 2-D array."""
    return [[Value(float(entry)) for entry in row] for row in matrix]


def scalar_forward(weights: list[Rows], biases: list[Rows], inputs: Rows, activation: str) -> Rows:
    """The MLP on a batch of input rows, one scalar Value per entry."""
    rows = inputs
    for k, (w, (b,)) in enumerate(zip(weights, biases, strict=True)):
        rows = [
            [sum((row[i] * w[i][j] for i in range(len(w))), b[j]) for j in range(len(b))]
            for row in rows
        ]
        if k < len(weights) - 1:
            rows = [[SCALAR_ACTIVATIONS[activation](v) for v in row] for row in rows]
    return rows


def scalar_loss(name: str, outputs: Rows, target: np.ndarray) -> Value:
    """Mean-reduced MSE, BCE-with-logits or cross-entropy, from their definitions."""
    count = len(outputs) * len(outputs[0])
    terms: list[Value] = []
    for n, row in enumerate(outputs):
        if name == "mse":
            terms += [(z - float(y)) ** 2 for z, y in zip(row, target[n], strict=True)]
        elif name == "bce":  # -y log σ(z) - (1 - y) log(1 - σ(z)), logits kept moderate
            terms += [
                -(float(y) * z.sigmoid().log() + (1 - float(y)) * (1 - z.sigmoid()).log())
                for z, y in zip(row, target[n], strict=True)
            ]
        else:  # log Σ_c e^{z_c} - z_t, one term per example
            terms.append(sum((z.exp() for z in row), Value(0.0)).log() - row[int(target[n])])
    divisor = len(outputs) if name == "ce" else count
    return sum(terms, Value(0.0)) / divisor


def grads(rows: Rows) -> list[list[float]]:
    """The gradient the engine accumulated in each Value."""
    return [[v.grad for v in row] for row in rows]


@pytest.mark.parametrize("loss_name", LOSSES)
@settings(deadline=None, max_examples=20)
@given(
    widths=st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=4),
    batch=st.integers(min_value=1, max_value=4),
    activation=st.sampled_from(sorted(SCALAR_ACTIVATIONS)),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_mlp_gradients_equal_the_scalar_engine(
    loss_name: str, widths: list[int], batch: int, activation: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    model = random_mlp(widths, activation, loss_name, rng)
    x = rng.standard_normal((batch, model.sizes[0]))
    loss, target = make_loss_and_target(loss_name, rng, batch, model.sizes[-1])

    value = loss.forward(model.forward(x), target)
    dx = model.backward(loss.backward())

    inputs = as_values(x)
    weights = [as_values(w) for w in model.parameters()[0::2]]
    biases = [as_values(b[np.newaxis]) for b in model.parameters()[1::2]]  # one row each
    scalar = scalar_loss(loss_name, scalar_forward(weights, biases, inputs, activation), target)
    scalar.backward()

    assert value == pytest.approx(scalar.data, rel=1e-12, abs=1e-14)
    gradients = model.gradients()
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        np.testing.assert_allclose(gradients[2 * k], grads(w), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gradients[2 * k + 1], grads(b)[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dx, grads(inputs), rtol=1e-9, atol=1e-12)
