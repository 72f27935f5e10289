r"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

The rule, its hyperparameter names and defaults are those of ``torch.optim.SGD`` (PyTorch 2.x),
so for the same starting point and gradients the two produce the same trajectory.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop_ref._typing import FloatArray
from backprop_ref.optim._base import (
    Hyperparameters,
    Optimizer,
    check_flag,
    check_non_negative,
    check_unit_interval,
)

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional (Nesterov) momentum, as in ``torch.optim.SGD``.

    With learning rate :math:`\gamma`, momentum :math:`\mu`, dampening :math:`\tau` and weight
    decay :math:`\lambda`, step :math:`t = 1, 2, \dots` computes

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
              \qquad (- \text{ when maximising}) \\
        b_t &= \begin{cases}
                 g_t & t = 1 \\
                 \mu\, b_{t-1} + (1 - \tau)\, g_t & t > 1
               \end{cases} \\
        d_t &= \begin{cases}
                 g_t + \mu\, b_t & \text{Nesterov} \\
                 b_t & \text{otherwise}
               \end{cases} \\
        \theta_t &= \theta_{t-1} - \gamma\, d_t

    and without momentum (:math:`\mu = 0`) simply :math:`\theta_t = \theta_{t-1} - \gamma g_t`.

    Where this differs from elsewhere:

    - *The first momentum buffer is the gradient itself*, :math:`b_1 = g_1`, not
      :math:`(1 - \tau) g_1` as a zero-initialised buffer would give: dampening starts at the
      second step.
    - *Nesterov* is the form :math:`g_t + \mu b_t` (the gradient at the current point plus the
      look-ahead of the buffer), not Sutskever et al.'s gradient evaluated at a shifted point.
    - *The learning rate multiplies the buffer* when it is applied. Sutskever et al. and
      TensorFlow's ``MomentumOptimizer`` put it inside the buffer
      (:math:`v_t = \mu v_{t-1} - \gamma g_t`); the two agree while :math:`\gamma` is
      constant and differ once a schedule changes it.
    - *Weight decay* is the L2 term added to the gradient, so it goes through the momentum.

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        Learning rate :math:`\gamma \ge 0`.
    momentum
        Momentum factor :math:`\mu \ge 0`; 0 turns momentum off (and keeps no buffer).
    dampening
        Dampening :math:`\tau \in [0, 1]` of the gradient's contribution to the buffer.
    weight_decay
        L2 penalty :math:`\lambda \ge 0`.
    nesterov
        Use Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0`` (PyTorch's rule).
    maximize
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range or ``nesterov`` is used without momentum or with
        dampening.
    TypeError
        If ``params`` is not a sequence of float arrays, or a hyperparameter has the wrong type.

    Examples
    --------
    Minimise :math:`f(w) = \lVert w \rVert^2 / 2`, whose gradient is :math:`w`:

    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.step([w.copy()])
    >>> w  # b₁ = w₀, w₁ = 0.9 w₀; b₂ = 0.9 b₁ + w₁ = 1.8 w₀, w₂ = w₁ − 0.18 w₀ = 0.72 w₀
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
        self._momentum = check_non_negative("momentum", momentum)
        self._dampening = check_unit_interval("dampening", dampening, closed=True)
        self._weight_decay = check_non_negative("weight_decay", weight_decay)
        self._nesterov = check_flag("nesterov", nesterov)
        if self._nesterov and (self._momentum <= 0 or self._dampening != 0):
            raise ValueError(
                "nesterov=True requires momentum > 0 and dampening == 0, "
                f"got momentum={self._momentum} and dampening={self._dampening}"
            )
        if self._momentum != 0:
            # Filled with the first gradient at step 1; zeros until then.
            self.state = [{"momentum_buffer": np.zeros_like(p)} for p in self.params]

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set.

        Examples
        --------
        >>> import numpy as np
        >>> SGD([np.zeros(1)]).hyperparameters["lr"]
        0.001
        """
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
        if self._momentum != 0:
            buf = state["momentum_buffer"]
            if self.step_count == 1:
                np.copyto(buf, grad)  # b₁ = g₁ (no dampening on the first step)
            else:
                buf *= self._momentum  # μ b
                if self._dampening == 0:
                    buf += grad  # b ← μ b + g
                else:
                    tmp = self._scratch(index, "tmp")
                    np.multiply(grad, 1.0 - self._dampening, out=tmp)  # (1 − τ) g
                    buf += tmp  # b ← μ b + (1 − τ) g
            if self._nesterov:
                direction = self._scratch(index, "tmp")
                np.multiply(buf, self._momentum, out=direction)  # μ b
                direction += grad  # d = g + μ b
            else:
                direction = buf  # d = b
        tmp = self._scratch(index, "tmp")
        np.multiply(direction, self._lr, out=tmp)  # γ d
        param -= tmp  # θ ← θ − γ d
