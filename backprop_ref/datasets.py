"""Small generated 2-D data sets for classification examples.

Each function draws from an explicit :class:`numpy.random.Generator`, so a page or a test that
seeds its generator gets the same points every time. Points come back as a float64 array of
shape ``(n_samples, 2)`` and labels as an int64 array of shape ``(n_samples,)``.

Files to copy: ``backprop_ref/datasets.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from backprop_ref._checks import check_int, check_non_negative, check_rng

__all__ = ["make_moons", "make_spirals"]

# Written out rather than through backprop_ref._typing's aliases: Sphinx cannot render an alias
# nested inside tuple[...] in the API reference.


def make_moons(
    n_samples: int, *, rng: np.random.Generator, noise: float = 0.1
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Two interleaving half circles, labelled 0 and 1.

    ``n_samples >= 2`` points, split as evenly as possible between the moons, and ``noise``
    the standard deviation of the Gaussian noise on every coordinate. Raises ``TypeError`` or
    ``ValueError`` for a bad count, ``rng`` (not a Generator) or ``noise`` (negative).

    Examples
    --------
    >>> import numpy as np
    >>> points, labels = make_moons(100, rng=np.random.default_rng(0))
    >>> points.shape, labels.shape, sorted(set(labels.tolist()))
    ((100, 2), (100,), [0, 1])
    """
    _check(n_samples, rng, noise, minimum=2)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    angle_upper = np.linspace(0.0, np.pi, n_upper)
    angle_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(angle_upper), np.sin(angle_upper)])
    lower = np.column_stack([1.0 - np.cos(angle_lower), 0.5 - np.sin(angle_lower)])
    points = np.concatenate([upper, lower]) + rng.normal(0.0, noise, size=(n_samples, 2))
    labels = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    order = rng.permutation(n_samples)
    return points[order], labels[order]


def make_spirals(
    n_samples: int, *, rng: np.random.Generator, n_classes: int = 3, noise: float = 0.2
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Interleaved spiral arms, one per class: a data set no linear model can separate.

    ``n_samples >= n_classes >= 2`` points, split as evenly as possible between the arms,
    within the unit disc; ``noise`` is the standard deviation of the noise on each point's angle
    (radians). Raises as :func:`make_moons` does, and for ``n_classes < 2``.

    Examples
    --------
    >>> import numpy as np
    >>> points, labels = make_spirals(300, rng=np.random.default_rng(0))
    >>> points.shape, np.bincount(labels).tolist()
    ((300, 2), [100, 100, 100])
    """
    check_int("n_classes", n_classes, minimum=2)
    _check(n_samples, rng, noise, minimum=n_classes)
    counts = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    points, labels = [], []
    for k, count in enumerate(counts):
        radius = np.linspace(0.05, 1.0, count)
        angle = 4.0 * radius + 2.0 * np.pi * k / n_classes + rng.normal(0.0, noise, count)
        points.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        labels.append(np.full(count, k, dtype=np.int64))
    order = rng.permutation(n_samples)
    return np.concatenate(points)[order], np.concatenate(labels)[order]


def _check(n_samples: object, rng: object, noise: object, *, minimum: int) -> None:
    """Check the arguments both generators take."""
    check_int("n_samples", n_samples, minimum=minimum)
    check_rng("rng", rng)
    check_non_negative("noise", noise)
