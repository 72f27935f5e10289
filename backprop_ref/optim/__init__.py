r"""Optimizers that update numpy arrays in place, step for step identical to ``torch.optim``.

One module per family, each building on the base class ``backprop_ref.optim.optimizer``
(which saves and restores its state with ``backprop_ref.optim.checkpoint``):

- ``backprop_ref.optim.sgd``: ``SGD``, with momentum, Nesterov momentum, weight decay.
- ``backprop_ref.optim.adagrad``: ``Adagrad``.
- ``backprop_ref.optim.rmsprop``: ``RMSprop``, plain or centred, with momentum.
- ``backprop_ref.optim.adam``: ``Adam`` (coupled L2) and ``AdamW`` (decoupled
  weight decay), both with AMSGrad.
- ``backprop_ref.optim.schedules``: learning-rate schedules (``StepLR``,
  ``ExponentialLR``, ``CosineAnnealingLR``, ``LinearLR``, ``SequentialLR``)
  and ``LRScheduler``, which applies one to an optimizer.

Every optimizer takes the parameter arrays (held by reference), updates them in place with
``step(grads)``, and saves and restores its whole state with ``state_dict()`` and
``load_state_dict()``.

Examples
--------
Minimise :math:`f(w) = \lVert w - c \rVert^2` with Adam:

>>> import numpy as np
>>> from backprop_ref.optim import Adam
>>> c = np.array([3.0, -1.0])
>>> w = np.zeros(2)
>>> opt = Adam([w], lr=0.1)
>>> for _ in range(500):
...     opt.step([2 * (w - c)])
>>> np.allclose(w, c, atol=1e-3)
True
"""

from __future__ import annotations

from backprop_ref.optim.adagrad import Adagrad
from backprop_ref.optim.adam import Adam, AdamW
from backprop_ref.optim.optimizer import Optimizer
from backprop_ref.optim.rmsprop import RMSprop
from backprop_ref.optim.schedules import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    Schedule,
    SequentialLR,
    StepLR,
)
from backprop_ref.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LinearLR",
    "Optimizer",
    "RMSprop",
    "Schedule",
    "SequentialLR",
    "StepLR",
]
