r"""Learning-rate schedules: functions from the step number ``t = 0, 1, 2, ...`` to a rate.

The classes are the closed forms of PyTorch's schedulers of the same names; unlike those, they
take the base rate explicitly and do not wrap an optimizer, so they can be called, plotted and
composed (any Python function of the step is a schedule too). ``LRScheduler`` applies one to an
optimizer: it sets ``optimizer.lr = schedule(t)`` at its ``t``-th ``step()``, as PyTorch does.

Examples
--------
Ten steps of linear warm-up to 0.1, then cosine annealing to 0 over 90 steps:

>>> warmup_then_cosine = SequentialLR(
...     [LinearLR(0.1, start_factor=0.01, total_iters=10), CosineAnnealingLR(0.1, t_max=90)],
...     milestones=[10],
... )
>>> [round(warmup_then_cosine(t), 4) for t in (0, 5, 10, 55, 100)]
[0.001, 0.0505, 0.1, 0.05, 0.0]

Files to copy: ``backprop_ref/optim/schedules.py``, ``backprop_ref/_checks.py``,
``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from backprop_ref._checks import check_int, check_non_negative, check_unit_interval

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


@dataclass(frozen=True)
class StepLR:
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    .. math:: \gamma_t = \gamma_0 \, g^{\lfloor t / s \rfloor}

    with base rate :math:`\gamma_0` = ``lr`` :math:`\ge 0`, factor :math:`g` = ``gamma``
    :math:`\ge 0` and period :math:`s` = ``step_size`` :math:`\ge 1`: PyTorch's ``StepLR``.

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
        check_non_negative("lr", self.lr, owner="StepLR")
        check_int("step_size", self.step_size, minimum=1, owner="StepLR")
        check_non_negative("gamma", self.gamma, owner="StepLR")

    def __call__(self, step: int) -> float:
        """Return the learning rate at step ``step``, an int ``>= 0``."""
        step = check_int("step", step, owner="StepLR")
        return self.lr * self.gamma ** (step // self.step_size)


@dataclass(frozen=True)
class ExponentialLR:
    r"""Multiply the learning rate by ``gamma`` every step.

    .. math:: \gamma_t = \gamma_0 \, g^t

    with :math:`\gamma_0` = ``lr`` :math:`\ge 0` and :math:`g` = ``gamma`` :math:`\ge 0`:
    PyTorch's ``ExponentialLR``.

    Examples
    --------
    >>> schedule = ExponentialLR(0.1, gamma=0.5)
    >>> [schedule(t) for t in range(4)]
    [0.1, 0.05, 0.025, 0.0125]
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        check_non_negative("lr", self.lr, owner="ExponentialLR")
        check_non_negative("gamma", self.gamma, owner="ExponentialLR")

    def __call__(self, step: int) -> float:
        """Return the learning rate at step ``step``, an int ``>= 0``."""
        step = check_int("step", step, owner="ExponentialLR")
        return self.lr * self.gamma**step


@dataclass(frozen=True)
class CosineAnnealingLR:
    r"""Anneal the learning rate from ``lr`` to ``eta_min`` along half a cosine in ``t_max`` steps.

    .. math::

        \gamma_t = \eta_{\min} + \tfrac{1}{2}\,(\gamma_0 - \eta_{\min})
                   \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    with :math:`\gamma_0` = ``lr``, :math:`T_{\max}` = ``t_max`` :math:`\ge 1` and
    :math:`\eta_{\min}` = ``eta_min`` (both rates :math:`\ge 0`): PyTorch's
    ``CosineAnnealingLR`` (``T_max`` there). Like it, the cosine carries on after
    :math:`T_{\max}` and the rate rises again.

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
        check_non_negative("lr", self.lr, owner="CosineAnnealingLR")
        check_int("t_max", self.t_max, minimum=1, owner="CosineAnnealingLR")
        check_non_negative("eta_min", self.eta_min, owner="CosineAnnealingLR")

    def __call__(self, step: int) -> float:
        """Return the learning rate at step ``step``, an int ``>= 0``."""
        step = check_int("step", step, owner="CosineAnnealingLR")
        cosine = 1 + math.cos(math.pi * step / self.t_max)  # from 2 at t = 0 to 0 at t = T_max
        return self.eta_min + (self.lr - self.eta_min) * cosine / 2


@dataclass(frozen=True)
class LinearLR:
    r"""Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor``.

    .. math::

        \gamma_t = \gamma_0 \left(f_0 + (f_1 - f_0)\,\frac{\min(t, T)}{T}\right)

    with :math:`\gamma_0` = ``lr`` :math:`\ge 0`, :math:`f_0` = ``start_factor``
    :math:`\in (0, 1]`, :math:`f_1` = ``end_factor`` :math:`\in [0, 1]` and :math:`T` =
    ``total_iters`` :math:`\ge 1`: PyTorch's ``LinearLR``, with its defaults. A small
    ``start_factor`` and ``end_factor = 1`` make a linear warm-up.

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
        check_non_negative("lr", self.lr, owner="LinearLR")
        if not 0 < check_non_negative("start_factor", self.start_factor, owner="LinearLR") <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {self.start_factor}")
        check_unit_interval("end_factor", self.end_factor, closed=True, owner="LinearLR")
        check_int("total_iters", self.total_iters, minimum=1, owner="LinearLR")

    def __call__(self, step: int) -> float:
        """Return the learning rate at step ``step``, an int ``>= 0``."""
        step = check_int("step", step, owner="LinearLR")
        progress = min(self.total_iters, step) / self.total_iters  # from 0 to 1, then stays
        return self.lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


@dataclass(frozen=True)
class SequentialLR:
    r"""Run schedules one after another, switching at the given steps.

    With milestones :math:`M_1 < M_2 < \dots`, schedule :math:`k` (counting from 0) is used for
    :math:`M_k \le t < M_{k+1}` (with :math:`M_0 = 0`) and is called with the steps counted from
    its own start, :math:`t - M_k`: PyTorch's ``SequentialLR``.

    ``milestones``: one fewer than ``schedules`` (at least one), increasing, from 1 or more.

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
        # Tuples, so that the schedule cannot change after it was checked.
        object.__setattr__(self, "schedules", tuple(self.schedules))
        object.__setattr__(self, "milestones", tuple(self.milestones))
        if not self.schedules:
            raise ValueError("SequentialLR: schedules must contain at least one schedule, got none")
        for index, schedule in enumerate(self.schedules):
            if not callable(schedule):
                raise TypeError(
                    f"SequentialLR: schedules[{index}] must be callable, got {schedule!r}"
                )
        if len(self.milestones) != len(self.schedules) - 1:
            raise ValueError(
                f"SequentialLR: milestones must have {len(self.schedules) - 1} entries (one fewer than "
                f"schedules), got {len(self.milestones)}"
            )
        previous = 0
        for index, milestone in enumerate(self.milestones):
            check_int(f"milestones[{index}]", milestone, minimum=previous + 1, owner="SequentialLR")
            previous = milestone

    def __call__(self, step: int) -> float:
        """Return the learning rate at step ``step``, an int ``>= 0``."""
        step = check_int("step", step, owner="SequentialLR")
        k = bisect.bisect_right(self.milestones, step)  # how many milestones are behind us
        start = self.milestones[k - 1] if k > 0 else 0
        return self.schedules[k](step - start)


class SupportsLR(Protocol):
    """Anything with a settable ``lr``, such as the optimizers of this package."""

    lr: float


class LRScheduler:
    """Set an optimizer's learning rate from a schedule, step by step.

    Creating it sets ``optimizer.lr = schedule(0)``; ``step()``, called once after each
    optimizer step, sets ``optimizer.lr = schedule(last_step)`` with ``last_step`` counting the
    calls (set it to resume part-way). As in PyTorch, optimizer step ``t`` (from 0) uses
    ``schedule(t)``. ``optimizer`` is anything with an ``lr``; ``schedule`` any callable.

    Examples
    --------
    Any object with an ``lr`` will do, such as the package's optimizers; here a stand-in:

    >>> class Optimizer:
    ...     lr = 1.0
    >>> opt = Optimizer()
    >>> scheduler = LRScheduler(opt, StepLR(0.1, step_size=2))
    >>> for _ in range(3):
    ...     scheduler.step()  # after each optimizer step
    ...     print(scheduler.last_step, round(opt.lr, 6))
    1 0.1
    2 0.01
    3 0.01
    """

    def __init__(self, optimizer: SupportsLR, schedule: Schedule) -> None:
        if not callable(schedule):
            raise TypeError(f"LRScheduler: schedule must be callable, got {schedule!r}")
        optimizer.lr = schedule(0)  # the optimizer's setter validates the value
        self.optimizer = optimizer
        self.schedule = schedule
        self.last_step = 0

    def step(self) -> None:
        """Advance to the next step and set the optimizer's learning rate for it."""
        lr = self.schedule(self.last_step + 1)
        self.optimizer.lr = lr  # validated first: if this raises, nothing has changed
        self.last_step += 1
