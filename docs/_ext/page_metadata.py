"""Metadata a shared link needs: a description and Open Graph tags on every page.

A page sets its own description in its front matter (``myst: html_meta: description: ...``);
pages without one get the site's ``html_description``. The canonical URL comes from Sphinx's
``html_baseurl`` and the sitemap from sphinx-sitemap.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx


def add_metadata(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Add description and Open Graph meta tags to the page head (html-page-context)."""
    tags = context.get("metatags", "")
    description = app.config.html_description
    if 'name="description"' not in tags:
        tags += f'\n<meta name="description" content="{escape(description)}" />'
    title = context.get("title") or app.config.html_title
    tags += f'\n<meta property="og:title" content="{escape(str(title))}" />'
    tags += '\n<meta property="og:type" content="website" />'
    tags += f'\n<meta property="og:site_name" content="{escape(app.config.html_title)}" />'
    if app.config.html_baseurl:
        url = app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
        tags += f'\n<meta property="og:url" content="{escape(url)}" />'
    context["metatags"] = tags


def setup(app: Sphinx) -> dict[str, Any]:
    """Register ``html_description`` and the hook."""
    app.add_config_value("html_description", "", "html", str)
    app.connect("html-page-context", add_metadata)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
