"""Sphinx configuration for the backprop_ref site.

Every page under ``docs/`` that is a MyST-NB notebook is executed at build time, through
jupyter-cache so an unchanged page is not executed again. The build is offline: MathJax and all
other assets are served by the site itself, and intersphinx reads inventories kept in the
repository (``docs/_inventories``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import warnings
from importlib import metadata
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
BUILD = DOCS / "_build"
sys.path.insert(0, str(DOCS / "_ext"))

# sphinx-autodoc-typehints still calls a parser method Sphinx 9 deprecates; the Python warning it
# prints on every docstring is not about this site (Sphinx's own warnings still fail the build).
warnings.filterwarnings("ignore", message=r".*set_application' is deprecated")

from offline_inventories import intersphinx_mapping as _local_inventories  # noqa: E402

import backprop_ref  # noqa: E402

# -- Project ------------------------------------------------------------------------------------
project = "backprop_ref"
author = "The backprop_ref developers"
copyright = f"2026, {author}"
release = version = backprop_ref.__version__

# -- Extensions ---------------------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # numpy-style docstrings; must come before sphinx_autodoc_typehints
    "sphinx_autodoc_typehints",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # serves MathJax 3 from _static/mathjax instead of a CDN
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_togglebutton",
    "sphinx_exercise",
    "sphinx_sitemap",
    "notebook_download",
    "package_code",
    "page_metadata",
    "explorable_figures",  # serves plotly.js to the pages with explorable figures
]
exclude_patterns = ["_build", "_ext", "_inventories", "Thumbs.db", ".DS_Store", "README.md"]
nitpicky = True

# -- MyST and notebook execution ----------------------------------------------------------------
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath", "substitution"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

nb_execution_mode = "cache"
nb_execution_raise_on_error = True  # a cell that raises fails the build ...
nb_execution_show_tb = True  # ... and its traceback is printed in the build output
nb_execution_timeout = 300
nb_merge_streams = True
nb_render_markdown_format = "gfm"  # tables printed by cells render as tables


# What the pages' outputs depend on besides their own code: the package and the libraries that
# compute and draw the results.
_FINGERPRINT_DISTRIBUTIONS = (
    "numpy",
    "matplotlib",
    "plotly",
    "scikit-learn",
    "myst-nb",
    "ipykernel",
)


def _package_fingerprint() -> str:
    """Hash of the package source and library versions: pages must re-run when they change.

    jupyter-cache keys a notebook on its code cells only, so a change to ``backprop_ref`` alone
    would leave stale outputs. Keying the cache folder on this hash gives every version of the
    package its own cache; changing the folder is a config change that makes Sphinx re-read every
    page, and those pages then miss the new cache and execute.
    """
    digest = hashlib.sha256(sys.version.encode())
    for name in _FINGERPRINT_DISTRIBUTIONS:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    for path in sorted((ROOT / "backprop_ref").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_cache_root = BUILD / ".jupyter_cache"
nb_execution_cache_path = str(_cache_root / _package_fingerprint())
if _cache_root.is_dir():  # keep only the cache of the current package source
    for stale in _cache_root.iterdir():
        if stale.is_dir() and str(stale) != nb_execution_cache_path:
            shutil.rmtree(stale, ignore_errors=True)

# -- API reference ------------------------------------------------------------------------------
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # sphinx-autodoc-typehints writes the types into the fields
# Show the package's array aliases by name (documented in the API reference) instead of
# expanding them into numpy's private unions.
autodoc_type_aliases = {
    name: f"backprop_ref._typing.{name}"
    for name in ("ArrayLike", "FloatArray", "Float64Array", "IntArray")
}

typehints_use_rtype = False
typehints_document_rtype = False  # the numpy "Returns" section documents it
always_document_param_types = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = True

intersphinx_mapping = _local_inventories(DOCS / "_inventories", BUILD / "inventories")
intersphinx_timeout = 1

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "backprop_ref"
html_description = (
    "Backpropagation explained and implemented: derivatives, the chain rule, a scalar autodiff "
    "engine, vectorized backprop and optimizers, with every number computed by the code."
)
html_baseurl = os.environ.get(
    "READTHEDOCS_CANONICAL_URL", "https://backprop-ref.readthedocs.io/en/latest/"
)
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# pydata-sphinx-theme logs a console error on a first visit when no default mode is set.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = ""
html_theme_options = {
    "repository_url": "https://github.com/backprop-ref/backprop-ref",
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_download_button": True,
    "use_repository_button": False,
    "use_source_button": False,
    "use_issues_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
sitemap_url_scheme = "{link}"
sitemap_show_lastmod = False
copybutton_exclude = ".linenos, .gp, .go"


def _drop_builtin_sources(app: object, env: object) -> None:
    """Keep viewcode from listing ``builtins`` (it has no source page) in its module index.

    A documented alias of a built-in object (such as a ``staticmethod``) makes viewcode record
    the ``builtins`` module; its index then links ``_modules/builtins.html``, which is never
    written.
    """
    getattr(env, "_viewcode_modules", {}).pop("builtins", None)


def setup(app: object) -> None:
    """Register the local hooks of this configuration."""
    app.connect("env-updated", _drop_builtin_sources)  # type: ignore[attr-defined]
