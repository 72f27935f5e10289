"""Show the package's code on a page without its docstrings, and the files a reader must copy.

``package-code`` takes a dotted name (a function, a class or a method of ``backprop_ref``) and
shows its source with every docstring removed (comments stay: they explain a line), under a
caption that links the API reference entry, where the docstring and the whole file are::

    ```{package-code} backprop_ref.nn.layers.Linear.backward
    ```

``copy-files`` takes a module's dotted name and says which files to copy to use it in another
project: the list that ends the module's docstring (``Files to copy: ...``), the same list that
``tests/test_copy_modules.py`` copies into an empty folder and runs with numpy alone::

    ```{copy-files} backprop_ref.nn.layers
    ```
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

#: The declaration that ends a module's docstring: ``Files to copy: ``a.py``, ``b.py``.``
FILES_TO_COPY = re.compile(r"Files to copy:(.*?)(?:\n\s*\n|\Z)", re.DOTALL)


def resolve(dotted: str) -> tuple[Any, str]:
    """Return the object named ``dotted`` (module path, then attributes) and its module name."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        module_name = obj.__name__
        for attribute in parts[split:]:
            obj = getattr(obj, attribute)
        return obj, module_name
    raise ValueError(f"cannot import any prefix of {dotted!r}")


def without_docstrings(source: str) -> str:
    """Return ``source`` (a function or class definition) with every docstring line removed."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    drop: set[int] = set()
    placeholders: dict[int, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        first = node.body[0]
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
            continue
        if not isinstance(first.value.value, str):
            continue
        assert first.end_lineno is not None
        drop.update(range(first.lineno, first.end_lineno + 1))
        if len(node.body) > 1 and node.body[1].lineno > first.end_lineno + 1:
            drop.add(first.end_lineno + 1)  # the blank line after the docstring
        if len(node.body) == 1:  # only a docstring: keep the body valid
            placeholders[first.lineno] = " " * first.col_offset + "..."
    kept = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in placeholders:
            kept.append(placeholders[number])
        elif number not in drop:
            kept.append(line)
    return "\n".join(kept).rstrip() + "\n"


def files_to_copy(module_name: str) -> list[str]:
    """Return the files that the docstring of ``module_name`` declares, itself first."""
    doc = inspect.getdoc(importlib.import_module(module_name)) or ""
    match = FILES_TO_COPY.search(doc)
    if match is None:
        raise ValueError(f"{module_name}'s docstring does not end with 'Files to copy: ...'")
    return re.findall(r"``([^`]+)``", match.group(1))


def _api_reference(dotted: str, text: str) -> addnodes.pending_xref:
    """Return a cross-reference to the API entry of ``dotted``."""
    reference = addnodes.pending_xref(
        "", refdomain="py", reftype="obj", reftarget=dotted, refexplicit=True
    )
    reference += nodes.literal(text, text)
    return reference


class PackageCode(SphinxDirective):
    """``package-code``: a definition of the package, shown without its docstrings."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        dotted = self.arguments[0]
        obj, module_name = resolve(dotted)
        target = inspect.unwrap(obj.fget if isinstance(obj, property) else obj)
        code = without_docstrings(inspect.getsource(target))
        path = inspect.getsourcefile(target)
        if path:
            self.env.note_dependency(path)
        block = nodes.literal_block(code, code, language="python")
        caption = nodes.caption("", "")
        caption += _api_reference(dotted, dotted.removeprefix(module_name + "."))
        caption += nodes.Text(f" from {module_name.replace('.', '/')}.py, without its docstring ")
        caption += nodes.Text("(the ")
        caption += _api_reference(dotted, "API reference")
        caption += nodes.Text(" has it, and a link to the whole file)")
        container = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
        container += caption
        container += block
        return [container]


class CopyFiles(SphinxDirective):
    """``copy-files``: the files to copy to use a module, from its docstring's declaration."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        files = files_to_copy(module_name)
        module = importlib.import_module(module_name)
        if module.__file__:
            self.env.note_dependency(module.__file__)
        paragraph = nodes.paragraph()
        paragraph += nodes.strong("", "To use this code in your own project")
        paragraph += nodes.Text(", copy these files, keeping their folders: ")
        for position, name in enumerate(files):
            if position:
                paragraph += nodes.Text(", ")
            paragraph += nodes.literal(name, name)
        needs = "numpy and matplotlib" if "matplotlib" in inspect.getsource(module) else "numpy"
        paragraph += nodes.Text(f". They need {needs} only; ")
        paragraph += nodes.literal(module_name, module_name)
        paragraph += nodes.Text(" then imports as it does here.")
        note = nodes.note()
        note += paragraph
        return [note]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the two directives."""
    app.add_directive("package-code", PackageCode)
    app.add_directive("copy-files", CopyFiles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
