r"""Learning-rate schedules: small functions from the step number to a learning rate.

A schedule is any callable ``schedule(step) -> lr`` with ``step = 0, 1, 2, ...``; the classes
here are the common ones, written as their closed forms, which are those of PyTorch's schedulers
of the same names (``torch.optim.lr_scheduler.StepLR`` and so on). Unlike PyTorch's, they do not
wrap an optimizer and take the base learning rate explicitly, so they are plain values that can
be called, plotted, tested and composed: ``SequentialLR`` runs one after another (for
example a linear warm-up, then cosine annealing), and any Python function of the step is a
schedule too.

``LRScheduler`` connects a schedule to an optimizer: it sets ``optimizer.lr`` to
``schedule(0)`` when created and to ``schedule(t)`` at its ``t``-th ``step()``, called once
after each optimizer step, exactly like a PyTorch scheduler.

Examples
--------
Ten steps of linear warm-up to 0.1, then cosine annealing to 0 over 90 steps:

>>> warmup_then_cosine = SequentialLR(
...     [LinearLR(0.1, start_factor=0.01, total_iters=10), CosineAnnealingLR(0.1, t_max=90)],
...     milestones=[10],
... )
>>> [round(warmup_then_cosine(t), 4) for t in (0, 5, 10, 55, 100)]
[0.001, 0.0505, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from backprop_ref.optim._base import check_non_negative

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LinearLR",
    "Schedule",
    "SequentialLR",
    "StepLR",
    "SupportsLR",
]

#: A learning-rate schedule, the function giving the learning rate at step ``t = 0, 1, 2, ...``.
Schedule: TypeAlias = Callable[[int], float]


def _check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int after checking that it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


@dataclass(frozen=True)
class StepLR:
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    .. math:: \gamma_t = \gamma_0 \, g^{\lfloor t / s \rfloor}

    with base learning rate :math:`\gamma_0` (``lr``), decay factor :math:`g` (``gamma``) and
    period :math:`s` (``step_size``): PyTorch's ``StepLR`` in closed form.

    Parameters
    ----------
    lr
        The learning rate at step 0, :math:`\ge 0`.
    step_size
        The period :math:`s \ge 1` of the decay, in steps.
    gamma
        The factor :math:`g \ge 0` applied at each decay.

    Examples
    --------
    >>> schedule = StepLR(0.1, step_size=2, gamma=0.5)
    >>> [schedule(t) for t in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        check_non_negative("lr", self.lr)
        _check_int("step_size", self.step_size, 1)
        check_non_negative("gamma", self.gamma)

    def __call__(self, step: int) -> float:
        """Return the learning rate for step ``step`` (an integer ``>= 0``)."""
        step = _check_int("step", step, 0)
        return self.lr * self.gamma ** (step // self.step_size)


@dataclass(frozen=True)
class ExponentialLR:
    r"""Multiply the learning rate by ``gamma`` every step.

    .. math:: \gamma_t = \gamma_0 \, g^t

    PyTorch's ``ExponentialLR`` in closed form.

    Parameters
    ----------
    lr
        The learning rate :math:`\gamma_0 \ge 0` at step 0.
    gamma
        The factor :math:`g \ge 0` applied at each step.

    Examples
    --------
    >>> schedule = ExponentialLR(0.1, gamma=0.5)
    >>> [schedule(t) for t in range(4)]
    [0.1, 0.05, 0.025, 0.0125]
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        check_non_negative("lr", self.lr)
        check_non_negative("gamma", self.gamma)

    def __call__(self, step: int) -> float:
        """Return the learning rate for step ``step`` (an integer ``>= 0``)."""
        step = _check_int("step", step, 0)
        return self.lr * self.gamma**step


@dataclass(frozen=True)
class CosineAnnealingLR:
    r"""Anneal the learning rate from ``lr`` to ``eta_min`` along half a cosine in ``t_max`` steps.

    .. math::

        \gamma_t = \eta_{\min} + \tfrac{1}{2}\,(\gamma_0 - \eta_{\min})
                   \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    PyTorch's ``CosineAnnealingLR`` (argument ``T_max`` there) in closed form. Like PyTorch's,
    it does not stop at :math:`T_{\max}`: the cosine carries on and the rate rises again, so
    choose :math:`T_{\max}` as the length of training, or follow it with another schedule in
    ``SequentialLR``.

    Parameters
    ----------
    lr
        The learning rate :math:`\gamma_0 \ge 0` at step 0.
    t_max
        The number of steps :math:`T_{\max} \ge 1` to reach ``eta_min``.
    eta_min
        The learning rate :math:`\eta_{\min} \ge 0` at step ``t_max``.

    Examples
    --------
    >>> schedule = CosineAnnealingLR(1.0, t_max=4)
    >>> [round(schedule(t), 4) for t in range(5)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    lr: float
    t_max: int
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        check_non_negative("lr", self.lr)
        _check_int("t_max", self.t_max, 1)
        check_non_negative("eta_min", self.eta_min)

    def __call__(self, step: int) -> float:
        """Return the learning rate for step ``step`` (an integer ``>= 0``)."""
        step = _check_int("step", step, 0)
        cosine = 1 + math.cos(math.pi * step / self.t_max)  # from 2 at t = 0 to 0 at t = T_max
        return self.eta_min + (self.lr - self.eta_min) * cosine / 2


@dataclass(frozen=True)
class LinearLR:
    r"""Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor``.

    .. math::

        \gamma_t = \gamma_0 \left(f_0 + (f_1 - f_0)\,\frac{\min(t, T)}{T}\right)

    with :math:`T` = ``total_iters``: PyTorch's ``LinearLR`` in closed form, with its defaults
    and its ranges for the factors. A small ``start_factor`` and ``end_factor = 1`` make a
    linear warm-up.

    Parameters
    ----------
    lr
        The base learning rate :math:`\gamma_0 \ge 0`.
    start_factor
        The factor :math:`f_0 \in (0, 1]` at step 0.
    end_factor
        The factor :math:`f_1 \in [0, 1]` from step ``total_iters`` on.
    total_iters
        The number of steps :math:`T \ge 1` the change takes.

    Examples
    --------
    >>> warmup = LinearLR(0.1, start_factor=0.25, total_iters=3)
    >>> [round(warmup(t), 4) for t in range(5)]
    [0.025, 0.05, 0.075, 0.1, 0.1]
    """

    lr: float
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        check_non_negative("lr", self.lr)
        start = check_non_negative("start_factor", self.start_factor)
        if not 0 < start <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start}")
        end = check_non_negative("end_factor", self.end_factor)
        if not end <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end}")
        _check_int("total_iters", self.total_iters, 1)

    def __call__(self, step: int) -> float:
        """Return the learning rate for step ``step`` (an integer ``>= 0``)."""
        step = _check_int("step", step, 0)
        progress = min(self.total_iters, step) / self.total_iters  # from 0 to 1, then stays
        return self.lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


@dataclass(frozen=True)
class SequentialLR:
    r"""Run schedules one after another, switching at the given steps.

    With milestones :math:`M_1 < M_2 < \dots`, schedule :math:`k` (counting from 0) is used for
    :math:`M_k \le t < M_{k+1}` (with :math:`M_0 = 0`) and is called with the steps counted from
    its own start, :math:`t - M_k`: PyTorch's ``SequentialLR``.

    Parameters
    ----------
    schedules
        The schedules, in order (at least one).
    milestones
        The steps at which to switch to the next schedule: one fewer than ``schedules``,
        strictly increasing, each :math:`\ge 1`.

    Examples
    --------
    A constant rate for three steps, then halving every step:

    >>> schedule = SequentialLR(
    ...     [lambda t: 0.1, ExponentialLR(0.1, gamma=0.5)], milestones=[3]
    ... )
    >>> [schedule(t) for t in range(6)]
    [0.1, 0.1, 0.1, 0.1, 0.05, 0.025]
    """

    schedules: Sequence[Schedule]
    milestones: Sequence[int]

    def __post_init__(self) -> None:
        # Stored as tuples so that the schedule cannot change after it was checked.
        object.__setattr__(self, "schedules", tuple(self.schedules))
        object.__setattr__(self, "milestones", tuple(self.milestones))
        if not self.schedules:
            raise ValueError("schedules must contain at least one schedule, got none")
        for index, schedule in enumerate(self.schedules):
            if not callable(schedule):
                raise TypeError(f"schedules[{index}] must be callable, got {schedule!r}")
        if len(self.milestones) != len(self.schedules) - 1:
            raise ValueError(
                f"milestones must have {len(self.schedules) - 1} entries (one fewer than "
                f"schedules), got {len(self.milestones)}"
            )
        previous = 0
        for index, milestone in enumerate(self.milestones):
            _check_int(f"milestones[{index}]", milestone, previous + 1)
            previous = milestone

    def __call__(self, step: int) -> float:
        """Return the learning rate for step ``step`` (an integer ``>= 0``)."""
        step = _check_int("step", step, 0)
        k = bisect.bisect_right(self.milestones, step)  # how many milestones are behind us
        start = self.milestones[k - 1] if k > 0 else 0
        return self.schedules[k](step - start)


class SupportsLR(Protocol):
    """Anything with a settable ``lr``, such as the optimizers of this package.

    Examples
    --------
    >>> class Constant:
    ...     lr = 0.1
    >>> scheduler = LRScheduler(Constant(), ExponentialLR(0.1, gamma=0.5))  # any such object
    """

    lr: float


class LRScheduler:
    """Set an optimizer's learning rate from a schedule, step by step.

    Creating it sets ``optimizer.lr = schedule(0)``; each call of ``step``, made once after
    each optimizer step, advances the count and sets ``optimizer.lr = schedule(last_step)``.
    This is PyTorch's protocol: the :math:`t`-th optimizer step (counting from 0) uses
    ``schedule(t)``.

    Parameters
    ----------
    optimizer
        The optimizer whose ``lr`` to set.
    schedule
        The learning rate as a function of the step.

    Attributes
    ----------
    last_step : int
        How many times ``step`` was called; set it to resume a schedule part-way.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.optim import SGD
    >>> w = np.array([1.0])
    >>> opt = SGD([w], lr=1.0)
    >>> scheduler = LRScheduler(opt, StepLR(0.5, step_size=1, gamma=0.1))
    >>> for _ in range(3):
    ...     opt.step([w.copy()])  # w ← w − lr w
    ...     scheduler.step()
    >>> w  # (1 − 0.5)(1 − 0.05)(1 − 0.005)
    array([0.472625])
    >>> opt.lr
    0.0005
    """

    def __init__(self, optimizer: SupportsLR, schedule: Schedule) -> None:
        if not callable(schedule):
            raise TypeError(f"schedule must be callable, got {schedule!r}")
        optimizer.lr = schedule(0)  # the optimizer's setter validates the value
        self.optimizer = optimizer
        self.schedule = schedule
        self.last_step = 0

    def step(self) -> None:
        """Advance to the next step and set the optimizer's learning rate for it.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.optim import Adam
        >>> opt = Adam([np.zeros(1)])
        >>> scheduler = LRScheduler(opt, StepLR(0.1, step_size=2))
        >>> for _ in range(3):
        ...     scheduler.step()
        ...     print(scheduler.last_step, round(opt.lr, 6))
        1 0.1
        2 0.01
        3 0.01
        """
        lr = self.schedule(self.last_step + 1)
        self.optimizer.lr = lr  # validated first: if this raises, nothing has changed
        self.last_step += 1
