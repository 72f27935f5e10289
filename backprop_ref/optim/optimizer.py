r"""The optimizer base class: the parameters by reference, the state, the step counter, one step.

An optimizer holds the parameter arrays and updates them in place: after ``opt.step(grads)`` the
arrays your model uses have moved by one step. The state is plain named data: ``opt.state[i]``
is a dict of arrays for parameter ``i`` and ``opt.step_count`` counts the steps. A step is all or
nothing: every gradient is checked before the first array is touched.

Files to copy: ``backprop_ref/optim/optimizer.py``, ``backprop_ref/optim/checkpoint.py``,
``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import re
import textwrap
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from backprop_ref._checks import (
    check_finite,
    check_flag,
    check_float_dtype,
    check_like,
    check_non_negative,
)
from backprop_ref._typing import ArrayLike, FloatArray
from backprop_ref.optim.checkpoint import (
    Hyperparameters,
    StateDict,
    flatten,
    read_arrays,
    read_header,
)

__all__ = ["Hyperparameters", "Optimizer", "StateDict"]

T = TypeVar("T", bound=type)

#: The docstring entries that several optimizers share, written once (PyTorch's ``_maximize_doc``):
#: a line ``{name}`` in an optimizer's docstring becomes the entry ``name``.
SHARED_DOCS = {
    "params": """params
    The arrays to optimise (float32 or float64), held by reference and updated in place.""",
    "lr": r"""lr
    Learning rate :math:`\gamma \ge 0`.""",
    "eps": r"""eps
    :math:`\epsilon \ge 0`, added to the denominator for numerical stability.""",
    "weight_decay": r"""weight_decay
    L2 penalty :math:`\lambda \ge 0`, added to the gradient (so it enters the state too).""",
    "momentum": r"""momentum
    Momentum factor :math:`\mu \ge 0`; 0 turns momentum off (and keeps no buffer).""",
    "maximize": """maximize
    Climb the objective instead of descending it (the gradient's sign is flipped).""",
    "raises": """Raises
------
TypeError
    If ``params`` is not a sequence of float arrays, or a hyperparameter has the wrong type.
ValueError
    If a hyperparameter is out of range.""",
}


def shared_docs(cls: T, entries: Mapping[str, str] = SHARED_DOCS) -> T:
    """Replace each line ``{name}`` of ``cls``'s docstring by ``entries[name]``, indented."""
    if cls.__doc__:  # None under python -OO
        cls.__doc__ = re.sub(
            r"^( *)\{(\w+)\}$",
            lambda m: textwrap.indent(entries[m[2]], m[1]),
            cls.__doc__,
            flags=re.MULTILINE,
        )
    return cls


def _check_params(params: Iterable[FloatArray], owner: str) -> list[FloatArray]:
    """Return the parameter arrays as a list (the same objects), checked."""
    if isinstance(params, np.ndarray):  # iterating would optimise its rows one by one
        raise TypeError(f"{owner}: params must be a sequence of arrays, got a single array")
    arrays = list(params)
    if not arrays:
        raise ValueError(f"{owner}: params must contain at least one array, got none")
    for index, param in enumerate(arrays):
        if not isinstance(param, np.ndarray):
            raise TypeError(
                f"{owner}: params[{index}] must be a numpy array, got {type(param).__name__}"
            )
        check_float_dtype(f"params[{index}]", param.dtype, owner=owner)
        if not param.flags.writeable:
            raise ValueError(f"{owner}: params[{index}] must be writeable, got a read-only array")
        for earlier in range(index):
            if arrays[earlier] is param:  # it would move twice a step
                raise ValueError(f"{owner}: params[{index}] is the same array as params[{earlier}]")
    return arrays


def _check_grads(
    params: Sequence[FloatArray], grads: Sequence[ArrayLike], owner: str
) -> list[FloatArray]:
    """Return ``grads`` as arrays, checked: one per parameter, of its shape and dtype, finite."""
    if len(grads) != len(params):
        count = f"expected {len(params)} gradients (one per parameter), got {len(grads)}"
        raise ValueError(f"{owner}: {count}")
    checked = []
    for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
        name = f"grads[{index}]"
        array = check_like(name, grad, param.shape, param.dtype, owner=owner)
        if np.may_share_memory(array, param):  # the in-place update would change it mid-read
            raise ValueError(f"{owner}: {name} shares memory with params[{index}]; pass a copy")
        check_finite(name, array, owner=owner, error=FloatingPointError)
        checked.append(array)
    return checked


class Optimizer(metaclass=ABCMeta):
    r"""Base class of the optimizers: holds the parameters, the state and the step counter.

    A subclass validates its hyperparameters in its constructor, fills ``self.state`` and
    implements ``_update``, the rule that moves one parameter in place.

    Parameters
    ----------
    {params}
    {lr}
    {maximize}

    Attributes
    ----------
    params : list of numpy.ndarray
        The parameter arrays (the caller's own objects).
    state : list of dict
        Per parameter, the named arrays the rule carries from step to step.
    step_count : int
        Steps taken; incremented at the start of a step, so during step :math:`t` it is :math:`t`.

    Examples
    --------
    Gradient descent is a subclass with one line of rule:

    >>> class GD(Optimizer):
    ...     hyperparameters = property(lambda self: {"lr": self.lr})
    ...     def _update(self, index, param, grad, state):
    ...         param -= self.lr * grad
    >>> w = np.array([1.0, -2.0])
    >>> opt = GD([w], lr=0.5)
    >>> opt.step([2 * w])  # the gradient of ||w||², one gradient per parameter
    >>> w, opt.step_count
    (array([0., 0.]), 1)
    >>> resumed = GD([np.ones(2)], lr=0.1)
    >>> resumed.load_state_dict(opt.state_dict())
    >>> resumed.step_count, resumed.lr
    (1, 0.5)
    """

    def __init__(self, params: Iterable[FloatArray], lr: float, *, maximize: bool = False) -> None:
        self._owner = type(self).__name__
        self.params = _check_params(params, self._owner)
        self._lr = check_non_negative("lr", lr, owner=self._owner)
        self._maximize = check_flag("maximize", maximize, owner=self._owner)
        self.state: list[dict[str, FloatArray]] = [{} for _ in self.params]
        self.step_count = 0
        # Work arrays reused every step, so that a step allocates nothing; not state.
        self._scratch_buffers: dict[tuple[int, str], FloatArray] = {}

    @property
    def lr(self) -> float:
        """The learning rate of the next step; set it (e.g. from a schedule) between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_non_negative("lr", value, owner=self._owner)

    @property
    @abstractmethod
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments (all but ``params``), as currently set."""

    def step(self, grads: Sequence[ArrayLike]) -> None:
        """Update every parameter in place by one step of the rule.

        Parameters
        ----------
        grads
            One gradient per parameter, in the order of ``params``, each of its shape and dtype.

        Raises
        ------
        ValueError
            If the count or a shape is wrong, or a gradient shares memory with its parameter.
        TypeError
            If a gradient's dtype differs from its parameter's.
        FloatingPointError
            If a gradient contains NaN or infinity. Nothing has changed in any of these cases.
        """
        checked = _check_grads(self.params, grads, self._owner)  # all before any change
        self.step_count += 1  # t ← t + 1, before any bias correction reads it
        for index, (param, grad) in enumerate(zip(self.params, checked, strict=True)):
            self._update(index, param, grad, self.state[index])

    @abstractmethod
    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        """Apply the rule to ``params[index]`` in place, reading ``grad`` and updating ``state``."""

    def _scratch(self, index: int, name: str) -> FloatArray:
        """Return a work array shaped like ``params[index]``, allocated on first use only."""
        key = (index, name)
        if key not in self._scratch_buffers:
            self._scratch_buffers[key] = np.empty_like(self.params[index])
        return self._scratch_buffers[key]

    def _effective_grad(
        self, index: int, param: FloatArray, grad: FloatArray, weight_decay: float
    ) -> FloatArray:
        r"""Return :math:`\pm g + \lambda\theta`, or ``grad`` itself (only read) when it is just g."""
        if weight_decay == 0 and not self._maximize:
            return grad
        out = self._scratch(index, "grad")
        if weight_decay == 0:
            return np.negative(grad, out=out)  # −g
        np.multiply(param, weight_decay, out=out)  # λθ
        return np.subtract(out, grad, out=out) if self._maximize else np.add(out, grad, out=out)

    def state_dict(self) -> StateDict:
        """Return a snapshot of the optimizer: ``"step"``, the hyperparameters, ``"state.<i>.<name>"``.

        ``numpy.savez(path, **opt.state_dict())`` writes it and ``numpy.load(path,
        allow_pickle=False)`` reads it back (see :mod:`backprop_ref.optim.checkpoint`).
        """
        return flatten(self.step_count, self.hyperparameters, self.state)

    def load_state_dict(self, state_dict: Mapping[str, object]) -> None:
        """Restore the hyperparameters, state and step counter saved by ``state_dict``.

        The parameters themselves are not part of the state: save them separately. Nothing
        changes unless everything is valid.

        Raises
        ------
        ValueError
            If an entry is missing, unexpected, of the wrong kind or shape, or out of range.
        """
        hyperparameters, step = read_header(state_dict, self.hyperparameters)
        build: Callable[..., Optimizer] = type(self)  # the constructor validates the values
        restored = build(self.params, **hyperparameters)
        read_arrays(state_dict, restored.hyperparameters, restored.state)
        restored.step_count = step
        vars(self).update(vars(restored))  # only now does this optimizer change


shared_docs(Optimizer)
