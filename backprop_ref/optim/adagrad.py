r"""Adagrad: per-coordinate step sizes from the sum of all squared gradients so far.

The rule, its hyperparameter names and defaults are those of ``torch.optim.Adagrad`` (PyTorch
2.x), so for the same starting point and gradients the two produce the same trajectory.

Files to copy: ``backprop_ref/optim/adagrad.py``, ``backprop_ref/optim/optimizer.py``,
``backprop_ref/optim/checkpoint.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from backprop_ref._checks import check_non_negative
from backprop_ref._typing import FloatArray
from backprop_ref.optim.optimizer import Hyperparameters, Optimizer, shared_docs

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan and Singer, 2011), as in ``torch.optim.Adagrad``.

    .. math::

        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        s_t = s_{t-1} + g_t^2, \quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1 + (t - 1)\eta}\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    element-wise. As in PyTorch, :math:`\epsilon` is outside the square root and the sum starts
    at :math:`s_0` (optax and Keras: :math:`\sqrt{s + \epsilon}`, from 0.1); the decay
    :math:`\eta` is PyTorch's addition, not the paper's.

    Parameters
    ----------
    {params}
    {lr}
    lr_decay
        Learning-rate decay :math:`\eta \ge 0`.
    {weight_decay}
    initial_accumulator_value
        Starting value :math:`s_0 \ge 0` of the sum of squares.
    {eps}
    {maximize}

    {raises}

    Examples
    --------
    The first step moves every coordinate by about ``lr``, whatever the gradient's scale:

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
        owner = self._owner
        self._lr_decay = check_non_negative("lr_decay", lr_decay, owner=owner)
        self._weight_decay = check_non_negative("weight_decay", weight_decay, owner=owner)
        self._initial_accumulator_value = check_non_negative(
            "initial_accumulator_value", initial_accumulator_value, owner=owner
        )
        self._eps = check_non_negative("eps", eps, owner=owner)
        start = self._initial_accumulator_value
        self.state = [{"sum": np.full_like(p, start)} for p in self.params]

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set."""
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
        total, tmp = state["sum"], self._scratch(index, "tmp")
        total += np.multiply(grad, grad, out=tmp)  # s ← s + g²
        np.sqrt(total, out=tmp)  # √s
        tmp += self._eps  # √s + ε
        np.divide(grad, tmp, out=tmp)  # g / (√s + ε)
        tmp *= clr
        param -= tmp  # θ ← θ − γ̃ g / (√s + ε)


shared_docs(Adagrad)
