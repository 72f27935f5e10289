"""Speed of a training step of ``backprop_ref.nn`` against its own matrix products and PyTorch.

The step: forward through a 784-256-256-10 ReLU MLP, softmax cross-entropy, backward
(parameter gradients only, as PyTorch does for an input that does not require a gradient), and
plain SGD ``p -= lr * g`` in place, in float32.

Goals at batch 128 with 2 threads (report only at batch 1 and 1024, and with 1 thread):

* at most 1.3 times the bare matrix products the step must do: three forward products, three
  weight gradients and two input gradients, timed with ``out=`` into preallocated arrays;
* no slower than PyTorch on the CPU doing the same step with the same number of threads.

Two report rows show where the 1.3 budget goes: the same numpy operations written inline,
without modules or input checks (the floor for this sequence of numpy calls), and the eight
products followed by the SGD update alone (the part of the step no implementation can skip).

Every side is timed in blocks of about 50 ms (after a few untimed calls), the sides alternating
within each round in an order that rotates from round to round, and a ratio is the median over
rounds of the ratio within a round (robust to the load drifting on a shared machine); the times
quoted are medians.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from backprop_ref.nn import MLP, CrossEntropyLoss, Linear
from tests.benchmarks._harness import Row, pause_between_libraries

__all__ = ["collect"]

SIZES = (784, 256, 256, 10)
LR = 0.01
THREADS = 2
GOAL_BATCH = 128
REPORT_BATCHES = (1, 1024)
ROTATIONS = 8  # rounds per side: every side leads a round equally often


def _numpy_step(batch: int, rng: np.random.Generator) -> tuple[Callable[[], None], MLP]:
    """Return a backprop_ref training step at ``batch`` and the model it trains."""
    model = MLP(list(SIZES), activation="relu", rng=rng, dtype=np.float32)
    loss = CrossEntropyLoss()
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], size=batch)
    parameters, gradients = model.parameters(), model.gradients()

    def step() -> None:
        loss.forward(model.forward(x), labels)
        model.backward_parameters(loss.backward())
        for parameter, gradient in zip(parameters, gradients, strict=True):
            parameter -= LR * gradient

    return step, model


def _gemm_step(batch: int, rng: np.random.Generator) -> Callable[[], None]:
    """Return the eight bare matrix products of a step, on preallocated float32 arrays."""

    def array(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    x = array(batch, SIZES[0])
    w1, w2, w3 = array(SIZES[0], SIZES[1]), array(SIZES[1], SIZES[2]), array(SIZES[2], SIZES[3])
    h1, h2, out = array(batch, SIZES[1]), array(batch, SIZES[2]), array(batch, SIZES[3])
    d1, d2, d3 = array(batch, SIZES[1]), array(batch, SIZES[2]), array(batch, SIZES[3])
    g1, g2, g3 = np.empty_like(w1), np.empty_like(w2), np.empty_like(w3)

    def gemms() -> None:
        np.matmul(x, w1, out=h1)
        np.matmul(h1, w2, out=h2)
        np.matmul(h2, w3, out=out)
        np.matmul(h2.T, d3, out=g3)
        np.matmul(d3, w3.T, out=d2)
        np.matmul(h1.T, d2, out=g2)
        np.matmul(d2, w2.T, out=d1)
        np.matmul(x.T, d1, out=g1)

    return gemms


def _torch_step(
    batch: int, model: MLP, rng: np.random.Generator, threads: int
) -> Callable[[], None] | None:
    """Return the same step in PyTorch (same weights, same data), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    layers: list[Any] = []
    for layer in model:
        if isinstance(layer, Linear):
            linear = torch.nn.Linear(layer.in_features, layer.out_features)
            with torch.no_grad():  # the same weights; torch stores the transpose
                linear.weight.copy_(torch.from_numpy(layer.weight.T.copy()))
                if layer.bias is not None:
                    linear.bias.copy_(torch.from_numpy(layer.bias.copy()))
            layers.append(linear)
        else:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    parameters: list[Any] = list(net.parameters())
    x = torch.from_numpy(rng.standard_normal((batch, SIZES[0])).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, SIZES[-1], size=batch))

    def step() -> None:
        for parameter in parameters:
            parameter.grad = None  # what optimizer.zero_grad() does
        value: Any = torch.nn.functional.cross_entropy(net(x), labels)
        value.backward()
        with torch.no_grad():
            for parameter in parameters:
                parameter -= LR * parameter.grad

    return step


def _alternating_times(
    sides: dict[str, Callable[[], None]], *, rounds: int, number: int
) -> dict[str, list[float]]:
    """Time each side ``number`` times per round, alternating sides; return seconds per call.

    Entry ``r`` of every list comes from round ``r``, so the sides' times are paired: a ratio
    taken within a round compares runs made a few milliseconds apart, under the same load.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    for function in sides.values():  # warm up: caches, thread pools, lazy allocations
        for _ in range(max(2, number // 4)):
            function()
    previous_library = ""
    names = list(sides)
    for round_number in range(rounds):
        # Rotate the order, so that each side is as often the first after a pause.
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            function = sides[name]
            if (library := "torch" if name == "torch" else "numpy") != previous_library:
                pause_between_libraries(0.2)  # let the other library's BLAS threads go idle
            previous_library = library
            for _ in range(max(1, number // 10)):  # untimed: a warm cache and awake threads
                function()
            start = time.perf_counter()
            for _ in range(number):
                function()
            times[name].append((time.perf_counter() - start) / number)
    return times


def _paired_ratio(times: dict[str, list[float]], numerator: str, denominator: str) -> float:
    """Return the median over rounds of ``numerator``'s time divided by ``denominator``'s.

    On a shared machine the load drifts over seconds; the ratio of two medians taken over the
    whole run mixes rounds made under different loads, the median of per-round ratios does not.
    """
    pairs = zip(times[numerator], times[denominator], strict=True)
    return float(np.median([a / b for a, b in pairs]))


def _inlined_step(batch: int, model: MLP, rng: np.random.Generator) -> Callable[[], None]:
    """Return the numpy operations of ``_numpy_step`` written inline, on copies of the weights.

    No modules, no input checks: the floor for this sequence of numpy calls, reported so the
    distance between the library and what plain numpy can do is visible.
    """
    f32 = np.float32
    x = rng.standard_normal((batch, SIZES[0])).astype(f32)
    labels = rng.integers(0, SIZES[-1], size=batch)
    w1, b1, w2, b2, w3, b3 = parameters = [p.copy() for p in model.parameters()]
    gradients = [np.zeros_like(p) for p in parameters]
    g1, gb1, g2, gb2, g3, gb3 = gradients
    zeros = np.zeros((batch, SIZES[1]), dtype=f32)
    rows = np.arange(batch)

    def step() -> None:
        h1 = x @ w1
        h1 += b1
        s1 = (h1 > 0).astype(f32)
        np.maximum(h1, zeros, out=h1)
        h2 = h1 @ w2
        h2 += b2
        s2 = (h2 > 0).astype(f32)
        np.maximum(h2, zeros, out=h2)
        logits = h2 @ w3
        logits += b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        if not math.isfinite((np.log(total[:, 0]) - shifted[rows, labels]).sum() / batch):
            raise FloatingPointError("the loss is not finite")
        e /= total
        delta = e / batch
        delta[rows, labels] -= 1 / batch
        np.matmul(h2.T, delta, out=g3)
        np.sum(delta, axis=0, out=gb3)
        d2 = delta @ w3.T
        d2 *= s2
        np.matmul(h1.T, d2, out=g2)
        np.sum(d2, axis=0, out=gb2)
        d1 = d2 @ w2.T
        d1 *= s1
        np.matmul(x.T, d1, out=g1)
        np.sum(d1, axis=0, out=gb1)
        for parameter, gradient in zip(parameters, gradients, strict=True):
            parameter -= LR * gradient

    return step


def _gemm_and_update_step(batch: int, model: MLP, rng: np.random.Generator) -> Callable[[], None]:
    """Return the eight bare products followed by the SGD update of every parameter.

    Everything else in a step (bias, ReLU, loss, checks) is left out: this is the part of the
    step that any implementation with a separate optimizer step has to do.
    """
    gemms = _gemm_step(batch, rng)
    parameters = [p.copy() for p in model.parameters()]
    gradients = [rng.standard_normal(p.shape).astype(p.dtype) for p in parameters]

    def step() -> None:
        gemms()
        for parameter, gradient in zip(parameters, gradients, strict=True):
            parameter -= LR * gradient

    return step


def _rows_for_batch(batch: int, threads: int, *, goals: bool) -> list[Row]:
    rng = np.random.default_rng(batch)
    ours, model = _numpy_step(batch, rng)
    sides = {"ours": ours, "gemm": _gemm_step(batch, rng)}
    if goals:
        sides["inlined"] = _inlined_step(batch, model, rng)
        sides["gemm+update"] = _gemm_and_update_step(batch, model, rng)
    torch_step = _torch_step(batch, model, rng, threads)
    if torch_step is not None:
        sides["torch"] = torch_step
    number = {1: 400, 128: 40, 1024: 6}.get(batch, 20)  # blocks of about 50 ms
    times = _alternating_times(sides, rounds=ROTATIONS * len(sides), number=number)
    medians = {name: float(np.median(values)) for name, values in times.items()}

    label = f"batch {batch}, f32" + ("" if threads == THREADS else f", {threads} thread")
    ours_ms = medians["ours"] * 1e3
    ratio = _paired_ratio(times, "ours", "gemm")
    rows = [
        Row(
            name=f"nn: MLP step / bare GEMMs ({label})",
            value=ratio,
            unit="x",
            goal="<= 1.3" if goals else "",
            met=(ratio <= 1.3) if goals else None,
            detail=f"step {ours_ms:.3f} ms, 8 GEMMs {medians['gemm'] * 1e3:.3f} ms, "
            f"{threads} thread(s)",
        )
    ]
    floors = {  # report rows: where the budget goes
        "inlined": ("same numpy ops inlined", "the floor without modules and input checks"),
        "gemm+update": ("GEMMs + SGD update only", "the products and p -= lr * g, nothing else"),
    }
    for side, (what, meaning) in floors.items():
        if side in medians:
            rows.append(
                Row(
                    name=f"nn: {what} / bare GEMMs ({label})",
                    value=_paired_ratio(times, side, "gemm"),
                    unit="x",
                    detail=f"{side} {medians[side] * 1e3:.3f} ms: {meaning}",
                )
            )
    name = f"nn: MLP step / PyTorch ({label})"
    if "torch" not in medians:
        rows.append(Row(name, float("nan"), "x", detail="torch not installed: not measured"))
    else:
        versus = _paired_ratio(times, "ours", "torch")
        rows.append(
            Row(
                name=name,
                value=versus,
                unit="x",
                goal="<= 1" if goals else "",
                met=(versus <= 1.0) if goals else None,
                detail=f"step {ours_ms:.3f} ms, torch {medians['torch'] * 1e3:.3f} ms, "
                f"{threads} thread(s) each",
            )
        )
    return rows


def _thread_limits(threads: int) -> contextlib.AbstractContextManager[object]:
    """Limit numpy's BLAS to ``threads`` threads (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # numpy then uses its default, all cores (2 on the bench machine)
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(
        limits=threads, user_api="blas"
    )
    return limits


def collect() -> list[Row]:
    """Time the training step at batch 128 (goals), 1 and 1024, and with one thread (report)."""
    rows = []
    with _thread_limits(THREADS):
        rows.extend(_rows_for_batch(GOAL_BATCH, THREADS, goals=True))
        for batch in REPORT_BATCHES:
            rows.extend(_rows_for_batch(batch, THREADS, goals=False))
    with _thread_limits(1):
        rows.extend(_rows_for_batch(GOAL_BATCH, 1, goals=False))
    return rows
