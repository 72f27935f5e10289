"""Tests for the trace tables and DOT export of backprop_ref.autodiff (and the order they share)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_ref.autodiff import Trace, Value, to_dot, topological_order, trace
from tests.autodiff_graphs import linear_net


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


def test_trace_with_backward_shows_one_fresh_pass_and_restores_the_gradients() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b + a
    out.backward()
    out.backward()  # the leaves now hold twice the gradient
    before = [node.grad for node in topological_order(out)]
    rows = trace(out, backward=True).rows
    assert [row.grad for row in rows] == [-2.0, 2.0, 1.0, 1.0]  # dL/da = b + 1, dL/db = a
    assert [node.grad for node in topological_order(out)] == before
