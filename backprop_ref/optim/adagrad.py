r"""Adagrad: per-coordinate step sizes from the sum of all squared gradients so far.

The rule, its hyperparameter names and defaults are those of ``torch.optim.Adagrad`` (PyTorch
2.x), so for the same starting point and gradients the two produce the same trajectory.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop_ref._typing import FloatArray
from backprop_ref.optim._base import Hyperparameters, Optimizer, check_non_negative

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan and Singer, 2011), as in ``torch.optim.Adagrad``.

    With learning rate :math:`\gamma`, learning-rate decay :math:`\eta`, weight decay
    :math:`\lambda`, initial accumulator value :math:`s_0` and :math:`\epsilon`, step
    :math:`t = 1, 2, \dots` computes

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
              \qquad (- \text{ when maximising}) \\
        \tilde\gamma_t &= \frac{\gamma}{1 + (t - 1)\,\eta} \\
        s_t &= s_{t-1} + g_t^2 \\
        \theta_t &= \theta_{t-1} - \tilde\gamma_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    with every operation element-wise. Coordinates that have seen large gradients take small
    steps, and every step size shrinks as the sum grows.

    Where this differs from elsewhere:

    - :math:`\epsilon` *is added outside the square root*. optax's and Keras's Adagrad use
      :math:`g / \sqrt{s + \epsilon}`, and start the sum at 0.1 rather than 0.
    - The learning-rate decay :math:`\eta` is PyTorch's addition (from Torch7); it is not in
      the paper.
    - *Weight decay* is the L2 term added to the gradient, so it also enters the sum.

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        Learning rate :math:`\gamma \ge 0`.
    lr_decay
        Learning-rate decay :math:`\eta \ge 0`.
    weight_decay
        L2 penalty :math:`\lambda \ge 0`.
    initial_accumulator_value
        Starting value :math:`s_0 \ge 0` of the sum of squares.
    eps
        :math:`\epsilon \ge 0`, added to the denominator for numerical stability.
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
    The first step moves every coordinate by about ``lr``, whatever the gradient's scale:

    >>> import numpy as np
    >>> w = np.array([1.0, -100.0])
    >>> opt = Adagrad([w], lr=0.5)
    >>> opt.step([w.copy()])
    >>> w
    array([  0.5, -99.5])
    """

    def __init__(
        self,
        params: Iterable[FloatArray],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, maximize=maximize)
        self._lr_decay = check_non_negative("lr_decay", lr_decay)
        self._weight_decay = check_non_negative("weight_decay", weight_decay)
        self._initial_accumulator_value = check_non_negative(
            "initial_accumulator_value", initial_accumulator_value
        )
        self._eps = check_non_negative("eps", eps)
        self.state = [
            {"sum": np.full_like(p, self._initial_accumulator_value)} for p in self.params
        ]

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set.

        Examples
        --------
        >>> import numpy as np
        >>> Adagrad([np.zeros(1)]).hyperparameters["eps"]
        1e-10
        """
        return {
            "lr": self._lr,
            "lr_decay": self._lr_decay,
            "weight_decay": self._weight_decay,
            "initial_accumulator_value": self._initial_accumulator_value,
            "eps": self._eps,
            "maximize": self._maximize,
        }

    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        grad = self._effective_grad(index, param, grad, self._weight_decay)  # g ← ±g + λθ
        clr = self._lr / (1.0 + (self.step_count - 1) * self._lr_decay)  # γ / (1 + (t − 1)η)
        total = state["sum"]
        tmp = self._scratch(index, "tmp")
        np.multiply(grad, grad, out=tmp)  # g²
        total += tmp  # s ← s + g²
        np.sqrt(total, out=tmp)  # √s
        tmp += self._eps  # √s + ε
        np.divide(grad, tmp, out=tmp)  # g / (√s + ε)
        tmp *= clr  # γ̃ g / (√s + ε)
        param -= tmp  # θ ← θ − γ̃ g / (√s + ε)
