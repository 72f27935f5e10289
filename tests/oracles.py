"""Independent oracles shared by the tests: what the package's gradients are compared against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_ref._typing import Float64Array, FloatArray


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
