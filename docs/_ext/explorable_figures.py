"""Serve plotly.js from the site for the explorable figures of ``backprop_ref.explorable``.

* The ``plotly.min.js`` that the ``plotly`` package ships is copied into the build's ``_static``
  (once per build, never from a CDN), and loaded -- deferred, so the page shows before it has
  loaded -- only by the pages that hold an explorable figure, together with ``explorable.css``.
* An explorable figure's output also carries the figure as plotly JSON
  (``application/vnd.plotly.v1+json``) for Jupyter. MyST-NB renders the bundle's HTML and warns
  that it skips that MIME type; this extension drops exactly that warning, and no other.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

PLOTLY_JS = "plotly.min.js"
CSS = "explorable.css"
#: The class of an explorable figure's root element (see backprop_ref.explorable).
MARKER = '<div class="bp-explorable" id="bp-explorable-'
_SKIPPED_PLOTLY = "skipping unknown output mime type: application/vnd.plotly.v1+json"


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


class _SkipPlotlyMime(logging.Filter):
    """Drop MyST-NB's warning that it does not render the plotly JSON of an explorable."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_SKIPPED_PLOTLY)


def copy_plotly(app: Sphinx) -> None:
    """Copy plotly.min.js into ``_static`` and install the warning filter (builder-inited)."""
    for handler in logging.getLogger("sphinx").handlers:
        if handler.level >= logging.WARNING:  # the warning stream: filter before it counts
            handler.filters.insert(0, _SkipPlotlyMime())
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_plotly_js(), static / PLOTLY_JS)


def add_plotly(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load plotly.js and the controls' CSS on the pages with an explorable figure."""
    if MARKER in context.get("body", ""):
        # The builder's own methods add to this page only (Sphinx restores the lists before the
        # next page); app.add_js_file would also register the file for pages written later.
        app.builder.add_js_file(PLOTLY_JS, defer="defer")
        app.builder.add_css_file(CSS)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks."""
    app.connect("builder-inited", copy_plotly)
    app.connect("html-page-context", add_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
