r"""The module interface every layer follows, and :class:`Sequential` to compose layers.

A module computes :math:`y = f(x; \theta)` for a batch ``x`` of shape ``(N, ...)``.
``forward(x)`` returns :math:`y` and caches what ``backward`` needs; ``backward(grad_output)``
takes :math:`\partial L/\partial y`, *overwrites* the gradient buffers with
:math:`\partial L/\partial \theta` and returns :math:`\partial L/\partial x`. ``parameters()``
and ``gradients()`` return the module's own arrays, in the same order: an optimizer updates
the parameters in place. A module caches one ``forward``, so use each instance once per model.
Modules start in training mode; ``train()`` and ``eval()`` set the mode of a module and of every
module inside it (layers such as dropout and batch normalisation behave differently in each).

Files to copy: ``backprop_ref/nn/module.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

import numpy as np

from backprop_ref._typing import ArrayLike, FloatArray

__all__ = ["IncompatibleKeys", "Module", "Sequential"]


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match, as in PyTorch.

    ``missing_keys``: the module's names absent from the state; ``unexpected_keys``: the
    state's names the module does not have.

    Examples
    --------
    >>> IncompatibleKeys(missing_keys=[], unexpected_keys=["extra"])
    IncompatibleKeys(missing_keys=[], unexpected_keys=['extra'])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    r"""Base class of every layer: ``forward``, ``backward``, parameters and gradients.

    Subclasses implement :meth:`forward` and :meth:`backward`; one with parameters also
    overrides :meth:`named_parameters` and :meth:`gradients`.

    Examples
    --------
    :math:`y = 2x`, so :math:`\partial L/\partial x = 2\,\partial L/\partial y`:

    >>> class Double(Module):
    ...     def forward(self, x):
    ...         return 2 * np.asarray(x)
    ...
    ...     def backward(self, grad_output):
    ...         return 2 * np.asarray(grad_output)
    >>> double = Double()
    >>> double(np.array([[1.0, -3.0]]))
    array([[ 2., -6.]])
    >>> double.backward(np.array([[1.0, 1.0]]))
    array([[2., 2.]])
    >>> double.parameters(), double.gradients()
    ([], [])
    >>> double.eval().training
    False
    """

    #: Whether the module is in training mode (the default) or evaluation mode.
    training: bool = True

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return the output for the batch ``x`` (shape ``(N, ...)``); cache what backward needs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Fill the parameter gradients; return :math:`\partial L/\partial x`.

        ``grad_output`` is :math:`\partial L/\partial y` for the last :meth:`forward` (its
        output's shape and dtype); the result has the shape and dtype of that input.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement backward")

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        """Fill the parameter gradients only; layers with a costly input gradient override it.

        The first layer of a model needs no input gradient (the data is not trained).
        """
        self.backward(grad_output)

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return ``(name, array)`` per parameter (``"weight"``, ``"0.bias"``, as in PyTorch)."""
        return []

    def named_buffers(self) -> list[tuple[str, FloatArray]]:
        """Return ``(name, array)`` per buffer (state that is not trained, ``"running_mean"``)."""
        return []

    def state_dict(self) -> dict[str, np.ndarray]:
        """Return copies of the parameters, then the buffers, keyed as in PyTorch (``"0.weight"``)."""
        return {
            name: np.array(array, copy=True)
            for name, array in [*self.named_parameters(), *self.named_buffers()]
        }

    def load_state_dict(
        self, state_dict: Mapping[str, ArrayLike], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy ``state_dict`` into the parameters and buffers in place; return the unmatched keys.

        All or nothing: every entry is checked first. ``strict=True`` refuses missing or
        unexpected keys (``ValueError`` naming them); a wrong shape or a non-finite number is a
        ``ValueError``; a non-numeric array or a dtype that cannot be cast safely a ``TypeError``.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{owner}: state_dict must be a mapping, got {type(state_dict).__name__}"
            )
        if not isinstance(strict, bool | np.bool_):
            raise TypeError(f"{owner}: strict must be True or False, got {strict!r}")
        targets = dict([*self.named_parameters(), *self.named_buffers()])
        missing = [name for name in targets if name not in state_dict]
        unexpected = [str(name) for name in state_dict if name not in targets]
        if strict and (missing or unexpected):
            raise ValueError(
                f"{owner}: keys do not match; missing {missing}, unexpected {unexpected}"
            )
        checked: list[tuple[FloatArray, np.ndarray]] = []
        for name, target in targets.items():
            if name not in state_dict:
                continue
            value = np.asarray(state_dict[name])
            if value.dtype.kind not in "biuf":
                raise TypeError(
                    f"{owner}: {name!r} must be a numeric array, got dtype {value.dtype}"
                )
            if not np.can_cast(value.dtype, target.dtype, casting="safe"):
                raise TypeError(
                    f"{owner}: {name!r} has dtype {value.dtype}, which cannot be cast safely "
                    f"to {target.dtype}"
                )
            if value.shape != target.shape:
                raise ValueError(
                    f"{owner}: {name!r} must have shape {target.shape}, got {value.shape}"
                )
            if not np.all(np.isfinite(value)):
                raise ValueError(f"{owner}: {name!r} must be finite, got a nan or inf")
            checked.append((target, value))
        for target, value in checked:
            target[...] = value
        return IncompatibleKeys(missing_keys=missing, unexpected_keys=unexpected)

    def parameters(self) -> list[FloatArray]:
        """Return the parameter arrays themselves (not copies), to update in place."""
        return [parameter for _, parameter in self.named_parameters()]

    def gradients(self) -> list[FloatArray]:
        """Return the live gradient buffers, in the order of :meth:`parameters`."""
        return []

    def children(self) -> list[Module]:
        """Return the modules directly inside this one (none for a layer)."""
        return []

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode here and in every child; return self."""
        if not isinstance(mode, bool | np.bool_):
            raise TypeError(
                f"{type(self).__name__}.train: mode must be True or False, "
                f"got {type(mode).__name__} {mode!r}"
            )
        self.training = bool(mode)
        for child in self.children():
            child.train(self.training)
        return self

    def eval(self) -> Module:
        """Set evaluation mode here and in every child (``train(False)``); return self."""
        return self.train(False)

    def __call__(self, x: ArrayLike) -> FloatArray:
        """Return ``self.forward(x)``."""
        return self.forward(x)


class Sequential(Module):
    r"""Compose modules: ``forward`` runs them in order, ``backward`` in reverse order.

    For :math:`y = f_k(\dots f_1(x))` the chain rule gives
    :math:`\partial L/\partial x = J_{f_1}^\top \cdots J_{f_k}^\top\, \partial L/\partial y`:
    each module's ``backward`` applies one transposed Jacobian.

    ``modules``: the modules, input side first; at least one (else ``ValueError``), each a
    :class:`Module` (else ``TypeError``) and each instance once (else ``ValueError``).

    >>> class Double(Module):
    ...     forward = backward = staticmethod(lambda x: 2 * np.asarray(x))
    >>> model = Sequential([Double(), Double()])
    >>> model(np.array([[1.0]])), model.backward(np.array([[1.0]])), len(model)
    (array([[4.]]), array([[4.]]), 2)
    """

    def __init__(self, modules: Iterable[Module]) -> None:
        modules = list(modules)
        if not modules:
            raise ValueError("Sequential: modules must hold at least one module, got none")
        for position, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: modules[{position}] must be a Module, got {type(module).__name__}"
                )
        if len({id(module) for module in modules}) != len(modules):
            raise ValueError(
                "Sequential: each module instance may appear only once (it caches one forward "
                "pass); create a new instance for each position"
            )
        self._modules = modules
        # The first module with parameters: backward_parameters stops there.
        self._first_trained = next(
            (position for position, module in enumerate(modules) if module.parameters()), None
        )

    def forward(self, x: ArrayLike) -> FloatArray:
        """Run every module in order."""
        for module in self._modules:
            x = module.forward(x)
        return np.asarray(x)

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        """Run every module's ``backward`` in reverse order."""
        for module in reversed(self._modules):
            grad_output = module.backward(grad_output)
        return np.asarray(grad_output)

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        """Fill every parameter gradient, stopping at the first module with parameters.

        That module is asked for its parameter gradients only, as PyTorch does for an input
        that does not require a gradient.
        """
        if self._first_trained is None:
            return
        for module in reversed(self._modules[self._first_trained + 1 :]):
            grad_output = module.backward(grad_output)
        self._modules[self._first_trained].backward_parameters(grad_output)

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return every module's parameters, named ``"0.weight"``, ``"0.bias"``, ..."""
        return [
            (f"{position}.{name}", parameter)
            for position, module in enumerate(self._modules)
            for name, parameter in module.named_parameters()
        ]

    def named_buffers(self) -> list[tuple[str, FloatArray]]:
        """Return every module's buffers, named ``"1.running_mean"``, ..."""
        return [
            (f"{position}.{name}", buffer)
            for position, module in enumerate(self._modules)
            for name, buffer in module.named_buffers()
        ]

    def gradients(self) -> list[FloatArray]:
        """Return every module's gradient buffers, in the order of :meth:`Module.parameters`."""
        return [gradient for module in self._modules for gradient in module.gradients()]

    def children(self) -> list[Module]:
        """Return the modules, input side first."""
        return list(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, position: int) -> Module:
        return self._modules[position]

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def __repr__(self) -> str:
        lines = [f"  ({position}): {module!r}" for position, module in enumerate(self._modules)]
        return "\n".join([f"{type(self).__name__}(", *lines, ")"])
