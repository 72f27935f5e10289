"""Tests for the graph tools of backprop_ref.autodiff: order, trace tables, DOT, drawings."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch

from backprop_ref.autodiff import (
    Trace,
    Value,
    draw_backward_steps,
    draw_graph,
    to_dot,
    topological_order,
    trace,
)


@pytest.fixture(autouse=True)
def agg_backend() -> Iterator[None]:
    matplotlib.use("Agg")
    yield
    plt.close("all")


def linear_net() -> Value:
    """The docs' two-weight linear net: x = 2, y = 20, w1 = 2, w2 = 0.5."""
    x, w1, w2 = Value(2.0, label="x"), Value(2.0, label="w1"), Value(0.5, label="w2")
    h = w1 * x
    h.label = "h"
    y_hat = w2 * h
    y_hat.label = "y_hat"
    loss = 0.5 * (y_hat - 20.0) ** 2
    loss.label = "L"
    return loss


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Value], Value]:
    """A random graph: 1-4 inputs, then up to 15 operations on earlier nodes."""
    nodes = [Value(draw(st.floats(-2, 2)), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 15))):
        op = draw(st.sampled_from(["+", "*", "-", "neg", "tanh", "const"]))
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        if op == "+":
            nodes.append(a + b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "neg":
            nodes.append(-a)
        elif op == "tanh":
            nodes.append(a.tanh())
        else:
            nodes.append(a * 0.5)
    root = nodes[draw(st.integers(0, len(nodes) - 1))]
    return nodes, root


def reachable(root: Value) -> set[Value]:
    """Reference: the nodes root depends on, by recursion (fine for small graphs)."""
    found = {root}
    for parent in root.parents:
        found |= reachable(parent)
    return found


# --- topological_order -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(graph=graphs())
def test_topological_order_puts_parents_first_and_lists_each_node_once(
    graph: tuple[list[Value], Value],
) -> None:
    _, root = graph
    order = topological_order(root)
    assert len(order) == len(set(order))
    assert set(order) == reachable(root)
    assert order[-1] is root
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_topological_order_skips_nodes_the_root_does_not_depend_on() -> None:
    a, b = Value(1.0), Value(2.0)
    unused = a * b
    root = a + 1
    assert unused not in topological_order(root)
    assert b not in topological_order(root)


# --- trace -------------------------------------------------------------------------------------


def test_trace_lists_every_node_with_its_values_and_gradients() -> None:
    loss = linear_net()
    loss.backward()
    table = trace(loss)
    order = topological_order(loss)
    assert isinstance(table, Trace)
    assert len(table) == len(order)
    for row, node in zip(table, order, strict=True):
        assert (row.label, row.op, row.data, row.grad) == (
            node.label,
            node.op,
            node.data,
            node.grad,
        )
        assert row.local_grads == node.local_grads
        assert [order[i] for i in row.parents] == list(node.parents)
    by_label = {row.label: row for row in table.rows if row.label}
    # The worked example's numbers: h = 4, ŷ = 2, L = 162; dL/dw2 = -72, dL/dw1 = -18.
    assert (by_label["h"].data, by_label["y_hat"].data, by_label["L"].data) == (4.0, 2.0, 162.0)
    assert (by_label["w2"].grad, by_label["w1"].grad, by_label["L"].grad) == (-72.0, -18.0, 1.0)


def test_trace_renders_as_text_html_and_markdown() -> None:
    loss = linear_net()
    loss.backward()
    table = trace(loss)
    n = len(table)
    text = str(table)
    lines = text.splitlines()
    assert len(lines) == n + 2
    assert lines[0].split() == ["#", "label", "op", "inputs", "data", "local", "grads", "grad"]
    assert repr(table) == text
    assert re.search(r"^\d+\s+L\s+\*\s+#\d+, #\d+\s+162\s+.*\s1$", text, flags=re.MULTILINE)
    html = table._repr_html_()
    assert html.startswith("<table>")
    assert html.count("<tr>") == n + 1
    assert html.count("<td>") == n * len(Trace.COLUMNS)
    markdown = table._repr_markdown_().splitlines()
    assert len(markdown) == n + 2
    assert all(line.startswith("|") and line.endswith("|") for line in markdown)


def test_trace_escapes_labels_for_html_and_markdown() -> None:
    a = Value(1.0, label="<b>a|b</b>")
    table = trace(a)
    assert "&lt;b&gt;a|b&lt;/b&gt;" in table._repr_html_()
    assert r"<b>a\|b</b>" in table._repr_markdown_()


# --- to_dot ------------------------------------------------------------------------------------

NODE_LINE = re.compile(r'^  n(\d+) \[label="((?:[^"\\]|\\.)*)"\];$')
EDGE_LINE = re.compile(r'^  n(\d+) -> n(\d+)(?: \[label="([^"]*)"\])?;$')


def parse_dot(dot: str) -> tuple[dict[int, str], list[tuple[int, int, str | None]]]:
    lines = dot.splitlines()
    assert lines[0] == "digraph autodiff {"
    assert lines[-1] == "}"
    nodes: dict[int, str] = {}
    edges: list[tuple[int, int, str | None]] = []
    for line in lines[1:-1]:
        if match := NODE_LINE.match(line):
            nodes[int(match[1])] = match[2]
        elif match := EDGE_LINE.match(line):
            edges.append((int(match[1]), int(match[2]), match[3]))
        else:
            assert line in ("  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];'), line
    return nodes, edges


@settings(max_examples=100, deadline=None)
@given(graph=graphs())
def test_to_dot_contains_every_node_and_every_operand_edge(
    graph: tuple[list[Value], Value],
) -> None:
    _, root = graph
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    nodes, edges = parse_dot(to_dot(root))
    assert sorted(nodes) == list(range(len(order)))
    expected = sorted((index[p], index[node]) for node in order for p in node.parents)
    assert sorted((a, b) for a, b, _ in edges) == expected
    for i, node in enumerate(order):
        assert f"data {node.data:.4g}" in nodes[i]
        if node.label:
            assert nodes[i].startswith(node.label)


def test_to_dot_labels_edges_with_local_gradients_and_escapes_quotes() -> None:
    a = Value(3.0, label='say "hi" \\ bye')
    _, edges = parse_dot(to_dot(a * a, show_local_grads=True))
    assert edges == [(0, 1, "3"), (0, 1, "3")]
    nodes, _ = parse_dot(to_dot(a))
    assert nodes[0].startswith(r"say \"hi\" \\ bye\n")


# --- draw_graph --------------------------------------------------------------------------------


def node_texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("node:")]


def edge_patches(ax: Axes) -> list[FancyArrowPatch]:
    return [
        p
        for p in ax.patches
        if isinstance(p, FancyArrowPatch) and (p.get_gid() or "").startswith("edge:")
    ]


def test_draw_graph_draws_one_box_per_node_and_one_arrow_per_operand() -> None:
    loss = linear_net()
    loss.backward()
    ax = draw_graph(loss)
    order = topological_order(loss)
    texts = node_texts(ax)
    assert len(texts) == len(order)
    assert len(edge_patches(ax)) == sum(len(node.parents) for node in order)
    assert "w2\ndata 0.5\ngrad -72" in texts
    assert "L (*)\ndata 162\ngrad 1" in texts
    ax.figure.canvas.draw()  # renders without error (clipping arrows at the boxes)


def test_draw_graph_lays_out_left_to_right() -> None:
    loss = linear_net()
    ax = draw_graph(loss)
    x = {t.get_gid(): t.get_position()[0] for t in ax.texts if t.get_gid()}
    for patch in edge_patches(ax):
        parent, child = (patch.get_gid() or "").removeprefix("edge:").split("->")
        assert x[f"node:{parent}"] < x[f"node:{child}"]


def test_draw_graph_uses_the_given_axes_and_labels_edges_on_request() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b + a
    fig, ax = plt.subplots()
    returned = draw_graph(out, ax=ax, show_local_grads=True)
    assert returned is ax
    assert len(fig.axes) == 1
    local_texts = [t.get_text() for t in ax.texts if t.get_gid() == "local_grad"]
    assert sorted(local_texts) == sorted(["-3", "2", "1", "1"])


def two_path_graph() -> Value:
    """f = (a*b + c)*a: the leaf a feeds e = a*b and, skipping two columns, f."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = d * a
    f.label = "f"
    return f


def assert_edges_avoid_other_boxes(ax: Axes) -> None:
    """No edge passes through the box of a node it does not connect (checked as drawn)."""
    ax.figure.canvas.draw()
    boxes = {
        (t.get_gid() or "").removeprefix("node:"): bbox.get_window_extent()
        for t in ax.texts
        if (t.get_gid() or "").startswith("node:") and (bbox := t.get_bbox_patch()) is not None
    }
    for patch in edge_patches(ax):
        ends = set((patch.get_gid() or "").removeprefix("edge:").split("->"))
        path = ax.transData.transform_path(patch.get_path())
        polygons = path.to_polygons(closed_only=False)
        points = np.concatenate([np.asarray(polygon, dtype=float) for polygon in polygons])
        for name, box in boxes.items():
            if name not in ends:
                inside = [(x, y) for x, y in points if box.contains(x, y)]
                assert not inside, f"edge {patch.get_gid()} runs through node {name}"


def test_long_edges_bend_around_boxes_and_their_labels_stay_apart() -> None:
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    draw_graph(two_path_graph(), ax=ax, show_local_grads=True)
    assert_edges_avoid_other_boxes(ax)
    labels = [t.get_window_extent() for t in ax.texts if t.get_gid() == "local_grad"]
    assert len(labels) == 6
    for i, first in enumerate(labels):
        for second in labels[i + 1 :]:
            assert not first.overlaps(second)
    # Each label sits on its edge (labels are added in the order of the edges), bent or not.
    for patch, label in zip(edge_patches(ax), labels, strict=True):
        path = ax.transData.transform_path(patch.get_path())
        points = np.concatenate(
            [np.asarray(polygon, dtype=float) for polygon in path.to_polygons(closed_only=False)]
        )
        centre = np.array([(label.x0 + label.x1) / 2, (label.y0 + label.y1) / 2])
        assert distance_to_polyline(centre, points) < 2.0, patch.get_gid()
    plt.close(fig)


def distance_to_polyline(point: np.ndarray, points: np.ndarray) -> float:
    """The shortest distance from ``point`` to the line segments joining ``points``."""
    starts, ends = points[:-1], points[1:]
    along = ends - starts
    lengths = np.maximum((along**2).sum(axis=1), 1e-12)
    t = np.clip(((point - starts) * along).sum(axis=1) / lengths, 0.0, 1.0)
    nearest = starts + t[:, None] * along
    return float(np.sqrt(((nearest - point) ** 2).sum(axis=1)).min())


def test_arc_points_follow_matplotlibs_arc3_curve() -> None:
    from matplotlib.patches import ConnectionStyle

    from backprop_ref.autodiff.graph import _arc_points

    start, end = (10.0, 50.0), (310.0, 20.0)
    for rad in (0.2, -0.2, 0.5):
        arc = ConnectionStyle.Arc3(rad=rad)(start, end, shrinkA=0.0, shrinkB=0.0)
        control = np.asarray(arc.vertices, dtype=float)[1]  # the vertices: start, control, end
        ours = _arc_points(start, end, rad, n=2)  # t = 0, 1/2, 1
        # The middle of a quadratic Bezier curve is (start + 2 control + end) / 4.
        expected = [(start[k] + 2 * control[k] + end[k]) / 4 for k in (0, 1)]
        assert ours[0] == pytest.approx(start)
        assert ours[2] == pytest.approx(end)
        assert ours[1] == pytest.approx(expected)


def test_draw_graph_refuses_large_graphs() -> None:
    x = Value(1.0)
    for _ in range(10):
        x = x + 1.0
    with pytest.raises(ValueError, match=r"the graph has 21 nodes, more than max_nodes=20"):
        draw_graph(x, max_nodes=20)


# --- draw_backward_steps -----------------------------------------------------------------------


ORANGE = "#fdc086"  # the colour of the node being visited


def test_backward_steps_fill_in_one_gradient_per_panel() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = c + a
    out.label = "out"
    order = topological_order(out)
    n = len(order)
    fig = draw_backward_steps(out, ncols=3)
    assert len(fig.axes) == 3 * math.ceil(n / 3)
    panels = fig.axes[:n]
    # The grads the panels show are those of backward(), which has not been called.
    assert all(node.grad == 0.0 for node in order)
    out.backward()
    for k, ax in enumerate(panels, start=1):
        current = order[-k]
        assert ax.get_title().startswith(f"step {k}: {current.label}")
        texts = node_texts(ax)
        assert len(texts) == n
        assert sum(text.endswith("grad ?") for text in texts) == n - k
        for node in order[::-1][:k]:
            assert any(text.endswith(f"grad {node.grad:.4g}") for text in texts)
        highlighted = [
            t
            for t in ax.texts
            if (box := t.get_bbox_patch()) is not None and to_hex(box.get_facecolor()) == ORANGE
        ]
        assert [t.get_gid() for t in highlighted] == [f"node:{order.index(current)}"]
    for ax in fig.axes[n:]:
        assert not ax.axison


def test_backward_steps_do_not_change_gradients() -> None:
    a = Value(3.0)
    out = a * a
    out.backward()
    draw_backward_steps(out)
    assert (a.grad, out.grad) == (6.0, 1.0)


def test_backward_steps_route_edges_for_the_requested_size() -> None:
    fig = draw_backward_steps(two_path_graph(), ncols=2, figsize=(8, 6))
    assert tuple(fig.get_size_inches()) == (8, 6)
    for ax in fig.axes:
        if ax.axison or ax.texts:
            assert_edges_avoid_other_boxes(ax)
    plt.close(fig)


def test_backward_steps_validate_arguments() -> None:
    a = Value(1.0)
    with pytest.raises(ValueError, match=r"ncols must be >= 1, got 0"):
        draw_backward_steps(a, ncols=0)
    for figsize in [(8, 0), (8,), (8, math.inf), (-1, 6)]:
        with pytest.raises(ValueError, match=r"figsize must be two positive numbers"):
            draw_backward_steps(a, figsize=figsize)  # type: ignore[arg-type]
    x = a
    for _ in range(5):
        x = x.tanh()
    with pytest.raises(ValueError, match=r"draw_backward_steps: the graph has 6 nodes"):
        draw_backward_steps(x, max_nodes=5)
