"""Tests for backprop_ref.gradcheck: passes correct backward passes, catches broken ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.gradcheck import (
    DEFAULT_TOLERANCES,
    GradientCheckError,
    GradientCheckReport,
    check_gradients,
)
from backprop_ref.nn import (
    ACTIVATIONS,
    MLP,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Linear,
    MSELoss,
    ReLU,
    Sigmoid,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


class LinearWithTransposedGradient(Linear):
    """A classic bug: dW = delta^T x instead of x^T delta (only shape-compatible when square)."""

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        dx = super().backward(grad_output)
        self.grad_weight[...] = self.grad_weight.T.copy()
        return dx


class LinearWithMeanBiasGradient(Linear):
    """Another classic: the bias gradient averaged over the batch instead of summed."""

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        dx = super().backward(grad_output)
        assert self.grad_bias is not None
        self.grad_bias /= np.asarray(grad_output).shape[0]
        return dx


class SigmoidWithWrongDerivative(Sigmoid):
    """Uses sigma(x) instead of sigma(x) (1 - sigma(x))."""

    def _backward(self, grad_output: FloatArray, saved: FloatArray) -> FloatArray:
        return grad_output * saved


class ParameterFree:
    """A module written without the package's base class: y = x^3."""

    def forward(self, x: FloatArray) -> FloatArray:
        self.x = x
        return x**3

    def backward(self, grad_output: FloatArray) -> FloatArray:
        return grad_output * 3 * self.x**2

    def parameters(self) -> list[FloatArray]:
        return []

    def gradients(self) -> list[FloatArray]:
        return []


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_passes_every_activation_module(activation: str) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    x += np.where(x >= 0, 0.01, -0.01)  # away from the ReLU kink
    report = check_gradients(ACTIVATIONS[activation](), x)
    assert report.passed
    assert [r.name for r in report.results] == ["input"]


@settings(deadline=None, max_examples=20)
@given(
    widths=st.lists(st.integers(min_value=2, max_value=4), min_size=2, max_size=3),
    batch=st.integers(min_value=1, max_value=4),
    loss_name=st.sampled_from(["mse", "bce", "ce", "none"]),
    activation=st.sampled_from(["tanh", "sigmoid", "gelu", "softplus"]),
    seed=seeds,
)
def test_passes_correct_models_with_each_loss(
    widths: list[int], batch: int, loss_name: str, activation: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    model = MLP(widths, activation=activation, rng=rng)
    x = rng.standard_normal((batch, widths[0]))
    if loss_name == "mse":
        report = check_gradients(model, x, MSELoss(), rng.standard_normal((batch, widths[-1])))
    elif loss_name == "bce":
        report = check_gradients(
            model, x, BCEWithLogitsLoss(), rng.uniform(size=(batch, widths[-1]))
        )
    elif loss_name == "ce":
        report = check_gradients(model, x, CrossEntropyLoss(), rng.integers(0, widths[-1], batch))
    else:
        report = check_gradients(model, x)
    assert report.passed
    assert [r.name for r in report.results] == ["input"] + [n for n, _ in model.named_parameters()]
    assert all(r.max_error < 2e-7 for r in report.results)  # well inside the tolerance


def test_passes_a_float32_model_with_the_float32_defaults() -> None:
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 2], activation="tanh", rng=rng, dtype=np.float32)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    report = check_gradients(model, x, CrossEntropyLoss(), np.array([0, 1, 1, 0, 1]))
    assert report.passed
    assert (report.rtol, report.atol) == DEFAULT_TOLERANCES["float32"] == (1e-2, 1e-1)
    assert report.dtype == "float32"


@pytest.mark.parametrize(
    ("module", "failing"),
    [
        (LinearWithTransposedGradient(3, 3, rng=np.random.default_rng(0)), ["weight"]),
        (LinearWithMeanBiasGradient(3, 2, rng=np.random.default_rng(0)), ["bias"]),
        (SigmoidWithWrongDerivative(), ["input"]),
    ],
)
def test_catches_a_broken_backward(module: Linear | Sigmoid, failing: list[str]) -> None:
    x = np.random.default_rng(1).standard_normal((4, 3))
    with pytest.raises(GradientCheckError, match=f"wrong gradient for {', '.join(failing)}"):
        check_gradients(module, x)
    report = check_gradients(module, x, raise_on_failure=False)
    assert not report.passed
    assert [r.name for r in report.results if not r.passed] == failing
    assert all(r.max_error > 1e-2 for r in report.results if not r.passed)


def test_broken_backward_inside_a_model_is_located() -> None:
    rng = np.random.default_rng(2)
    model = MLP([3, 3, 2], activation="tanh", rng=rng)
    model._modules[0] = LinearWithMeanBiasGradient(3, 3, rng=rng)
    x = rng.standard_normal((4, 3))
    with pytest.raises(AssertionError, match=r"wrong gradient for 0\.bias") as caught:
        check_gradients(model, x, CrossEntropyLoss(), np.array([0, 1, 1, 0]))
    assert isinstance(caught.value, GradientCheckError)
    assert [r.name for r in caught.value.report.results if not r.passed] == ["0.bias"]


def test_error_measure_and_reported_entry() -> None:
    # Analytic 2x^2 (claims the derivative of x^3 is 2x^2 instead of 3x^2) at x = [1, 2]:
    # numeric 3x^2, error |2x^2 - 3x^2| / (2x^2 + 3x^2) = 1/5 at every entry.
    class WrongCube(ParameterFree):
        def backward(self, grad_output: FloatArray) -> FloatArray:
            return grad_output * 2 * self.x**2

    x = np.array([[1.0, 2.0]])
    report = check_gradients(WrongCube(), x, raise_on_failure=False)
    (result,) = report.results
    assert result.max_error == pytest.approx(0.2, rel=1e-6)
    assert result.shape == (1, 2)
    index = result.index
    assert index in [(0, 0), (0, 1)]
    projection_entry = result.analytic / (2 * x[index] ** 2)  # the random grad_output there
    assert result.numeric == pytest.approx(projection_entry * 3 * x[index] ** 2, rel=1e-6)
    assert not result.passed
    assert check_gradients(ParameterFree(), x).passed


def test_near_zero_gradients_are_judged_absolutely() -> None:
    # ReLU at negative inputs: every gradient is exactly 0 on both sides.
    report = check_gradients(ReLU(), -np.ones((3, 2)))
    assert report.passed
    assert report.results[0].max_error == 0.0
    # A tiny but wrong gradient (1e-12 off) is within rtol * atol = 1e-8: passes, as documented.

    class Offset(ParameterFree):
        def backward(self, grad_output: FloatArray) -> FloatArray:
            return super().backward(grad_output) + 1e-12

    assert check_gradients(Offset(), np.full((1, 1), 1e-3)).passed


def test_parameters_and_input_left_bit_for_bit_unchanged() -> None:
    rng = np.random.default_rng(0)
    model = MLP([3, 4, 2], activation="gelu", rng=rng)
    before = [p.copy() for p in model.parameters()]
    x = rng.standard_normal((2, 3))
    x_before = x.copy()
    check_gradients(model, x, MSELoss(), np.zeros((2, 2)))
    for parameter, original in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(parameter, original)
    np.testing.assert_array_equal(x, x_before)


def test_check_input_false_skips_the_input() -> None:
    report = check_gradients(SigmoidWithWrongDerivative(), np.ones((2, 2)), check_input=False)
    assert report.passed
    assert report.results == ()


def test_report_renders_as_text_and_html() -> None:
    module = LinearWithMeanBiasGradient(3, 2, rng=np.random.default_rng(0))
    report = check_gradients(module, np.ones((4, 3)), raise_on_failure=False)
    text = str(report)
    lines = text.splitlines()
    assert lines[0] == "gradient check FAILED (float64, rtol=1e-06, atol=0.01)"
    assert lines[1].split() == [
        "name",
        "shape",
        "max",
        "error",
        "at",
        "index",
        "analytic",
        "numeric",
        "passed",
    ]
    assert lines[2].startswith("input ")
    assert lines[2].endswith("yes")
    assert lines[4].startswith("bias ")
    assert lines[4].endswith("NO")
    html = report._repr_html_()
    assert html.startswith("<p>gradient check FAILED")
    assert html.count("<tr") == 4  # header + input + weight + bias
    assert html.count('style="color: #b00020') == 1
    assert "<td>bias</td>" in html
    assert isinstance(report, GradientCheckReport)


def test_parameter_names_without_named_parameters() -> None:
    class Scale:
        def __init__(self) -> None:
            self.w: FloatArray = np.array([2.0])
            self.dw: FloatArray = np.zeros(1)

        def forward(self, x: FloatArray) -> FloatArray:
            self.x = x
            return x * self.w

        def backward(self, grad_output: FloatArray) -> FloatArray:
            self.dw[...] = np.sum(grad_output * self.x)
            return grad_output * self.w

        def parameters(self) -> list[FloatArray]:
            return [self.w]

        def gradients(self) -> list[FloatArray]:
            return [self.dw]

    report = check_gradients(Scale(), np.array([[1.0, -2.0]]))
    assert [r.name for r in report.results] == ["input", "parameter 0"]
    assert report.passed


@pytest.mark.parametrize(
    ("kwargs", "exception", "message"),
    [
        ({"loss": MSELoss()}, ValueError, "^loss and target must be given together"),
        ({"x": np.ones((2, 3), dtype=int)}, TypeError, "^x must have a floating dtype, got int64$"),
        ({"rtol": -1.0}, ValueError, r"^rtol must be > 0, got -1\.0$"),
        ({"atol": float("inf")}, ValueError, "^atol must be finite, got inf$"),
        ({"h": "0.1"}, TypeError, "^h must be a real number, got str '0.1'$"),
        ({"h": 1e-300}, ValueError, "is too small to change the entry"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], exception: type[Exception], message: str) -> None:
    arguments: dict[str, object] = {
        "module": Linear(3, 2, rng=np.random.default_rng(0)),
        "x": np.ones((2, 3)),
        **kwargs,
    }
    with pytest.raises(exception, match=message):
        check_gradients(**arguments)  # type: ignore[arg-type]


def test_gradients_that_do_not_match_parameters() -> None:
    class Mismatched(ParameterFree):
        def parameters(self) -> list[FloatArray]:
            return [np.zeros(2)]

    with pytest.raises(
        ValueError, match=r"gradients\(\) must match parameters\(\) in length and shapes"
    ):
        check_gradients(Mismatched(), np.ones((1, 1)))


def test_check_gradients_never_mutates_and_accepts_inplace_relu() -> None:
    from backprop_ref.nn import ReLU

    x = np.array([[1.0, -2.0, 0.5], [-0.3, 2.0, -1.5]])
    before = x.copy()
    report = check_gradients(ReLU(inplace=True), x)
    assert report.passed
    np.testing.assert_array_equal(x, before)
