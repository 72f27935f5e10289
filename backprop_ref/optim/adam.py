r"""Adam and AdamW: bias-corrected moving averages of the gradient and its square.

The two differ only in weight decay: Adam adds the L2 term to the gradient (it then goes through
the moving averages and is rescaled with them), AdamW shrinks the parameters directly. The rules,
hyperparameter names and defaults are those of ``torch.optim.Adam`` and ``torch.optim.AdamW``
(PyTorch 2.x), so for the same starting point and gradients they produce the same trajectories.
"""

from __future__ import annotations

import math
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

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015), with optional AMSGrad, as in ``torch.optim.Adam``.

    With learning rate :math:`\gamma`, decay rates :math:`(\beta_1, \beta_2)`, weight decay
    :math:`\lambda` and :math:`\epsilon`, step :math:`t = 1, 2, \dots` computes (element-wise;
    :math:`m_0 = v_0 = v^{\max}_0 = 0`)

    .. math::

        g_t &= \pm\nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}
              \qquad (- \text{ when maximising}) \\
        m_t &= \beta_1\, m_{t-1} + (1 - \beta_1)\, g_t \\
        v_t &= \beta_2\, v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        v^{\max}_t &= \max(v^{\max}_{t-1}, v_t)
              \quad \text{and } v_t \leftarrow v^{\max}_t \text{ below} \qquad
              \text{(AMSGrad only)} \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\;
              \frac{m_t}{\sqrt{v_t} \big/ \sqrt{1 - \beta_2^t} + \epsilon}

    The step counter :math:`t` is incremented before the bias corrections
    :math:`1 - \beta^t` use it, so the first step divides by :math:`1 - \beta_1` and
    :math:`\sqrt{1 - \beta_2}`.

    Where this differs from elsewhere:

    - :math:`\epsilon` *is added after bias-correcting* :math:`\sqrt{v_t}`, i.e. to
      :math:`\sqrt{\hat v_t}`, as in the paper's Algorithm 1. TensorFlow's ``AdamOptimizer``
      uses the paper's "efficient version", adding :math:`\hat\epsilon` to the uncorrected
      :math:`\sqrt{v_t}`, which amounts to :math:`\epsilon = \hat\epsilon / \sqrt{1 - \beta_2^t}`
      here: the two differ most in the first steps.
      optax's ``adam`` agrees with this one (with its ``eps_root = 0``).
    - *Weight decay is coupled*: the L2 gradient :math:`\lambda\theta` enters :math:`m` and
      :math:`v` and is divided by :math:`\sqrt{\hat v}` like the rest, so large-gradient
      coordinates are barely decayed. ``AdamW`` decouples it.
    - *AMSGrad* keeps the maximum of the *uncorrected* :math:`v_t` and bias-corrects that maximum
      with the current step's :math:`1 - \beta_2^t` (PyTorch 2.x). Reddi et al.'s algorithm has
      no bias correction at all.

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        Learning rate :math:`\gamma \ge 0`.
    betas
        Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`, of the moving averages of
        the gradient and of its square.
    eps
        :math:`\epsilon \ge 0`, added to the denominator for numerical stability.
    weight_decay
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.
    amsgrad
        Use the AMSGrad variant (the running maximum of :math:`v_t`).
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
    Thanks to the bias correction, the first step moves every coordinate by about ``lr``,
    whatever the gradient's scale:

    >>> import numpy as np
    >>> w = np.array([1.0, -100.0])
    >>> opt = Adam([w], lr=0.1)
    >>> opt.step([w.copy()])
    >>> w
    array([  0.9, -99.9])
    >>> sorted(opt.state[0])
    ['exp_avg', 'exp_avg_sq']
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
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self._betas = (
            check_unit_interval("betas[0]", beta1),
            check_unit_interval("betas[1]", beta2),
        )
        self._eps = check_non_negative("eps", eps)
        self._weight_decay = check_non_negative("weight_decay", weight_decay)
        self._amsgrad = check_flag("amsgrad", amsgrad)
        for state, param in zip(self.state, self.params, strict=True):
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if self._amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(param)

    @property
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set.

        Examples
        --------
        >>> import numpy as np
        >>> Adam([np.zeros(1)]).hyperparameters["betas"]
        (0.9, 0.999)
        """
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

        exp_avg *= beta1  # β₁ m
        np.multiply(grad, 1.0 - beta1, out=tmp)  # (1 − β₁) g
        exp_avg += tmp  # m ← β₁ m + (1 − β₁) g

        exp_avg_sq *= beta2  # β₂ v
        np.multiply(grad, grad, out=tmp)  # g²
        tmp *= 1.0 - beta2  # (1 − β₂) g²
        exp_avg_sq += tmp  # v ← β₂ v + (1 − β₂) g²

        second_moment = exp_avg_sq
        if self._amsgrad:
            second_moment = state["max_exp_avg_sq"]
            np.maximum(second_moment, exp_avg_sq, out=second_moment)  # vmax ← max(vmax, v)

        bias_correction1 = 1.0 - beta1**t  # 1 − β₁ᵗ
        bias_correction2 = 1.0 - beta2**t  # 1 − β₂ᵗ
        np.sqrt(second_moment, out=tmp)  # √v
        tmp /= math.sqrt(bias_correction2)  # √v̂ = √v / √(1 − β₂ᵗ)
        tmp += self._eps  # δ = √v̂ + ε
        np.divide(exp_avg, tmp, out=tmp)  # m / δ
        tmp *= self._lr / bias_correction1  # γ m̂ / δ, with m̂ = m / (1 − β₁ᵗ)
        param -= tmp  # θ ← θ − γ m̂ / (√v̂ + ε)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as in ``torch.optim.AdamW``.

    The same rule as ``Adam``, except that weight decay shrinks the parameters before the
    step instead of being added to the gradient:

    .. math::

        \theta_{t-1} &\leftarrow \theta_{t-1}\,(1 - \gamma\lambda) \\
        g_t &= \pm\nabla f(\theta_{t-1}) \\
        m_t, v_t, v^{\max}_t, \theta_t &: \text{ as in Adam}

    so every coordinate decays at the same rate :math:`\gamma\lambda` per step, however large its
    gradients. (The gradient is the one passed in, computed at the parameters before the
    shrinking.)

    Where this differs from elsewhere:

    - *The decay is multiplied by the learning rate* :math:`\gamma`. In the paper it is
      multiplied only by the schedule multiplier :math:`\eta_t`, not by Adam's step size
      :math:`\alpha`, so PyTorch's :math:`\lambda = 10^{-2}` with :math:`\gamma = 10^{-3}`
      decays by :math:`10^{-5}` per step. optax's ``adamw`` also multiplies by the learning
      rate but defaults to :math:`\lambda = 10^{-4}`.
    - The default ``weight_decay`` is ``1e-2`` (``Adam``'s is 0).

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        Learning rate :math:`\gamma \ge 0`.
    betas
        Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps
        :math:`\epsilon \ge 0`, added to the denominator for numerical stability.
    weight_decay
        Decoupled weight decay :math:`\lambda \ge 0`.
    amsgrad
        Use the AMSGrad variant.
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
    With a zero gradient, only the decay acts: :math:`\theta (1 - \gamma\lambda)`.

    >>> import numpy as np
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
