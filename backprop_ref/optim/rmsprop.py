r"""RMSprop: step sizes from a moving average of squared gradients, optionally centred.

The rule, its hyperparameter names and defaults are those of ``torch.optim.RMSprop`` (PyTorch
2.x), so for the same starting point and gradients the two produce the same trajectory.
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

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture notes; centred variant from Graves, 2013), as in PyTorch.

    With learning rate :math:`\gamma`, smoothing constant :math:`\alpha`, weight decay
    :math:`\lambda`, momentum :math:`\mu` and :math:`\epsilon`, step :math:`t = 1, 2, \dots`
    computes (element-wise; :math:`v_0 = \bar g_0 = b_0 = 0`)

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
              \qquad (- \text{ when maximising}) \\
        v_t &= \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \\
        \bar g_t &= \alpha\, \bar g_{t-1} + (1 - \alpha)\, g_t
              \qquad \text{(centred only)} \\
        \delta_t &= \begin{cases}
            \sqrt{v_t - \bar g_t^{\,2}} + \epsilon & \text{centred} \\
            \sqrt{v_t} + \epsilon & \text{otherwise}
        \end{cases} \\
        b_t &= \mu\, b_{t-1} + g_t / \delta_t \qquad (\text{if } \mu > 0) \\
        \theta_t &= \theta_{t-1} - \gamma\, b_t
              \quad \text{or, without momentum,} \quad
              \theta_{t-1} - \gamma\, g_t / \delta_t

    The centred form divides by an estimate of the gradient's standard deviation rather than
    its root mean square.

    Where this differs from elsewhere:

    - :math:`\epsilon` *is added outside the square root*. Graves (2013) and TensorFlow's
      ``ApplyRMSProp`` use :math:`\sqrt{v + \epsilon}`.
    - *The learning rate multiplies the momentum buffer* when it is applied; TensorFlow puts it
      inside (:math:`b_t = \mu b_{t-1} + \gamma g_t / \delta_t`), which differs once a schedule
      changes :math:`\gamma`.
    - In the centred form, rounding can make :math:`v_t - \bar g_t^2` a tiny negative number
      when the gradient is nearly constant; PyTorch then takes the square root of it and gets
      NaN, here it is clamped to 0. Everywhere else the two agree.
    - *Weight decay* is the L2 term added to the gradient.

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        Learning rate :math:`\gamma \ge 0`.
    alpha
        Smoothing constant :math:`\alpha \in [0, 1)` of the moving averages.
    eps
        :math:`\epsilon \ge 0`, added to the denominator for numerical stability.
    weight_decay
        L2 penalty :math:`\lambda \ge 0`.
    momentum
        Momentum factor :math:`\mu \ge 0`; 0 turns momentum off (and keeps no buffer).
    centered
        Divide by the centred second moment :math:`v_t - \bar g_t^2`.
    maximize
        Climb the objective instead of descending it.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range.
    TypeError
        If ``params`` is not a sequence of float arrays, or a hyperparameter has the wrong type.

    Examples
    --------
    The first step divides the gradient by :math:`\sqrt{1 - \alpha}\,|g|`, so every coordinate
    moves by :math:`\gamma / \sqrt{1 - \alpha} = 0.1` here, whatever the gradient's scale:

    >>> import numpy as np
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
        self._alpha = check_unit_interval("alpha", alpha)
        self._eps = check_non_negative("eps", eps)
        self._weight_decay = check_non_negative("weight_decay", weight_decay)
        self._momentum = check_non_negative("momentum", momentum)
        self._centered = check_flag("centered", centered)
        for state, param in zip(self.state, self.params, strict=True):
            state["square_avg"] = np.zeros_like(param)
            if self._centered:
                state["grad_avg"] = np.zeros_like(param)
            if self._momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set.

        Examples
        --------
        >>> import numpy as np
        >>> RMSprop([np.zeros(1)]).hyperparameters["alpha"]
        0.99
        """
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
        square_avg = state["square_avg"]
        tmp = self._scratch(index, "tmp")

        square_avg *= alpha  # α v
        np.multiply(grad, grad, out=tmp)  # g²
        tmp *= 1.0 - alpha  # (1 − α) g²
        square_avg += tmp  # v ← α v + (1 − α) g²

        if self._centered:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha  # α ḡ
            np.multiply(grad, 1.0 - alpha, out=tmp)  # (1 − α) g
            grad_avg += tmp  # ḡ ← α ḡ + (1 − α) g
            np.multiply(grad_avg, grad_avg, out=tmp)  # ḡ²
            np.subtract(square_avg, tmp, out=tmp)  # v − ḡ²
            np.maximum(tmp, 0.0, out=tmp)  # ≥ 0 in exact arithmetic; undo rounding below 0
            np.sqrt(tmp, out=tmp)  # √(v − ḡ²)
        else:
            np.sqrt(square_avg, out=tmp)  # √v
        tmp += self._eps  # δ = √(·) + ε

        np.divide(grad, tmp, out=tmp)  # g / δ
        if self._momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self._momentum  # μ b
            buf += tmp  # b ← μ b + g / δ
            np.multiply(buf, self._lr, out=tmp)  # γ b
        else:
            tmp *= self._lr  # γ g / δ
        param -= tmp  # θ ← θ − γ b   or   θ ← θ − γ g / δ
