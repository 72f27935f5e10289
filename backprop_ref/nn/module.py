r"""The module interface every layer follows, and :class:`Sequential` to compose layers.

A module is a function :math:`y = f(x; \theta)` of a batch ``x`` of shape ``(N, ...)`` with
parameters :math:`\theta` (possibly none). It offers two methods:

``forward(x)``
    returns :math:`y` and keeps (caches) whatever ``backward`` will need, usually ``x`` or ``y``.
``backward(grad_output)``
    receives :math:`\partial L / \partial y` for the most recent ``forward``, writes
    :math:`\partial L / \partial \theta` into the module's gradient buffers and returns
    :math:`\partial L / \partial x`. This is the chain rule, one layer at a time.

Parameters and their gradients are plain numpy arrays, listed in the same order by
:meth:`Module.parameters` and :meth:`Module.gradients`. An optimizer updates the parameter
arrays *in place* from the gradient arrays, so the rules are:

* ``parameters()`` returns the module's own arrays, never copies, and a module never rebinds them
  (it only writes into them), so references held by an optimizer stay valid;
* ``gradients()`` returns live buffers too: each ``backward`` *overwrites* them (it does not
  accumulate), so copy them if you need them after the next ``backward``.

Because a module caches one ``forward``, use each module instance once per model: a layer that
appears twice in a :class:`Sequential` would see its cache and gradients overwritten by its second
use. Do not modify an input array in place between ``forward`` and ``backward`` either; the
module keeps a reference to it, not a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from backprop_ref._typing import ArrayLike, FloatArray

__all__ = ["Module", "Sequential"]


class Module:
    r"""Base class of every layer: ``forward``, ``backward``, parameters and gradients.

    Subclasses implement :meth:`forward` and :meth:`backward`; a subclass with parameters also
    overrides :meth:`named_parameters` and :meth:`gradients`, and may override
    :meth:`backward_parameters` to skip the input gradient.

    Examples
    --------
    A module that doubles its input, :math:`y = 2x`, so :math:`\partial L/\partial x = 2\,
    \partial L/\partial y`:

    >>> import numpy as np
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
    """

    def forward(self, x: ArrayLike) -> FloatArray:
        """Compute the output for the batch ``x`` and cache what :meth:`backward` needs.

        Parameters
        ----------
        x
            The input batch, batch-first: shape ``(N, ...)``.

        Returns
        -------
        numpy.ndarray
            The output batch.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Backpropagate: fill the parameter gradients and return the input gradient.

        Parameters
        ----------
        grad_output
            :math:`\partial L / \partial y`, the gradient of the loss with respect to the output
            of the most recent :meth:`forward` (same shape and dtype as that output).

        Returns
        -------
        numpy.ndarray
            :math:`\partial L / \partial x`, the gradient with respect to the input of the most
            recent :meth:`forward` (same shape and dtype as that input).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement backward")

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        r"""Backpropagate into the parameter gradients only, skipping the input gradient.

        The first layer of a model does not need :math:`\partial L / \partial x` (the data is not
        trained), and computing it is a matrix product as large as the layer's forward pass.
        :meth:`Sequential.backward_parameters` calls this on its first module with parameters.
        The default calls :meth:`backward` and discards the input gradient; layers with a costly
        input gradient (``Linear``) override it.

        Parameters
        ----------
        grad_output
            As in :meth:`backward`.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.nn import Linear
        >>> layer = Linear(2, 1, rng=np.random.default_rng(0))
        >>> _ = layer(np.array([[1.0, 2.0]]))
        >>> layer.backward_parameters(np.array([[1.0]]))
        >>> layer.grad_weight  # the input, transposed
        array([[1.],
               [2.]])
        """
        self.backward(grad_output)

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return ``(name, array)`` for each parameter, in the order of :meth:`parameters`.

        Names are the attribute names (``"weight"``, ``"bias"``), prefixed by the position in a
        container (``"0.weight"``), as in PyTorch. They key the files of ``save_parameters``.

        Returns
        -------
        list of tuple
            The module's own arrays, not copies. Empty for a module without parameters.
        """
        return []

    def parameters(self) -> list[FloatArray]:
        """Return the parameter arrays themselves (not copies), in a fixed order.

        Returns
        -------
        list of numpy.ndarray
            The arrays an optimizer updates in place; same order and shapes as
            :meth:`gradients`.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.nn import Linear
        >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
        >>> weight, bias = layer.parameters()
        >>> weight is layer.weight  # the layer's own array: update it in place
        True
        >>> bias -= 1.0
        >>> layer.bias
        array([-1., -1.])
        """
        return [parameter for _, parameter in self.named_parameters()]

    def gradients(self) -> list[FloatArray]:
        """Return the gradient buffers, one per parameter, in the order of :meth:`parameters`.

        Returns
        -------
        list of numpy.ndarray
            Live buffers, overwritten (not accumulated) by every :meth:`backward`; zeros before
            the first one.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.nn import Linear
        >>> layer = Linear(1, 1, rng=np.random.default_rng(0))
        >>> _ = layer(np.array([[2.0]]))
        >>> _ = layer.backward(np.array([[1.0]]))
        >>> _ = layer.backward(np.array([[1.0]]))  # again: overwritten, not added up
        >>> layer.gradients()
        [array([[2.]]), array([1.])]
        """
        return []

    def __call__(self, x: ArrayLike) -> FloatArray:
        """Return ``self.forward(x)``, so a module can be called like a function."""
        return self.forward(x)


class Sequential(Module):
    r"""Compose modules: ``forward`` runs them in order, ``backward`` in reverse order.

    For :math:`y = f_k(\dots f_2(f_1(x)))` the chain rule gives
    :math:`\partial L/\partial x = J_{f_1}^\top \cdots J_{f_k}^\top\, \partial L/\partial y`:
    each module's ``backward`` applies one transposed Jacobian to the gradient it receives.

    Parameters
    ----------
    modules
        The modules, input side first. At least one; each instance at most once (a module
        caches one forward pass).

    Raises
    ------
    TypeError
        If an element is not a :class:`Module`.
    ValueError
        If ``modules`` is empty or holds the same instance twice.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_ref.nn import Linear, ReLU
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential([Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng)])
    >>> model
    Sequential(
      (0): Linear(3, 4)
      (1): ReLU()
      (2): Linear(4, 2)
    )
    >>> y = model(np.ones((5, 3)))
    >>> y.shape
    (5, 2)
    >>> model.backward(np.ones((5, 2))).shape
    (5, 3)
    >>> [name for name, _ in model.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
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
        """Run every module in order.

        Parameters
        ----------
        x
            The input of the first module.

        Returns
        -------
        numpy.ndarray
            The output of the last module.
        """
        for module in self._modules:
            x = module.forward(x)
        return np.asarray(x)

    def backward(self, grad_output: ArrayLike) -> FloatArray:
        r"""Run every module's ``backward`` in reverse order.

        Parameters
        ----------
        grad_output
            :math:`\partial L/\partial y` for the output of the last module.

        Returns
        -------
        numpy.ndarray
            :math:`\partial L/\partial x` for the input of the first module.
        """
        for module in reversed(self._modules):
            grad_output = module.backward(grad_output)
        return np.asarray(grad_output)

    def backward_parameters(self, grad_output: ArrayLike) -> None:
        """Fill every parameter gradient without computing the input gradient.

        Modules before the first one with parameters are skipped entirely, and that module
        is asked for its parameter gradients only (see :meth:`Module.backward_parameters`).
        This is what a training step needs, and what PyTorch does for an input that does not
        require a gradient.

        Parameters
        ----------
        grad_output
            As in :meth:`backward`.

        Examples
        --------
        >>> import numpy as np
        >>> from backprop_ref.nn import Linear, ReLU
        >>> rng = np.random.default_rng(0)
        >>> model = Sequential([Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng)])
        >>> _ = model(np.ones((5, 3)))
        >>> model.backward_parameters(np.ones((5, 2)))  # returns nothing
        >>> gradients = [g.copy() for g in model.gradients()]
        >>> _ = model.backward(np.ones((5, 2)))
        >>> all(np.array_equal(a, b) for a, b in zip(gradients, model.gradients()))
        True
        """
        if self._first_trained is None:
            return
        for module in reversed(self._modules[self._first_trained + 1 :]):
            grad_output = module.backward(grad_output)
        self._modules[self._first_trained].backward_parameters(grad_output)

    def named_parameters(self) -> list[tuple[str, FloatArray]]:
        """Return every module's parameters, prefixed by the module's position.

        Returns
        -------
        list of tuple
            ``("0.weight", ...)``, ``("0.bias", ...)``, ... in module order.
        """
        return [
            (f"{position}.{name}", parameter)
            for position, module in enumerate(self._modules)
            for name, parameter in module.named_parameters()
        ]

    def gradients(self) -> list[FloatArray]:
        """Return every module's gradient buffers, in the order of :meth:`Module.parameters`.

        Returns
        -------
        list of numpy.ndarray
            Live buffers, overwritten by each :meth:`backward`.
        """
        return [gradient for module in self._modules for gradient in module.gradients()]

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, position: int) -> Module:
        return self._modules[position]

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def __repr__(self) -> str:
        lines = [f"  ({position}): {module!r}" for position, module in enumerate(self._modules)]
        return "\n".join([f"{type(self).__name__}(", *lines, ")"])
