"""Tests for backprop_ref.nn.layers.Linear against central differences and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.nn import INITS, Linear
from tests.oracles import numeric_gradient

sizes = st.integers(min_value=1, max_value=6)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(deadline=None, max_examples=60)
@given(batch=sizes, n_in=sizes, n_out=sizes, bias=st.booleans(), seed=seeds)
def test_backward_matches_central_differences(
    batch: int, n_in: int, n_out: int, bias: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    layer = Linear(n_in, n_out, rng=rng, bias=bias)
    if layer.bias is not None:
        layer.bias[...] = rng.standard_normal(n_out)  # not just zeros
    x = rng.standard_normal((batch, n_in))
    projection = rng.standard_normal((batch, n_out))  # L = sum(projection * y)

    def loss() -> float:
        return float(np.sum(projection * layer.forward(x)))

    layer.forward(x)
    dx = layer.backward(projection)
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-6, atol=1e-8)
    for parameter, gradient in zip(layer.parameters(), layer.gradients(), strict=True):
        np.testing.assert_allclose(
            gradient, numeric_gradient(loss, parameter), rtol=1e-6, atol=1e-8
        )


@settings(deadline=None, max_examples=20)
@given(batch=sizes, n_in=sizes, n_out=sizes, seed=seeds)
def test_forward_and_gradients_in_closed_form(batch: int, n_in: int, n_out: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    layer = Linear(n_in, n_out, rng=rng)
    assert layer.bias is not None
    layer.bias[...] = rng.standard_normal(n_out)
    x = rng.standard_normal((batch, n_in))
    delta = rng.standard_normal((batch, n_out))
    expected_y = np.array(
        [[sum(x[n, i] * layer.weight[i, j] for i in range(n_in)) + layer.bias[j]
          for j in range(n_out)] for n in range(batch)]
    )  # fmt: skip
    np.testing.assert_allclose(layer.forward(x), expected_y, rtol=1e-12, atol=1e-12)
    dx = layer.backward(delta)
    # dL/dW[i, j] = sum_n x[n, i] delta[n, j];  dL/db[j] = sum_n delta[n, j];
    # dL/dx[n, i] = sum_j delta[n, j] W[i, j]
    for i in range(n_in):
        for j in range(n_out):
            assert layer.grad_weight[i, j] == pytest.approx(sum(x[:, i] * delta[:, j]))
    assert layer.grad_bias is not None
    np.testing.assert_allclose(layer.grad_bias, [sum(delta[:, j]) for j in range(n_out)])
    for n in range(batch):
        for i in range(n_in):
            assert dx[n, i] == pytest.approx(sum(delta[n, :] * layer.weight[i, :]))


def test_backward_parameters_fills_the_same_gradients_without_input_gradient() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(4, 3, rng=rng)
    x, delta = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer.forward(x)
    layer.backward(delta)
    full = [g.copy() for g in layer.gradients()]
    for gradient in layer.gradients():
        gradient[...] = np.nan
    layer.backward_parameters(delta)
    for expected, gradient in zip(full, layer.gradients(), strict=True):
        np.testing.assert_array_equal(gradient, expected)


@pytest.mark.parametrize("init", INITS)
def test_initial_weights_have_the_documented_variance(init: str) -> None:
    n_in, n_out = 400, 300
    layer = Linear(n_in, n_out, rng=np.random.default_rng(1), init=init)  # type: ignore[arg-type]
    expected_variance = {
        "he": 2 / n_in,
        "he_uniform": 2 / n_in,  # U(-a, a) has variance a^2 / 3 = (6 / n_in) / 3
        "xavier": 2 / (n_in + n_out),
        "xavier_normal": 2 / (n_in + n_out),
        "lecun": 1 / n_in,
    }[init]
    # 120000 samples: the sample variance is within a few percent of the truth.
    assert np.var(layer.weight) == pytest.approx(expected_variance, rel=0.03)
    assert abs(np.mean(layer.weight)) < 0.05 * np.sqrt(expected_variance)
    assert layer.bias is not None
    np.testing.assert_array_equal(layer.bias, np.zeros(n_out))
    if init in ("he_uniform", "xavier"):
        bound = np.sqrt(3 * expected_variance)
        assert np.max(np.abs(layer.weight)) <= bound


def test_same_seed_same_weights_and_float32_is_the_rounded_float64() -> None:
    a = Linear(5, 4, rng=np.random.default_rng(7))
    b = Linear(5, 4, rng=np.random.default_rng(7))
    c = Linear(5, 4, rng=np.random.default_rng(7), dtype=np.float32)
    np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(c.weight, a.weight.astype(np.float32))


def test_float32_stays_float32() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, rng=rng, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in layer.parameters())
    assert all(g.dtype == np.float32 for g in layer.gradients())
    y = layer.forward(rng.standard_normal((4, 3)).astype(np.float32))
    assert y.dtype == np.float32
    dx = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.gradients())
    assert repr(layer) == "Linear(3, 2, dtype=float32)"


def test_parameters_are_the_live_arrays_and_never_rebound() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, rng=rng)
    parameters, gradients = layer.parameters(), layer.gradients()
    assert parameters[0] is layer.weight
    assert parameters[1] is layer.bias
    assert gradients[0] is layer.grad_weight
    assert gradients[1] is layer.grad_bias
    assert [p.shape for p in parameters] == [g.shape for g in gradients] == [(3, 2), (2,)]
    x = rng.standard_normal((4, 3))
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    # An in-place update through the list changes the layer's output.
    parameters[1] += 1.0
    np.testing.assert_allclose(layer.forward(x), x @ layer.weight + layer.bias)
    assert all(a is b for a, b in zip(parameters, layer.parameters(), strict=True))
    assert all(a is b for a, b in zip(gradients, layer.gradients(), strict=True))


def test_gradients_are_overwritten_not_accumulated() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, rng=rng)
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(x)
    layer.backward(delta)
    first = [g.copy() for g in layer.gradients()]
    layer.backward(delta)
    for before, after in zip(first, layer.gradients(), strict=True):
        np.testing.assert_array_equal(after, before)
    np.testing.assert_allclose(layer.grad_weight, x.T @ delta)


def test_no_bias() -> None:
    layer = Linear(3, 2, rng=np.random.default_rng(0), bias=False)
    assert layer.bias is None
    assert layer.grad_bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert len(layer.gradients()) == 1
    x = np.ones((1, 3))
    np.testing.assert_allclose(layer.forward(x), x @ layer.weight)
    assert repr(layer) == "Linear(3, 2, bias=False)"


def test_input_shape_mismatch_names_layer_and_shapes() -> None:
    layer = Linear(3, 4, rng=np.random.default_rng(0))
    with pytest.raises(
        ValueError, match=r"^Linear\(3, 4\): input must have shape \(N, 3\), got \(5, 2\)$"
    ):
        layer.forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"input must have shape \(N, 3\), got \(3,\)"):
        layer.forward(np.ones(3))


def test_input_dtype_mismatch_raises_type_error() -> None:
    layer32 = Linear(3, 4, rng=np.random.default_rng(0), dtype=np.float32)
    with pytest.raises(
        TypeError,
        match=r"Linear\(3, 4, dtype=float32\): input must have the layer's dtype, float32, got float64",
    ):
        layer32.forward(np.ones((2, 3)))
    layer64 = Linear(3, 4, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="float64, got int64"):
        layer64.forward(np.ones((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="float64, got float32"):
        layer64.forward(np.ones((2, 3), dtype=np.float32))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_raises_value_error(bad: float) -> None:
    layer = Linear(3, 4, rng=np.random.default_rng(0))
    x = np.ones((2, 3))
    x[1, 2] = bad
    with pytest.raises(
        ValueError,
        match=r"Linear\(3, 4\): input must be finite, got 1 non-finite value\(s\), the first .* at index \(1, 2\)",
    ):
        layer.forward(x)


def test_backward_before_forward_raises_runtime_error() -> None:
    layer = Linear(3, 4, rng=np.random.default_rng(0))
    with pytest.raises(RuntimeError, match=r"Linear\(3, 4\): backward called before forward"):
        layer.backward(np.ones((2, 4)))
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward_parameters(np.ones((2, 4)))


def test_grad_output_of_wrong_shape_or_dtype() -> None:
    layer = Linear(3, 4, rng=np.random.default_rng(0))
    layer.forward(np.ones((2, 3)))
    before = [g.copy() for g in layer.gradients()]
    with pytest.raises(
        ValueError,
        match=r"Linear\(3, 4\): grad_output must have shape \(2, 4\), got \(2, 3\)",
    ):
        layer.backward(np.ones((2, 3)))
    with pytest.raises(
        TypeError,
        match=r"Linear\(3, 4\): grad_output must have dtype float64, got float32",
    ):
        layer.backward(np.ones((2, 4), dtype=np.float32))
    # A failed backward leaves the gradients untouched.
    for expected, gradient in zip(before, layer.gradients(), strict=True):
        np.testing.assert_array_equal(gradient, expected)


def test_failed_forward_keeps_the_previous_cache() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(3, 4, rng=rng)
    x = rng.standard_normal((2, 3))
    layer.forward(x)
    with pytest.raises(ValueError, match="input must have shape"):
        layer.forward(np.ones((5, 2)))
    layer.backward(np.ones((2, 4)))  # still the (2, 3) input's backward
    np.testing.assert_allclose(layer.grad_weight, x.T @ np.ones((2, 4)))


@pytest.mark.parametrize(
    ("kwargs", "exception", "message"),
    [
        ({"in_features": 0}, ValueError, "in_features must be an int >= 1, got 0"),
        ({"out_features": -2}, ValueError, "out_features must be an int >= 1, got -2"),
        ({"in_features": 2.0}, TypeError, "in_features must be an int, got float 2.0"),
        ({"in_features": True}, TypeError, "in_features must be an int, got bool True"),
        ({"rng": None}, TypeError, "rng must be a numpy.random.Generator .*got NoneType None"),
        ({"rng": 0}, TypeError, "rng must be a numpy.random.Generator .*got int 0"),
        ({"init": "kaiming"}, ValueError, "init must be one of 'he', .*; got 'kaiming'"),
        ({"dtype": np.float16}, TypeError, "dtype must be float32 or float64, got float16"),
        ({"dtype": np.int32}, TypeError, "dtype must be float32 or float64, got int32"),
    ],
)
def test_bad_constructor_arguments(
    kwargs: dict[str, object], exception: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {
        "in_features": 3,
        "out_features": 4,
        "rng": np.random.default_rng(0),
        **kwargs,
    }
    with pytest.raises(exception, match=f"^Linear: {message}$"):
        Linear(**arguments)  # type: ignore[arg-type]


def test_rng_is_keyword_only_and_required() -> None:
    with pytest.raises(TypeError, match="rng"):
        Linear(3, 4)  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_linear_backward_refuses_non_finite_grad_output(bad: float) -> None:
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    layer(np.ones((4, 3)))
    before = [g.copy() for g in layer.gradients()]
    grad_output = np.ones((4, 2))
    grad_output[1, 0] = bad
    for method in (layer.backward, layer.backward_parameters):
        with pytest.raises(ValueError, match=r"grad_output must be finite.*index \(1, 0\)"):
            method(grad_output)
    for gradient, expected in zip(layer.gradients(), before, strict=True):
        np.testing.assert_array_equal(gradient, expected)
