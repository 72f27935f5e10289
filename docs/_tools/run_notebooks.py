"""Run every notebook the site offers for download, as a reader would: ``python run_notebooks.py``.

The site offers each page as an executed ``.ipynb`` (``docs/_build/html/_sources/**/*.ipynb``).
This script executes each one top to bottom in a fresh Jupyter kernel (nbclient), in an empty
temporary folder, in the environment it is run from, and fails, naming the notebook and the
error, if any cell raises. It first checks that the docs toolchain (Sphinx, MyST-NB) is *not*
importable, so that a pass means the downloads run in plain Jupyter with only the package and
its ``[plot]`` extra (plus scikit-learn) installed. ``nox -s notebooks`` runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets.config import Config

__all__ = ["main", "run_notebook"]

#: Where ``nox -s docs`` puts the notebooks that the site offers for download.
DEFAULT_SOURCES = Path(__file__).resolve().parents[1] / "_build" / "html" / "_sources"
#: Modules of the docs toolchain that a downloaded notebook must not need.
TOOLCHAIN = ("sphinx", "myst_nb")


def run_notebook(path: Path, timeout: int) -> float:
    """Execute the notebook at ``path`` in a fresh kernel; return the seconds it took.

    Raises ``nbclient``'s ``CellExecutionError`` (or a timeout or dead-kernel error) on the
    first cell that fails.
    """
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="notebook-") as folder,
        tempfile.TemporaryDirectory(prefix="kernel-") as sockets,
    ):
        # Local sockets rather than TCP: no port to find, and no warning from the kernel that
        # TCP is unencrypted.
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "k")}})
        client = nbclient.NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            config=config,
            resources={"metadata": {"path": folder}},  # the kernel's working directory
        )
        client.execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run every notebook under the sources folder; return 1 if any fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="?", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    present = [name for name in TOOLCHAIN if importlib.util.find_spec(name) is not None]
    if present:
        toolchain = ", ".join(present)
        print(
            f"error: {toolchain} importable here, so this would not show that the notebooks run "
            "without the docs toolchain; run: nox -s notebooks",
            file=sys.stderr,
        )
        return 1
    notebooks = sorted(args.sources.glob("**/*.ipynb"))
    if not notebooks:
        print(
            f"error: no .ipynb under {args.sources}; build the site first: nox -s docs",
            file=sys.stderr,
        )
        return 1

    failures: list[str] = []
    total = time.perf_counter()
    for path in notebooks:
        name = path.relative_to(args.sources).as_posix()
        try:
            seconds = run_notebook(path, args.timeout)
        except CellExecutionError as error:
            # nbclient's message holds the failing cell's source and the kernel's traceback.
            failures.append(f"{name}: {error.ename}: {error.evalue}")
            print(f"FAIL {name}\n{error}", flush=True)
        except (CellTimeoutError, DeadKernelError) as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        else:
            print(f"ok   {name} ({seconds:.1f} s)", flush=True)
    elapsed = time.perf_counter() - total
    print(f"{len(notebooks) - len(failures)} of {len(notebooks)} notebooks ran in {elapsed:.0f} s")
    if failures:
        print("failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
