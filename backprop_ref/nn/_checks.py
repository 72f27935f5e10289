"""Input validation shared by the layers, activations and losses.

Every message starts with the object that complains (its ``repr``, e.g. ``Linear(3, 4)``), then
names the argument, what was expected and what was given. The checks are cheap next to the
arithmetic they guard; none of them copies an array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from backprop_ref._finite import all_finite
from backprop_ref._typing import ArrayLike, FloatArray

__all__ = [
    "as_float_array",
    "check_finite",
    "check_floating_dtype",
    "check_grad_output",
    "check_positive_int",
    "check_reduction",
]

#: The floating dtypes a layer may be built with.
_LAYER_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_float_array(x: ArrayLike, owner: object, name: str) -> FloatArray:
    """Return ``x`` as an array (no copy) after checking it has a floating dtype.

    Raises
    ------
    TypeError
        If the dtype is not floating (integers, booleans, complex, objects).
    """
    array = np.asarray(x)
    if array.dtype.kind != "f":  # floating; a quicker test than np.issubdtype
        raise TypeError(f"{owner!r}: {name} must have a floating dtype, got {array.dtype}")
    return array


def check_finite(array: FloatArray, owner: object, name: str, exception: type[Exception]) -> None:
    """Raise ``exception`` naming the first non-finite entry of ``array``, if there is one.

    :func:`~backprop_ref._finite.all_finite` decides the common all-finite case in one pass;
    the search for the first bad entry runs only on failure.
    """
    if all_finite(array):
        return
    bad = np.argwhere(~np.isfinite(array))
    first = tuple(int(k) for k in bad[0])
    hint = ""
    if exception is FloatingPointError:
        hint = (
            "; training has probably diverged: lower the learning rate, or scale the inputs "
            "(e.g. to zero mean and unit variance)"
        )
    raise exception(
        f"{owner!r}: {name} must be finite, got {len(bad)} non-finite value(s), "
        f"the first {array[first].item()!r} at index {first}{hint}"
    )


def check_floating_dtype(dtype: npt.DTypeLike, owner: str) -> np.dtype[Any]:
    """Return ``dtype`` as a :class:`numpy.dtype` if it is float32 or float64.

    Raises
    ------
    TypeError
        For any other dtype.
    """
    result = np.dtype(dtype)
    if result not in _LAYER_DTYPES:
        raise TypeError(f"{owner}: dtype must be float32 or float64, got {result}")
    return result


def check_grad_output(
    grad_output: ArrayLike,
    owner: object,
    shape: tuple[int, ...],
    dtype: np.dtype[Any],
) -> FloatArray:
    """Return ``grad_output`` as an array after checking its shape and dtype.

    The upstream gradient has the shape and dtype of the output of the last ``forward``.

    Raises
    ------
    ValueError
        If the shape differs.
    TypeError
        If the dtype differs (a float64 gradient would silently upcast a float32 layer).
    """
    array = np.asarray(grad_output)
    if array.shape != shape:
        raise ValueError(
            f"{owner!r}: grad_output must have the shape of the last output, {shape}, "
            f"got {array.shape}"
        )
    if array.dtype != dtype:
        raise TypeError(
            f"{owner!r}: grad_output must have the dtype of the last output, {dtype}, "
            f"got {array.dtype}"
        )
    return array


def check_positive_int(value: object, owner: str, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 1.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` is rejected too).
    ValueError
        If ``value < 1``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be >= 1, got {value}")
    return int(value)


def check_reduction(reduction: object, owner: str) -> None:
    """Raise ``ValueError`` unless ``reduction`` is ``"mean"`` or ``"sum"``."""
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{owner}: reduction must be 'mean' or 'sum', got {reduction!r}")
