"""Random models, losses and targets shared by the tests that compare ``nn`` with an oracle."""

from __future__ import annotations

import numpy as np

from backprop_ref.nn import MLP, BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss

#: The names the helpers below accept.
LOSSES = ["mse", "bce", "ce"]


def make_loss_and_target(
    name: str, rng: np.random.Generator, batch: int, outputs: int
) -> tuple[Loss, np.ndarray]:
    """A loss by name and a random target it accepts, for ``batch`` rows of ``outputs``."""
    if name == "mse":
        return MSELoss(), rng.standard_normal((batch, outputs))
    if name == "bce":
        return BCEWithLogitsLoss(), rng.uniform(size=(batch, outputs))
    return CrossEntropyLoss(), rng.integers(0, outputs, size=batch)


def random_mlp(widths: list[int], activation: str, loss_name: str, rng: np.random.Generator) -> MLP:
    """An MLP with random weights and random (not zero) biases, fit for ``loss_name``.

    Cross-entropy needs at least two classes, so the last width is raised to 2 for it; read
    the widths actually used from ``model.sizes`` (``widths`` itself is left as it is).
    """
    if loss_name == "ce":
        widths = [*widths[:-1], max(widths[-1], 2)]
    model = MLP(widths, activation=activation, rng=rng)
    for bias in model.parameters()[1::2]:
        bias[...] = 0.1 * rng.standard_normal(bias.shape)
    return model
