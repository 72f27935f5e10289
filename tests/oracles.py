"""Independent oracles shared by the tests: what the package's gradients are compared against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_ref._typing import ArrayLike, Float64Array, FloatArray
from backprop_ref.nn import Loss, Module


def numeric_gradient(f: Callable[[], float], array: FloatArray, h: float = 1e-6) -> Float64Array:
    """Central differences of ``f()`` with respect to each entry of ``array``.

    Each entry is perturbed in place and restored exactly, so ``f`` can read ``array`` (a
    parameter or an input held by a module) directly.
    """
    result = np.zeros(array.shape)
    for index in np.ndindex(array.shape):
        original = array[index].copy()
        array[index] = original + h
        upper = f()
        array[index] = original - h
        lower = f()
        array[index] = original
        result[index] = (upper - lower) / (2 * h)
    return result


def assert_model_gradients_match_differences(
    model: Module, loss: Loss, x: FloatArray, target: ArrayLike
) -> None:
    """Assert that ``model.backward`` agrees with central differences of the loss.

    Checks every parameter gradient and the input gradient of ``loss(model(x), target)``;
    the model must be smooth within ``h`` of ``x`` (fixed seeds keep ReLU kinks away).
    """

    def f() -> float:
        return loss.forward(model.forward(x), target)

    f()
    dx = model.backward(loss.backward())
    analytic = [g.copy() for g in model.gradients()]
    for parameter, gradient in zip(model.parameters(), analytic, strict=True):
        np.testing.assert_allclose(gradient, numeric_gradient(f, parameter), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
