r"""Helpers shared by the notebook pages: glue, tables, number formats, colours, figure style.

Every page of the site imports these instead of defining its own copies. Nothing here needs the
docs toolchain: :func:`glue` hands a value to MyST-NB when it is installed (the site build) and
otherwise just displays it, so a notebook downloaded from the site runs in plain Jupyter or Colab
after ``pip install backprop_ref[plot]``. IPython and matplotlib are imported inside the functions
that use them, so the module itself imports with the standard library alone.

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

# The Okabe-Ito palette: distinguishable with the common forms of colour blindness.
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
    """Markdown text that Jupyter renders as such (like ``IPython.display.Markdown``).

    Parameters
    ----------
    data
        The markdown source.

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

    With MyST-NB installed (the site build) this is ``myst_nb.glue``, which the
    ``{glue:text}`` roles of the page read. Without it (a downloaded notebook in plain Jupyter)
    the value is displayed when ``display`` is true, with ``IPython.display.display`` (or
    ``print`` outside IPython), and nothing happens otherwise.

    Parameters
    ----------
    name
        The key the page's glue roles and directives refer to.
    value
        What to store: a number, a string, a :class:`Markdown`, a figure.
    display
        Whether to show the value in the cell's output as well (default ``True``).

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
    """Glue a number as a Python float, so that format specs such as ``:.3f`` apply to it.

    Parameters
    ----------
    name
        The key the page's glue roles refer to.
    value
        A Python or numpy number (a float32 or a 0-d array included).

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

    Parameters
    ----------
    header
        The column titles.
    rows
        The cells, row by row; each cell is written with :class:`str`.
    left
        How many columns, from the first, are left-aligned (text; default 1); the others are
        right-aligned (numbers). ``len(header)`` left-aligns them all, 0 none.

    Returns
    -------
    Markdown
        The table, which Jupyter and the site render.

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
    r"""Format a number as inline math in scientific notation, e.g. $1.5 \times 10^{-8}$.

    Parameters
    ----------
    value
        The number; ``nan`` and infinities are written as they are.
    digits
        Digits of the mantissa after the decimal point (default 1).

    Returns
    -------
    Markdown
        ``$mantissa \times 10^{exponent}$``, for a ``{glue:md}`` role in the prose.

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
    """Format a number with a fixed number of decimals for a table, never as ``-0.0``.

    Parameters
    ----------
    value
        The number (a numpy scalar included).
    digits
        Digits after the decimal point (default 4).

    Returns
    -------
    str
        The number as text.

    Examples
    --------
    >>> fmt(-0.0), fmt(2 / 3), fmt(2 / 3, 2)
    ('0.0000', '0.6667', '0.67')
    """
    return f"{float(value) + 0.0:.{digits}f}"


def use_style(rc: dict[str, Any] | None = None) -> None:
    """Apply the site's figure style (:data:`STYLE`) to matplotlib, or to the dictionary ``rc``.

    Parameters
    ----------
    rc
        Where to write the settings; ``None`` (the default) means ``matplotlib.rcParams``
        (matplotlib is the ``[plot]`` extra and is imported only here).

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
