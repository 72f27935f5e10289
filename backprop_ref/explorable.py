r"""Explorable figures: a plotly figure whose controls select states computed in Python.

A page computes every state of the figure while it is built -- one per combination of the
controls' positions -- and the reader's browser only selects one and redraws: no math runs in
JavaScript. :func:`explorable` takes a plotly figure, the :class:`Control`\ s (sliders and
groups of buttons) and a function that returns the :class:`State` for one combination of
positions, and returns an :class:`Explorable`. A notebook displays it as a MIME bundle:

- ``text/html``: the figure's ``div``, the controls, a readout line and a short script that calls
  ``Plotly.newPlot`` with the page's own ``plotly.js`` (loaded once by the page, never inlined),
  then ``Plotly.update`` with the precomputed state whenever a control moves;
- ``application/vnd.plotly.v1+json``: the figure in its first state, which Jupyter shows where
  the HTML's script cannot run (a downloaded notebook);
- ``text/plain``: the alt text.

The HTML carries every state as JSON (numbers rounded to ``digits`` significant digits), so the
size of a figure is about the number of states times the data each one changes. It needs numpy
only; make the figures with plotly, and load the ``plotly.min.js`` that the plotly package ships
in ``plotly/package_data`` once in the page that shows the HTML.

Files to copy: ``backprop_ref/explorable.py``.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["PLOTLY_MIME_TYPE", "Control", "Explorable", "State", "explorable"]

#: The MIME type under which Jupyter's plotly renderer looks for a figure.
PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json"

_NAME = re.compile(r"[a-z][a-z0-9-]*")
_KINDS = ("slider", "buttons")
_MAX_STATES = 5000


@dataclass(frozen=True)
class Control:
    """One control of an explorable figure: a slider, or a group of buttons.

    Parameters
    ----------
    label : str
        What the control chooses, shown next to it (e.g. ``"learning rate"``).
    options : list of str
        The positions' labels, in order; the control selects one of them.
    kind : {"slider", "buttons"}
        A range slider (keyboard: arrow keys, Home, End) or one button per option.
    start : int
        The position shown first.
    stepper : bool
        For a slider, add "previous" and "next" buttons beside it.

    Raises
    ------
    ValueError
        If ``options`` is empty, ``kind`` is unknown or ``start`` is not a position.

    Examples
    --------
    >>> Control("step", ["1", "0.1", "0.01"]).options
    ('1', '0.1', '0.01')
    """

    label: str
    options: Sequence[str]
    kind: Literal["slider", "buttons"] = "slider"
    start: int = 0
    stepper: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(str(option) for option in self.options))
        if not self.options:
            raise ValueError(f"Control {self.label!r}: options must not be empty, got 0 options")
        if self.kind not in _KINDS:
            raise ValueError(
                f"Control {self.label!r}: kind must be one of {_KINDS}, got {self.kind!r}"
            )
        if not 0 <= self.start < len(self.options):
            raise ValueError(
                f"Control {self.label!r}: start must be in [0, {len(self.options) - 1}], "
                f"got {self.start}"
            )


@dataclass(frozen=True)
class State:
    """What the figure shows for one combination of control positions.

    Parameters
    ----------
    text : str
        The readout printed under the figure (e.g. the numbers for this position).
    data : dict
        Trace properties to set, as for ``Plotly.restyle``: each property maps to one value per
        updated trace (the ``traces`` given to :func:`explorable`, in order), e.g.
        ``{"x": [xs0, xs1], "y": [ys0, ys1]}``; ``None`` leaves that trace's value as it is.
    layout : dict
        Layout properties to set, as for ``Plotly.relayout``; nested keys are written with dots,
        e.g. ``{"title.text": "..."}``.

    Examples
    --------
    >>> State("error 0.1", data={"y": [[1.0, 2.0]]}).text
    'error 0.1'
    """

    text: str
    data: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    layout: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Explorable:
    """An explorable figure, ready to display; made by :func:`explorable`.

    Attributes
    ----------
    name : str
        The figure's identifier in the page (lower case, digits and hyphens).
    alt : str
        The alt text: what the figure shows, for a reader who cannot see it.
    figure : dict
        The figure in its first state, as plotly JSON (``data`` and ``layout``).
    controls : tuple of Control
        The controls, in order.
    traces : tuple of int
        The indices of the traces that the states update.
    states : tuple of dict
        One state per combination of positions (the last control varies fastest), as JSON.
    height : int
        The figure's height in CSS pixels.
    """

    name: str
    alt: str
    figure: dict[str, Any]
    controls: tuple[Control, ...]
    traces: tuple[int, ...]
    states: tuple[dict[str, Any], ...]
    height: int

    def index(self, positions: Sequence[int]) -> int:
        """Return the index in :attr:`states` of ``positions``, one position per control.

        The index is mixed radix, the last control varying fastest. Raises ``ValueError`` if
        there is not one position per control, or a position is out of range.
        """
        if len(positions) != len(self.controls):
            raise ValueError(
                f"positions must have one entry per control ({len(self.controls)}), "
                f"got {len(positions)}"
            )
        index = 0
        for control, position in zip(self.controls, positions, strict=True):
            if not 0 <= position < len(control.options):
                raise ValueError(
                    f"position of {control.label!r} must be in [0, {len(control.options) - 1}], "
                    f"got {position}"
                )
            index = index * len(control.options) + position
        return index

    def to_html(self) -> str:
        """Return the HTML fragment: the figure's div, its controls, the readout and the script.

        It draws the figure once ``window.Plotly`` is defined.
        """
        root = f"bp-explorable-{self.name}"
        start = self.states[self.index([c.start for c in self.controls])]
        spec = {
            "figure": self.figure,
            "sizes": [len(c.options) for c in self.controls],
            "options": [list(c.options) for c in self.controls],
            "traces": list(self.traces),
            "states": list(self.states),
        }
        # "</" inside a script element would end it early.
        spec_json = json.dumps(
            spec, separators=(",", ":"), allow_nan=False, ensure_ascii=False
        ).replace("</", "<\\/")
        script = _SCRIPT.replace("__ROOT__", root)
        controls = "\n".join(_control_html(k, control) for k, control in enumerate(self.controls))
        return (
            f'<div class="bp-explorable" id="{root}" data-bp-explorable="{self.name}">\n'
            f'<div class="bp-explorable-plot" role="img" aria-label="{html.escape(self.alt)}" '
            f'style="height: {self.height}px"></div>\n'
            f'<div class="bp-explorable-controls">\n{controls}\n</div>\n'
            f'<output class="bp-explorable-readout" aria-live="polite">'
            f"{html.escape(start['text'])}</output>\n"
            "<noscript><p>This figure needs JavaScript; the static figure next to it shows the "
            "same computation.</p></noscript>\n"
            f'<script type="application/json" class="bp-explorable-spec">'
            f"{spec_json}</script>\n"
            f"<script>{script}</script>\n"
            "</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Return the MIME bundle a notebook displays (HTML, plotly JSON, alt text)."""
        return {"text/html": self.to_html(), PLOTLY_MIME_TYPE: self.figure, "text/plain": self.alt}


def explorable(
    figure: Any,
    controls: Sequence[Control],
    state: Callable[..., State],
    *,
    traces: Sequence[int],
    name: str,
    alt: str,
    height: int = 460,
    digits: int = 6,
) -> Explorable:
    """Precompute every state of a figure and return the :class:`Explorable`, ready to display.

    Parameters
    ----------
    figure : object
        The figure, a ``plotly.graph_objects.Figure`` or a mapping with ``data`` and
        ``layout``: its traces (those in ``traces`` are the ones that change) and layout.
    controls : list of Control
        The controls, in the order they are shown.
    state
        ``state(p0, p1, ...)``, called with one position (int) per control, returns the
        :class:`State` for that combination. It is called once per combination.
    traces : list of int
        The indices of the traces each state's ``data`` updates, in order.
    name, alt : str
        The figure's identifier in the page (lower case letters, digits and hyphens); alt text.
    height, digits : int
        The figure's height in CSS pixels; significant digits kept of every number sent.

    Raises
    ------
    ValueError
        If ``name`` is not a valid identifier, ``alt`` is empty, ``controls`` is empty, there are
        more than 5000 states, a trace index is out of range, or a state's data does not have
        one value per trace in ``traces``.

    Examples
    --------
    >>> fig = {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}], "layout": {}}
    >>> def state(k):
    ...     slope = [1.0, 2.0][k]
    ...     return State(f"slope {slope}", data={"y": [[0.0, slope]]})
    >>> ex = explorable(fig, [Control("slope", ["1", "2"])], state, traces=[0],
    ...                 name="demo", alt="A line whose slope a slider sets.")
    >>> len(ex.states), ex.figure["data"][0]["y"]
    (2, [0.0, 1.0])
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"name must be lower case letters, digits and hyphens, got {name!r}")
    if not alt.strip():
        raise ValueError("alt must describe the figure, got an empty string")
    if not controls:
        raise ValueError("controls must hold at least one Control, got none")
    sizes = [len(control.options) for control in controls]
    if math.prod(sizes) > _MAX_STATES:
        raise ValueError(f"at most {_MAX_STATES} states, got {math.prod(sizes)} ({sizes})")
    base = _jsonable(_figure_dict(figure), digits)
    n_traces = len(base.get("data", []))
    if any(not 0 <= t < n_traces for t in traces):
        raise ValueError(f"traces must be indices of the figure's {n_traces} traces, got {traces}")
    states = []
    for positions in itertools.product(*(range(size) for size in sizes)):
        result = state(*positions)
        for prop, values in result.data.items():
            if len(values) != len(traces):
                raise ValueError(
                    f"state {positions}: data[{prop!r}] must have one value per trace "
                    f"({len(traces)}), got {len(values)}"
                )
        states.append(
            {
                "text": str(result.text),
                "data": _jsonable(dict(result.data), digits),
                "layout": _jsonable(dict(result.layout), digits),
            }
        )
    made = Explorable(name, alt, base, tuple(controls), tuple(traces), tuple(states), height)
    _apply(made.figure, made.states[made.index([c.start for c in controls])], made.traces)
    return made


def _figure_dict(figure: Any) -> dict[str, Any]:
    """Return the figure as a dict of ``data`` and ``layout`` (from a Figure or a mapping)."""
    if hasattr(figure, "to_plotly_json"):
        as_dict: dict[str, Any] = figure.to_plotly_json()
        return as_dict
    if isinstance(figure, Mapping):
        return {"data": list(figure.get("data", [])), "layout": dict(figure.get("layout", {}))}
    raise TypeError(f"figure must be a plotly Figure or a mapping, got {type(figure).__name__}")


def _jsonable(value: Any, digits: int) -> Any:
    """Copy ``value`` into JSON types: floats rounded, NaN and infinities as null."""
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), digits)
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item, digits) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return float(f"{number:.{digits}g}") if math.isfinite(number) else None
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "to_plotly_json"):
        return _jsonable(value.to_plotly_json(), digits)
    raise TypeError(f"cannot send a {type(value).__name__} to the page: {value!r}")


def _apply(figure: dict[str, Any], state: Mapping[str, Any], traces: Sequence[int]) -> None:
    """Set a state's data and layout on the figure dict, as ``Plotly.update`` does."""
    for prop, values in state["data"].items():
        for trace, value in zip(traces, values, strict=True):
            if value is not None:  # None: this trace keeps its value
                _set(figure["data"][trace], prop, value)
    for key, value in state["layout"].items():
        _set(figure.setdefault("layout", {}), key, value)


def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    *path, last = dotted.split(".")
    for part in path:
        target = target.setdefault(part, {})
    target[last] = value


def _control_html(k: int, control: Control) -> str:
    """Return the HTML of control number ``k``."""
    label = html.escape(control.label)
    shown = html.escape(control.options[control.start])
    if control.kind == "slider":
        parts = [
            f'<label class="bp-explorable-control"><span class="bp-explorable-label">{label}</span> '
            f'<input type="range" min="0" max="{len(control.options) - 1}" step="1" '
            f'value="{control.start}" data-bp-control="{k}" aria-valuetext="{shown}"> '
            f'<span class="bp-explorable-value">{shown}</span></label>'
        ]
        if control.stepper:
            parts.append(
                f'<button type="button" data-bp-step="-1" data-bp-for="{k}">◀ previous</button>'
                f'<button type="button" data-bp-step="1" data-bp-for="{k}">next ▶</button>'
            )
        return '<div class="bp-explorable-row">' + " ".join(parts) + "</div>"
    buttons = "".join(
        f'<button type="button" data-bp-option="{i}" '
        f'aria-pressed="{"true" if i == control.start else "false"}">{html.escape(option)}</button>'
        for i, option in enumerate(control.options)
    )
    return (
        f'<div class="bp-explorable-row" role="group" aria-label="{label}" data-bp-control="{k}" '
        f'data-bp-value="{control.start}"><span class="bp-explorable-label">{label}</span> '
        f"{buttons}</div>"
    )


# Selects a precomputed state and redraws; computes nothing. It runs when the page has loaded
# plotly.js (a deferred script runs before DOMContentLoaded), and does nothing without it.
_SCRIPT = """
(function () {
  var root = document.getElementById("__ROOT__");
  function draw() {
    if (!window.Plotly || root.dataset.bpReady) return;
    var spec = JSON.parse(root.querySelector("script.bp-explorable-spec").textContent);
    var plot = root.querySelector(".bp-explorable-plot");
    var controls = Array.prototype.slice.call(root.querySelectorAll("[data-bp-control]"));
    function position(el) {
      return Number(el.tagName === "INPUT" ? el.value : el.dataset.bpValue);
    }
    function apply() {
      var index = 0;
      controls.forEach(function (el, k) {
        var p = position(el);
        index = index * spec.sizes[k] + p;
        if (el.tagName === "INPUT") {
          el.setAttribute("aria-valuetext", spec.options[k][p]);
          el.parentNode.querySelector(".bp-explorable-value").textContent = spec.options[k][p];
        } else {
          el.querySelectorAll("button").forEach(function (b) {
            b.setAttribute("aria-pressed", String(Number(b.dataset.bpOption) === p));
          });
        }
      });
      var state = spec.states[index], data = {};
      Object.keys(state.data).forEach(function (prop) {  // null: leave that trace as it is
        data[prop] = state.data[prop].map(function (v) { return v === null ? undefined : v; });
      });
      return Plotly.update(plot, data, state.layout, spec.traces).then(function () {
        root.querySelector(".bp-explorable-readout").textContent = state.text;
        root.dataset.bpState = String(index);
      });
    }
    controls.forEach(function (el) {
      if (el.tagName === "INPUT") {
        el.addEventListener("input", apply);
      } else {
        el.addEventListener("click", function (event) {
          var button = event.target.closest("button");
          if (!button) return;
          el.dataset.bpValue = button.dataset.bpOption;
          apply();
        });
      }
    });
    root.querySelectorAll("[data-bp-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = controls[Number(button.dataset.bpFor)];
        var next = Number(input.value) + Number(button.dataset.bpStep);
        input.value = String(Math.max(0, Math.min(Number(input.max), next)));
        apply();
      });
    });
    var config = {responsive: true, displayModeBar: false, displaylogo: false};
    Plotly.newPlot(plot, spec.figure.data, spec.figure.layout, config).then(function () {
      var start = 0;
      controls.forEach(function (el, k) { start = start * spec.sizes[k] + position(el); });
      root.dataset.bpState = String(start);
      root.dataset.bpReady = "1";
    });
  }
  if (window.Plotly) draw(); else document.addEventListener("DOMContentLoaded", draw);
})();
"""
