r"""Look inside a ``Value`` graph: a table of every node, and Graphviz DOT text.

:func:`trace` lists the nodes of a graph in topological order, numbered ``#0, #1, ...``, each
with its label, operation, inputs, value, local derivatives and gradient; the :class:`Trace`
prints as a text table and renders as HTML or Markdown in a notebook. :func:`to_dot` writes the
same graph as DOT text for Graphviz. The drawings (``backprop_ref.autodiff.drawing``) are made
from a trace, so every tool numbers the nodes alike.

Files to copy: ``backprop_ref/autodiff/trace.py``, ``backprop_ref/autodiff/engine.py``,
``backprop_ref/_checks.py``, ``backprop_ref/_typing.py``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass

from backprop_ref._checks import check_flag
from backprop_ref.autodiff.engine import Value as Value  # re-exported: the drawings name it
from backprop_ref.autodiff.engine import topological_order

__all__ = ["Trace", "TraceRow", "to_dot", "trace"]


def format_number(x: float, digits: int = 4) -> str:
    """Format a number compactly for a table cell or a box (4 significant digits by default)."""
    return f"{x:.{digits}g}"


@dataclass(frozen=True)
class TraceRow:
    """One node of a :class:`Trace`.

    Attributes
    ----------
    index : int
        The node's position in topological order; other rows refer to it as ``#index``.
    label, op : str
        The node's label and the operation that made it (``""`` if none).
    parents : tuple of int
        The indices of the node's parents, in operand order.
    data, grad : float
        The node's value, and its gradient when the trace was taken.
    local_grads : tuple of float
        The local derivatives d(node)/d(parent), aligned with ``parents``.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> out = a * a
    >>> out.backward()
    >>> row = trace(out).rows[1]
    >>> row.op, row.parents, row.local_grads, row.grad, row.name
    ('*', (0, 0), (3.0, 3.0), 1.0, '#1 (*)')
    """

    index: int
    label: str
    op: str
    parents: tuple[int, ...]
    data: float
    local_grads: tuple[float, ...]
    grad: float

    @property
    def name(self) -> str:
        """The node's name in boxes and titles, its label (or ``#index``) and operation."""
        name = self.label or f"#{self.index}"
        return f"{name} ({self.op})" if self.op else name

    def box_text(self, grad: str | None = None) -> str:
        """Return the three lines of the node's box: name, value, gradient (or ``grad``)."""
        shown = format_number(self.grad) if grad is None else grad
        return f"{self.name}\ndata {format_number(self.data)}\ngrad {shown}"


@dataclass(frozen=True)
class Trace:
    """A table of every node of a graph, in topological order: what :func:`trace` returns.

    Prints as a text table; renders as HTML (``_repr_html_``) or Markdown in a notebook. For a
    pandas DataFrame, ``pandas.DataFrame(trace.rows)``.

    Attributes
    ----------
    rows : tuple of TraceRow
        One row per node, parents before children, the output last.

    Examples
    --------
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
        """Return the rows as text cells in the order of ``COLUMNS`` (6 significant digits).

        >>> trace(Value(2.0, label="a") + 1).cells()[-1]
        ('2', '', '+', '#0, #1', '3', '1, 1', '0')
        """
        return [
            (
                str(row.index),
                row.label,
                row.op,
                ", ".join(f"#{i}" for i in row.parents),
                format_number(row.data, 6),
                ", ".join(format_number(g, 6) for g in row.local_grads),
                format_number(row.grad, 6),
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


def trace(root: Value, *, backward: bool = False) -> Trace:
    """Return a table of every node ``root`` depends on: label, operation, value, gradient.

    The gradients are those stored in the nodes (call ``root.backward()`` first to see
    d(root)/d(node)), or with ``backward=True`` those of a fresh ``root.backward()``, run from
    zero gradients, after which every node's ``grad`` is restored. Raises ``TypeError`` if
    ``root`` is not a Value.

    Examples
    --------
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
    saved = [node.grad for node in order]
    if check_flag("backward", backward, owner="trace"):
        for node in order:  # so that the leaves too get the gradient of this one pass
            node.grad = 0.0
        root.backward()
    index = {node: i for i, node in enumerate(order)}
    rows = tuple(
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
    for node, grad in zip(order, saved, strict=True):
        node.grad = grad
    return Trace(rows)


def to_dot(root: Value, *, show_local_grads: bool = False) -> str:
    r"""Return the graph of ``root`` as Graphviz DOT text (no Graphviz needed to produce it).

    One box per node, ``n0, n1, ...`` in topological order, with its name, value and gradient;
    one edge per operand (``a + a`` has two edges from ``a``), labelled with its local
    derivative if ``show_local_grads``. Render with ``dot -Tsvg graph.dot -o graph.svg``.
    Raises ``TypeError`` if ``root`` is not a Value.

    Examples
    --------
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
    rows = trace(root).rows
    lines = ["digraph autodiff {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for row in rows:
        text = row.box_text().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        lines.append(f'  n{row.index} [label="{text}"];')
    for row in rows:
        for parent, local in zip(row.parents, row.local_grads, strict=True):
            attributes = f' [label="{format_number(local)}"]' if show_local_grads else ""
            lines.append(f"  n{parent} -> n{row.index}{attributes};")
    lines.append("}")
    return "\n".join(lines)
