"""Offer each notebook page as an executed ``.ipynb`` download.

MyST-NB writes every executed page to ``<build>/jupyter_execute/<page>.ipynb``, and
sphinx-book-theme shows an ``.ipynb`` entry in its download menu when the page context has an
``ipynb_source``, but it only fills that in when a Binder/Colab launch button is configured. This
hook copies the executed notebook next to the page sources and sets ``ipynb_source`` for every
page MyST-NB executed, before the theme builds its header buttons.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def add_notebook_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Copy the executed notebook of ``pagename`` into ``_sources`` and link it (html-page-context)."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook; it must run before sphinx-book-theme's (priority 501)."""
    app.connect("html-page-context", add_notebook_download, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
