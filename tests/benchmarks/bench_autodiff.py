"""Speed of the scalar autodiff engine against micrograd 0.1.0 (goal: at least 3x its throughput).

Two workloads, each a forward build plus a backward pass through a fresh graph, timed with the
same code for both engines:

(a) a sum of products ``sum(a_i * b_i)`` over 50,000 pairs of leaves, built with a loop of
    ``+`` (about 100,000 nodes, a chain 50,000 deep);
(b) micrograd's demo training step: an MLP 2-16-16-1 (ReLU hidden layers, linear output) on
    100 two-moons points with labels +-1, SVM hinge loss
    ``sum(relu(1 - y_i * score_i)) / n + alpha * sum(p * p)`` with ``alpha = 1e-4``; one step
    is forward + zero_grad + backward + SGD update, as in micrograd's ``demo.ipynb``.

Both engines run with the interpreter's default settings, the cyclic garbage collector enabled,
except for one thing micrograd needs to run at all: its backward pass sorts the graph with a
recursive function, so (a) raises the recursion limit while micrograd runs. Each figure is the
median over alternating blocks of runs of both engines.

micrograd is not a project dependency: install it for the bench session with
``uv pip install micrograd==0.1.0``. Without it, the rows say so and report nothing.
"""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from backprop_ref.autodiff import MLP, Value
from tests.benchmarks._harness import Row, median_seconds, pause_between_libraries

__all__ = ["collect"]

GOAL = 3.0
PAIRS = 50_000
POINTS = 100
ALPHA = 1e-4
LR = 0.05
ROUNDS = 3  # alternating blocks per engine
REPEAT = 5  # timed runs per block


def moons(
    n: int, rng: np.random.Generator, noise: float = 0.1
) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (like scikit-learn's make_moons), labels -1 and +1."""
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    points = np.concatenate(
        [
            np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
            np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
        ]
    )
    points += rng.normal(scale=noise, size=points.shape)
    labels = np.concatenate([-np.ones(n_upper), np.ones(n_lower)])
    # Plain Python floats, so both engines see the same operand types.
    return points.tolist(), labels.tolist()


def sum_of_products_step(
    value: Callable[[float], Any], rng: np.random.Generator
) -> Callable[[], None]:
    """Return (a): build sum(a_i * b_i) over fresh products of fixed leaves, then backward."""
    a = [value(float(v)) for v in rng.normal(size=PAIRS)]
    b = [value(float(v)) for v in rng.normal(size=PAIRS)]

    def step() -> None:
        total = a[0] * b[0]
        for ai, bi in zip(a[1:], b[1:], strict=True):
            total = total + ai * bi
        total.backward()

    return step


def mlp_step(
    value: Callable[[float], Any],
    model: Any,
    score: Callable[[Any], Any],
    points: list[list[float]],
    labels: list[float],
) -> Callable[[], None]:
    """Return (b): micrograd's demo training step, written once for either engine."""
    parameters = model.parameters()

    def step() -> None:
        inputs = [[value(x0), value(x1)] for x0, x1 in points]
        scores = [score(model(x)) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in parameters)
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in parameters:
            p.data -= LR * p.grad

    return step


def compare(
    make_ours: Callable[[], Callable[[], None]], make_theirs: Callable[[], Callable[[], None]]
) -> tuple[float, float]:
    """Median seconds per call of each, over alternating blocks (ours first).

    Each block sets up its own inputs and drops them afterwards, so only one engine's objects
    are alive while it is timed (the garbage collector's passes cost more on a larger heap).
    """
    ours_times: list[float] = []
    theirs_times: list[float] = []
    for _ in range(ROUNDS):
        for make, times in ((make_ours, ours_times), (make_theirs, theirs_times)):
            step = make()
            times.append(median_seconds(step, repeat=REPEAT))
            del step
            pause_between_libraries()
    return statistics.median(ours_times), statistics.median(theirs_times)


def row(name: str, ours: float, theirs: float, what: str) -> Row:
    ratio = theirs / ours
    return Row(
        name=name,
        value=ratio,
        unit="x",
        goal=f">= {GOAL:g}",
        met=ratio >= GOAL,
        detail=f"{what}; median ms: backprop_ref {ours * 1e3:.1f}, micrograd {theirs * 1e3:.1f}",
    )


def collect() -> list[Row]:
    names = (
        "autodiff: 100k-node sum of products vs micrograd",
        "autodiff: MLP 2-16-16-1 demo step vs micrograd",
    )
    try:
        from micrograd import engine as micrograd_engine
        from micrograd import nn as micrograd_nn
    except ImportError:
        return [
            Row(
                name=name,
                value=float("nan"),
                unit="x",
                goal=f">= {GOAL:g}",
                met=None,
                detail="micrograd not installed: uv pip install micrograd==0.1.0",
            )
            for name in names
        ]

    rows = []

    # (a) The graph is a chain 50,000 additions deep: micrograd's recursive topological sort
    # needs a higher recursion limit (ours sorts with an explicit stack and needs none).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * PAIRS))
    try:
        ours, theirs = compare(
            lambda: sum_of_products_step(Value, np.random.default_rng(0)),
            lambda: sum_of_products_step(micrograd_engine.Value, np.random.default_rng(0)),
        )
    finally:
        sys.setrecursionlimit(limit)
    rows.append(row(names[0], ours, theirs, f"{PAIRS} pairs, ~{2 * PAIRS} nodes, build + backward"))

    # (b) micrograd's demo. The two models' initial weights differ (each library draws its own);
    # the work per step is the same.
    points, labels = moons(POINTS, np.random.default_rng(1))

    def make_ours() -> Callable[[], None]:
        model = MLP(2, [16, 16, 1], rng=np.random.default_rng(2), activation="relu")
        return mlp_step(Value, model, lambda out: out[0], points, labels)

    def make_theirs() -> Callable[[], None]:
        random.seed(2)  # micrograd initialises its weights from the global `random` module
        model = micrograd_nn.MLP(2, [16, 16, 1])
        return mlp_step(micrograd_engine.Value, model, lambda out: out, points, labels)

    ours, theirs = compare(make_ours, make_theirs)
    rows.append(row(names[1], ours, theirs, f"{POINTS} points, hinge loss + L2, one SGD step"))
    return rows
