"""Tests for the matplotlib drawings of backprop_ref.autodiff: boxes, arrows, bends, steps."""

from __future__ import annotations

import math
from collections.abc import Iterator

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch

from backprop_ref.autodiff import Value, draw_backward_steps, draw_graph, topological_order
from tests.autodiff_graphs import linear_net


@pytest.fixture(autouse=True)
def agg_backend() -> Iterator[None]:
    matplotlib.use("Agg")
    yield
    plt.close("all")


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

    from backprop_ref.autodiff.drawing import _arc_points

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
    with pytest.raises(ValueError, match=r"ncols must be an int >= 1, got 0"):
        draw_backward_steps(a, ncols=0)
    for figsize in [(8, 0), (8,), (8, math.inf), (-1, 6)]:
        with pytest.raises(ValueError, match=r"figsize must be two positive numbers"):
            draw_backward_steps(a, figsize=figsize)  # type: ignore[arg-type]
    x = a
    for _ in range(5):
        x = x.tanh()
    with pytest.raises(ValueError, match=r"draw_backward_steps: the graph has 6 nodes"):
        draw_backward_steps(x, max_nodes=5)
