"""Save and load a module's parameters as a ``.npz`` file, without pickle.

One array per parameter, keyed by ``Module.named_parameters`` (``"0.weight"``, ...); numbers
only, never code (``allow_pickle=False``). As with PyTorch's ``state_dict``, you rebuild the
module, then load its parameters into it.

Files to copy: ``backprop_ref/nn/serialization.py``, ``backprop_ref/nn/module.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from backprop_ref._typing import FloatArray
from backprop_ref.nn.module import Module

__all__ = ["load_parameters", "save_parameters"]


def save_parameters(module: Module, path: str | os.PathLike[str]) -> None:
    """Write every parameter of ``module`` to the ``.npz`` file ``path``.

    ``path`` is used as given (no ``.npz`` suffix appended) and overwritten; ``OSError`` if it
    cannot be written.

    >>> import tempfile
    >>> class Scale(Module):
    ...     def __init__(self, value):
    ...         self.weight = np.array([value])
    ...
    ...     def named_parameters(self):
    ...         return [("weight", self.weight)]
    >>> model, copy = Scale(2.0), Scale(0.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_parameters(model, Path(folder) / "model.npz")
    ...     load_parameters(copy, Path(folder) / "model.npz")
    >>> copy.weight
    array([2.])
    """
    arrays = dict(module.named_parameters())
    # An open file keeps numpy from appending ".npz" to the name.
    with Path(path).open("wb") as file:
        # numpy's stubs type **kwds as the allow_pickle flag's bool; the arrays are fine.
        np.savez(file, **arrays)  # type: ignore[arg-type]


def load_parameters(module: Module, path: str | os.PathLike[str]) -> None:
    """Copy the parameters saved in ``path`` into ``module``'s arrays, in place.

    All or nothing: the whole file is checked against ``module.named_parameters()`` (names,
    shapes, dtypes) before any array is written, so on error the module is unchanged; arrays
    are written in place, so an optimizer's references stay valid.

    Raises
    ------
    ValueError
        If the file is not an ``.npz`` file without pickled objects, or does not match the
        module (the message names every mismatch).
    OSError
        If the file cannot be read.
    """
    parameters = dict(module.named_parameters())
    # Open the file here, so that it is closed even when numpy fails to parse it.
    with Path(path).open("rb") as file:
        try:
            data = np.load(file, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError(
                    f"expected an .npz file of named arrays, got {type(data).__name__}"
                )
            with data:
                loaded: dict[str, FloatArray] = {name: data[name] for name in data.files}
        except (ValueError, EOFError, zipfile.BadZipFile) as error:
            # Not an npz file, a truncated one, or one holding pickled objects.
            raise ValueError(
                f"{path} is not a parameter file written by save_parameters: {error}"
            ) from error

    problems = []
    missing = [name for name in parameters if name not in loaded]
    unexpected = [name for name in loaded if name not in parameters]
    if missing:
        problems.append(f"missing parameters {missing}")
    if unexpected:
        problems.append(f"unexpected parameters {unexpected}")
    for name, parameter in parameters.items():
        if name not in loaded:
            continue
        array = loaded[name]
        if array.shape != parameter.shape:
            problems.append(f"{name}: expected shape {parameter.shape}, got {array.shape}")
        elif array.dtype != parameter.dtype:
            problems.append(f"{name}: expected dtype {parameter.dtype}, got {array.dtype}")
    if problems:
        raise ValueError(
            f"{path} does not match the module's {len(parameters)} parameters: "
            + "; ".join(problems)
        )

    for name, parameter in parameters.items():
        np.copyto(parameter, loaded[name])  # in place: references stay valid
