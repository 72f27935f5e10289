"""Small timing harness shared by the benchmark modules.

Speed goals are ratios measured in one run: both sides of a comparison are timed in the same
process, alternating, and each figure is the median of repeated runs, because these machines are
shared and noisy. Nothing here asserts; :mod:`tests.benchmarks.run` prints every row and says
whether its goal was met.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Row", "median_seconds", "pause_between_libraries"]


@dataclass(frozen=True)
class Row:
    """One line of the benchmark report.

    Parameters
    ----------
    name
        What was measured, e.g. ``"autodiff: MLP step vs micrograd"``.
    value
        The measured figure (a ratio or a time).
    unit
        Unit of ``value``: ``"x"`` for ratios, ``"s"`` or ``"ms"`` for times.
    goal
        The target as text, e.g. ``">= 3"`` or ``"<= 1.3"``; empty when the row only reports.
    met
        Whether the goal was met; ``None`` for report-only rows.
    detail
        The medians behind a ratio, or any other context a reader needs.
    """

    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    detail: str = ""


def median_seconds(
    function: Callable[[], object],
    *,
    repeat: int = 7,
    number: int = 1,
    warmup: int = 1,
) -> float:
    """Return the median wall time of ``number`` calls of ``function``, over ``repeat`` runs.

    Parameters
    ----------
    function
        The work to time; called ``warmup + repeat * number`` times.
    repeat
        How many timed runs to take the median of.
    number
        Calls per timed run (the result is divided by it).
    warmup
        Untimed calls made first (caches, lazy imports, BLAS thread start-up).

    Returns
    -------
    float
        Median seconds per call.
    """
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def pause_between_libraries(seconds: float = 0.2) -> None:
    """Let one library's spinning BLAS threads go idle before timing another's.

    On a 2-core machine, OpenBLAS or MKL worker threads keep spinning for a short while after a
    call returns, which slows whatever runs next. Also collects garbage, so the next block does
    not pay for the previous block's cycles.
    """
    gc.collect()
    time.sleep(seconds)
