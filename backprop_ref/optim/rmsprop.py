r"""RMSprop: step sizes from a moving average of squared gradients, optionally centred.

The rule, its hyperparameter names and defaults are those of ``torch.optim.RMSprop`` (PyTorch
2.x), so for the same starting point and gradients the two produce the same trajectory.

Files to copy: ``backprop_ref/optim/rmsprop.py``, ``backprop_ref/optim/optimizer.py``,
``backprop_ref/optim/checkpoint.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop_ref._checks import check_flag, check_non_negative, check_unit_interval
from backprop_ref._typing import FloatArray
from backprop_ref.optim.optimizer import Hyperparameters, Optimizer, shared_docs

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture notes; centred form from Graves, 2013), as in PyTorch.

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2, \quad
        \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t \ \text{(centred)}, \\
        \delta_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \ \text{(centred) or}\ \sqrt{v_t} + \epsilon,
        \quad b_t = \mu b_{t-1} + g_t / \delta_t, \quad \theta_t = \theta_{t-1} - \gamma b_t,

    element-wise, from zeros; without momentum :math:`\theta_t = \theta_{t-1} - \gamma g_t /
    \delta_t`. As in PyTorch, :math:`\epsilon` is outside the root (Graves and TensorFlow:
    :math:`\sqrt{v + \epsilon}`) and :math:`\gamma` multiplies the buffer when it is applied.
    Rounding can make :math:`v_t - \bar g_t^2` slightly negative: it is clamped to 0 (PyTorch: NaN).

    Parameters
    ----------
    {params}
    {lr}
    alpha
        Smoothing constant :math:`\alpha \in [0, 1)` of the moving averages.
    {eps}
    {weight_decay}
    {momentum}
    centered
        Divide by the centred second moment :math:`v_t - \bar g_t^2` (a variance).
    {maximize}

    {raises}

    Examples
    --------
    The first step moves every coordinate by :math:`\gamma / \sqrt{1 - \alpha} = 0.1` here:

    >>> w = np.array([1.0, -100.0])
    >>> opt = RMSprop([w], lr=0.01, alpha=0.99, eps=0.0)
    >>> opt.step([w.copy()])
    >>> w
    array([  0.9, -99.9])
    """

    def __init__(
        self,
        params: Iterable[FloatArray],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, maximize=maximize)
        owner = self._owner
        self._alpha = check_unit_interval("alpha", alpha, owner=owner)
        self._eps = check_non_negative("eps", eps, owner=owner)
        self._weight_decay = check_non_negative("weight_decay", weight_decay, owner=owner)
        self._momentum = check_non_negative("momentum", momentum, owner=owner)
        self._centered = check_flag("centered", centered, owner=owner)
        for state, param in zip(self.state, self.params, strict=True):
            state["square_avg"] = np.zeros_like(param)
            if self._centered:
                state["grad_avg"] = np.zeros_like(param)
            if self._momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set."""
        return {
            "lr": self._lr,
            "alpha": self._alpha,
            "eps": self._eps,
            "weight_decay": self._weight_decay,
            "momentum": self._momentum,
            "centered": self._centered,
            "maximize": self._maximize,
        }

    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        alpha = self._alpha
        grad = self._effective_grad(index, param, grad, self._weight_decay)  # g ← ±g + λθ
        square_avg, tmp = state["square_avg"], self._scratch(index, "tmp")
        square_avg *= alpha
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - alpha
        square_avg += tmp  # v ← α v + (1 − α) g²
        if self._centered:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += np.multiply(grad, 1.0 - alpha, out=tmp)  # ḡ ← α ḡ + (1 − α) g
            np.multiply(grad_avg, grad_avg, out=tmp)
            np.subtract(square_avg, tmp, out=tmp)  # v − ḡ²
            np.maximum(tmp, 0.0, out=tmp)  # ≥ 0 in exact arithmetic: undo rounding below 0
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(square_avg, out=tmp)
        tmp += self._eps  # δ = √(·) + ε
        np.divide(grad, tmp, out=tmp)  # g / δ
        if self._momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self._momentum
            buf += tmp  # b ← μ b + g / δ
            np.multiply(buf, self._lr, out=tmp)  # γ b
        else:
            tmp *= self._lr  # γ g / δ
        param -= tmp


shared_docs(RMSprop)
