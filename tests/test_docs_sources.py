"""The pages show the package's code through ``package-code`` and say which files to copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_copy_modules import declared_files

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
SHOWN = re.compile(r"```\{package-code\}\s+(backprop_ref[\w.]*)")
COPY = re.compile(r"```\{copy-files\}\s+(backprop_ref[\w.]*)")


def _module_of(dotted: str) -> str:
    """Return the dotted name of the module file that defines ``dotted``."""
    root = DOCS.parent
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if (root / Path(*parts[:end])).with_suffix(".py").is_file():
            return ".".join(parts[:end])
    raise AssertionError(f"{dotted} names no module of the package")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_package_code_is_shown_without_docstrings(page: Path) -> None:
    text = page.read_text()
    assert not re.search(r"\{literalinclude\}\s+\S*backprop_ref/", text), (
        f"{page.name}: show package code with package-code (no docstrings), not literalinclude"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_pages_that_show_a_module_say_what_to_copy(page: Path) -> None:
    text = page.read_text()
    shown = {_module_of(name).replace(".", "/") + ".py" for name in SHOWN.findall(text)}
    told = {
        file
        for module in COPY.findall(text)
        for file in declared_files(module.replace(".", "/") + ".py")
    }
    assert shown <= told, f"{page.name}: no copy-files note lists {sorted(shown - told)}"
