"""Tests for the tiny MLP built from Values (backprop_ref.autodiff.mlp).

The oracle is the same network written with numpy matrices, and central differences of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.autodiff import MLP, NEURON_ACTIVATIONS, Layer, Neuron, NeuronActivation, Value

NUMPY_ACTIVATION: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}


def weights(model: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each layer's parameters as a matrix W (nout, nin) and a bias vector b (nout,)."""
    return [
        (
            np.array([[w.data for w in neuron.w] for neuron in layer.neurons]),
            np.array([neuron.b.data for neuron in layer.neurons]),
        )
        for layer in model.layers
    ]


def numpy_forward(
    params: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray, activation: str
) -> np.ndarray:
    """The reference forward pass: phi(W x + b) for hidden layers, W x + b for the last."""
    for i, (w, b) in enumerate(params):
        z = w @ x + b
        x = z if i == len(params) - 1 else NUMPY_ACTIVATION[activation](z)
    return x


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    activation=st.sampled_from(NEURON_ACTIVATIONS),
    widths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
)
def test_forward_matches_numpy(seed: int, activation: NeuronActivation, widths: list[int]) -> None:
    rng = np.random.default_rng(seed)
    model = MLP(3, widths, rng=rng, activation=activation)
    x = rng.normal(size=3)
    outputs = model(list(x))
    assert len(outputs) == widths[-1]
    expected = numpy_forward(weights(model), x, activation)
    np.testing.assert_allclose([o.data for o in outputs], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_parameter_gradients_match_central_differences(activation: NeuronActivation) -> None:
    rng = np.random.default_rng(7)
    model = MLP(2, [4, 3, 2], rng=rng, activation=activation)
    points = rng.normal(size=(5, 2))
    targets = rng.normal(size=(5, 2))

    def numpy_loss(params: list[tuple[np.ndarray, np.ndarray]]) -> float:
        predictions = [numpy_forward(params, x, activation) for x in points]
        return float(sum(np.sum((p - t) ** 2) for p, t in zip(predictions, targets, strict=True)))

    loss: Any = 0.0
    for x, t in zip(points, targets, strict=True):
        for out, target in zip(model(x), t, strict=True):
            loss = loss + (out - target) ** 2
    assert loss.data == pytest.approx(numpy_loss(weights(model)), rel=1e-12)
    model.zero_grad()
    loss.backward()

    params = weights(model)
    h = 1e-6
    for layer_index, layer in enumerate(model.layers):
        w, b = params[layer_index]
        for j, neuron in enumerate(layer.neurons):
            for k, value in [*((k, v) for k, v in enumerate(neuron.w)), (-1, neuron.b)]:
                target_array = b if k == -1 else w[j]
                position = j if k == -1 else k
                original = target_array[position]
                target_array[position] = original + h
                up = numpy_loss(params)
                target_array[position] = original - h
                down = numpy_loss(params)
                target_array[position] = original
                difference = (up - down) / (2 * h)
                assert value.grad == pytest.approx(difference, rel=1e-5, abs=1e-7)


def test_initialisation_is_uniform_within_one_over_sqrt_nin_and_reproducible() -> None:
    model = MLP(16, [8, 1], rng=np.random.default_rng(3))
    for layer in model.layers:
        nin = len(layer.neurons[0].w)
        assert all(abs(p.data) <= 1 / math.sqrt(nin) for p in layer.parameters())
    again = MLP(16, [8, 1], rng=np.random.default_rng(3))
    other = MLP(16, [8, 1], rng=np.random.default_rng(4))
    assert [p.data for p in model.parameters()] == [p.data for p in again.parameters()]
    assert [p.data for p in model.parameters()] != [p.data for p in other.parameters()]


def test_parameters_and_labels() -> None:
    rng = np.random.default_rng(0)
    neuron = Neuron(3, rng=rng)
    assert [p.label for p in neuron.parameters()] == ["w0", "w1", "w2", "b"]
    assert len(Layer(3, 4, rng=rng).parameters()) == 4 * (3 + 1)
    model = MLP(2, [16, 16, 1], rng=rng)
    assert len(model.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1
    assert all(p.is_leaf for p in model.parameters())


def test_hidden_layers_use_the_activation_and_the_last_layer_is_linear() -> None:
    rng = np.random.default_rng(0)
    model = MLP(2, [6, 6, 3], rng=rng, activation="relu")
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", "linear"]
    layer = Layer(2, 6, rng=rng, activation="relu")
    assert all(out.data >= 0.0 for out in layer([3.0, -2.0]))
    # A linear output is not squashed: with large weights it leaves [-1, 1].
    model = MLP(1, [1, 1], rng=rng)
    model.layers[1].neurons[0].w[0].data = 10.0
    model.layers[1].neurons[0].b.data = 5.0
    (out,) = model([0.0])
    assert out.data == pytest.approx(10.0 * math.tanh(model.layers[0].neurons[0].b.data) + 5.0)


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], rng=np.random.default_rng(0))
    model([1.0, -1.0])[0].backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    layer = model.layers[0]
    layer.neurons[0](np.array([1.0, 2.0])).backward()
    layer.neurons[0].zero_grad()
    assert all(p.grad == 0.0 for p in layer.neurons[0].parameters())


def test_a_few_sgd_steps_reduce_the_loss() -> None:
    rng = np.random.default_rng(0)
    model = MLP(2, [8, 1], rng=rng)
    points = rng.normal(size=(20, 2))
    labels = np.sign(points[:, 0] * points[:, 1])  # XOR-like quadrants

    def loss() -> Value:
        total: Any = 0.0
        for x, y in zip(points, labels, strict=True):
            total = total + (model(x)[0] - y) ** 2
        result: Value = total / len(points)
        return result

    first = loss()
    for _ in range(30):
        current = loss()
        model.zero_grad()
        current.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert loss().data < 0.8 * first.data


def test_inputs_of_the_wrong_length_raise() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(
        ValueError, match=r"^MLP\(3, \[2\], activation='tanh'\): input must have 3 values, got 2$"
    ):
        MLP(3, [2], rng=rng)([1.0, 2.0])
    with pytest.raises(
        ValueError, match=r"^Layer\(2, 4, activation='relu'\): input must have 2 values, got 1$"
    ):
        Layer(2, 4, rng=rng, activation="relu")([1.0])
    with pytest.raises(
        ValueError, match=r"^Neuron\(2, activation='tanh'\): input must have 2 values, got 3$"
    ):
        Neuron(2, rng=rng)(np.zeros(3))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda rng: Neuron(0, rng=rng), ValueError, r"Neuron: nin must be an int >= 1, got 0"),
        (
            lambda rng: Neuron(2.0, rng=rng),  # type: ignore[arg-type]
            TypeError,
            r"Neuron: nin must be an int, got float 2\.0",
        ),
        (lambda rng: Neuron(True, rng=rng), TypeError, r"Neuron: nin must be an int, got bool"),
        (lambda rng: Layer(2, -1, rng=rng), ValueError, r"Layer: nout must be an int >= 1, got -1"),
        (lambda rng: MLP(2, [], rng=rng), ValueError, r"MLP: nouts must list at least one"),
        (
            lambda rng: MLP(2, [4, 0], rng=rng),
            ValueError,
            r"MLP: nouts\[1\] must be an int >= 1, got 0",
        ),
        (
            lambda rng: MLP(2, [4], rng=rng, activation="sigmoid"),  # type: ignore[arg-type]
            ValueError,
            r"MLP: activation must be one of 'tanh', 'relu', 'linear'; got 'sigmoid'",
        ),
        (
            lambda rng: MLP(2, [4], rng=0),  # type: ignore[arg-type]
            TypeError,
            r"MLP: rng must be a numpy\.random\.Generator .*got int",
        ),
    ],
)
def test_bad_arguments_raise(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make(np.random.default_rng(0))


def test_repr() -> None:
    rng = np.random.default_rng(0)
    assert repr(MLP(2, [16, 16, 1], rng=rng, activation="relu")) == (
        "MLP(2, [16, 16, 1], activation='relu')"
    )
    assert repr(Layer(3, 2, rng=rng)) == "Layer(3, 2, activation='tanh')"
