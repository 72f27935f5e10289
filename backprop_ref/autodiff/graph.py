r"""Look inside a ``Value`` graph: trace tables, drawings, DOT export.

Teaching tools for graphs of a few dozen nodes:

- :func:`trace` lists every node (label, operation, inputs, value, local derivatives, gradient)
  as a :class:`Trace`, which prints as a plain-text table and renders as an HTML or Markdown
  table in a notebook;
- :func:`draw_graph` draws the graph left to right with each node's value and gradient;
- :func:`draw_backward_steps` shows the backward pass as small multiples, one panel per node;
- :func:`to_dot` exports Graphviz DOT text, for readers who have Graphviz.

The drawings use matplotlib, imported inside the functions, so the rest of the package needs numpy
only; no Graphviz binary is needed. Nodes are numbered ``#0, #1, ...`` in topological order (the
order of ``topological_order``), and every tool uses the same numbers.

Examples
--------
>>> from backprop_ref.autodiff import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x).tanh()
>>> y.label = "y"
>>> print(to_dot(y).splitlines()[-2])
  n1 -> n2;
"""

from __future__ import annotations

import html
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop_ref.autodiff.engine import Value, topological_order

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["Trace", "TraceRow", "draw_backward_steps", "draw_graph", "to_dot", "trace"]

# A node's box: its font size in points and its padding in units of the font size; edges are
# routed around boxes of this size (_box_half_size) before anything is drawn.
_BOX_FONTSIZE = 8
_BOX_PAD = 0.3
# Box colours of the drawings: leaves (inputs, parameters, constants), results of operations,
# and, in the backward steps, nodes whose gradient is final and the node being visited.
_LEAF_COLOR = "#dbe9f6"
_OP_COLOR = "#eeeeee"
_DONE_COLOR = "#d5efcf"
_CURRENT_COLOR = "#fdc086"


@dataclass(frozen=True)
class TraceRow:
    """One node of a :class:`Trace`.

    Attributes
    ----------
    index : int
        The node's position in topological order; other rows refer to it as ``#index``.
    label : str
        The node's label (``""`` if it has none).
    op : str
        The operation that made the node (``""`` for a leaf).
    parents : tuple of int
        The indices of the node's parents, in operand order.
    data : float
        The node's value.
    local_grads : tuple of float
        The local derivatives d(node)/d(parent), aligned with ``parents``.
    grad : float
        The node's gradient when the trace was taken.

    Examples
    --------
    >>> from backprop_ref.autodiff import Value
    >>> a = Value(3.0, label="a")
    >>> out = a * a
    >>> out.backward()
    >>> row = trace(out).rows[1]
    >>> row.op, row.parents, row.local_grads, row.grad
    ('*', (0, 0), (3.0, 3.0), 1.0)
    """

    index: int
    label: str
    op: str
    parents: tuple[int, ...]
    data: float
    local_grads: tuple[float, ...]
    grad: float


@dataclass(frozen=True)
class Trace:
    """A table of every node of a graph, in topological order: what :func:`trace` returns.

    Prints as a plain-text table (``str`` and ``repr``), and renders as an HTML table in a
    notebook (``_repr_html_``) or as Markdown (``_repr_markdown_``). The rows are plain data: for
    a pandas DataFrame, ``pandas.DataFrame(trace.rows)``.

    Attributes
    ----------
    rows : tuple of TraceRow
        One row per node in topological order (parents before children, the output last).

    Examples
    --------
    >>> from backprop_ref.autodiff import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> table = trace(y)
    >>> len(table), table.rows[-1].grad, table.rows[0].grad
    (2, 1.0, 6.0)
    """

    rows: tuple[TraceRow, ...]

    #: The column headings of the text, HTML and Markdown tables.
    COLUMNS = ("#", "label", "op", "inputs", "data", "local grads", "grad")

    def __len__(self) -> int:
        """Return the number of nodes."""
        return len(self.rows)

    def __iter__(self) -> Iterator[TraceRow]:
        """Iterate over the rows."""
        return iter(self.rows)

    def cells(self) -> list[tuple[str, ...]]:
        """Return the table as text cells, one tuple per row, in the order of ``COLUMNS``.

        Numbers are shown with 6 significant digits; inputs as ``#index``.

        Returns
        -------
        list of tuple of str
            The formatted rows (without the heading).

        Examples
        --------
        >>> from backprop_ref.autodiff import Value
        >>> a = Value(2.0, label="a")
        >>> trace(a + 1).cells()[-1]
        ('2', '', '+', '#0, #1', '3', '1, 1', '0')
        """
        return [
            (
                str(row.index),
                row.label,
                row.op,
                ", ".join(f"#{i}" for i in row.parents),
                _fmt(row.data, 6),
                ", ".join(_fmt(g, 6) for g in row.local_grads),
                _fmt(row.grad, 6),
            )
            for row in self.rows
        ]

    def __str__(self) -> str:
        cells = [self.COLUMNS, *self.cells()]
        widths = [max(len(row[j]) for row in cells) for j in range(len(self.COLUMNS))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """Render as an HTML table (used by Jupyter and MyST-NB)."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.cells()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_markdown_(self) -> str:
        """Render as a Markdown table."""

        def line(cells: tuple[str, ...]) -> str:
            return "| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |"

        rule = "|" + "|".join("---" for _ in self.COLUMNS) + "|"
        return "\n".join([line(self.COLUMNS), rule, *(line(row) for row in self.cells())])


def trace(root: Value) -> Trace:
    """Return a table of every node ``root`` depends on: label, operation, value, gradient.

    The gradients are those stored in the nodes when the trace is taken, so call
    ``root.backward()`` first to see d(root)/d(node).

    Parameters
    ----------
    root
        The output node.

    Returns
    -------
    Trace
        One row per node in topological order (parents before children, ``root`` last).

    Raises
    ------
    TypeError
        If ``root`` is not a Value.

    Examples
    --------
    >>> from backprop_ref.autodiff import Value
    >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
    >>> y = w * x + 1
    >>> y.label = "y"
    >>> y.backward()
    >>> trace(y)
    #  label  op  inputs  data  local grads  grad
    -  -----  --  ------  ----  -----------  ----
    0  w                  2                  3
    1  x                  3                  2
    2         *   #0, #1  6     3, 2         1
    3                     1                  1
    4  y      +   #2, #3  7     1, 1         1
    """
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    return Trace(
        tuple(
            TraceRow(
                index=i,
                label=node.label,
                op=node.op,
                parents=tuple(index[p] for p in node.parents),
                data=node.data,
                local_grads=node.local_grads,
                grad=node.grad,
            )
            for i, node in enumerate(order)
        )
    )


def to_dot(root: Value, *, show_local_grads: bool = False) -> str:
    r"""Return the graph of ``root`` as Graphviz DOT text (no Graphviz needed to produce it).

    One box per node, named ``n0, n1, ...`` in topological order and showing the node's label
    and operation, value and gradient; one edge per (parent, child) operand, so ``a + a`` has
    two edges from ``a``. Render it with ``dot -Tsvg graph.dot -o graph.svg`` or any DOT
    viewer.

    Parameters
    ----------
    root
        The output node.
    show_local_grads
        Label each edge with its local derivative d(child)/d(parent).

    Returns
    -------
    str
        A ``digraph`` laid out left to right.

    Raises
    ------
    TypeError
        If ``root`` is not a Value.

    Examples
    --------
    >>> from backprop_ref.autodiff import Value
    >>> a = Value(2.0, label="a")
    >>> print(to_dot(a * a))
    digraph autodiff {
      rankdir=LR;
      node [shape=box, fontname="Helvetica"];
      n0 [label="a\ndata 2\ngrad 0"];
      n1 [label="#1 (*)\ndata 4\ngrad 0"];
      n0 -> n1;
      n0 -> n1;
    }
    """
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    lines = [
        "digraph autodiff {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
    ]
    for i, node in enumerate(order):
        text = _box_text(node, i, node.grad).replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'  n{i} [label="{text.replace(chr(10), chr(92) + "n")}"];')
    for i, node in enumerate(order):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            attributes = f' [label="{_fmt(local)}"]' if show_local_grads else ""
            lines.append(f"  n{index[parent]} -> n{i}{attributes};")
    lines.append("}")
    return "\n".join(lines)


def draw_graph(
    root: Value,
    *,
    ax: Axes | None = None,
    show_local_grads: bool = False,
    max_nodes: int = 200,
) -> Axes:
    """Draw the graph of ``root`` left to right, with each node's value and gradient.

    Each node is a box showing its label (or ``#index``) and operation, its value and its
    gradient (as stored: call ``root.backward()`` first). The root is in the rightmost column
    and every other node one column left of its leftmost consumer, so inputs and constants
    appear next to where they are used. Leaves are blue, results of operations grey.
    Meant for teaching-size graphs; uses matplotlib only (no Graphviz).

    Parameters
    ----------
    root
        The output node.
    ax
        The Axes to draw in; a new figure sized to the graph is made if ``None``.
    show_local_grads
        Write each edge's local derivative d(child)/d(parent) at its middle.
    max_nodes
        Refuse graphs with more nodes than this (they would be unreadable, and slow).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn in. Each node is a text artist with ``gid`` ``"node:<index>"``; each edge
        a ``FancyArrowPatch`` with ``gid`` ``"edge:<parent>-><child>"``.

    Raises
    ------
    TypeError
        If ``root`` is not a Value.
    ValueError
        If the graph has more than ``max_nodes`` nodes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from backprop_ref.autodiff import Value
    >>> x, w = Value(2.0, label="x"), Value(3.0, label="w")
    >>> y = (w * x).tanh()
    >>> y.backward()
    >>> ax = draw_graph(y)
    >>> sum(1 for t in ax.texts if (t.get_gid() or "").startswith("node:"))
    4
    >>> plt.close(ax.figure)
    """
    order = topological_order(root)
    _check_size(len(order), max_nodes, "draw_graph")
    positions = _layout(order)
    if ax is None:
        import matplotlib.pyplot as plt

        columns = 1 + max(x for x, _ in positions.values())
        rows = 1 + max(y for _, y in positions.values()) - min(y for _, y in positions.values())
        _, ax = plt.subplots(figsize=(max(3.0, 1.9 * columns), max(2.0, 1.0 * rows + 0.6)))
    _draw(ax, order, positions, {node: _fmt(node.grad) for node in order}, {}, show_local_grads)
    return ax


def draw_backward_steps(
    root: Value,
    *,
    ncols: int = 4,
    figsize: tuple[float, float] | None = None,
    max_nodes: int = 40,
) -> Figure:
    r"""Draw the backward pass of ``root`` as small multiples: one panel per node visited.

    Panel ``k`` shows the graph after the backward pass has visited its first ``k`` nodes in
    reverse topological order: those nodes' gradients are final and filled in (green), the node
    being visited is highlighted (orange), and the nodes not visited yet show ``?``. (In
    :meth:`~backprop_ref.autodiff.engine.Value.backward` such a node's ``grad`` may already
    hold the shares of the consumers visited so far; the figure shows a gradient once the walk
    reaches its node.) Panel 1 is the seed,
    :math:`\partial\,\mathrm{root}/\partial\,\mathrm{root} = 1`.

    The gradients shown are computed here, as ``root.backward()`` would compute them from zero,
    without changing any node's ``grad``.

    Parameters
    ----------
    root
        The output node.
    ncols
        Panels per row.
    figsize
        The figure's (width, height) in inches; by default about 1.5 inches per column of the
        graph in each panel. Pass it here rather than resizing the figure afterwards: the
        edges are routed around the boxes for the size the panels are drawn at.
    max_nodes
        Refuse graphs with more nodes than this (one panel per node).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with one Axes per node (and blank ones to fill the last row).

    Raises
    ------
    TypeError
        If ``root`` is not a Value.
    ValueError
        If ``ncols < 1``, ``figsize`` is not two positive numbers, or the graph has more than
        ``max_nodes`` nodes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from backprop_ref.autodiff import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> fig = draw_backward_steps(a * b + a, ncols=2)
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['step 1: #3 (+)', 'step 2: #2 (*)']
    >>> plt.close(fig)
    """
    if ncols < 1:
        raise ValueError(f"draw_backward_steps: ncols must be >= 1, got {ncols}")
    if figsize is not None:
        sizes: tuple[object, ...] = tuple(figsize)
        if len(sizes) != 2 or not all(
            isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in sizes
        ):
            raise ValueError(
                "draw_backward_steps: figsize must be two positive numbers (width, height) in "
                f"inches, got {figsize!r}"
            )
    order = topological_order(root)
    _check_size(len(order), max_nodes, "draw_backward_steps")
    index = {node: i for i, node in enumerate(order)}

    # The backward pass of Value.backward, into a dict instead of the nodes' grad fields.
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            grads[parent] += local * grads[node]

    import matplotlib.pyplot as plt

    positions = _layout(order)
    columns = 1 + max(x for x, _ in positions.values())
    rows = 1 + max(y for _, y in positions.values()) - min(y for _, y in positions.values())
    nrows = -(-len(order) // ncols)
    panel = (max(2.5, 1.5 * columns), max(1.8, 0.85 * rows + 0.8))
    if figsize is None:
        figsize = (panel[0] * ncols, panel[1] * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    visit_order = order[::-1]
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < len(visit_order):
            current = visit_order[k]
            ax.set_title(f"step {k + 1}: {_name(current, index[current])}", fontsize=9)
    # Lay the panels out before drawing into them: edges are routed for the final panel sizes.
    fig.tight_layout()
    for k, ax in enumerate(axes.flat[: len(visit_order)]):
        done = set(visit_order[: k + 1])
        shown = {node: _fmt(grads[node]) if node in done else "?" for node in order}
        colors = dict.fromkeys(done, _DONE_COLOR)
        colors[visit_order[k]] = _CURRENT_COLOR
        _draw(ax, order, positions, shown, colors, False)
    return fig


# --------------------------------------------------------------------------------------------
# Helpers


def _fmt(x: float, digits: int = 4) -> str:
    """Format a number compactly for a table cell or a box."""
    return f"{x:.{digits}g}"


def _name(node: Value, i: int) -> str:
    """Return a node's name in drawings and titles: its label (or ``#index``) and operation."""
    name = node.label or f"#{i}"
    return f"{name} ({node.op})" if node.op else name


def _box_text(node: Value, i: int, grad: float | str) -> str:
    """Return the three lines of a node's box: name and operation, value, gradient."""
    shown = grad if isinstance(grad, str) else _fmt(grad)
    return f"{_name(node, i)}\ndata {_fmt(node.data)}\ngrad {shown}"


def _check_size(n: int, max_nodes: int, where: str) -> None:
    if n > max_nodes:
        raise ValueError(
            f"{where}: the graph has {n} nodes, more than max_nodes={max_nodes}; "
            "pass a larger max_nodes to draw it anyway"
        )


def _layout(order: list[Value]) -> dict[Value, tuple[int, float]]:
    """Place nodes in columns by depth and order each column to shorten the edges.

    Every node sits one column left of its leftmost consumer (the root is rightmost), so inputs
    and constants appear next to where they are used. Within a column nodes are 1 apart,
    centred on 0, and sorted by the mean position of their neighbours (a few sweeps of the
    barycentre heuristic).
    """
    consumers: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            consumers[parent].append(node)

    column: dict[Value, int] = {}
    for node in reversed(order):  # consumers first, so their columns are known
        users = consumers[node]
        column[node] = min(column[c] for c in users) - 1 if users else 0  # the root: 0
    leftmost = min(column.values())
    layers: dict[int, list[Value]] = {}
    for node in order:
        column[node] -= leftmost
        layers.setdefault(column[node], []).append(node)

    y: dict[Value, float] = {}

    def spread(layer: list[Value]) -> None:
        for j, node in enumerate(layer):
            y[node] = (len(layer) - 1) / 2 - j

    for layer in layers.values():
        spread(layer)
    for _ in range(4):
        for layer in layers.values():
            layer.sort(
                key=lambda node: (
                    -_mean([y[p] for p in node.parents] + [y[c] for c in consumers[node]], y[node])
                )
            )
            spread(layer)
    return {node: (column[node], y[node]) for node in order}


def _box_half_size(text: str, dpi: float) -> tuple[float, float]:
    """Return the half width and half height, in display units, of a node's box of ``text``.

    An estimate from the text alone (monospace characters about 0.6 of the font size wide, lines
    1.2 of it high), so that edges can be routed before anything is drawn.
    """
    lines = text.split("\n")
    padding = 2 * _BOX_PAD * _BOX_FONTSIZE
    points_wide = 0.6 * _BOX_FONTSIZE * max(len(line) for line in lines) + padding
    points_high = 1.2 * _BOX_FONTSIZE * len(lines) + padding
    return points_wide / 2 * dpi / 72, points_high / 2 * dpi / 72


def _bends(
    edges: list[tuple[Value, Value, float]],
    positions: Mapping[Value, tuple[int, float]],
    half_sizes: Mapping[Value, tuple[float, float]],
    x_scale: float,
    y_scale: float,
) -> list[float]:
    """Return the ``arc3`` bend of every edge: 0 between neighbouring columns, else a curve.

    An edge that skips columns bends below the straight line (positive ``rad``) by 0.6/span,
    unless bending above, or deeper (1.0/span), runs through fewer boxes or, on a tie, crosses
    fewer other edges. This keeps long edges, and the labels at their middles, off the boxes
    and edges in between.
    """

    def display(node: Value) -> tuple[float, float]:
        x, y = positions[node]
        return x * x_scale, y * y_scale

    rads = []
    for parent, node, _ in edges:
        span = positions[node][0] - positions[parent][0]
        if span <= 1:
            rads.append(0.0)
            continue
        start, end = display(parent), display(node)
        others = [
            (display(o), half_sizes[o]) for o in positions if o is not parent and o is not node
        ]
        segments = [  # the other edges, as straight lines, except those meeting this one
            (display(a), display(b)) for a, b, _ in edges if not {a, b} & {parent, node}
        ]
        # Bends of about the same depth for every span: below, above, then deeper ones.
        candidates = [depth * side / span for depth in (0.6, 1.0) for side in (1, -1)]
        costs = []
        for rank, rad in enumerate(candidates):
            points = _arc_points(start, end, rad)
            boxes_hit = sum(_runs_through(points, centre, half) for centre, half in others)
            crossings = sum(_crosses(points, a, b) for a, b in segments)
            costs.append((boxes_hit, crossings, rank))
        rads.append(candidates[min(costs)[2]])
    return rads


def _arc_points(
    start: tuple[float, float], end: tuple[float, float], rad: float, n: int = 24
) -> list[tuple[float, float]]:
    """Return ``n + 1`` points along matplotlib's ``arc3`` curve from ``start`` to ``end``."""
    (x0, y0), (x2, y2) = start, end
    cx, cy = (x0 + x2) / 2 + rad * (y2 - y0), (y0 + y2) / 2 - rad * (x2 - x0)  # control point
    points = []
    for k in range(n + 1):
        t = k / n
        points.append(
            (
                (1 - t) ** 2 * x0 + 2 * t * (1 - t) * cx + t**2 * x2,
                (1 - t) ** 2 * y0 + 2 * t * (1 - t) * cy + t**2 * y2,
            )
        )
    return points


def _runs_through(
    points: list[tuple[float, float]], centre: tuple[float, float], half: tuple[float, float]
) -> bool:
    """Return whether any of ``points`` lies inside the box at ``centre`` with ``half`` sizes."""
    return any(abs(x - centre[0]) < half[0] and abs(y - centre[1]) < half[1] for x, y in points)


def _crosses(
    points: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float]
) -> bool:
    """Return whether the polyline through ``points`` crosses the segment from ``a`` to ``b``."""

    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    for p, q in itertools.pairwise(points):
        if side(p, q, a) * side(p, q, b) < 0 and side(a, b, p) * side(a, b, q) < 0:
            return True
    return False


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _draw(
    ax: Axes,
    order: list[Value],
    positions: Mapping[Value, tuple[int, float]],
    grads: Mapping[Value, str],
    colors: Mapping[Value, str],
    show_local_grads: bool,
) -> None:
    """Draw the boxes and arrows of a laid-out graph into ``ax``."""
    from matplotlib.patches import FancyArrowPatch

    boxes: dict[Value, Text] = {}
    for i, node in enumerate(order):
        default = _LEAF_COLOR if node.is_leaf else _OP_COLOR
        boxes[node] = ax.text(
            *positions[node],
            _box_text(node, i, grads[node]),
            ha="center",
            va="center",
            fontsize=_BOX_FONTSIZE,
            family="monospace",
            gid=f"node:{i}",
            bbox={
                "boxstyle": f"round,pad={_BOX_PAD}",
                "facecolor": colors.get(node, default),
                "edgecolor": "#555555",
            },
            zorder=3,
        )
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    edges = [
        (parent, node, local)
        for node in order
        for parent, local in zip(node.parents, node.local_grads, strict=True)
    ]
    # An edge that skips columns bends (see _bends), so that it does not run through the boxes
    # in between; the limits leave room for the bends on the side they go.
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_axis_off()
    box = ax.get_window_extent()
    x_scale = box.width / (max(xs) - min(xs) + 1.2)  # display units per data unit
    y_scale = box.height / (max(ys) - min(ys) + 1.8)  # about right: bends need room somewhere
    half_sizes = {node: _box_half_size(boxes[node].get_text(), ax.figure.dpi) for node in order}
    rads = _bends(edges, positions, half_sizes, x_scale, y_scale)
    below, above = any(rad > 0 for rad in rads), any(rad < 0 for rad in rads)
    bottom, top = min(ys) - (1.2 if below else 0.6), max(ys) + (1.2 if above else 0.6)
    ax.set_ylim(bottom, top)
    y_scale = box.height / (top - bottom)  # exact now, to place labels on the bent edges

    index = {node: i for i, node in enumerate(order)}
    for (parent, node, local), rad in zip(edges, rads, strict=True):
        (x0, y0), (x1, y1) = positions[parent], positions[node]
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>",
                mutation_scale=10,
                color="#555555",
                linewidth=0.8,
                patchA=boxes[parent].get_bbox_patch(),
                patchB=boxes[node].get_bbox_patch(),
                gid=f"edge:{index[parent]}->{index[node]}",
                zorder=4,  # after the boxes, so it is clipped at their edges
            )
        )
        if show_local_grads:
            # The middle of an arc3 curve is the chord's midpoint moved by rad/2 times the
            # chord turned a quarter clockwise, in display units.
            ax.text(
                (x0 + x1) / 2 + rad / 2 * (y1 - y0) * y_scale / x_scale,
                (y0 + y1) / 2 - rad / 2 * (x1 - x0) * x_scale / y_scale,
                _fmt(local),
                ha="center",
                va="center",
                fontsize=7,
                color="#b2182b",
                gid="local_grad",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "linewidth": 0},
                zorder=5,
            )
