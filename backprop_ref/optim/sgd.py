r"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

The rule, its hyperparameter names and defaults are those of ``torch.optim.SGD`` (PyTorch 2.x),
so for the same starting point and gradients the two produce the same trajectory.

Files to copy: ``backprop_ref/optim/sgd.py``, ``backprop_ref/optim/optimizer.py``,
``backprop_ref/optim/checkpoint.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop_ref._checks import check_flag, check_non_negative, check_unit_interval
from backprop_ref._typing import FloatArray
from backprop_ref.optim.optimizer import Hyperparameters, Optimizer, shared_docs

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional (Nesterov) momentum, as in ``torch.optim.SGD``.

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        b_t = \mu b_{t-1} + (1 - \tau) g_t \quad (b_1 = g_t), \\
        \theta_t &= \theta_{t-1} - \gamma\,(g_t + \mu b_t) \ \text{(Nesterov)}
        \quad\text{or}\quad \theta_{t-1} - \gamma\, b_t,

    and without momentum (:math:`\mu = 0`) :math:`\theta_t = \theta_{t-1} - \gamma g_t`. As in
    PyTorch, the first buffer is the gradient itself (dampening starts at step 2), and
    :math:`\gamma` multiplies the buffer when it is applied (Sutskever et al. put it inside).

    Parameters
    ----------
    {params}
    {lr}
    {momentum}
    dampening
        Dampening :math:`\tau \in [0, 1]` of the gradient's contribution to the buffer.
    {weight_decay}
    nesterov
        Use Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0`` (PyTorch's rule).
    {maximize}

    {raises}

    Examples
    --------
    >>> w = np.array([1.0, -2.0])
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.step([w.copy()])  # the gradient of ||w||² / 2
    >>> w  # b₁ = w₀, w₁ = 0.9 w₀; b₂ = 0.9 b₁ + w₁ = 1.8 w₀, w₂ = w₁ − 0.18 w₀
    array([ 0.72, -1.44])
    """

    def __init__(
        self,
        params: Iterable[FloatArray],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, maximize=maximize)
        owner = self._owner
        self._momentum = check_non_negative("momentum", momentum, owner=owner)
        self._dampening = check_unit_interval("dampening", dampening, closed=True, owner=owner)
        self._weight_decay = check_non_negative("weight_decay", weight_decay, owner=owner)
        self._nesterov = check_flag("nesterov", nesterov, owner=owner)
        if self._nesterov and (self._momentum <= 0 or self._dampening != 0):
            raise ValueError(
                f"{owner}: nesterov=True requires momentum > 0 and dampening == 0, "
                f"got momentum={self._momentum} and dampening={self._dampening}"
            )
        if self._momentum != 0:  # filled with the first gradient at step 1
            self.state = [{"momentum_buffer": np.zeros_like(p)} for p in self.params]

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set."""
        return {
            "lr": self._lr,
            "momentum": self._momentum,
            "dampening": self._dampening,
            "weight_decay": self._weight_decay,
            "nesterov": self._nesterov,
            "maximize": self._maximize,
        }

    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        grad = self._effective_grad(index, param, grad, self._weight_decay)  # g ← ±g + λθ
        direction = grad
        tmp = self._scratch(index, "tmp")
        if self._momentum != 0:
            buf = state["momentum_buffer"]
            if self.step_count == 1:
                np.copyto(buf, grad)  # b₁ = g₁
            else:
                buf *= self._momentum  # μ b
                if self._dampening == 0:
                    buf += grad  # b ← μ b + g
                else:
                    buf += np.multiply(grad, 1.0 - self._dampening, out=tmp)  # + (1 − τ) g
            direction = buf  # d = b
            if self._nesterov:
                direction = np.multiply(buf, self._momentum, out=tmp)  # μ b
                direction += grad  # d = g + μ b
        param -= np.multiply(direction, self._lr, out=tmp)  # θ ← θ − γ d


shared_docs(SGD)
