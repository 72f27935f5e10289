r"""Adam and AdamW: bias-corrected moving averages of the gradient and its square.

The two differ only in weight decay: Adam adds the L2 term to the gradient (it then goes through
the moving averages and is rescaled with them), AdamW shrinks the parameters directly. The rules,
hyperparameter names and defaults are those of ``torch.optim.Adam`` and ``torch.optim.AdamW``
(PyTorch 2.x), so for the same starting point and gradients they produce the same trajectories.

Files to copy: ``backprop_ref/optim/adam.py``, ``backprop_ref/optim/optimizer.py``,
``backprop_ref/optim/checkpoint.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from backprop_ref._checks import check_flag, check_non_negative, check_unit_interval
from backprop_ref._typing import FloatArray
from backprop_ref.optim.optimizer import SHARED_DOCS, Hyperparameters, Optimizer, shared_docs

__all__ = ["Adam", "AdamW"]

#: The shared entries, and the two that Adam and AdamW share.
ADAM_DOCS = SHARED_DOCS | {
    "betas": r"""betas
    Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`, of the moving averages of
    the gradient and of its square.""",
    "amsgrad": r"""amsgrad
    Use the AMSGrad variant: divide by the running maximum of :math:`v_t`.""",
}


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015), with optional AMSGrad, as in ``torch.optim.Adam``.

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \quad
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\,
              \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    element-wise, from zeros, with :math:`t` incremented before the bias corrections. As in
    PyTorch and optax, :math:`\epsilon` is added to the bias-corrected :math:`\sqrt{\hat v_t}`
    (TensorFlow adds it to :math:`\sqrt{v_t}`); the decay :math:`\lambda` is coupled (it goes
    through :math:`m` and :math:`v`, see ``AdamW``); AMSGrad uses
    :math:`\max_{s \le t} v_s` for :math:`v_t`, bias-corrected at step :math:`t`.

    Parameters
    ----------
    {params}
    {lr}
    {betas}
    {eps}
    {weight_decay}
    {amsgrad}
    {maximize}

    {raises}

    Examples
    --------
    Thanks to the bias correction, the first step moves every coordinate by about ``lr``:

    >>> w = np.array([1.0, -100.0])
    >>> opt = Adam([w], lr=0.1)
    >>> opt.step([w.copy()])
    >>> w
    array([  0.9, -99.9])
    """

    #: Whether weight decay shrinks the parameters directly (AdamW) or is added to the gradient.
    _decoupled_weight_decay = False

    def __init__(
        self,
        params: Iterable[FloatArray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, maximize=maximize)
        owner = self._owner
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            message = f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}"
            raise ValueError(message) from None
        self._betas = (
            check_unit_interval("betas[0]", beta1, owner=owner),
            check_unit_interval("betas[1]", beta2, owner=owner),
        )
        self._eps = check_non_negative("eps", eps, owner=owner)
        self._weight_decay = check_non_negative("weight_decay", weight_decay, owner=owner)
        self._amsgrad = check_flag("amsgrad", amsgrad, owner=owner)
        names = ["exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if self._amsgrad else [])
        self.state = [{name: np.zeros_like(p) for name in names} for p in self.params]

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set."""
        return {
            "lr": self._lr,
            "betas": self._betas,
            "eps": self._eps,
            "weight_decay": self._weight_decay,
            "amsgrad": self._amsgrad,
            "maximize": self._maximize,
        }

    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        beta1, beta2 = self._betas
        t = self.step_count  # already incremented: t = 1 on the first step
        if self._decoupled_weight_decay:
            if self._weight_decay != 0:
                param *= 1.0 - self._lr * self._weight_decay  # θ ← θ (1 − γλ)
            grad = self._effective_grad(index, param, grad, 0.0)  # g ← ±g
        else:
            grad = self._effective_grad(index, param, grad, self._weight_decay)  # g ← ±g + λθ
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        tmp = self._scratch(index, "tmp")  # one work array, reused for every intermediate

        exp_avg *= beta1
        exp_avg += np.multiply(grad, 1.0 - beta1, out=tmp)  # m ← β₁ m + (1 − β₁) g
        exp_avg_sq *= beta2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - beta2
        exp_avg_sq += tmp  # v ← β₂ v + (1 − β₂) g²
        second_moment = exp_avg_sq
        if self._amsgrad:
            second_moment = state["max_exp_avg_sq"]
            np.maximum(second_moment, exp_avg_sq, out=second_moment)  # vmax ← max(vmax, v)

        np.sqrt(second_moment, out=tmp)
        tmp /= math.sqrt(1.0 - beta2**t)  # √v̂ = √v / √(1 − β₂ᵗ)
        tmp += self._eps
        np.divide(exp_avg, tmp, out=tmp)  # m / (√v̂ + ε)
        tmp *= self._lr / (1.0 - beta1**t)  # γ m̂ / (√v̂ + ε), m̂ = m / (1 − β₁ᵗ)
        param -= tmp


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as in ``torch.optim.AdamW``.

    The rule of ``Adam``, except that weight decay shrinks the parameters before the step instead
    of entering the gradient, so every coordinate decays by the same factor, however large its
    gradients:

    .. math::

        \theta_{t-1} \leftarrow \theta_{t-1}\,(1 - \gamma\lambda), \qquad
        g_t = \pm\nabla f(\theta_{t-1}) \ \text{(the gradient passed in)}, \qquad
        m_t, v_t, \theta_t \text{ as in Adam.}

    As in PyTorch (and optax), the decay is multiplied by :math:`\gamma`; the paper multiplies
    it only by the schedule. The default ``weight_decay`` is ``1e-2`` (Adam's is 0).

    Parameters
    ----------
    {params}
    {lr}
    {betas}
    {eps}
    weight_decay
        Decoupled weight decay :math:`\lambda \ge 0`.
    {amsgrad}
    {maximize}

    {raises}

    Examples
    --------
    With a zero gradient, only the decay acts: :math:`\theta (1 - \gamma\lambda)`.

    >>> w = np.array([1.0, -100.0])
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> opt.step([np.zeros(2)])
    >>> w
    array([  0.95, -95.  ])
    """

    _decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[FloatArray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


shared_docs(Adam, ADAM_DOCS)
shared_docs(AdamW, ADAM_DOCS)
