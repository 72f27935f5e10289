"""Tests of backprop_ref.explorable: states, the MIME bundle, the HTML, and bad input."""

from __future__ import annotations

import ast
import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import backprop_ref.explorable as explorable_module
from backprop_ref.explorable import PLOTLY_MIME_TYPE, Control, Explorable, State, explorable


def _figure() -> dict[str, Any]:
    return {
        "data": [
            {"type": "scatter", "x": [0.0, 1.0], "y": [0.0, 1.0], "name": "line"},
            {"type": "scatter", "x": [0.5], "y": [0.5], "name": "point"},
        ],
        "layout": {"title": {"text": "start"}},
    }


def _two_controls() -> Explorable:
    def state(a: int, b: int) -> State:
        return State(
            text=f"a={a} b={b}",
            data={"y": [[0.0, float(10 * a + b)], None]},
            layout={"title.text": f"{a}{b}"},
        )

    return explorable(
        _figure(),
        [Control("a", ["0", "1", "2"]), Control("b", ["x", "y"], kind="buttons", start=1)],
        state,
        traces=[0, 1],
        name="two-controls",
        alt="A line whose end two controls move.",
    )


def _spec(html: str) -> dict[str, Any]:
    found = re.search(r'class="bp-explorable-spec">(.*?)</script>', html, re.S)
    assert found is not None
    spec: dict[str, Any] = json.loads(found.group(1).replace("<\\/", "</"))
    return spec


def test_one_state_per_combination_last_control_fastest() -> None:
    made = _two_controls()
    assert [s["text"] for s in made.states] == [
        "a=0 b=0", "a=0 b=1", "a=1 b=0", "a=1 b=1", "a=2 b=0", "a=2 b=1",
    ]  # fmt: skip
    for a in range(3):
        for b in range(2):
            assert made.states[made.index([a, b])]["text"] == f"a={a} b={b}"


def test_the_figure_starts_in_the_start_state_and_none_keeps_a_value() -> None:
    made = _two_controls()  # starts at a=0, b=1
    assert made.figure["data"][0]["y"] == [0.0, 1.0]
    assert made.figure["data"][1]["y"] == [0.5]  # None: unchanged
    assert made.figure["layout"]["title"]["text"] == "01"


def test_mime_bundle_has_html_plotly_json_and_alt_text() -> None:
    made = _two_controls()
    bundle = made._repr_mimebundle_()
    assert set(bundle) == {"text/html", PLOTLY_MIME_TYPE, "text/plain"}
    assert bundle[PLOTLY_MIME_TYPE] == made.figure
    assert bundle["text/plain"] == made.alt
    json.dumps(bundle[PLOTLY_MIME_TYPE], allow_nan=False)  # plain JSON


def test_html_holds_the_controls_readout_spec_and_no_plotly_copy() -> None:
    html = _two_controls().to_html()
    assert 'id="bp-explorable-two-controls"' in html
    assert 'aria-label="A line whose end two controls move."' in html
    assert '<input type="range" min="0" max="2" step="1" value="0" data-bp-control="0"' in html
    assert 'data-bp-option="1" aria-pressed="true"' in html
    assert '<output class="bp-explorable-readout" aria-live="polite">a=0 b=1</output>' in html
    assert "Plotly.newPlot" in html
    assert "http://" not in html
    assert "https://" not in html
    assert len(html) < 20_000  # plotly.js itself is never inlined
    spec = _spec(html)
    assert spec["sizes"] == [3, 2]
    assert spec["traces"] == [0, 1]
    assert len(spec["states"]) == 6


def test_script_end_tags_in_text_are_escaped() -> None:
    made = explorable(
        _figure(),
        [Control("k", ["1"])],
        lambda k: State("</script><b>"),
        traces=[0],
        name="escape",
        alt="x",
    )
    html = made.to_html()
    assert html.count("</script>") == 2  # the spec's and the script's own
    assert _spec(html)["states"][0]["text"] == "</script><b>"


def test_numbers_are_rounded_and_non_finite_become_null() -> None:
    made = explorable(
        _figure(),
        [Control("k", ["1"])],
        lambda k: State("t", data={"y": [np.array([np.pi, np.nan, np.inf, np.float32(2.5)])]}),
        traces=[0],
        name="rounding",
        alt="x",
        digits=3,
    )
    assert made.states[0]["data"]["y"] == [[3.14, None, None, 2.5]]


def test_plotly_figure_is_accepted() -> None:
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure()
    fig.add_scatter(x=np.arange(3.0), y=np.arange(3.0) ** 2)
    made = explorable(
        fig,
        [Control("power", ["1", "2"], start=1)],
        lambda k: State(f"power {k + 1}", data={"y": [np.arange(3.0) ** (k + 1)]}),
        traces=[0],
        name="plotly-figure",
        alt="A parabola or a line.",
    )
    assert made.figure["data"][0]["y"] == [0.0, 1.0, 4.0]  # set by the start state
    x = made.figure["data"][0]["x"]  # plotly >= 6 sends numpy arrays as base64 typed arrays
    if isinstance(x, dict):
        x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    assert x == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Bad Name"}, "name must be lower case"),
        ({"alt": "  "}, "alt must describe the figure"),
        ({"controls": []}, "controls must hold at least one Control"),
        ({"traces": [5]}, r"traces must be indices of the figure's 2 traces, got \[5\]"),
        ({"state": lambda k: State("t", data={"y": [[1.0], [2.0]]})}, "one value per trace"),
        ({"controls": [Control("k", [str(i) for i in range(5001)])]}, "at most 5000 states"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "controls": [Control("k", ["1", "2"])],
        "state": lambda k: State("t"),
        "traces": [0],
        "name": "ok",
        "alt": "ok",
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        explorable(
            _figure(),
            arguments["controls"],
            arguments["state"],
            traces=arguments["traces"],
            name=arguments["name"],
            alt=arguments["alt"],
        )


def test_figure_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="figure must be a plotly Figure or a mapping, got int"):
        explorable(3, [Control("k", ["1"])], lambda k: State("t"), traces=[], name="t", alt="t")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"options": []}, "options must not be empty"),
        ({"kind": "dial"}, "kind must be one of"),
        ({"start": 3}, r"start must be in \[0, 1\], got 3"),
    ],
)
def test_bad_controls_are_refused(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"options": ["a", "b"]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Control("k", **arguments)


def test_index_checks_its_positions() -> None:
    made = _two_controls()
    with pytest.raises(ValueError, match=r"one entry per control \(2\), got 1"):
        made.index([0])
    with pytest.raises(ValueError, match=r"position of 'b' must be in \[0, 1\], got 2"):
        made.index([0, 2])


def test_module_needs_only_the_standard_library_and_numpy() -> None:
    tree = ast.parse(Path(explorable_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module not in (None, "__future__"):
            imported.add(str(node.module).split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"numpy"}, imported


def test_the_copied_file_runs_its_examples_alone(tmp_path: Path) -> None:
    # "Files to copy" in the module docstring: explorable.py alone, with numpy.
    shutil.copy(explorable_module.__file__, tmp_path / "explorable.py")
    result = subprocess.run(
        [sys.executable, "-m", "doctest", "explorable.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
