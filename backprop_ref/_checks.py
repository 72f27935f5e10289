"""Argument checks and the finiteness test, written once for the whole package.

Every check returns the value in the form the code uses (a Python ``float``, ``int`` or
``bool``, an array) or raises an exception whose message names the argument, what was
expected and what was given: ``"Linear: in_features must be an int >= 1, got 0"``. ``owner``,
when given, starts the message: a string (a class name) as is, any other object by its repr.
Numpy scalars are accepted wherever Python numbers are; a bool is never taken for a number.

Files to copy: ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from backprop_ref._typing import ArrayLike, FloatArray

T = TypeVar("T")

#: The floating dtypes of parameters, layers and optimizers: the package's one dtype policy.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _where(owner: object) -> str:
    """Return the message prefix for ``owner``: ``""``, ``"Name: "`` or ``"repr: "``."""
    if owner is None:
        return ""
    return f"{owner}: " if isinstance(owner, str) else f"{owner!r}: "


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def check_real(name: str, value: object, *, owner: object = None) -> float:
    """Return ``value`` as a finite Python float; ``TypeError`` if not a real number.

    >>> check_real("lr", np.float32(0.5))
    0.5
    >>> check_real("lr", True)
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got bool True
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{_where(owner)}{name} must be a real number, got {_describe(value)}")
    number = float(value)  # a Python float keeps float32 arithmetic in float32 (NEP 50)
    if not math.isfinite(number):
        raise ValueError(f"{_where(owner)}{name} must be finite, got {number}")
    return number


def check_non_negative(name: str, value: object, *, owner: object = None) -> float:
    """Return ``value`` as a float after checking that it is a finite number ``>= 0``.

    >>> check_non_negative("lr", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr must be >= 0, got -0.1
    """
    number = check_real(name, value, owner=owner)
    if number < 0:
        raise ValueError(f"{_where(owner)}{name} must be >= 0, got {number}")
    return number


def check_positive(name: str, value: object, *, owner: object = None) -> float:
    """Return ``value`` as a float after checking that it is a finite number ``> 0``.

    >>> check_positive("eps", 0.0)
    Traceback (most recent call last):
    ...
    ValueError: eps must be > 0, got 0.0
    """
    number = check_real(name, value, owner=owner)
    if number <= 0:
        raise ValueError(f"{_where(owner)}{name} must be > 0, got {number}")
    return number


def check_unit_interval(
    name: str, value: object, *, closed: bool = False, owner: object = None
) -> float:
    """Return ``value`` as a float after checking that it lies in ``[0, 1)`` (``[0, 1]`` if closed).

    >>> check_unit_interval("betas[1]", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: betas[1] must be in [0, 1), got 1.0
    """
    number = check_real(name, value, owner=owner)
    if not (0 <= number <= 1 if closed else 0 <= number < 1):
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{_where(owner)}{name} must be in {interval}, got {number}")
    return number


def check_int(name: str, value: object, *, minimum: int = 0, owner: object = None) -> int:
    """Return ``value`` as a Python int after checking that it is an integer ``>= minimum``.

    >>> check_int("in_features", np.int64(3), minimum=1)
    3
    >>> check_int("in_features", 0, minimum=1, owner="Linear")
    Traceback (most recent call last):
    ...
    ValueError: Linear: in_features must be an int >= 1, got 0
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{_where(owner)}{name} must be an int, got {_describe(value)}")
    if value < minimum:
        raise ValueError(f"{_where(owner)}{name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_int_pair(
    name: str, value: object, *, minimum: int = 0, owner: object = None
) -> tuple[int, int]:
    """Return ``value`` as a pair of ints ``>= minimum``: an int ``k`` means ``(k, k)``.

    >>> check_int_pair("kernel_size", 3, minimum=1)
    (3, 3)
    >>> check_int_pair("stride", (2, 1), minimum=1)
    (2, 1)
    """
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(
                f"{_where(owner)}{name} must be an int or a pair of ints, got {len(value)} values"
            )
        first = check_int(f"{name}[0]", value[0], minimum=minimum, owner=owner)
        return first, check_int(f"{name}[1]", value[1], minimum=minimum, owner=owner)
    size = check_int(name, value, minimum=minimum, owner=owner)
    return size, size


def check_flag(name: str, value: object, *, owner: object = None) -> bool:
    """Return ``value`` as a bool after checking that it is one (``0`` or ``"no"`` are refused).

    >>> check_flag("nesterov", 0.9)
    Traceback (most recent call last):
    ...
    TypeError: nesterov must be True or False, got float 0.9
    """
    if not _is_bool(value):
        raise TypeError(f"{_where(owner)}{name} must be True or False, got {_describe(value)}")
    return bool(value)


def check_choice(name: str, value: T, choices: Collection[T], *, owner: object = None) -> T:
    """Return ``value`` after checking that it is one of ``choices``.

    >>> check_choice("reduction", "avg", ("mean", "sum"))
    Traceback (most recent call last):
    ...
    ValueError: reduction must be one of 'mean', 'sum'; got 'avg'
    """
    if isinstance(value, np.ndarray) or value not in choices:
        options = ", ".join(map(repr, choices))
        raise ValueError(f"{_where(owner)}{name} must be one of {options}; got {value!r}")
    return value


def check_rng(name: str, value: object, *, owner: object = None) -> np.random.Generator:
    """Return ``value`` after checking that it is a :class:`numpy.random.Generator`.

    >>> check_rng("rng", 0)
    Traceback (most recent call last):
    ...
    TypeError: rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), got int 0
    """
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{_where(owner)}{name} must be a numpy.random.Generator "
            f"(e.g. np.random.default_rng(0)), got {_describe(value)}"
        )
    return value


def check_type(name: str, value: object, kind: type[T], *, owner: object = None) -> T:
    """Return ``value`` after checking that it is an instance of ``kind``.

    >>> check_type("label", 3, str, owner="Value")
    Traceback (most recent call last):
    ...
    TypeError: Value: label must be a str, got int 3
    """
    if not isinstance(value, kind):
        raise TypeError(f"{_where(owner)}{name} must be a {kind.__name__}, got {_describe(value)}")
    return value


def check_float_dtype(name: str, dtype: npt.DTypeLike, *, owner: object = None) -> np.dtype[Any]:
    """Return ``dtype`` as a :class:`numpy.dtype` after checking that it is float32 or float64.

    >>> check_float_dtype("dtype", np.float16)
    Traceback (most recent call last):
    ...
    TypeError: dtype must be float32 or float64, got float16
    """
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    if result not in FLOAT_DTYPES:
        shown = result if result is not None else repr(dtype)
        raise TypeError(f"{_where(owner)}{name} must be float32 or float64, got {shown}")
    return result


def as_float_array(name: str, x: ArrayLike, *, owner: object = None) -> FloatArray:
    """Return ``x`` as an array (no copy) after checking that its dtype is floating.

    >>> as_float_array("input", [1, 2])
    Traceback (most recent call last):
    ...
    TypeError: input must have a floating dtype, got int64
    """
    array = np.asarray(x)
    if array.dtype.kind != "f":
        raise TypeError(f"{_where(owner)}{name} must have a floating dtype, got {array.dtype}")
    return array


def check_like(
    name: str, x: ArrayLike, shape: tuple[int, ...], dtype: np.dtype[Any], *, owner: object = None
) -> FloatArray:
    """Return ``x`` as an array after checking its shape (``ValueError``) and dtype (``TypeError``).

    >>> check_like("grad_output", np.zeros(2), (3,), np.dtype(np.float64))
    Traceback (most recent call last):
    ...
    ValueError: grad_output must have shape (3,), got (2,)
    """
    array = np.asarray(x)
    if array.shape != shape:
        raise ValueError(f"{_where(owner)}{name} must have shape {shape}, got {array.shape}")
    if array.dtype != dtype:
        raise TypeError(f"{_where(owner)}{name} must have dtype {dtype}, got {array.dtype}")
    return array


def all_finite(array: npt.NDArray[Any]) -> bool:
    """Return whether no entry of ``array`` is NaN or infinite, in one BLAS pass when possible.

    A finite sum of squares proves every entry finite (``np.dot`` of a contiguous array with
    itself, no temporary); only when it is not finite is each entry looked at.

    >>> all_finite(np.array([3e38, 1e-30], dtype=np.float32)), all_finite(np.array([np.nan]))
    (True, False)
    """
    if array.size == 0 or array.dtype.kind in "biu":
        return True
    with np.errstate(all="ignore"):  # overflow and underflow of the squares are harmless here
        if array.flags.c_contiguous:
            flat = array.reshape(-1)
            if math.isfinite(np.dot(flat, flat).real):
                return True
        elif math.isfinite(array.min()) and math.isfinite(array.max()):
            return True
    return bool(np.isfinite(array).all())


def check_finite(
    name: str, array: FloatArray, *, owner: object = None, error: type[Exception] = ValueError
) -> None:
    """Raise ``error`` naming the count and the first non-finite entry of ``array``, if any.

    >>> check_finite("input", np.array([1.0, np.inf]))
    Traceback (most recent call last):
    ...
    ValueError: input must be finite, got 1 non-finite value(s), the first inf at index (1,)
    """
    if all_finite(array):
        return
    bad = np.argwhere(~np.isfinite(array))
    first = tuple(int(k) for k in bad[0])
    raise error(
        f"{_where(owner)}{name} must be finite, got {len(bad)} non-finite value(s), "
        f"the first {array[first].item()!r} at index {first}"
    )


def _describe(value: object) -> str:
    """Return ``"type value"`` for a message, e.g. ``"str 'no'"``; long values are cut."""
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
