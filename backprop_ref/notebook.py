r"""Helpers shared by the notebook pages: glue, tables, number formats, colours, figure style.

Nothing here needs the docs toolchain (:func:`glue` falls back to displaying the value), and
IPython and matplotlib are imported only where used, so a downloaded notebook runs anywhere.

Files to copy: ``backprop_ref/notebook.py``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable, Sequence
from typing import Any, SupportsFloat

__all__ = [
    "BLACK",
    "BLUE",
    "GREEN",
    "OKABE_ITO",
    "ORANGE",
    "PURPLE",
    "SKY",
    "STYLE",
    "VERMILLION",
    "YELLOW",
    "Markdown",
    "fmt",
    "glue",
    "glue_number",
    "markdown_table",
    "sci",
    "use_style",
]

BLACK = "#000000"  #: Okabe-Ito black.
ORANGE = "#E69F00"  #: Okabe-Ito orange.
SKY = "#56B4E9"  #: Okabe-Ito sky blue.
GREEN = "#009E73"  #: Okabe-Ito bluish green.
YELLOW = "#F0E442"  #: Okabe-Ito yellow.
BLUE = "#0072B2"  #: Okabe-Ito blue.
VERMILLION = "#D55E00"  #: Okabe-Ito vermillion.
PURPLE = "#CC79A7"  #: Okabe-Ito reddish purple.
#: The eight Okabe-Ito colours in their published order.
OKABE_ITO = (BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE)

#: The matplotlib settings of every figure on the site (see :func:`use_style`).
STYLE: dict[str, Any] = {"font.size": 11, "axes.spines.top": False, "axes.spines.right": False}


class Markdown:
    """The markdown source ``data``, which Jupyter renders (like ``IPython.display.Markdown``).

    Examples
    --------
    >>> print(Markdown("**bold**"))
    **bold**
    """

    def __init__(self, data: str) -> None:
        self.data = data

    def _repr_markdown_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return f"Markdown({self.data!r})"


def glue(name: str, value: object, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the page's prose, or just display it.

    With MyST-NB installed (the site build) this is ``myst_nb.glue``; without it, ``value`` (a
    number, string, :class:`Markdown` or figure) is shown when ``display`` is true, with
    ``IPython.display.display`` or, outside IPython, ``print``.

    Examples
    --------
    >>> glue("answer", 42)
    42
    >>> glue("answer", 42, display=False)
    """
    try:
        myst_nb = importlib.import_module("myst_nb")
    except ImportError:
        if display:
            _display(value)
        return
    myst_nb.glue(name, value, display=display)


def _display(value: object) -> None:
    """Show ``value`` with IPython's rich display, or print it when IPython is missing."""
    try:
        ipython_display = importlib.import_module("IPython.display")
    except ImportError:
        print(value)  # noqa: T201 (the plain-Python stand-in for a cell's output)
    else:
        ipython_display.display(value)


def glue_number(name: str, value: SupportsFloat) -> None:
    """Glue a Python or numpy number as a float, so that format specs such as ``:.3f`` apply.

    Examples
    --------
    >>> import numpy as np
    >>> glue_number("loss", np.float32(0.25))
    """
    glue(name, float(value), display=False)


def markdown_table(
    header: Sequence[object], rows: Iterable[Sequence[object]], left: int = 1
) -> Markdown:
    """Return a markdown table, the first ``left`` columns left-aligned and the rest right.

    ``header`` holds the column titles, ``rows`` the cells row by row (each written with
    :class:`str`); ``left=len(header)`` left-aligns every column, ``left=0`` none.

    Examples
    --------
    >>> print(markdown_table(["h", "error"], [(0.1, "2.5e-03"), (0.01, "2.5e-05")]))
    | h | error |
    | :--- | ---: |
    | 0.1 | 2.5e-03 |
    | 0.01 | 2.5e-05 |
    """
    align = [" :--- |" if column < left else " ---: |" for column in range(len(header))]
    lines = ["| " + " | ".join(str(title) for title in header) + " |", "|" + "".join(align)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def sci(value: SupportsFloat, digits: int = 1) -> Markdown:
    r"""Return ``value`` as inline math ``$m \times 10^{e}$``, for a ``{glue:md}`` role.

    The mantissa ``m`` has ``digits`` decimals; ``nan`` and infinities are written as they are.

    Examples
    --------
    >>> print(sci(2.220446049250313e-16))
    $2.2 \times 10^{-16}$
    """
    number = float(value)
    if not math.isfinite(number):
        return Markdown(f"${number}$")
    mantissa, exponent = f"{number:.{digits}e}".split("e")
    return Markdown(f"${mantissa} \\times 10^{{{int(exponent)}}}$")


def fmt(value: SupportsFloat, digits: int = 4) -> str:
    """Format a number (a numpy scalar included) with ``digits`` decimals, never as ``-0.0``.

    Examples
    --------
    >>> fmt(-0.0), fmt(2 / 3), fmt(2 / 3, 2)
    ('0.0000', '0.6667', '0.67')
    """
    return f"{float(value) + 0.0:.{digits}f}"


def use_style(rc: dict[str, Any] | None = None) -> None:
    """Apply the site's figure style (:data:`STYLE`) to matplotlib, or to the dictionary ``rc``.

    ``rc=None`` means ``matplotlib.rcParams`` (matplotlib, the ``[plot]`` extra, is imported here).

    Examples
    --------
    >>> settings = {"font.size": 10, "lines.linewidth": 2}
    >>> use_style(settings)
    >>> settings["font.size"], settings["axes.spines.top"], settings["lines.linewidth"]
    (11, False, 2)
    """
    if rc is not None:
        rc.update(STYLE)
        return
    import matplotlib.style

    matplotlib.style.use(STYLE)
