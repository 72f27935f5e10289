r"""The optimizer base class and the input checks every optimizer shares.

An optimizer here holds the parameter arrays *by reference* and updates them in place: after
``opt.step(grads)`` the arrays your model uses have moved by one step, and no copy was made.
Gradients are passed to ``Optimizer.step``, so there is nothing to zero between steps.

The state is plain named data, as in optax: ``opt.state[i]`` is a dict of arrays for parameter
``i`` (for example ``"exp_avg"`` and ``"exp_avg_sq"`` for Adam) and ``opt.step_count`` counts the
steps taken. ``Optimizer.state_dict`` flattens all of it, with the hyperparameters, into one
dict of numpy arrays and numbers that :func:`numpy.savez` can write and
``numpy.load(..., allow_pickle=False)`` can read back.

A step is all or nothing. Every gradient is checked (count, type, shape, dtype, finiteness)
before the first array is touched, so a step that raises leaves the parameters, the state and
the step counter exactly as they were.
"""

from __future__ import annotations

import math
import numbers
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np

from backprop_ref._finite import all_finite
from backprop_ref._typing import FloatArray

__all__ = [
    "Hyperparameters",
    "Optimizer",
    "StateDict",
    "check_flag",
    "check_grads",
    "check_non_negative",
    "check_params",
    "check_unit_interval",
]

#: The keyword arguments of an optimizer's constructor (all but ``params``) by name, such as
#: ``{"lr": 0.001, "betas": (0.9, 0.999)}``.
Hyperparameters: TypeAlias = dict[str, float | bool | tuple[float, ...]]

#: The flat dict that ``Optimizer.state_dict`` returns, of numpy arrays and plain numbers.
StateDict: TypeAlias = dict[str, FloatArray | float | int | bool]


# --- hyperparameter checks: each returns the value as a plain Python float or bool ---------------


def _real(name: str, value: object) -> float:
    """Return ``value`` as a Python float, or raise if it is not a finite real number."""
    # bool is an int in Python, but ``lr=True`` is a mistake, not a learning rate of 1.
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    # A Python float keeps float32 arithmetic in float32 (NEP 50); a numpy float64 would not.
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def check_non_negative(name: str, value: object) -> float:
    """Return ``value`` as a float after checking that it is a finite number ``>= 0``.

    Parameters
    ----------
    name
        The argument's name, used in the error message.
    value
        The value to check.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is refused too).
    ValueError
        If ``value`` is negative, infinite or NaN.

    Examples
    --------
    >>> check_non_negative("lr", 0.1)
    0.1
    >>> check_non_negative("lr", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr must be >= 0, got -0.1
    """
    number = _real(name, value)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {number}")
    return number


def check_unit_interval(name: str, value: object, *, closed: bool = False) -> float:
    """Return ``value`` as a float after checking that it lies in ``[0, 1)`` (or ``[0, 1]``).

    Parameters
    ----------
    name
        The argument's name, used in the error message.
    value
        The value to check.
    closed
        Accept 1 as well, i.e. check ``[0, 1]``.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is outside the interval.

    Examples
    --------
    >>> check_unit_interval("alpha", 0.99)
    0.99
    >>> check_unit_interval("betas[1]", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: betas[1] must be in [0, 1), got 1.0
    """
    number = _real(name, value)
    inside = 0 <= number <= 1 if closed else 0 <= number < 1
    if not inside:
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {number}")
    return number


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` as a bool after checking that it is one.

    A flag such as ``nesterov=0.9`` is a typo for another argument, so only ``True`` and
    ``False`` (Python or numpy) are accepted.

    Parameters
    ----------
    name
        The argument's name, used in the error message.
    value
        The value to check.

    Returns
    -------
    bool
        ``bool(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not a bool.

    Examples
    --------
    >>> check_flag("amsgrad", True)
    True
    >>> check_flag("nesterov", 0.9)
    Traceback (most recent call last):
    ...
    TypeError: nesterov must be True or False, got 0.9
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


# --- array checks --------------------------------------------------------------------------------


def check_params(params: Iterable[FloatArray]) -> list[FloatArray]:
    """Return the parameter arrays as a list (the same array objects) after checking them.

    Parameters
    ----------
    params
        A non-empty sequence of writeable numpy arrays with a floating dtype, for example the
        list returned by a model's ``parameters()``.

    Returns
    -------
    list of numpy.ndarray
        The arrays themselves, not copies: the optimizer updates them in place.

    Raises
    ------
    TypeError
        If ``params`` is a single array rather than a sequence of arrays, or an entry is not a
        numpy array with a floating dtype.
    ValueError
        If ``params`` is empty, an entry is read-only, or the same array appears twice.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.zeros((2, 3))
    >>> check_params([w])[0] is w
    True
    >>> check_params([w, np.arange(3)])
    Traceback (most recent call last):
    ...
    TypeError: params[1] must have a floating dtype, got int64
    """
    if isinstance(params, np.ndarray):
        # Iterating over one array would silently optimise its rows as separate parameters.
        raise TypeError("params must be a sequence of arrays, got a single array; use [array]")
    arrays = list(params)
    if not arrays:
        raise ValueError("params must contain at least one array, got an empty sequence")
    for index, param in enumerate(arrays):
        if not isinstance(param, np.ndarray):
            raise TypeError(f"params[{index}] must be a numpy array, got {type(param).__name__}")
        if not np.issubdtype(param.dtype, np.floating):
            raise TypeError(f"params[{index}] must have a floating dtype, got {param.dtype}")
        if not param.flags.writeable:
            raise ValueError(f"params[{index}] must be writeable, got a read-only array")
        for earlier in range(index):
            if arrays[earlier] is param:
                # It would be updated twice per step.
                raise ValueError(f"params[{index}] is the same array as params[{earlier}]")
    return arrays


def check_grads(params: Sequence[FloatArray], grads: Sequence[FloatArray]) -> None:
    """Check that ``grads`` can update ``params``: one finite array of the same shape and dtype.

    A gradient must not share memory with its parameter either: the in-place update would change
    the gradient while reading it.

    Parameters
    ----------
    params
        The parameter arrays.
    grads
        One gradient per parameter, in the same order.

    Raises
    ------
    TypeError
        If an entry of ``grads`` is not a numpy array.
    ValueError
        If the gradients differ from ``params`` in count, shape or dtype, or one aliases its own.
    FloatingPointError
        If a gradient contains NaN or infinity.

    Examples
    --------
    >>> import numpy as np
    >>> check_grads([np.zeros(2)], [np.ones(2)])
    >>> check_grads([np.zeros(2)], [np.array([1.0, np.nan])])
    Traceback (most recent call last):
    ...
    FloatingPointError: grads[0] contains NaN or infinity; no parameter or state was changed
    """
    if len(grads) != len(params):
        raise ValueError(f"expected {len(params)} gradients (one per parameter), got {len(grads)}")
    for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
        if not isinstance(grad, np.ndarray):
            raise TypeError(f"grads[{index}] must be a numpy array, got {type(grad).__name__}")
        if grad.shape != param.shape:
            raise ValueError(
                f"grads[{index}] must have shape {param.shape} like params[{index}], "
                f"got {grad.shape}"
            )
        if grad.dtype != param.dtype:
            raise ValueError(
                f"grads[{index}] must have dtype {param.dtype} like params[{index}], "
                f"got {grad.dtype}"
            )
        if np.may_share_memory(grad, param):
            raise ValueError(f"grads[{index}] shares memory with params[{index}]; pass a copy")
        if not all_finite(grad):
            raise FloatingPointError(
                f"grads[{index}] contains NaN or infinity; no parameter or state was changed"
            )


def _saved_scalar(state_dict: Mapping[str, object], key: str, kinds: str) -> Any:
    """Return ``state_dict[key]`` as a Python scalar, checking its numpy dtype kind.

    The entry is a Python number, or a 0-d array when the dict came from ``np.load``.
    """
    if key not in state_dict:
        raise ValueError(f"state_dict has no entry {key!r}; was it saved by a different optimizer?")
    value = np.asarray(state_dict[key])
    if value.shape != ():
        raise ValueError(f"state_dict[{key!r}] must be a scalar, got shape {value.shape}")
    if value.dtype.kind not in kinds:
        raise ValueError(f"state_dict[{key!r}] must be {_KIND_NAMES[kinds]}, got {value.dtype}")
    return value.item()


_KIND_NAMES = {"b": "a bool", "iu": "an integer", "iuf": "a number"}


class Optimizer(metaclass=ABCMeta):
    r"""Base class of the optimizers: holds the parameters, the state and the step counter.

    A subclass validates its hyperparameters in its constructor, fills ``self.state`` and
    implements ``_update``, the rule that moves one parameter; this class checks the inputs,
    counts the steps and saves and restores everything.

    Parameters
    ----------
    params
        The arrays to optimise, held by reference and updated in place.
    lr
        The learning rate :math:`\gamma`.
    maximize
        Climb the objective instead of descending it (the gradient's sign is flipped).

    Attributes
    ----------
    params : list of numpy.ndarray
        The parameter arrays (the caller's own objects).
    state : list of dict
        Per parameter, the named arrays the rule carries from step to step, in the parameter's
        dtype.
    step_count : int
        Steps taken so far; incremented at the start of each step, so during the :math:`t`-th
        step (and after it) it equals :math:`t`.

    Examples
    --------
    Every optimizer of the package is used the same way:

    >>> import numpy as np
    >>> from backprop_ref.optim import Adam
    >>> w, b = np.ones((2, 3)), np.zeros(3)
    >>> opt = Adam([w, b], lr=0.01)
    >>> opt.step([np.full((2, 3), 0.5), np.ones(3)])  # one gradient per parameter
    >>> opt.step_count, sorted(opt.state[1])
    (1, ['exp_avg', 'exp_avg_sq'])
    >>> bool(np.all(w < 1))  # moved in place, against the gradient
    True
    """

    def __init__(self, params: Iterable[FloatArray], lr: float, *, maximize: bool = False) -> None:
        self.params = check_params(params)
        self._lr = check_non_negative("lr", lr)
        self._maximize = check_flag("maximize", maximize)
        self.state: list[dict[str, FloatArray]] = [{} for _ in self.params]
        self.step_count = 0
        # Workspace for intermediate results, reused every step so a step allocates (almost)
        # nothing. It is not state: its contents mean nothing between steps.
        self._scratch_buffers: dict[tuple[int, str], FloatArray] = {}

    # --- the learning rate, the one hyperparameter meant to change during training ---------------

    @property
    def lr(self) -> float:
        """The learning rate used by the next step; set it (e.g. from a schedule) between steps.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.optim import SGD
        >>> opt = SGD([np.zeros(3)], lr=0.1)
        >>> opt.lr = 0.05
        >>> opt.lr
        0.05
        >>> opt.lr = -1.0
        Traceback (most recent call last):
        ...
        ValueError: lr must be >= 0, got -1.0
        """
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_non_negative("lr", value)

    @property
    @abstractmethod
    def hyperparameters(self) -> Hyperparameters:
        """The constructor's keyword arguments, as currently set (a new dict each time).

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.optim import RMSprop
        >>> RMSprop([np.zeros(2)], lr=0.1, centered=True).hyperparameters["centered"]
        True
        """

    # --- one step --------------------------------------------------------------------------------

    def step(self, grads: Sequence[FloatArray]) -> None:
        """Update every parameter in place by one step of the rule.

        Parameters
        ----------
        grads
            The gradient of the objective with respect to each parameter, in the order of
            ``params``, each with its parameter's shape and dtype. They are only read.

        Raises
        ------
        TypeError
            If a gradient is not a numpy array.
        ValueError
            If ``grads`` does not have one array per parameter, each of its parameter's shape
            and dtype (see ``check_grads``).
        FloatingPointError
            If a gradient contains NaN or infinity. Nothing has been changed in that case.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.optim import SGD
        >>> w = np.array([1.0, -2.0])
        >>> opt = SGD([w], lr=0.5)
        >>> opt.step([2 * w])  # the gradient of ||w||²
        >>> w, opt.step_count
        (array([0., 0.]), 1)
        """
        check_grads(self.params, grads)  # everything is checked before anything changes
        self.step_count += 1  # t ← t + 1, before any bias correction reads it
        for index, (param, grad) in enumerate(zip(self.params, grads, strict=True)):
            self._update(index, param, grad, self.state[index])

    @abstractmethod
    def _update(
        self, index: int, param: FloatArray, grad: FloatArray, state: dict[str, FloatArray]
    ) -> None:
        """Apply the rule to ``params[index]`` in place, reading ``grad`` and updating ``state``."""

    # --- helpers for the rules -------------------------------------------------------------------

    def _scratch(self, index: int, name: str) -> FloatArray:
        """Return a work array shaped like ``params[index]``, allocated on first use only."""
        key = (index, name)
        if key not in self._scratch_buffers:
            self._scratch_buffers[key] = np.empty_like(self.params[index])
        return self._scratch_buffers[key]

    def _effective_grad(
        self, index: int, param: FloatArray, grad: FloatArray, weight_decay: float
    ) -> FloatArray:
        r"""Return :math:`\pm g + \lambda\theta`: the gradient the rule uses.

        The sign is flipped when maximising, and ``weight_decay`` :math:`\lambda` adds the
        gradient of the L2 penalty :math:`\tfrac{\lambda}{2}\lVert\theta\rVert^2`. When neither
        applies the caller's ``grad`` is returned as is (it is only read, never written).
        """
        if weight_decay == 0 and not self._maximize:
            return grad
        out = self._scratch(index, "grad")
        if weight_decay == 0:
            np.negative(grad, out=out)  # −g (maximising)
            return out
        np.multiply(param, weight_decay, out=out)  # λθ
        if self._maximize:
            np.subtract(out, grad, out=out)  # −g + λθ
        else:
            np.add(out, grad, out=out)  # g + λθ
        return out

    # --- saving and restoring --------------------------------------------------------------------

    def state_dict(self) -> StateDict:
        """Return the whole optimizer as a flat dict of numpy arrays and plain numbers.

        Keys: ``"step"`` (the step counter), one per hyperparameter (a tuple such as ``betas``
        becomes ``"betas.0"``, ``"betas.1"``), and ``"state.<i>.<name>"`` for each state array of
        parameter ``i``. The arrays are copies, so the dict is a snapshot. It can be written with
        ``numpy.savez(path, **opt.state_dict())`` and read back with
        ``numpy.load(path, allow_pickle=False)``.

        Returns
        -------
        dict
            The snapshot.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.optim import SGD
        >>> opt = SGD([np.zeros(2)], lr=0.1, momentum=0.9)
        >>> sorted(opt.state_dict())
        ['dampening', 'lr', 'maximize', 'momentum', 'nesterov', 'state.0.momentum_buffer',
         'step', 'weight_decay']
        """
        flat: StateDict = {"step": self.step_count}
        for name, value in self.hyperparameters.items():
            if isinstance(value, tuple):
                for position, item in enumerate(value):
                    flat[f"{name}.{position}"] = item
            else:
                flat[name] = value
        for index, arrays in enumerate(self.state):
            for name, array in arrays.items():
                flat[f"state.{index}.{name}"] = array.copy()
        return flat

    def load_state_dict(self, state_dict: Mapping[str, object]) -> None:
        """Restore hyperparameters, state and step counter saved by ``state_dict``.

        The saved hyperparameters go through the constructor again, so they are validated
        exactly as when the optimizer was built; the saved arrays must have the parameters'
        shapes and are stored in the parameters' dtypes. Nothing changes unless everything is
        valid. The parameters themselves are not part of the state: save them separately.

        Parameters
        ----------
        state_dict
            A dict from ``state_dict``, or what ``numpy.load`` returns for a file written
            with ``numpy.savez(path, **opt.state_dict())``.

        Raises
        ------
        ValueError
            If an entry is missing, unexpected, of the wrong kind or shape, or invalid.

        Examples
        --------
        >>> import io
        >>> import numpy as np
        >>> from backprop_ref.optim import Adam
        >>> w = np.array([1.0, 2.0])
        >>> opt = Adam([w], lr=0.1)
        >>> opt.step([w.copy()])
        >>> file = io.BytesIO()
        >>> np.savez(file, **opt.state_dict())
        >>> _ = file.seek(0)
        >>> resumed = Adam([w])
        >>> with np.load(file, allow_pickle=False) as saved:
        ...     resumed.load_state_dict(saved)
        >>> resumed.step_count, resumed.lr
        (1, 0.1)
        """
        # 1. The hyperparameters, rebuilt in the shape the constructor takes.
        saved: Hyperparameters = {}
        for name, current in self.hyperparameters.items():
            if isinstance(current, tuple):
                saved[name] = tuple(
                    float(_saved_scalar(state_dict, f"{name}.{k}", "iuf"))
                    for k in range(len(current))
                )
            elif isinstance(current, bool):
                saved[name] = bool(_saved_scalar(state_dict, name, "b"))
            else:
                saved[name] = float(_saved_scalar(state_dict, name, "iuf"))
        step = int(_saved_scalar(state_dict, "step", "iu"))
        if step < 0:
            raise ValueError(f"state_dict['step'] must be >= 0, got {step}")

        # 2. A fresh optimizer of the same class, built by the constructor (which validates the
        #    hyperparameters and lays out the state they call for), over the same parameters.
        build: Callable[..., Optimizer] = type(self)
        restored = build(self.params, **saved)

        # 3. Every key accounted for, every array the right shape, copied into the fresh state.
        expected = set(restored.state_dict())
        unexpected = sorted(set(state_dict) - expected)
        if unexpected:
            raise ValueError(f"state_dict has unexpected entries {unexpected}")
        for index, arrays in enumerate(restored.state):
            for name, array in arrays.items():
                key = f"state.{index}.{name}"
                if key not in state_dict:
                    raise ValueError(f"state_dict has no entry {key!r}")
                value = np.asarray(state_dict[key])
                if value.shape != array.shape:
                    raise ValueError(
                        f"state_dict[{key!r}] must have shape {array.shape}, got {value.shape}"
                    )
                if value.dtype.kind != "f" or not np.isfinite(value).all():
                    raise ValueError(f"state_dict[{key!r}] must hold finite floats")
                np.copyto(array, value, casting="same_kind")  # stored in the parameter's dtype
        restored.step_count = step

        # 4. Only now change this optimizer: it takes over the restored one's attributes.
        vars(self).update(vars(restored))
