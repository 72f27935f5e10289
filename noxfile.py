"""Every task a developer runs, as nox sessions: ``nox -l`` lists them.

Bare ``nox`` runs tests, lint, typecheck, docs and notebooks. Tool versions come from one
declaration in ``pyproject.toml`` (dependency groups) and are pinned by ``.ci/constraints.txt``,
which ``nox -s lock`` refreshes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck", "docs", "notebooks"]
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
# The sphinx-build invocation every docs session shares: warnings are errors, references must
# resolve (-n), and the build reports every problem before failing (--keep-going).
SPHINX_ARGS = ["-W", "-n", "--keep-going", "-b", "html", str(DOCS), str(BUILD / "html")]


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install the dependency groups (pinned) and, by default, the package itself."""
    requirements: list[str] = []
    for group in groups:
        requirements += nox.project.dependency_groups(PYPROJECT, group)
    if project:
        requirements += ["-e", str(ROOT)]  # editable: doctests and pages see this checkout
    if requirements:
        session.install("-c", str(CONSTRAINTS), *requirements)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest + hypothesis, doctests included). Extra args go to pytest."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff (``ruff format`` fixes the formatting)."""
    install(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package and the tests with ``mypy --strict``."""
    install(session, "typecheck")
    session.run("mypy", "--strict")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site, executing every notebook page; open docs/_build/html/index.html."""
    install(session, "docs")
    if "--clean" in session.posargs:
        shutil.rmtree(BUILD, ignore_errors=True)
    session.run("sphinx-build", *SPHINX_ARGS)
    session.log(f"open {BUILD / 'html' / 'index.html'}")


@nox.session
def notebooks(session: nox.Session) -> None:
    """Run every notebook the site offers for download, without the docs toolchain.

    Installs what a reader installs (the package with its ``[plot]`` extra, scikit-learn, a
    Jupyter kernel) and no Sphinx or MyST-NB (the script fails if either is importable), then
    executes each ``.ipynb`` of the last ``nox -s docs`` build top to bottom in a fresh kernel.
    Extra args go to docs/_tools/run_notebooks.py.
    """
    requirements = nox.project.dependency_groups(PYPROJECT, "notebooks")
    session.install("-c", str(CONSTRAINTS), "-e", f"{ROOT}[plot]", *requirements)
    session.run("python", str(DOCS / "_tools" / "run_notebooks.py"), *session.posargs)


@nox.session(default=False)
def site(session: nox.Session) -> None:
    """Build the site, check every link, then open every page in headless Chromium.

    Needs Debian's ``chromium`` (``.ci/run`` installs it); outside CI the browser check skips
    with a message when it is missing. Screenshots land in docs/_build/screenshots/.
    """
    install(session, "site")
    # Start from an empty HTML folder (the execution cache is kept) so no page left over from
    # an earlier build is checked or published.
    shutil.rmtree(BUILD / "html", ignore_errors=True)
    session.run("sphinx-build", *SPHINX_ARGS)
    session.run("python", str(DOCS / "_tools" / "check_links.py"), str(BUILD / "html"))
    session.run(
        "python", str(DOCS / "_tools" / "check_site.py"), str(BUILD / "html"), *session.posargs
    )


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Live preview of the docs at http://127.0.0.1:8000, rebuilding on every save."""
    install(session, "serve")
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--watch",
        str(ROOT / "backprop_ref"),
        *SPHINX_ARGS,
    )


@nox.session(default=False, venv_backend="virtualenv")
def bench(session: nox.Session) -> None:
    """Run the benchmarks and print their ratios (``nox -s bench -- autodiff`` runs one).

    The comparison libraries are installed here only: micrograd 0.1.0 always; PyTorch 2.13.0
    (CPU) when a local wheel is available or ``--with-torch`` is given (elsewhere it is a
    multi-gigabyte download), never with ``--no-torch``.
    """
    install(session, "test", "docs")
    session.install("-c", str(CONSTRAINTS), "threadpoolctl", "micrograd==0.1.0")
    args = [arg for arg in session.posargs if arg not in {"--with-torch", "--no-torch"}]
    if "--no-torch" not in session.posargs and (
        "--with-torch" in session.posargs or _local_torch_wheel()
    ):
        session.install("torch==2.13.0")  # pip, which also looks in PIP_FIND_LINKS
    else:
        session.log("PyTorch not installed: its comparison rows will say so")
    session.run("python", str(ROOT / "tests" / "benchmarks" / "run.py"), *args)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Refresh the pins in .ci/constraints.txt (all dependency groups, every supported Python)."""
    session.install("uv")
    groups = [arg for name in PYPROJECT["dependency-groups"] for arg in ("--group", name)]
    session.run(
        "uv",
        "pip",
        "compile",
        "--universal",
        "--python-version",
        "3.10",
        "--upgrade",
        "--no-header",
        "--all-extras",
        "pyproject.toml",
        *groups,
        "-o",
        str(CONSTRAINTS),
    )


def _local_torch_wheel() -> bool:
    """Whether pip's find-links folders hold the PyTorch 2.13.0 CPU wheel."""
    folders = os.environ.get("PIP_FIND_LINKS", "").split()
    return any(any(Path(folder).glob("torch-2.13.0*.whl")) for folder in folders)
