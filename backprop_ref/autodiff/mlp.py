r"""A tiny multilayer perceptron built from ``Value`` scalars, as in micrograd's ``nn.py``.

A :class:`Neuron` computes :math:`\phi(b + \sum_i w_i x_i)`, a :class:`Layer` is a list of
neurons that see the same inputs, and an :class:`MLP` chains layers, the last one linear. Every
weight and bias is a ``Value``, so a training step is ``model.zero_grad()``,
``loss.backward()`` and ``p.data -= lr * p.grad`` for each ``p`` in ``model.parameters()``.
Unlike micrograd, the initialisation takes an explicit ``numpy.random.Generator`` and draws from
PyTorch's :math:`U(-1/\sqrt{n_\mathrm{in}}, 1/\sqrt{n_\mathrm{in}})`, and a layer always returns
a list of Values, even for one output. Every class checks its counts (ints >= 1), ``rng`` (a
``numpy.random.Generator``) and ``activation`` (one of :data:`NEURON_ACTIVATIONS`), and raises
``TypeError`` or ``ValueError`` naming a bad one.

Files to copy: ``backprop_ref/autodiff/mlp.py``, ``backprop_ref/autodiff/engine.py``,
``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, TypeAlias, get_args

import numpy as np

from backprop_ref._checks import check_choice, check_int, check_rng
from backprop_ref._typing import FloatArray
from backprop_ref.autodiff.engine import Value, zero_grad

__all__ = ["MLP", "NEURON_ACTIVATIONS", "Layer", "Neuron", "NeuronActivation"]

#: The name of a neuron's nonlinearity; ``"linear"`` means none. (``backprop_ref.nn``'s
#: ``Activation`` is another thing: the base class of its activation layers.)
NeuronActivation: TypeAlias = Literal["tanh", "relu", "linear"]

#: The valid values of the ``activation`` argument.
NEURON_ACTIVATIONS: tuple[NeuronActivation, ...] = get_args(NeuronActivation)


class Neuron:
    r"""One neuron: :math:`\phi(b + \sum_i w_i x_i)` for an activation :math:`\phi`.

    Parameters
    ----------
    nin
        The number of inputs.
    rng
        Draws the weights ``w`` (Values labelled ``w0, w1, ...``) and the bias ``b``.
    activation
        ``"tanh"``, ``"relu"`` or ``"linear"`` (no nonlinearity).

    Raises
    ------
    TypeError, ValueError
        For a bad argument (see the module docstring), naming it.

    Examples
    --------
    >>> import numpy as np
    >>> n = Neuron(2, rng=np.random.default_rng(0), activation="relu")
    >>> y = n([1.0, -2.0])
    >>> expected = max(0.0, n.b.data + n.w[0].data * 1.0 + n.w[1].data * -2.0)
    >>> abs(y.data - expected) < 1e-12
    True
    """

    def __init__(
        self, nin: int, *, rng: np.random.Generator, activation: NeuronActivation = "tanh"
    ) -> None:
        _check_arguments("Neuron", nin, rng, activation)
        bound = 1.0 / math.sqrt(nin)
        weights = rng.uniform(-bound, bound, size=nin)
        self.w: list[Value] = [Value(float(v), label=f"w{i}") for i, v in enumerate(weights)]
        self.b: Value = Value(float(rng.uniform(-bound, bound)), label="b")
        self.activation: NeuronActivation = activation

    def __call__(self, x: Sequence[Value | float] | FloatArray) -> Value:
        """Return the output for the input vector ``x``: ``nin`` Values or numbers."""
        if len(x) != len(self.w):
            raise ValueError(f"{self!r}: input must have {len(self.w)} values, got {len(x)}")
        pre_activation = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        if self.activation == "tanh":
            return pre_activation.tanh()
        if self.activation == "relu":
            return pre_activation.relu()
        return pre_activation

    def parameters(self) -> list[Value]:
        """Return the weights and then the bias."""
        return [*self.w, self.b]

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0.0."""
        zero_grad(self.parameters())

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer:
    """A layer of ``nout`` neurons that all see the same ``nin`` inputs.

    Parameters
    ----------
    nin
        The number of inputs.
    nout
        The number of neurons (outputs).
    rng
        The random generator that initialises the neurons, one after the other.
    activation
        The nonlinearity of every neuron (the list ``neurons``): as for :class:`Neuron`.

    Raises
    ------
    TypeError, ValueError
        For a bad argument (see the module docstring), naming it.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Layer(3, 2, rng=np.random.default_rng(0))
    >>> layer
    Layer(3, 2, activation='tanh')
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        rng: np.random.Generator,
        activation: NeuronActivation = "tanh",
    ) -> None:
        _check_arguments("Layer", nin, rng, activation)
        check_int("nout", nout, minimum=1, owner="Layer")
        self.neurons: list[Neuron] = [
            Neuron(nin, rng=rng, activation=activation) for _ in range(nout)
        ]

    def __call__(self, x: Sequence[Value | float] | FloatArray) -> list[Value]:
        """Return the outputs of all neurons for the input vector ``x``, as a list."""
        nin = len(self.neurons[0].w)
        if len(x) != nin:
            raise ValueError(f"{self!r}: input must have {nin} values, got {len(x)}")
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        """Return every neuron's parameters, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0.0."""
        zero_grad(self.parameters())

    def __repr__(self) -> str:
        first = self.neurons[0]
        return f"Layer({len(first.w)}, {len(self.neurons)}, activation={first.activation!r})"


class MLP:
    r"""A multilayer perceptron: layers of neurons, nonlinear hidden layers, a linear output layer.

    ``MLP(2, [16, 16, 1], rng=rng)`` maps 2 inputs through two hidden layers of 16 neurons to
    1 output, like micrograd's ``MLP(2, [16, 16, 1])``.

    Parameters
    ----------
    nin
        The number of inputs.
    nouts
        The width of each layer; the last is the number of outputs.
    rng
        The random generator that initialises the layers, in order.
    activation
        The nonlinearity of the hidden layers: ``"tanh"`` (the default) or ``"relu"``
        (``"linear"`` makes the whole network linear). The last layer is always linear.

    Raises
    ------
    TypeError, ValueError
        For a bad argument (see the module docstring), naming it.

    Examples
    --------
    >>> import numpy as np
    >>> model = MLP(2, [16, 16, 1], rng=np.random.default_rng(0), activation="relu")
    >>> model
    MLP(2, [16, 16, 1], activation='relu')
    >>> len(model.parameters())  # (2+1)*16 + (16+1)*16 + (16+1)*1
    337
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        rng: np.random.Generator,
        activation: NeuronActivation = "tanh",
    ) -> None:
        _check_arguments("MLP", nin, rng, activation)
        widths = list(nouts)
        if not widths:
            raise ValueError("MLP: nouts must list at least one layer width, got []")
        for i, width in enumerate(widths):
            check_int(f"nouts[{i}]", width, minimum=1, owner="MLP")
        sizes = [nin, *widths]
        self.layers: list[Layer] = [
            Layer(
                sizes[i],
                sizes[i + 1],
                rng=rng,
                activation=activation if i < len(widths) - 1 else "linear",
            )
            for i in range(len(widths))
        ]
        self._activation: NeuronActivation = activation

    def __call__(self, x: Sequence[Value | float] | FloatArray) -> list[Value]:
        """Return the network's outputs for the input vector ``x``, as a list of Values."""
        nin = len(self.layers[0].neurons[0].w)
        if len(x) != nin:
            raise ValueError(f"{self!r}: input must have {nin} values, got {len(x)}")
        outputs = self.layers[0](x)
        for layer in self.layers[1:]:
            outputs = layer(outputs)
        return outputs

    def parameters(self) -> list[Value]:
        """Return every parameter, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0.0."""
        zero_grad(self.parameters())

    def __repr__(self) -> str:
        nin = len(self.layers[0].neurons[0].w)
        widths = [len(layer.neurons) for layer in self.layers]
        return f"MLP({nin}, {widths}, activation={self._activation!r})"


def _check_arguments(owner: str, nin: object, rng: object, activation: object) -> None:
    """Check the arguments every class here takes: ``nin``, ``rng`` and ``activation``."""
    check_int("nin", nin, minimum=1, owner=owner)
    check_rng("rng", rng, owner=owner)
    check_choice("activation", activation, NEURON_ACTIVATIONS, owner=owner)
