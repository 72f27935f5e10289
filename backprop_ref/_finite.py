"""A fast test that every entry of an array is finite, shared by the layers and the optimizers.

Every forward pass checks its input and every optimizer step checks its gradients, so this test
runs on large arrays many times per training step and its cost shows in the step time.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["all_finite"]


def all_finite(array: npt.NDArray[np.generic]) -> bool:
    """Return whether no entry of ``array`` is NaN or infinite.

    A finite sum of squares proves every entry finite, and for a contiguous array ``np.dot``
    computes it in one pass through BLAS, with no temporary array (``np.isfinite(a).all()``
    allocates a boolean array as large as ``a``). Only when that sum is not finite (an entry is
    NaN or infinite, or the squares merely overflowed) is each entry looked at. Arrays that are
    not contiguous use ``min`` and ``max``, which propagate NaN and reach ±inf.

    Parameters
    ----------
    array
        A numeric array of any shape; integer and boolean arrays are always finite.

    Returns
    -------
    bool
        True when every entry is finite (also for an empty array).

    Examples
    --------
    >>> import numpy as np
    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    >>> all_finite(np.array([3e38, 3e38], dtype=np.float32))  # the squares overflow
    True
    """
    if array.size == 0 or array.dtype.kind in "biu":
        return True
    if array.flags.c_contiguous:
        flat = array.reshape(-1)  # a view: no copy
        with np.errstate(over="ignore", invalid="ignore"):  # overflow goes to the exact test
            if math.isfinite(np.dot(flat, flat).real):
                return True
    elif math.isfinite(array.min()) and math.isfinite(array.max()):
        return True
    return bool(np.isfinite(array).all())
