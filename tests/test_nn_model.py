"""Tests for Sequential and MLP: composed backward passes against independent oracles."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref._typing import Float64Array, FloatArray
from backprop_ref.nn import (
    ACTIVATIONS,
    MLP,
    CrossEntropyLoss,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from tests.nn_cases import LOSSES, make_loss_and_target, random_mlp
from tests.oracles import assert_model_gradients_match_differences, numeric_gradient

seeds = st.integers(min_value=0, max_value=2**32 - 1)
SMOOTH = ["sigmoid", "tanh", "softplus", "gelu"]


# --- a second, independent implementation: plain numpy forward, central differences ---------

REFERENCE_ACTIVATIONS: dict[str, Callable[[Float64Array], Float64Array]] = {
    "sigmoid": lambda h: 1 / (1 + np.exp(-h)),
    "tanh": np.tanh,
    "softplus": lambda h: np.log(1 + np.exp(h)),
    "gelu": lambda h: 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3))),
    "relu": lambda h: h * (h > 0),
    "leaky_relu": lambda h: np.where(h > 0, h, 0.01 * h),
}


def reference_loss(
    weights: list[Float64Array],
    biases: list[Float64Array],
    x: Float64Array,
    target: np.ndarray,
    activation: str,
    loss: str,
) -> float:
    """The MLP and loss written directly from their definitions (moderate inputs only)."""
    h = x
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = h @ w + b
        if k < len(weights) - 1:
            h = REFERENCE_ACTIVATIONS[activation](h)
    if loss == "mse":
        return float(np.mean((h - target) ** 2))
    if loss == "bce":
        # -[y log p + (1 - y) log(1 - p)] with p = 1 / (1 + e^-h), using log p = -log(1 + e^-h)
        # and log(1 - p) = -log(1 + e^h) so that no 1 - p loses digits.
        return float(np.mean(target * np.log1p(np.exp(-h)) + (1 - target) * np.log1p(np.exp(h))))
    probabilities = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(probabilities[np.arange(len(target)), target])))


@pytest.mark.parametrize("loss_name", LOSSES)
@settings(deadline=None, max_examples=25)
@given(
    widths=st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=4),
    batch=st.integers(min_value=1, max_value=5),
    activation=st.sampled_from(SMOOTH),
    seed=seeds,
)
def test_mlp_and_loss_match_an_independent_implementation(
    loss_name: str, widths: list[int], batch: int, activation: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    model = random_mlp(widths, activation, loss_name, rng)
    loss, target = make_loss_and_target(loss_name, rng, batch, model.sizes[-1])
    x = rng.standard_normal((batch, model.sizes[0]))

    value = loss.forward(model.forward(x), target)
    dx = model.backward(loss.backward())

    weights = [p.copy() for p in model.parameters()[0::2]]
    biases = [p.copy() for p in model.parameters()[1::2]]

    def reference() -> float:
        return reference_loss(weights, biases, x, target, activation, loss_name)

    assert value == pytest.approx(reference(), rel=1e-10)
    gradients = model.gradients()
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        np.testing.assert_allclose(
            gradients[2 * k], numeric_gradient(reference, w), rtol=1e-6, atol=1e-8
        )
        np.testing.assert_allclose(
            gradients[2 * k + 1], numeric_gradient(reference, b), rtol=1e-6, atol=1e-8
        )
    np.testing.assert_allclose(dx, numeric_gradient(reference, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_composed_model_matches_central_differences_of_itself(
    loss_name: str, activation: str
) -> None:
    # Fixed seeds, so a ReLU kink within h of an input is either always or never hit: it is not.
    rng = np.random.default_rng(12345)
    model = Sequential(
        [Linear(3, 4, rng=rng), ACTIVATIONS[activation](), Linear(4, 3, rng=rng), Tanh()]
    )
    loss, target = make_loss_and_target(loss_name, rng, 4, 3)
    x = rng.standard_normal((4, 3))
    assert_model_gradients_match_differences(model, loss, x, target)


def test_backward_parameters_skips_leading_modules_and_matches_backward() -> None:
    rng = np.random.default_rng(0)

    class CountingSigmoid(Sigmoid):
        calls = 0

        def backward(self, grad_output: np.ndarray) -> FloatArray:  # type: ignore[override]
            CountingSigmoid.calls += 1
            return super().backward(grad_output)

    model = Sequential([CountingSigmoid(), Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng)])
    x, delta = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    model.forward(x)
    model.backward(delta)
    assert CountingSigmoid.calls == 1
    expected = [g.copy() for g in model.gradients()]
    for gradient in model.gradients():
        gradient[...] = 0.0
    model.backward_parameters(delta)
    assert CountingSigmoid.calls == 1  # the leading module without parameters was skipped
    for want, got in zip(expected, model.gradients(), strict=True):
        np.testing.assert_array_equal(got, want)


def test_backward_parameters_without_parameters_does_nothing() -> None:
    model = Sequential([ReLU(), Tanh()])
    model.forward(np.ones((2, 2)))
    model.backward_parameters(np.ones((2, 2)))
    assert model.parameters() == []
    assert model.gradients() == []


def test_float32_end_to_end() -> None:
    rng = np.random.default_rng(0)
    model = MLP([4, 5, 3], rng=rng, dtype=np.float32)
    loss = CrossEntropyLoss()
    x = rng.standard_normal((6, 4)).astype(np.float32)
    logits = model.forward(x)
    assert logits.dtype == np.float32
    value = loss.forward(logits, rng.integers(0, 3, size=6))
    assert isinstance(value, float)
    grad_logits = loss.backward()
    assert grad_logits.dtype == np.float32
    dx = model.backward(grad_logits)
    assert dx.dtype == np.float32
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert all(g.dtype == np.float32 for g in model.gradients())
    with pytest.raises(
        TypeError,
        match=r"Linear\(4, 5, dtype=float32\): input must have the layer's dtype, float32, got float64",
    ):
        model.forward(x.astype(np.float64))


def test_float32_model_agrees_with_float64_model() -> None:
    x = np.random.default_rng(1).standard_normal((8, 4))
    labels = np.arange(8) % 3
    values, gradients = [], []
    for dtype in (np.float64, np.float32):
        model = MLP([4, 6, 3], activation="tanh", rng=np.random.default_rng(2), dtype=dtype)
        loss = CrossEntropyLoss()
        values.append(loss.forward(model.forward(x.astype(dtype)), labels))
        model.backward_parameters(loss.backward())
        gradients.append([g.astype(np.float64) for g in model.gradients()])
    assert values[1] == pytest.approx(values[0], rel=1e-5)
    for g64, g32 in zip(*gradients, strict=True):
        np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-6)


def test_parameters_and_gradients_same_order_shapes_and_names() -> None:
    model = MLP([3, 5, 4, 2], rng=np.random.default_rng(0))
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    parameters, gradients = model.parameters(), model.gradients()
    assert [p.shape for p in parameters] == [g.shape for g in gradients]
    assert [p.shape for p in parameters] == [(3, 5), (5,), (5, 4), (4,), (4, 2), (2,)]
    layers = [model[0], model[2], model[4]]
    assert all(isinstance(layer, Linear) for layer in layers)
    assert parameters[0] is model[0].weight  # type: ignore[attr-defined]
    assert gradients[5] is model[4].grad_bias  # type: ignore[attr-defined]
    assert all(p is not g for p, g in zip(parameters, gradients, strict=True))


def test_gradients_overwritten_and_arrays_never_rebound_during_training() -> None:
    rng = np.random.default_rng(0)
    model = MLP([2, 8, 3], rng=rng)
    loss = CrossEntropyLoss()
    x, labels = rng.standard_normal((30, 2)), (np.arange(30) % 3)
    x[labels == 1] += 3.0
    x[labels == 2] -= 3.0
    parameters, gradients = model.parameters(), model.gradients()
    ids = [id(a) for a in parameters + gradients]
    first = None
    for step in range(200):
        value = loss.forward(model.forward(x), labels)
        if step == 0:
            first = value
            model.backward_parameters(loss.backward())
            once = [g.copy() for g in gradients]
            model.backward_parameters(loss.backward())
            for a, b in zip(once, gradients, strict=True):
                np.testing.assert_array_equal(a, b)  # overwritten, not doubled
        else:
            model.backward_parameters(loss.backward())
        for parameter, gradient in zip(parameters, gradients, strict=True):
            parameter -= 0.5 * gradient
    assert [id(a) for a in model.parameters() + model.gradients()] == ids
    assert first is not None
    final = loss.forward(model.forward(x), labels)
    assert final < 0.1 * first
    accuracy = np.mean(np.argmax(model.forward(x), axis=1) == labels)
    assert accuracy == 1.0


def test_mlp_structure_repr_and_default_init() -> None:
    model = MLP([4, 8, 3], activation="tanh", rng=np.random.default_rng(0))
    assert repr(model) == "MLP(sizes=[4, 8, 3], activation='tanh')"
    assert [repr(m) for m in model] == ["Linear(4, 8)", "Tanh()", "Linear(8, 3)"]
    assert len(model) == 3
    # tanh defaults to Xavier (uniform within sqrt(6 / (fan_in + fan_out))).
    assert np.max(np.abs(model[0].weight)) <= np.sqrt(6 / 12)  # type: ignore[attr-defined]
    relu_model = MLP([400, 300], rng=np.random.default_rng(0), dtype=np.float32)
    assert repr(relu_model) == "MLP(sizes=[400, 300], activation='relu', dtype=float32)"
    assert np.var(relu_model[0].weight) == pytest.approx(2 / 400, rel=0.03)  # type: ignore[attr-defined]
    explicit = MLP(
        [4, 8, 3], activation="tanh", rng=np.random.default_rng(0), init="he", bias=False
    )
    assert len(explicit.parameters()) == 2


def test_sequential_repr_and_container_protocol() -> None:
    rng = np.random.default_rng(0)
    modules = [Linear(2, 3, rng=rng), ReLU()]
    model = Sequential(modules)
    assert repr(model) == "Sequential(\n  (0): Linear(2, 3)\n  (1): ReLU()\n)"
    assert list(model) == modules
    assert model[1] is modules[1]


@pytest.mark.parametrize(
    ("build", "exception", "message"),
    [
        (lambda: Sequential([]), ValueError, "^Sequential: modules must hold at least one module, got none$"),
        (lambda: Sequential([ReLU(), np.tanh]), TypeError, r"^Sequential: modules\[1\] must be a Module, got ufunc$"),  # type: ignore[list-item]
        (lambda: Sequential([(r := ReLU()), r]), ValueError, "^Sequential: each module instance may appear only once"),
        (lambda: MLP([3], rng=np.random.default_rng(0)), ValueError, r"^MLP: sizes must hold at least two sizes \(input and output\), got \[3\]$"),
        (lambda: MLP([3, 0], rng=np.random.default_rng(0)), ValueError, r"^MLP: sizes\[1\] must be an int >= 1, got 0$"),
        (lambda: MLP([3, 2.5], rng=np.random.default_rng(0)), TypeError, r"^MLP: sizes\[1\] must be an int, got float 2.5$"),  # type: ignore[list-item]
        (lambda: MLP(5, rng=np.random.default_rng(0)), TypeError, "^MLP: sizes must be a sequence of ints, got int$"),  # type: ignore[arg-type]
        (lambda: MLP([3, 2], activation="swish", rng=np.random.default_rng(0)), ValueError, "^MLP: activation must be one of 'sigmoid', .*; got 'swish'$"),
        (lambda: MLP([3, 2], rng=np.random.default_rng(0), dtype=np.float16), TypeError, "^MLP: dtype must be float32 or float64, got float16$"),
        (lambda: MLP([3, 2], rng=None), TypeError, "^Linear: rng must be a numpy.random.Generator"),  # type: ignore[arg-type]
    ],
)  # fmt: skip
def test_bad_construction(
    build: Callable[[], object], exception: type[Exception], message: str
) -> None:
    with pytest.raises(exception, match=message):
        build()


def test_errors_inside_a_model_name_the_layer() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], rng=rng)
    with pytest.raises(
        ValueError, match=r"^Linear\(3, 4\): input must have shape \(N, 3\), got \(5, 2\)$"
    ):
        model.forward(np.ones((5, 2)))
    with pytest.raises(RuntimeError, match=r"^Linear\(4, 2\): backward called before forward$"):
        model.backward(np.ones((5, 2)))
    model.forward(np.ones((5, 3)))
    with pytest.raises(
        ValueError,
        match=r"^Linear\(4, 2\): grad_output must have shape \(5, 2\), got \(5, 3\)$",
    ):
        model.backward(np.ones((5, 3)))


def test_mlp_relu_works_in_place_without_touching_the_callers_arrays() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 5, 4, 2], rng=rng)
    assert [repr(m) for m in model][1::2] == ["ReLU(inplace=True)", "ReLU(inplace=True)"]
    x, delta = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    x_before, delta_before = x.copy(), delta.copy()
    y = model.forward(x)
    dx = model.backward(delta)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(delta, delta_before)
    # Same results as the same layers with copying ReLUs.
    copying = Sequential([model[0], ReLU(), model[2], ReLU(), model[4]])
    np.testing.assert_array_equal(copying.forward(x), y)
    np.testing.assert_array_equal(copying.backward(delta), dx)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_mlp_with_in_place_relu_matches_central_differences(seed: int) -> None:
    # Fixed seeds: whether a pre-activation lies within h of the kink is decided once.
    rng = np.random.default_rng(seed)
    model = MLP([3, 6, 5, 3], rng=rng)
    labels = rng.integers(0, 3, size=4)
    x = rng.standard_normal((4, 3))
    assert_model_gradients_match_differences(model, CrossEntropyLoss(), x, labels)
