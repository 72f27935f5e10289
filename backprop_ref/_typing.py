"""Type aliases shared by the package, declared once.

Files to copy: ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["ArrayLike", "Float64Array", "FloatArray", "IntArray"]

#: Anything :func:`numpy.asarray` accepts.
ArrayLike: TypeAlias = npt.ArrayLike

#: A numpy array of any floating dtype (float32 or float64 in this package).
FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]

#: A numpy array of float64, the package's default precision.
Float64Array: TypeAlias = npt.NDArray[np.float64]

#: A numpy array of integers (class labels, indices).
IntArray: TypeAlias = npt.NDArray[np.integer[Any]]
