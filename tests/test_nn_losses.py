"""Tests for backprop_ref.nn.losses against naive formulas, central differences and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref._typing import FloatArray
from backprop_ref.nn import BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss
from tests.oracles import numeric_gradient

sizes = st.integers(min_value=1, max_value=6)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
reductions = st.sampled_from(["mean", "sum"])


# --- MSELoss ----------------------------------------------------------------------------------


@settings(deadline=None, max_examples=30)
@given(rows=sizes, cols=sizes, reduction=reductions, seed=seeds)
def test_mse_value_and_gradient(rows: int, cols: int, reduction: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    prediction, target = rng.standard_normal((rows, cols)), rng.standard_normal((rows, cols))
    loss = MSELoss(reduction=reduction)  # type: ignore[arg-type]
    squares = [(p - t) ** 2 for p, t in zip(prediction.ravel(), target.ravel(), strict=True)]
    expected = math.fsum(squares) / (len(squares) if reduction == "mean" else 1)
    assert loss.forward(prediction, target) == pytest.approx(expected, rel=1e-12)
    gradient = loss.backward()
    numeric = numeric_gradient(lambda: loss.forward(prediction, target), prediction)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)


def test_mse_relates_to_the_half_squared_error_of_the_worked_examples() -> None:
    # E = (y_hat - y)^2 / 2 has dE/dy_hat = y_hat - y; MSELoss on one element is 2E.
    y_hat, y = np.array([[3.0]]), np.array([[1.0]])
    half_squared_error = 0.5 * (3.0 - 1.0) ** 2
    loss = MSELoss()
    assert loss.forward(y_hat, y) == 2 * half_squared_error
    np.testing.assert_array_equal(loss.backward(), [[2 * (3.0 - 1.0)]])


def test_mse_float32_prediction_keeps_float32_with_float64_target() -> None:
    loss = MSELoss()
    prediction = np.array([[1.0, 2.0]], dtype=np.float32)
    value = loss.forward(prediction, np.array([[0.0, 0.0]]))
    assert isinstance(value, float)
    assert loss.backward().dtype == np.float32


def test_mse_overflow_raises_floating_point_error_with_hint() -> None:
    loss = MSELoss()
    with pytest.raises(
        FloatingPointError,
        match=r"MSELoss\(reduction='mean'\): the loss is inf, not finite; .*lower the learning rate.*scale the inputs",
    ):
        loss.forward(np.array([1e200]), np.array([-1e200]))
    with pytest.raises(
        FloatingPointError, match=r"prediction must be finite, .*nan at index \(1,\).*learning rate"
    ):
        loss.forward(np.array([0.0, np.nan]), np.array([0.0, 0.0]))
    with pytest.raises(ValueError, match=r"target must be finite, .*inf at index \(0,\)"):
        loss.forward(np.array([0.0]), np.array([np.inf]))


# --- BCEWithLogitsLoss ------------------------------------------------------------------------


def naive_bce(z: float, y: float) -> float:
    p = 1 / (1 + math.exp(-z))
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


@settings(deadline=None, max_examples=30)
@given(rows=sizes, cols=sizes, reduction=reductions, seed=seeds)
def test_bce_value_and_gradient(rows: int, cols: int, reduction: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    logits = 3 * rng.standard_normal((rows, cols))
    target = rng.uniform(size=(rows, cols))
    target[0, 0] = 1.0  # hard labels too
    loss = BCEWithLogitsLoss(reduction=reduction)  # type: ignore[arg-type]
    terms = [naive_bce(z, y) for z, y in zip(logits.ravel(), target.ravel(), strict=True)]
    expected = math.fsum(terms) / (len(terms) if reduction == "mean" else 1)
    assert loss.forward(logits, target) == pytest.approx(expected, rel=1e-10)
    gradient = loss.backward()
    # d/dz of -[y log s + (1 - y) log(1 - s)] with s = 1 / (1 + e^-z) is s - y.
    closed_form = (1 / (1 + np.exp(-logits)) - target) / (logits.size if reduction == "mean" else 1)
    np.testing.assert_allclose(gradient, closed_form, rtol=1e-12, atol=1e-15)
    numeric = numeric_gradient(lambda: loss.forward(logits, target), logits)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_at_extreme_logits(dtype: type) -> None:
    # For |z| large, log(1 + e^-|z|) -> 0, so l(z, y) -> max(z, 0) - z y:
    # (1000, 1) -> 0, (1000, 0) -> 1000, (-1000, 1) -> 1000, (-1000, 0) -> 0.
    logits: FloatArray = np.array([1000.0, 1000.0, -1000.0, -1000.0], dtype=dtype)
    target = np.array([1.0, 0.0, 1.0, 0.0])
    loss = BCEWithLogitsLoss(reduction="sum")
    assert loss.forward(logits, target) == pytest.approx(2000.0)
    gradient = loss.backward()  # sigmoid(z) - y -> 1 - y or 0 - y
    assert gradient.dtype == dtype
    np.testing.assert_array_equal(gradient, [0.0, 1.0, -1.0, 0.0])


def test_bce_target_outside_unit_interval() -> None:
    loss = BCEWithLogitsLoss()
    with pytest.raises(
        ValueError,
        match=r"BCEWithLogitsLoss\(reduction='mean'\): target must lie in \[0, 1\], got values from -0.5 to 1.0",
    ):
        loss.forward(np.array([0.0, 1.0]), np.array([-0.5, 1.0]))


# --- CrossEntropyLoss -------------------------------------------------------------------------


@settings(deadline=None, max_examples=40)
@given(batch=sizes, classes=sizes, reduction=reductions, seed=seeds)
def test_cross_entropy_value_and_gradient(
    batch: int, classes: int, reduction: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    logits = 3 * rng.standard_normal((batch, classes))
    labels = rng.integers(0, classes, size=batch)
    loss = CrossEntropyLoss(reduction=reduction)  # type: ignore[arg-type]
    divisor = batch if reduction == "mean" else 1
    # -log softmax(z)[t], from the definition.
    terms = [
        -math.log(math.exp(logits[n, labels[n]]) / math.fsum(math.exp(v) for v in logits[n]))
        for n in range(batch)
    ]
    assert loss.forward(logits, labels) == pytest.approx(math.fsum(terms) / divisor, rel=1e-10)
    gradient = loss.backward()
    # (softmax - one_hot) / N, written out independently.
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    one_hot = np.eye(classes)[labels]
    np.testing.assert_allclose(
        gradient, (probabilities - one_hot) / divisor, rtol=1e-12, atol=1e-15
    )
    numeric = numeric_gradient(lambda: loss.forward(logits, labels), logits)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_at_extreme_logits(dtype: type) -> None:
    logits: FloatArray = np.array(
        [[1000.0, -1000.0], [1000.0, -1000.0], [1000.0, 1000.0], [-1000.0, -1000.0]], dtype=dtype
    )
    labels = np.array([0, 1, 1, 0])
    # Loss per row: log(e^1000 + e^-1000) - z_t: 0 for the right class, 2000 for the wrong one;
    # equal logits give log 2.
    expected = [0.0, 2000.0, math.log(2), math.log(2)]
    loss = CrossEntropyLoss(reduction="sum")
    assert loss.forward(logits, labels) == pytest.approx(math.fsum(expected), rel=1e-6)
    gradient = loss.backward()
    assert gradient.dtype == dtype
    # softmax rows: [1, 0], [1, 0], [1/2, 1/2], [1/2, 1/2]; minus the one-hot labels.
    expected_gradient = [[0.0, 0.0], [1.0, -1.0], [0.5, -0.5], [-0.5, 0.5]]
    np.testing.assert_allclose(gradient, expected_gradient, atol=1e-7)
    mean_loss = CrossEntropyLoss()
    assert mean_loss.forward(logits, labels) == pytest.approx(math.fsum(expected) / 4, rel=1e-6)


def test_cross_entropy_float32_gradient_and_float_value() -> None:
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 3)).astype(np.float32)
    loss = CrossEntropyLoss()
    value = loss(logits, np.array([0, 1, 2, 0, 1], dtype=np.int32))
    assert type(value) is float
    assert loss.backward().dtype == np.float32


@pytest.mark.parametrize(
    ("logits", "labels", "exception", "message"),
    [
        (np.zeros((2, 3)), np.array([0, 3]), ValueError, r"target labels must lie in \[0, 2\] for 3 classes, got values from 0 to 3"),
        (np.zeros((2, 3)), np.array([-1, 0]), ValueError, r"target labels must lie in \[0, 2\] for 3 classes, got values from -1 to 0"),
        (np.zeros((2, 3)), np.array([0.0, 1.0]), ValueError, "target must hold integer class labels, got dtype float64"),
        (np.zeros((2, 3)), np.array([True, False]), ValueError, "target must hold integer class labels, got dtype bool"),
        (np.zeros((2, 3)), np.array([0, 1, 2]), ValueError, r"target must be class labels of shape \(2,\), got \(3,\)"),
        (np.zeros((2, 3)), np.array([[0], [1]]), ValueError, r"target must be class labels of shape \(2,\), got \(2, 1\)"),
        (np.zeros(3), np.array([0]), ValueError, r"prediction must be logits of shape \(N, C\) with N, C >= 1, got shape \(3,\)"),
        (np.zeros((0, 3)), np.array([], dtype=int), ValueError, r"prediction must be logits of shape \(N, C\) with N, C >= 1, got shape \(0, 3\)"),
        (np.zeros((2, 3), dtype=int), np.array([0, 1]), TypeError, "prediction must have a floating dtype, got int64"),
        (np.array([[0.0, np.nan]]), np.array([0]), FloatingPointError, r"prediction must be finite, .* at index \(0, 1\); training has probably diverged: lower the learning rate"),
        (np.array([[0.0, np.inf]]), np.array([0]), FloatingPointError, "prediction must be finite"),
    ],
)  # fmt: skip
def test_cross_entropy_bad_input(
    logits: FloatArray, labels: object, exception: type[Exception], message: str
) -> None:
    loss = CrossEntropyLoss()
    good_logits, good_labels = np.array([[2.0, 0.0]]), np.array([1])
    loss.forward(good_logits, good_labels)
    with pytest.raises(exception, match=rf"^CrossEntropyLoss\(reduction='mean'\): {message}"):
        loss.forward(logits, labels)  # type: ignore[arg-type]
    # A failed forward leaves the previous cache: backward still answers for the good batch.
    expected = np.exp(good_logits) / np.exp(good_logits).sum() - np.array([[0.0, 1.0]])
    np.testing.assert_allclose(loss.backward(), expected)


@pytest.mark.parametrize("loss_class", [MSELoss, BCEWithLogitsLoss, CrossEntropyLoss])
def test_backward_before_forward(loss_class: type[Loss]) -> None:
    loss = loss_class()
    with pytest.raises(
        RuntimeError,
        match=rf"^{loss_class.__name__}\(reduction='mean'\): backward called before forward$",
    ):
        loss.backward()


@pytest.mark.parametrize("loss_class", [MSELoss, BCEWithLogitsLoss, CrossEntropyLoss])
def test_bad_reduction(loss_class: type[Loss]) -> None:
    with pytest.raises(
        ValueError,
        match=f"^{loss_class.__name__}: reduction must be one of 'mean', 'sum'; got 'none'$",
    ):
        loss_class(reduction="none")  # type: ignore[arg-type]


@pytest.mark.parametrize("loss_class", [MSELoss, BCEWithLogitsLoss])
def test_elementwise_losses_bad_input(loss_class: type[Loss]) -> None:
    loss = loss_class()
    name = rf"{loss_class.__name__}\(reduction='mean'\)"
    with pytest.raises(
        ValueError,
        match=rf"^{name}: target must have the shape of prediction, \(2, 2\), got \(2,\)$",
    ):
        loss.forward(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(
        ValueError, match=rf"^{name}: prediction must not be empty, got shape \(0,\)$"
    ):
        loss.forward(np.zeros(0), np.zeros(0))
    with pytest.raises(
        TypeError, match=f"^{name}: prediction must have a floating dtype, got int64$"
    ):
        loss.forward(np.zeros(2, dtype=np.int64), np.zeros(2))
    with pytest.raises(
        TypeError, match=f"^{name}: target must hold real numbers, got dtype complex128$"
    ):
        loss.forward(np.zeros(2), np.zeros(2, dtype=complex))


def test_call_is_forward_and_repr() -> None:
    loss = MSELoss(reduction="sum")
    assert repr(loss) == "MSELoss(reduction='sum')"
    assert loss(np.array([1.0, 2.0]), np.array([0.0, 0.0])) == 5.0
