"""Small generated 2-D data sets for classification examples.

Each function draws from an explicit :class:`numpy.random.Generator`, so a page or a test that
seeds its generator gets the same points every time. Points come back as a float64 array of
shape ``(n_samples, 2)`` and labels as an int64 array of shape ``(n_samples,)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["make_moons", "make_spirals"]

# Written out rather than through backprop_ref._typing's aliases: Sphinx cannot render an alias
# nested inside tuple[...] in the API reference.


def make_moons(
    n_samples: int, *, rng: np.random.Generator, noise: float = 0.1
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Two interleaving half circles, labelled 0 and 1.

    Parameters
    ----------
    n_samples
        Total number of points (split as evenly as possible between the two moons), >= 2.
    rng
        The random generator the noise is drawn from.
    noise
        Standard deviation of the Gaussian noise added to every coordinate, >= 0.

    Returns
    -------
    points : numpy.ndarray
        Float64 array of shape ``(n_samples, 2)``.
    labels : numpy.ndarray
        Int64 array of shape ``(n_samples,)`` with values 0 and 1.

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator` or ``n_samples`` is not an int.
    ValueError
        If ``n_samples < 2`` or ``noise`` is negative or not finite.

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

    Parameters
    ----------
    n_samples
        Total number of points (split as evenly as possible between the arms), >= ``n_classes``.
    rng
        The random generator the noise is drawn from.
    n_classes
        Number of arms (classes), >= 2.
    noise
        Standard deviation of the noise added to each point's angle (radians), >= 0.

    Returns
    -------
    points : numpy.ndarray
        Float64 array of shape ``(n_samples, 2)``, within the unit disc up to noise.
    labels : numpy.ndarray
        Int64 array of shape ``(n_samples,)`` with values ``0 .. n_classes - 1``.

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator` or a count is not an int.
    ValueError
        If a count is too small or ``noise`` is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> points, labels = make_spirals(300, rng=np.random.default_rng(0))
    >>> points.shape, np.bincount(labels).tolist()
    ((300, 2), [100, 100, 100])
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, int):
        raise TypeError(f"n_classes must be an int, got {type(n_classes).__name__}")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
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
    if isinstance(n_samples, bool) or not isinstance(n_samples, int):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < minimum:
        raise ValueError(f"n_samples must be >= {minimum}, got {n_samples}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    if isinstance(noise, bool) or not isinstance(noise, (int, float)):
        raise TypeError(f"noise must be a real number, got {type(noise).__name__}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
