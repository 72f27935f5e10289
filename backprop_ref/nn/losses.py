r"""Loss functions with ``forward`` and ``backward``, as PyTorch defines them.

``value = loss.forward(prediction, target)`` returns a Python float and ``loss.backward()``
returns :math:`\partial L/\partial\,\text{prediction}` (no argument: backpropagation starts
here, :math:`\partial L/\partial L = 1`), the ``grad_output`` of the model's last layer.
Every loss is stable (finite for logits of :math:`\pm 1000`), keeps the prediction's dtype,
and raises ``FloatingPointError`` instead of returning NaN or inf: the model has diverged.
``reduction="mean"`` (default) averages, ``"sum"`` adds up (PyTorch's ``"none"`` is not offered).

Files to copy: ``backprop_ref/nn/losses.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_numerics.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from typing import Any, Literal, TypeAlias

import numpy as np

from backprop_ref._checks import as_float_array, check_choice, check_finite
from backprop_ref._numerics import log_sum_exp, sigmoid, softplus
from backprop_ref._typing import ArrayLike, FloatArray, IntArray

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "Loss", "MSELoss", "Reduction"]

#: How a loss combines the per-element losses, by their mean or by their sum.
Reduction: TypeAlias = Literal["mean", "sum"]

_DIVERGED = (
    "training has probably diverged: lower the learning rate, or scale the inputs "
    "(e.g. to zero mean and unit variance)"
)


class Loss:
    """Base class of the losses: ``forward(prediction, target) -> float`` and ``backward()``.

    Parameters
    ----------
    reduction
        ``"mean"`` (default) or ``"sum"`` of the per-element losses.

    Raises
    ------
    ValueError
        If ``reduction`` is neither ``"mean"`` nor ``"sum"``.

    Examples
    --------
    >>> MSELoss(reduction="sum")
    MSELoss(reduction='sum')
    """

    def __init__(self, reduction: Reduction = "mean") -> None:
        check_choice("reduction", reduction, ("mean", "sum"), owner=type(self).__name__)
        self.reduction: Reduction = reduction

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the loss of ``prediction`` against ``target`` and cache what ``backward`` needs.

        Parameters
        ----------
        prediction
            The model's output batch.
        target
            What it should have been.

        Returns
        -------
        float
            The loss.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self) -> FloatArray:
        """Return the gradient of the last loss with respect to the prediction.

        Returns
        -------
        numpy.ndarray
            Same shape and dtype as the last prediction.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement backward")

    def __call__(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return ``self.forward(prediction, target)``."""
        return self.forward(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"

    def _finite_value(self, value: Any) -> float:
        """Return ``value`` as a float, or raise ``FloatingPointError`` with a hint."""
        result = float(value)
        if not math.isfinite(result):
            raise FloatingPointError(f"{self!r}: the loss is {result}, not finite; {_DIVERGED}")
        return result

    def _check_prediction(self, prediction: FloatArray) -> None:
        """Raise ``FloatingPointError`` with the divergence hint if ``prediction`` is not finite."""
        try:
            check_finite("prediction", prediction, owner=self, error=FloatingPointError)
        except FloatingPointError as error:
            raise FloatingPointError(f"{error}; {_DIVERGED}") from None

    def _scale(self, count: int) -> float:
        """Return the factor that turns a sum over ``count`` terms into the reduction."""
        return 1.0 / count if self.reduction == "mean" else 1.0


def _prediction_and_target(
    loss: Loss, prediction: ArrayLike, target: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Check a prediction and a same-shaped target; return both in the prediction's dtype."""
    prediction = as_float_array("prediction", prediction, owner=loss)
    if prediction.size == 0:
        raise ValueError(f"{loss!r}: prediction must not be empty, got shape {prediction.shape}")
    target_array = np.asarray(target)
    if target_array.shape != prediction.shape:
        raise ValueError(
            f"{loss!r}: target must have the shape of prediction, {prediction.shape}, "
            f"got {target_array.shape}"
        )
    if not (
        np.issubdtype(target_array.dtype, np.floating)
        or np.issubdtype(target_array.dtype, np.integer)
        or target_array.dtype == np.bool_
    ):
        raise TypeError(f"{loss!r}: target must hold real numbers, got dtype {target_array.dtype}")
    # The gradient takes the prediction's dtype: a float64 target must not upcast float32.
    target_array = target_array.astype(prediction.dtype, copy=False)
    loss._check_prediction(prediction)
    check_finite("target", target_array, owner=loss)
    return prediction, target_array


class MSELoss(Loss):
    r"""Mean squared error :math:`L = \frac1n \sum_i (\hat y_i - y_i)^2`, over all :math:`n` elements.

    The gradient is :math:`\partial L/\partial \hat y_i = \frac2n (\hat y_i - y_i)`.

    This follows PyTorch's ``MSELoss``: the mean of the squared errors, **without** the factor
    :math:`\tfrac12`. The worked examples use :math:`E = \tfrac12 (\hat y - y)^2` for one output
    instead, because then :math:`\partial E/\partial \hat y = \hat y - y` has no stray 2. The
    two differ only by a constant factor: for a single element, ``MSELoss()`` is :math:`2E` and
    its gradient is :math:`2(\hat y - y)`. Minimising either gives the same model; with plain
    gradient descent, a learning rate :math:`\eta` on :math:`E` matches :math:`\eta/2` on
    ``MSELoss`` (and :math:`\eta n / 2` on the mean over :math:`n` elements, or
    :math:`\eta/2` with ``reduction="sum"``).

    Parameters
    ----------
    reduction
        ``"mean"`` (default) divides the sum of squares by the number of elements; ``"sum"``
        does not.

    Examples
    --------
    >>> import numpy as np
    >>> loss = MSELoss()
    >>> loss.forward(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))  # (1 + 4) / 2
    2.5
    >>> loss.backward()  # 2 (prediction - target) / 2
    array([[1., 2.]])
    """

    _difference: FloatArray | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the mean (or sum) of the squared differences.

        Parameters
        ----------
        prediction
            Any non-empty floating array.
        target
            Same shape; converted to the prediction's dtype.

        Returns
        -------
        float
            The loss.

        Raises
        ------
        ValueError
            If the shapes differ, the prediction is empty or the target is not finite.
        TypeError
            If the prediction is not floating or the target does not hold real numbers.
        FloatingPointError
            If the prediction or the loss is not finite.
        """
        prediction, target = _prediction_and_target(self, prediction, target)
        with np.errstate(over="ignore"):  # an overflow becomes inf, reported just below
            difference = prediction - target
            flat = difference.ravel()
            value = self._finite_value(np.dot(flat, flat) * self._scale(difference.size))
        self._difference = difference
        return value

    def backward(self) -> FloatArray:
        r"""Return :math:`\frac2n(\hat y - y)` (or :math:`2(\hat y - y)` for ``"sum"``).

        Returns
        -------
        numpy.ndarray
            The gradient, shape and dtype of the prediction.

        Raises
        ------
        RuntimeError
            If :meth:`forward` has not been called.
        """
        if self._difference is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        return self._difference * (2.0 * self._scale(self._difference.size))


class BCEWithLogitsLoss(Loss):
    r"""Binary cross-entropy of targets :math:`y \in [0, 1]` given logits :math:`z`, computed stably.

    With :math:`p = \sigma(z)`, each element's loss is
    :math:`-y\log p - (1 - y)\log(1 - p)`, which simplifies to

    .. math::

        \ell(z, y) = \max(z, 0) - z y + \log\bigl(1 + e^{-|z|}\bigr),

    finite for every finite :math:`z` (taking :math:`\log\sigma(z)` of a saturated sigmoid
    would give :math:`\log 0`). Its derivative is :math:`\partial\ell/\partial z = \sigma(z) - y`.
    Passing logits rather than probabilities is what makes this stable, as in PyTorch's
    ``BCEWithLogitsLoss``; the loss averages over all elements by default.

    Parameters
    ----------
    reduction
        ``"mean"`` (default) over all elements, or ``"sum"``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = BCEWithLogitsLoss()
    >>> round(loss.forward(np.array([0.0]), np.array([1.0])), 6)  # -log(1/2)
    0.693147
    >>> loss.backward()  # sigmoid(0) - 1
    array([-0.5])
    >>> loss.forward(np.array([-1000.0, 1000.0]), np.array([0.0, 1.0]))  # confident and right
    0.0
    """

    _saved: tuple[FloatArray, FloatArray] | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        r"""Return the mean (or sum) of the binary cross-entropies.

        Parameters
        ----------
        prediction
            Logits :math:`z`, any non-empty floating array.
        target
            Probabilities :math:`y \in [0, 1]` (usually 0 or 1), same shape; converted to the
            prediction's dtype.

        Returns
        -------
        float
            The loss.

        Raises
        ------
        ValueError
            If the shapes differ, the prediction is empty, or a target is outside [0, 1].
        TypeError
            If the prediction is not floating or the target does not hold real numbers.
        FloatingPointError
            If the prediction or the loss is not finite.
        """
        logits, target = _prediction_and_target(self, prediction, target)
        if target.min() < 0 or target.max() > 1:
            raise ValueError(
                f"{self!r}: target must lie in [0, 1], got values from {target.min()} "
                f"to {target.max()}"
            )
        losses = softplus(logits) - logits * target
        value = self._finite_value(np.sum(losses) * self._scale(losses.size))
        self._saved = (logits, target)
        return value

    def backward(self) -> FloatArray:
        r"""Return :math:`(\sigma(z) - y)/n` (or :math:`\sigma(z) - y` for ``"sum"``).

        Returns
        -------
        numpy.ndarray
            The gradient, shape and dtype of the logits.

        Raises
        ------
        RuntimeError
            If :meth:`forward` has not been called.
        """
        if self._saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        logits, target = self._saved
        gradient: FloatArray = sigmoid(logits) - target
        gradient *= self._scale(gradient.size)
        return gradient


class CrossEntropyLoss(Loss):
    r"""Softmax cross-entropy of integer class labels given logits, computed stably.

    For logits :math:`z` of shape ``(N, C)`` and labels :math:`t_n \in \{0, \dots, C-1\}`:

    .. math::

        L = \frac1N \sum_{n=1}^{N} \Bigl(\log \sum_{c} e^{z_{nc}} - z_{n t_n}\Bigr),
        \qquad
        \frac{\partial L}{\partial z} = \frac1N\bigl(\operatorname{softmax}(z) - \operatorname{onehot}(t)\bigr).

    The log-sum-exp is computed as :math:`m + \log\sum_c e^{z_{nc} - m}` with
    :math:`m = \max_c z_{nc}`, so no exponential overflows. The gradient is the classic fused
    form: softmax and cross-entropy together have a much simpler derivative than either alone,
    and computing it directly avoids the :math:`C \times C` softmax Jacobian. This matches
    PyTorch's ``CrossEntropyLoss`` (which likewise takes logits, not probabilities).

    Parameters
    ----------
    reduction
        ``"mean"`` (default) over the batch, or ``"sum"``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = CrossEntropyLoss()
    >>> logits = np.array([[0.0, 0.0], [1000.0, -1000.0]])
    >>> round(loss.forward(logits, np.array([0, 0])), 6)  # (log 2 + 0) / 2
    0.346574
    >>> loss.backward()  # (softmax - onehot) / N
    array([[-0.25,  0.25],
           [ 0.  ,  0.  ]])
    """

    _saved: tuple[FloatArray, IntArray] | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        r"""Return the mean (or sum) over the batch of the cross-entropies.

        Parameters
        ----------
        prediction
            Logits, a floating array of shape ``(N, C)`` with :math:`N, C \ge 1`.
        target
            Class labels, an integer array of shape ``(N,)`` with values in ``[0, C)``.

        Returns
        -------
        float
            The loss.

        Raises
        ------
        ValueError
            If the shapes are wrong, or a label is not an integer or is out of range.
        TypeError
            If the logits are not floating.
        FloatingPointError
            If a logit is not finite.
        """
        logits = as_float_array("prediction", prediction, owner=self)
        if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
            raise ValueError(
                f"{self!r}: prediction must be logits of shape (N, C) with N, C >= 1, "
                f"got shape {logits.shape}"
            )
        labels = np.asarray(target)
        batch, classes = logits.shape
        if labels.shape != (batch,):
            raise ValueError(
                f"{self!r}: target must be class labels of shape ({batch},), got {labels.shape}"
            )
        if labels.dtype.kind not in "iu":  # signed or unsigned integers
            raise ValueError(
                f"{self!r}: target must hold integer class labels, got dtype {labels.dtype}"
            )
        if labels.min() < 0 or labels.max() >= classes:
            raise ValueError(
                f"{self!r}: target labels must lie in [0, {classes - 1}] for {classes} classes, "
                f"got values from {labels.min()} to {labels.max()}"
            )
        self._check_prediction(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)  # exact near the max: keeps digits
        lse = log_sum_exp(shifted, axis=1, keepdims=True)
        losses = lse[:, 0] - shifted[np.arange(batch), labels]  # log sum_c e^z_c - z_t
        value = self._finite_value(losses.sum() * self._scale(batch))
        self._saved = (np.exp(shifted - lse), labels)  # the softmax, for backward
        return value

    def backward(self) -> FloatArray:
        r"""Return :math:`(\operatorname{softmax}(z) - \operatorname{onehot}(t))/N` (no :math:`/N` for ``"sum"``).

        Returns
        -------
        numpy.ndarray
            The gradient, shape ``(N, C)`` and dtype of the logits.

        Raises
        ------
        RuntimeError
            If :meth:`forward` has not been called.
        """
        if self._saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        probability, labels = self._saved
        scale = self._scale(len(labels))
        gradient: FloatArray = probability * scale
        gradient[np.arange(len(labels)), labels] -= scale
        return gradient
