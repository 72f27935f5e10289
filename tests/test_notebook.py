"""The page helpers: glue with and without MyST-NB, tables, number formats, the figure style."""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import pytest

from backprop_ref import notebook
from backprop_ref.notebook import Markdown, fmt, glue, glue_number, markdown_table, sci, use_style


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **attributes: Any) -> None:
    """Put a module called ``name`` with ``attributes`` into sys.modules for one test."""
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


def test_glue_hands_the_value_to_myst_nb_when_it_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, object, bool]] = []

    def myst_glue(name: str, value: object, display: bool = True) -> None:
        calls.append((name, value, display))

    fake_module(monkeypatch, "myst_nb", glue=myst_glue)
    glue("loss", 0.5, display=False)
    glue("table", "| a |")
    assert calls == [("loss", 0.5, False), ("table", "| a |", True)]


def test_glue_without_myst_nb_displays_with_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now raises ImportError
    fake_module(monkeypatch, "IPython")
    fake_module(monkeypatch, "IPython.display", display=shown.append)
    table = markdown_table(["x"], [[1]])
    glue("table", table)
    glue("hidden", 3.0, display=False)
    assert shown == [table]


def test_glue_without_myst_nb_or_ipython_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    glue("answer", 42)
    glue("quiet", 43, display=False)
    assert capsys.readouterr().out == "42\n"


def test_glue_number_stores_a_python_float(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, object, bool]] = []

    def myst_glue(name: str, value: object, display: bool = True) -> None:
        calls.append((name, value, display))

    fake_module(monkeypatch, "myst_nb", glue=myst_glue)
    glue_number("lr", np.float32(0.25))
    glue_number("step", np.array(3))
    assert calls == [("lr", 0.25, False), ("step", 3.0, False)]
    assert all(type(value) is float for _, value, _ in calls)


def test_markdown_table_aligns_the_first_left_columns_to_the_left() -> None:
    rows = [("a", 1, 2.5), ("b", 10, -1)]
    assert markdown_table(["name", "n", "x"], rows).data.splitlines() == [
        "| name | n | x |",
        "| :--- | ---: | ---: |",
        "| a | 1 | 2.5 |",
        "| b | 10 | -1 |",
    ]
    assert markdown_table(["n", "x"], [], left=0).data.splitlines()[1] == "| ---: | ---: |"
    assert markdown_table(["n", "x"], [], left=2).data.splitlines()[1] == "| :--- | :--- |"


def test_markdown_renders_as_markdown_in_jupyter() -> None:
    text = Markdown("$x$")
    assert text._repr_markdown_() == "$x$"
    assert str(text) == "$x$"
    assert repr(text) == "Markdown('$x$')"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1.5e-8, 1, r"$1.5 \times 10^{-8}$"),
        (np.float32(2.0) ** -23, 2, r"$1.19 \times 10^{-7}$"),
        (123456.0, 0, r"$1 \times 10^{5}$"),
        (-0.00042, 1, r"$-4.2 \times 10^{-4}$"),
        (0.0, 1, r"$0.0 \times 10^{0}$"),
        (float("inf"), 1, "$inf$"),
        (float("nan"), 1, "$nan$"),
    ],
)
def test_sci_writes_inline_math(value: float, digits: int, expected: str) -> None:
    assert sci(value, digits).data == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(-0.0, 4, "0.0000"), (np.float64(-0.0), 2, "0.00"), (1 / 3, 4, "0.3333"), (-2.5, 1, "-2.5")],
)
def test_fmt_writes_fixed_decimals_without_negative_zero(
    value: float, digits: int, expected: str
) -> None:
    assert fmt(value, digits) == expected


def test_use_style_updates_matplotlib_rcparams() -> None:
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcParams["font.size"] = 8
        use_style()
        assert matplotlib.rcParams["font.size"] == 11
        assert matplotlib.rcParams["axes.spines.right"] is False


def test_palette_is_okabe_ito() -> None:
    assert notebook.OKABE_ITO == (
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
    )  # fmt: skip
    assert len(set(notebook.OKABE_ITO)) == 8
