r"""Draw a ``Value`` graph with matplotlib: the graph, and its backward pass step by step.

:func:`draw_graph` draws the graph left to right, one box per node with its value and gradient;
:func:`draw_backward_steps` draws the backward pass as small multiples, one panel per node. Both
are drawn from a :func:`~backprop_ref.autodiff.trace.trace`, so the nodes are numbered as in the
trace tables. Edges that skip columns bend around the boxes in between, so long edges and the
local derivatives written at their middles stay readable. No Graphviz needed.

Files to copy: ``backprop_ref/autodiff/drawing.py``, ``backprop_ref/autodiff/trace.py``,
``backprop_ref/autodiff/engine.py``, ``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from backprop_ref._checks import check_int, check_positive
from backprop_ref.autodiff.trace import TraceRow, Value, format_number, trace

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["draw_backward_steps", "draw_graph"]

Point = tuple[float, float]
# A node's box: font size in points, padding in font sizes; edges are routed around boxes of
# this size (_box_half_size) before anything is drawn.
_BOX_FONTSIZE = 8
_BOX_PAD = 0.3
# Leaves, results of operations, and (in the backward steps) finished and current nodes.
_LEAF_COLOR = "#dbe9f6"
_OP_COLOR = "#eeeeee"
_DONE_COLOR = "#d5efcf"
_CURRENT_COLOR = "#fdc086"


def draw_graph(
    root: Value, *, ax: Axes | None = None, show_local_grads: bool = False, max_nodes: int = 200
) -> Axes:
    """Draw the graph of ``root`` left to right, with each node's value and gradient.

    The root is in the rightmost column, every other node one column left of its leftmost
    consumer; leaves are blue, results of operations grey. Gradients are as stored: call
    ``root.backward()`` first.

    Parameters
    ----------
    root, ax
        The output node; the Axes to draw in (a new figure sized to the graph if ``None``).
    show_local_grads
        Write each edge's local derivative d(child)/d(parent) at its middle.
    max_nodes
        Refuse larger graphs (they would be unreadable, and slow).

    Returns
    -------
    matplotlib.axes.Axes
        Each node a text artist with gid ``"node:<index>"``, each edge a ``FancyArrowPatch``
        with gid ``"edge:<parent>-><child>"``. Raises ``TypeError`` if ``root`` is not a Value
        and ``ValueError`` if the graph has more than ``max_nodes`` nodes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> x, w = Value(2.0, label="x"), Value(3.0, label="w")
    >>> ax = draw_graph((w * x).tanh())
    >>> sum(1 for t in ax.texts if (t.get_gid() or "").startswith("node:"))
    4
    """
    rows = trace(root).rows
    _check_size(len(rows), max_nodes, "draw_graph")
    positions = _layout(rows)
    if ax is None:
        import matplotlib.pyplot as plt

        columns, height = _extent(positions)
        _, ax = plt.subplots(figsize=(max(3.0, 1.9 * columns), max(2.0, 1.0 * height + 0.6)))
    _draw(ax, rows, positions, [row.box_text() for row in rows], {}, show_local_grads)
    return ax


def draw_backward_steps(
    root: Value, *, ncols: int = 4, figsize: tuple[float, float] | None = None, max_nodes: int = 40
) -> Figure:
    r"""Draw the backward pass of ``root`` as small multiples: one panel per node visited.

    Panel ``k`` shows the graph after the backward pass has visited its first ``k`` nodes in
    reverse topological order: their gradients are final (green), the node being visited is
    orange, the others show ``?``; panel 1 is the seed :math:`\partial\,\mathrm{root} /
    \partial\,\mathrm{root} = 1`. The gradients are a fresh ``root.backward()``'s; no node's
    ``grad`` changes.

    Parameters
    ----------
    root, ncols
        The output node; the panels per row.
    figsize
        The figure's (width, height) in inches, given here: edges are routed for the size.
    max_nodes
        Refuse graphs with more nodes than this (one panel per node).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per node, and blank ones to fill the last row. Raises ``TypeError`` if ``root``
        is not a Value or ``ncols`` not an int, and ``ValueError`` if ``ncols < 1``, ``figsize``
        is not two positive numbers, or the graph has more than ``max_nodes`` nodes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> fig = draw_backward_steps(a * b + a, ncols=2)
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['step 1: #3 (+)', 'step 2: #2 (*)']
    """
    ncols = check_int("ncols", ncols, minimum=1, owner="draw_backward_steps")
    if figsize is not None:
        figsize = _check_figsize(figsize)
    rows = trace(root, backward=True).rows
    _check_size(len(rows), max_nodes, "draw_backward_steps")
    import matplotlib.pyplot as plt

    positions = _layout(rows)
    columns, height = _extent(positions)
    nrows = -(-len(rows) // ncols)
    if figsize is None:
        figsize = (max(2.5, 1.5 * columns) * ncols, max(1.8, 0.85 * height + 0.8) * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    visits = rows[::-1]
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < len(visits):
            ax.set_title(f"step {k + 1}: {visits[k].name}", fontsize=9)
    fig.tight_layout()  # before drawing: edges are routed for the final panel sizes
    for k, ax in enumerate(axes.flat[: len(visits)]):
        done = {row.index for row in visits[: k + 1]}
        texts = [row.box_text(None if row.index in done else "?") for row in rows]
        colors = dict.fromkeys(done, _DONE_COLOR) | {visits[k].index: _CURRENT_COLOR}
        _draw(ax, rows, positions, texts, colors, False)
    return fig


def _check_size(n: int, max_nodes: int, where: str) -> None:
    if n > max_nodes:
        raise ValueError(
            f"{where}: the graph has {n} nodes, more than max_nodes={max_nodes}; "
            "pass a larger max_nodes to draw it anyway"
        )


def _check_figsize(figsize: object) -> tuple[float, float]:
    try:
        width, height = (check_positive("figsize", v) for v in figsize)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(
            "draw_backward_steps: figsize must be two positive numbers (width, height) in "
            f"inches, got {figsize!r}"
        ) from None
    return width, height


# --- layout: columns by depth, rows ordered to shorten the edges ------------------------------


def _layout(rows: tuple[TraceRow, ...]) -> dict[int, Point]:
    """Return each node's (column, height), by node index.

    Every node sits one column left of its leftmost consumer (the root is rightmost). Within a
    column nodes are 1 apart, centred on 0, ordered by the mean height of their neighbours (a
    few sweeps of the barycentre heuristic).
    """
    consumers: dict[int, list[int]] = {row.index: [] for row in rows}
    for row in rows:
        for parent in row.parents:
            consumers[parent].append(row.index)
    column: dict[int, int] = {}
    for row in reversed(rows):  # consumers first, so their columns are known
        users = consumers[row.index]
        column[row.index] = min(column[c] for c in users) - 1 if users else 0  # the root: 0
    leftmost = min(column.values())
    layers: dict[int, list[int]] = {}
    for row in rows:
        layers.setdefault(column[row.index] - leftmost, []).append(row.index)

    y: dict[int, float] = {}

    def spread(layer: list[int]) -> None:
        for j, i in enumerate(layer):
            y[i] = (len(layer) - 1) / 2 - j

    def neighbours_mean(i: int) -> float:
        heights = [y[p] for p in rows[i].parents] + [y[c] for c in consumers[i]]
        return sum(heights) / len(heights) if heights else y[i]

    for layer in layers.values():
        spread(layer)
    for _ in range(4):
        for layer in layers.values():
            layer.sort(key=lambda i: -neighbours_mean(i))
            spread(layer)
    return {row.index: (column[row.index] - leftmost, y[row.index]) for row in rows}


def _extent(positions: Mapping[int, Point]) -> tuple[int, float]:
    """Return the number of columns and the height (in rows) of a layout."""
    ys = [y for _, y in positions.values()]
    return 1 + int(max(x for x, _ in positions.values())), 1 + max(ys) - min(ys)


# --- edge routing: bend long edges around the boxes in between --------------------------------


def _box_half_size(text: str, dpi: float) -> Point:
    """Estimate the half width and height, in display units, of a node's box of ``text``."""
    # Monospace characters are about 0.6 of the font size wide, lines 1.2 of it high.
    lines = text.split("\n")
    padding = 2 * _BOX_PAD * _BOX_FONTSIZE
    points_wide = 0.6 * _BOX_FONTSIZE * max(len(line) for line in lines) + padding
    points_high = 1.2 * _BOX_FONTSIZE * len(lines) + padding
    return points_wide / 2 * dpi / 72, points_high / 2 * dpi / 72


def _bends(
    edges: list[tuple[int, int, float]],
    positions: Mapping[int, Point],
    half_sizes: Mapping[int, Point],
    scales: Point,
) -> list[float]:
    """Return the ``arc3`` bend of every edge: 0 between neighbouring columns, else a curve.

    An edge that skips columns bends below the straight line (positive ``rad``) by 0.6/span,
    unless bending above, or deeper (1.0/span), runs through fewer boxes or, on a tie, crosses
    fewer other edges: this keeps long edges, and the labels at their middles, off the boxes
    in between. ``scales`` are display units per data unit, along x and y.
    """
    display = {i: (x * scales[0], y * scales[1]) for i, (x, y) in positions.items()}
    rads = []
    for parent, node, _ in edges:
        span = positions[node][0] - positions[parent][0]
        if span <= 1:
            rads.append(0.0)
            continue
        start, end = display[parent], display[node]
        others = [(display[o], half_sizes[o]) for o in display if o not in (parent, node)]
        segments = [  # the other edges, as straight lines, except those meeting this one
            (display[a], display[b]) for a, b, _ in edges if not {a, b} & {parent, node}
        ]
        candidates = [depth * side / span for depth in (0.6, 1.0) for side in (1, -1)]
        costs = []
        for rank, rad in enumerate(candidates):
            points = _arc_points(start, end, rad)
            boxes_hit = sum(_runs_through(points, centre, half) for centre, half in others)
            crossings = sum(_crosses(points, a, b) for a, b in segments)
            costs.append((boxes_hit, crossings, rank))
        rads.append(candidates[min(costs)[2]])
    return rads


def _arc_points(start: Point, end: Point, rad: float, n: int = 24) -> list[Point]:
    """Return ``n + 1`` points along matplotlib's ``arc3`` curve from ``start`` to ``end``."""
    (x0, y0), (x2, y2) = start, end
    cx, cy = (x0 + x2) / 2 + rad * (y2 - y0), (y0 + y2) / 2 - rad * (x2 - x0)  # control point
    return [
        (
            (1 - t) ** 2 * x0 + 2 * t * (1 - t) * cx + t**2 * x2,
            (1 - t) ** 2 * y0 + 2 * t * (1 - t) * cy + t**2 * y2,
        )
        for t in (k / n for k in range(n + 1))
    ]


def _runs_through(points: list[Point], centre: Point, half: Point) -> bool:
    """Return whether any of ``points`` lies inside the box at ``centre`` with ``half`` sizes."""
    return any(abs(x - centre[0]) < half[0] and abs(y - centre[1]) < half[1] for x, y in points)


def _crosses(points: list[Point], a: Point, b: Point) -> bool:
    """Return whether the polyline through ``points`` crosses the segment from ``a`` to ``b``."""

    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return any(
        side(p, q, a) * side(p, q, b) < 0 and side(a, b, p) * side(a, b, q) < 0
        for p, q in itertools.pairwise(points)
    )


def _draw(
    ax: Axes,
    rows: tuple[TraceRow, ...],
    positions: Mapping[int, Point],
    texts: list[str],
    colors: Mapping[int, str],
    show_local_grads: bool,
) -> None:
    """Draw the boxes and arrows of a laid-out graph into ``ax``."""
    boxes = _draw_boxes(ax, rows, positions, texts, colors)
    edges = [
        (parent, row.index, local)
        for row in rows
        for parent, local in zip(row.parents, row.local_grads, strict=True)
    ]
    rads, (x_scale, y_scale) = _fit(ax, positions, edges, texts)
    for (parent, node, local), rad in zip(edges, rads, strict=True):
        _draw_edge(ax, (parent, node), positions, rad, boxes)
        if show_local_grads:
            (x0, y0), (x1, y1) = positions[parent], positions[node]
            # The middle of an arc3 curve: the chord's midpoint moved by rad/2 times the chord
            # turned a quarter clockwise, in display units.
            ax.text(
                (x0 + x1) / 2 + rad / 2 * (y1 - y0) * y_scale / x_scale,
                (y0 + y1) / 2 - rad / 2 * (x1 - x0) * x_scale / y_scale,
                format_number(local),
                ha="center",
                va="center",
                fontsize=7,
                color="#b2182b",
                gid="local_grad",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "linewidth": 0},
                zorder=5,
            )


def _draw_boxes(
    ax: Axes,
    rows: tuple[TraceRow, ...],
    positions: Mapping[int, Point],
    texts: list[str],
    colors: Mapping[int, str],
) -> list[Text]:
    """Draw one box per node, coloured by ``colors`` (leaves blue, operations grey otherwise)."""
    return [
        ax.text(
            *positions[row.index],
            texts[row.index],
            ha="center",
            va="center",
            fontsize=_BOX_FONTSIZE,
            family="monospace",
            gid=f"node:{row.index}",
            bbox={
                "boxstyle": f"round,pad={_BOX_PAD}",
                "facecolor": colors.get(row.index, _OP_COLOR if row.op else _LEAF_COLOR),
                "edgecolor": "#555555",
            },
            zorder=3,
        )
        for row in rows
    ]


def _fit(
    ax: Axes, positions: Mapping[int, Point], edges: list[tuple[int, int, float]], texts: list[str]
) -> tuple[list[float], Point]:
    """Choose the edges' bends and the limits; return the bends and the display-per-data scales."""
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_axis_off()
    box = ax.get_window_extent()
    x_scale = box.width / (max(xs) - min(xs) + 1.2)
    y_scale = box.height / (max(ys) - min(ys) + 1.8)  # about right: bends need room somewhere
    half_sizes = {i: _box_half_size(texts[i], ax.figure.dpi) for i in positions}
    rads = _bends(edges, positions, half_sizes, (x_scale, y_scale))
    below, above = any(rad > 0 for rad in rads), any(rad < 0 for rad in rads)
    bottom, top = min(ys) - (1.2 if below else 0.6), max(ys) + (1.2 if above else 0.6)
    ax.set_ylim(bottom, top)
    return rads, (x_scale, box.height / (top - bottom))  # y exact now


def _draw_edge(
    ax: Axes, edge: tuple[int, int], positions: Mapping[int, Point], rad: float, boxes: list[Text]
) -> None:
    """Draw the arrow of ``edge``, (parent, child), clipped at the two boxes."""
    from matplotlib.patches import FancyArrowPatch

    parent, child = edge
    ax.add_patch(
        FancyArrowPatch(
            positions[parent],
            positions[child],
            connectionstyle=f"arc3,rad={rad}",
            patchA=boxes[parent].get_bbox_patch(),
            patchB=boxes[child].get_bbox_patch(),
            arrowstyle="-|>",
            mutation_scale=10,
            color="#555555",
            linewidth=0.8,
            gid=f"edge:{parent}->{child}",
            zorder=4,  # after the boxes, so it is clipped at their edges
        )
    )
