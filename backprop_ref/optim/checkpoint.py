r"""Checkpointing: an optimizer's state as one flat dict of numpy arrays and plain numbers.

The state of an optimizer is plain named data (as in optax): a step counter, the
hyperparameters, and per parameter a dict of arrays. ``flatten`` turns it into one flat dict that
``numpy.savez`` writes and ``numpy.load(path, allow_pickle=False)`` reads back; ``read_header``
and ``read_arrays`` check such a dict and take it apart again. Keys: ``"step"``, one per
hyperparameter (a tuple such as ``betas`` becomes ``"betas.0"``, ``"betas.1"``) and
``"state.<i>.<name>"`` for array ``name`` of parameter ``i``.

Examples
--------
>>> import numpy as np
>>> flat = flatten(3, {"lr": 0.1, "betas": (0.9, 0.99)}, [{"exp_avg": np.zeros(2)}])
>>> sorted(flat)
['betas.0', 'betas.1', 'lr', 'state.0.exp_avg', 'step']
>>> read_header(flat, {"lr": 1.0, "betas": (0.0, 0.0)})
({'lr': 0.1, 'betas': (0.9, 0.99)}, 3)

Files to copy: ``backprop_ref/optim/checkpoint.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np

from backprop_ref._checks import all_finite
from backprop_ref._typing import FloatArray

__all__ = ["Hyperparameters", "StateDict", "flatten", "read_arrays", "read_header"]

#: The keyword arguments of an optimizer's constructor (all but ``params``) by name.
Hyperparameters: TypeAlias = dict[str, float | bool | tuple[float, ...]]

#: The flat dict of a checkpoint, of numpy arrays and plain numbers.
StateDict: TypeAlias = dict[str, FloatArray | float | int | bool]

_KIND_NAMES = {"b": "a bool", "iu": "an integer", "iuf": "a number"}


def flatten(
    step: int, hyperparameters: Hyperparameters, state: list[dict[str, FloatArray]]
) -> StateDict:
    """Return the flat dict of a checkpoint; its arrays are copies, so it is a snapshot."""
    flat: StateDict = {"step": step}
    for name, value in hyperparameters.items():
        if isinstance(value, tuple):
            flat.update({f"{name}.{k}": item for k, item in enumerate(value)})
        else:
            flat[name] = value
    for index, arrays in enumerate(state):
        flat.update({f"state.{index}.{name}": array.copy() for name, array in arrays.items()})
    return flat


def _scalar(state_dict: Mapping[str, object], key: str, kinds: str) -> Any:
    """Return ``state_dict[key]`` (a number, or a 0-d array from ``np.load``) as a Python scalar."""
    if key not in state_dict:
        raise ValueError(f"state_dict has no entry {key!r}; was it saved by a different optimizer?")
    value = np.asarray(state_dict[key])
    if value.shape != ():
        raise ValueError(f"state_dict[{key!r}] must be a scalar, got shape {value.shape}")
    if value.dtype.kind not in kinds:
        raise ValueError(f"state_dict[{key!r}] must be {_KIND_NAMES[kinds]}, got {value.dtype}")
    return value.item()


def read_header(
    state_dict: Mapping[str, object], like: Hyperparameters
) -> tuple[Hyperparameters, int]:
    """Return the saved hyperparameters, shaped and typed like ``like``, and the step counter.

    Raises
    ------
    ValueError
        If an entry is missing, not a scalar, of the wrong kind, or the step is negative.
    """
    saved: Hyperparameters = {}
    for name, current in like.items():
        if isinstance(current, tuple):
            items = (_scalar(state_dict, f"{name}.{k}", "iuf") for k in range(len(current)))
            saved[name] = tuple(float(item) for item in items)
        elif isinstance(current, bool):
            saved[name] = bool(_scalar(state_dict, name, "b"))
        else:
            saved[name] = float(_scalar(state_dict, name, "iuf"))
    step = int(_scalar(state_dict, "step", "iu"))
    if step < 0:
        raise ValueError(f"state_dict['step'] must be >= 0, got {step}")
    return saved, step


def read_arrays(
    state_dict: Mapping[str, object],
    hyperparameters: Hyperparameters,
    state: list[dict[str, FloatArray]],
) -> None:
    """Copy the saved arrays into ``state`` (in its dtypes), after checking every key of the dict.

    Raises
    ------
    ValueError
        If an entry is unexpected or missing, or an array has the wrong shape or is not finite.
    """
    keys = {f"state.{i}.{name}" for i, arrays in enumerate(state) for name in arrays}
    header = set(flatten(0, hyperparameters, []))
    unexpected = sorted(set(state_dict) - header - keys)
    if unexpected:
        raise ValueError(f"state_dict has unexpected entries {unexpected}")
    for index, arrays in enumerate(state):
        for name, array in arrays.items():
            key = f"state.{index}.{name}"
            if key not in state_dict:
                raise ValueError(f"state_dict has no entry {key!r}")
            value = np.asarray(state_dict[key])
            if value.shape != array.shape:
                raise ValueError(
                    f"state_dict[{key!r}] must have shape {array.shape}, got {value.shape}"
                )
            if value.dtype.kind != "f" or not all_finite(value):
                raise ValueError(f"state_dict[{key!r}] must hold finite floats")
            np.copyto(array, value, casting="same_kind")
