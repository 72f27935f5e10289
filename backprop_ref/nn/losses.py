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

    ``reduction`` is ``"mean"`` (default) or ``"sum"`` of the per-element losses; another
    value raises ``ValueError``.

    >>> MSELoss(reduction="sum")
    MSELoss(reduction='sum')
    """

    def __init__(self, reduction: Reduction = "mean") -> None:
        check_choice("reduction", reduction, ("mean", "sum"), owner=type(self).__name__)
        self.reduction: Reduction = reduction

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the loss of ``prediction`` against ``target``; cache what backward needs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self) -> FloatArray:
        """Return the gradient of the last loss with respect to its prediction (same shape)."""
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
        """Raise ``FloatingPointError`` with the hint if ``prediction`` is not finite."""
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
    if target_array.dtype.kind not in "fiub":
        raise TypeError(f"{loss!r}: target must hold real numbers, got dtype {target_array.dtype}")
    # The gradient takes the prediction's dtype: a float64 target must not upcast float32.
    target_array = target_array.astype(prediction.dtype, copy=False)
    loss._check_prediction(prediction)
    check_finite("target", target_array, owner=loss)
    return prediction, target_array


#: The errors every ``forward`` raises, written once.
_RAISES = """
    Raises ``TypeError`` for a prediction that is not floating or a target that does not hold
    real numbers, ``ValueError`` for wrong shapes or targets, ``FloatingPointError`` if the
    prediction or the loss is not finite, and ``RuntimeError`` for ``backward`` before
    ``forward``."""


class MSELoss(Loss):
    r"""Mean squared error :math:`L = \frac1n \sum_i (\hat y_i - y_i)^2`, over all :math:`n` elements.

    :math:`\partial L/\partial \hat y_i = \frac2n (\hat y_i - y_i)`; PyTorch's ``MSELoss``, without
    the :math:`\tfrac12` of the worked examples' :math:`E = \tfrac12 (\hat y - y)^2`.
    ``"sum"`` does not divide by :math:`n`.
    {raises}

    >>> loss = MSELoss()
    >>> loss.forward(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))  # (1 + 4) / 2
    2.5
    >>> loss.backward()  # 2 (prediction - target) / 2
    array([[1., 2.]])
    """

    _difference: FloatArray | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the mean (or sum) of the squared differences (target of the same shape)."""
        prediction, target = _prediction_and_target(self, prediction, target)
        with np.errstate(over="ignore"):  # an overflow becomes inf, reported just below
            difference = prediction - target
            flat = difference.ravel()
            value = self._finite_value(np.dot(flat, flat) * self._scale(difference.size))
        self._difference = difference
        return value

    def backward(self) -> FloatArray:
        r"""Return :math:`\frac2n(\hat y - y)` (or :math:`2(\hat y - y)` for ``"sum"``)."""
        if self._difference is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        return self._difference * (2.0 * self._scale(self._difference.size))


class BCEWithLogitsLoss(Loss):
    r"""Binary cross-entropy of targets :math:`y \in [0, 1]` given logits :math:`z`, stably.

    With :math:`p = \sigma(z)`, :math:`-y\log p - (1 - y)\log(1 - p) = \operatorname{softplus}(z)
    - z y`, finite for every finite :math:`z`, and :math:`\partial\ell/\partial z = \sigma(z) - y`.
    As PyTorch's ``BCEWithLogitsLoss``: the mean over all elements by default.
    {raises}

    >>> loss = BCEWithLogitsLoss()
    >>> round(loss.forward(np.array([0.0]), np.array([1.0])), 6)  # -log(1/2)
    0.693147
    >>> loss.backward()  # sigmoid(0) - 1
    array([-0.5])
    """

    _saved: tuple[FloatArray, FloatArray] | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        r"""Return the mean (or sum) of the cross-entropies of logits against targets in [0, 1]."""
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
        r"""Return :math:`(\sigma(z) - y)/n` (or :math:`\sigma(z) - y` for ``"sum"``)."""
        if self._saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        logits, target = self._saved
        gradient: FloatArray = sigmoid(logits) - target
        gradient *= self._scale(gradient.size)
        return gradient


class CrossEntropyLoss(Loss):
    r"""Softmax cross-entropy of integer labels :math:`t` given logits :math:`z` ``(N, C)``, stably.

    .. math::

        L = \frac1N \sum_{n} \Bigl(\log \sum_{c} e^{z_{nc}} - z_{n t_n}\Bigr), \qquad
        \frac{\partial L}{\partial z} = \frac1N\bigl(\operatorname{softmax}(z)
        - \operatorname{onehot}(t)\bigr).

    As PyTorch's ``CrossEntropyLoss`` (logits, not probabilities); ``"sum"`` drops the
    :math:`1/N`.
    {raises}

    >>> loss = CrossEntropyLoss()
    >>> round(loss.forward(np.array([[0.0, 0.0], [1000.0, -1000.0]]), np.array([0, 0])), 6)
    0.346574
    >>> loss.backward()  # (softmax - onehot) / N
    array([[-0.25,  0.25],
           [ 0.  ,  0.  ]])
    """

    _saved: tuple[FloatArray, IntArray] | None = None

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        r"""Return the mean (or sum) over the batch of the cross-entropies.

        ``prediction`` holds logits of shape ``(N, C)``, ``target`` integer labels in ``[0, C)``.
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
        r"""Return :math:`(\operatorname{softmax}(z) - \operatorname{onehot}(t))/N`."""
        if self._saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        probability, labels = self._saved
        scale = self._scale(len(labels))
        gradient: FloatArray = probability * scale
        gradient[np.arange(len(labels)), labels] -= scale
        return gradient


for _loss in (MSELoss, BCEWithLogitsLoss, CrossEntropyLoss):
    _loss.__doc__ = (_loss.__doc__ or "").replace("    {raises}", _RAISES.strip("\n"))
