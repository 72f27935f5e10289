"""Optimizer steps of backprop_ref.optim against torch.optim on one large float32 parameter.

Goal (from the optimizer issue): an Adam step on one 1,000,000-element float32 parameter takes at
most 1.5x as long as ``torch.optim.Adam``'s default implementation (on CPU, the single-tensor
loop: PyTorch turns ``foreach`` on by default only on accelerators) on the same number of
threads. numpy's element-wise ufuncs run on one thread, so the goal row pins both sides to one
thread (``torch.set_num_threads`` and threadpoolctl).

Report-only rows, for context: AdamW and SGD with momentum measured the same way, and Adam with
torch on every core. SGD's step is only a few passes over memory, and numpy has no fused
``a += c * b`` (torch's ``add_(b, alpha=c)``), so its ratio is structurally higher: four passes
against torch's three, plus our finiteness check.

Our step includes its input checks (shape, dtype, finiteness of the gradient), which torch's does
not do.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import numpy as np

from backprop_ref.optim import SGD, Adam, AdamW, Optimizer
from tests.benchmarks._harness import Row, median_seconds, pause_between_libraries

__all__ = ["collect"]

SIZE = 1_000_000
GOAL = 1.5
ROUNDS = 5  # alternating blocks per library; each figure is the median over rounds and repeats

# name, our optimizer, the torch.optim class of the same name, shared keyword arguments, and
# whether the row carries the goal
CASES: list[tuple[str, Callable[..., Optimizer], str, dict[str, Any], bool]] = [
    ("Adam", Adam, "Adam", {"lr": 1e-3}, True),
    ("AdamW", AdamW, "AdamW", {"lr": 1e-3, "weight_decay": 1e-2}, False),
    ("SGD momentum", SGD, "SGD", {"lr": 1e-3, "momentum": 0.9}, False),
]


def _time_alternating(
    ours: Callable[[], object], theirs: Callable[[], object]
) -> tuple[float, float]:
    """Median seconds per call of each, timed in alternating blocks with pauses in between."""
    ours_times, theirs_times = [], []
    for _ in range(ROUNDS):
        ours_times.append(median_seconds(ours, repeat=9, number=5))
        pause_between_libraries()
        theirs_times.append(median_seconds(theirs, repeat=9, number=5))
        pause_between_libraries()
    return statistics.median(ours_times), statistics.median(theirs_times)


def _compare(
    torch: Any, ours_class: Callable[..., Optimizer], torch_name: str, kwargs: dict[str, Any]
) -> tuple[float, float]:
    """Median seconds of one step of ours and of torch's, same data, same hyperparameters."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=SIZE).astype(np.float32)
    grad = rng.normal(size=SIZE).astype(np.float32)

    param = start.copy()
    opt = ours_class([param], **kwargs)
    grads = [grad]

    tensor = torch.tensor(start, requires_grad=True)
    tensor.grad = torch.tensor(grad)
    torch_opt = getattr(torch.optim, torch_name)([tensor], **kwargs)  # default implementation

    return _time_alternating(lambda: opt.step(grads), torch_opt.step)


def _row(name: str, ours: float, theirs: float, threads: int, goal: bool) -> Row:
    ratio = ours / theirs
    return Row(
        name=f"optim: {name} step (1e6 float32) vs torch, {threads} thread(s)",
        value=ratio,
        unit="x",
        goal=f"<= {GOAL}" if goal else "",
        met=(ratio <= GOAL) if goal else None,
        detail=f"median step: ours {ours * 1e3:.3f} ms, torch {theirs * 1e3:.3f} ms",
    )


def collect() -> list[Row]:
    """Time one step of each optimizer on both sides and return the ratios (ours / torch)."""
    try:
        import torch
    except ImportError:
        return [
            Row(
                name=f"optim: {name} step (1e6 float32) vs torch",
                value=float("nan"),
                unit="x",
                goal=f"<= {GOAL}" if goal else "",
                met=None,
                detail="PyTorch not installed: pip install torch==2.13.0 to measure",
            )
            for name, *_, goal in CASES
        ]
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # numpy's element-wise work is single-threaded anyway
        threadpool_limits = None

    rows = []
    previous_threads = torch.get_num_threads()
    try:
        all_cores = os.cpu_count() or 1
        for threads, cases in [(1, CASES), (all_cores, CASES[:1] if all_cores > 1 else [])]:
            torch.set_num_threads(threads)
            limits = threadpool_limits(limits=threads) if threadpool_limits else nullcontext()
            with limits:
                for name, ours_class, torch_name, kwargs, goal in cases:
                    ours, theirs = _compare(torch, ours_class, torch_name, kwargs)
                    rows.append(_row(name, ours, theirs, threads, goal and threads == 1))
    finally:
        torch.set_num_threads(previous_threads)
    return rows
