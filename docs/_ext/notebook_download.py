"""Offer each notebook page as an executed ``.ipynb`` download that reads well in Jupyter.

MyST-NB writes every executed page to ``<build>/jupyter_execute/<page>.ipynb``, and
sphinx-book-theme shows an ``.ipynb`` entry in its download menu when the page context has an
``ipynb_source``, but it only fills that in when a Binder/Colab launch button is configured. This
hook copies the executed notebook next to the page sources and sets ``ipynb_source`` for every
page MyST-NB executed, before the theme builds its header buttons.

On the way, each ``{glue:text}`` and ``{glue:md}`` role in a markdown cell is replaced by the
value it shows on the site (from the ``<page>.glue.json`` MyST-NB writes beside the notebook,
formatted as MyST-NB formats it), since Jupyter would show the role's raw source instead.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
from myst_nb.core.variables import format_plain_text
from sphinx.application import Sphinx

#: A glue role: ``{glue:text}`key:format```, ``{glue:md}`key```, ``{glue}`key```.
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>any|text|md)?)?\}`(?P<content>[^`]+)`")


def paste_glue(markdown: str, glue_data: dict[str, Any]) -> str:
    """Return ``markdown`` with every glue role whose key is in ``glue_data`` replaced by its value.

    A role that names another page (``path::key``) or a missing key, or whose value cannot be
    formatted, is left as it is.
    """

    def paste(match: re.Match[str]) -> str:
        kind, content = match["kind"] or "any", match["content"]
        key, _, spec = content.rpartition(":") if ":" in content else (content, "", "")
        if "::" in content or key not in glue_data:
            return match[0]
        data = glue_data[key].get("data", {})
        if kind in {"md", "any"} and "text/markdown" in data:
            return str(data["text/markdown"])
        if kind in {"text", "any"} and "text/plain" in data:
            try:
                return format_plain_text(data["text/plain"], spec or "s")
            except (TypeError, ValueError):
                return match[0]
        return match[0]

    return GLUE_ROLE.sub(paste, markdown)


def add_notebook_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Copy the executed notebook of ``pagename`` into ``_sources`` and link it (html-page-context)."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    glue_file = executed.with_name(f"{executed.stem}.glue.json")
    if glue_file.is_file():
        glue_data = json.loads(glue_file.read_text(encoding="utf-8"))
        notebook = nbformat.read(executed, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = paste_glue(cell.source, glue_data)
        nbformat.write(notebook, target)
    else:
        shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook; it must run before sphinx-book-theme's (priority 501)."""
    app.connect("html-page-context", add_notebook_download, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
