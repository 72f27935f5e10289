"""How long the site takes to build: clean, unchanged, and after editing one page.

Each build runs ``sphinx-build -W -n --keep-going`` (the docs session's command) in a private copy
of the repository, so the developer's own build folder and cache are untouched. The number of
pages executed is read from MyST-NB's log lines ("Executing notebook").
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks._harness import Row

ROOT = Path(__file__).resolve().parents[2]
FULL_BUILD_LIMIT_S = 180.0
NO_CHANGE_LIMIT_S = 20.0
REPEAT = int(os.environ.get("BENCH_DOCS_REPEAT", "3"))


def _build(copy: Path) -> tuple[float, list[str]]:
    """Build the copy's site; return (seconds, pages executed)."""
    # Not -q: the "Executing notebook" lines this counts are info messages that -q hides.
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going"]
    command += ["-b", "html", str(copy / "docs"), str(copy / "docs" / "_build" / "html")]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=copy, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"docs build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    log = result.stdout + result.stderr
    executed = re.findall(r"([\w/.-]+\.(?:md|ipynb)): Executing notebook", log)
    return seconds, executed


def _fresh_copy(into: Path) -> Path:
    copy = into / "repo"
    shutil.rmtree(copy, ignore_errors=True)
    ignore = shutil.ignore_patterns("_build", "__pycache__", ".nox", ".venv", ".git")
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


def _edit_one_code_cell(page: Path) -> None:
    """Change one code cell's code (a comment) so that page, and only it, must re-execute."""
    text = page.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n"
    index = text.index(marker)
    # Skip the cell's option lines (":tags: ...", ":mystnb: ..."), then add a comment line.
    body_start = index + len(marker)
    while text[body_start:].startswith(":"):
        body_start = text.index("\n", body_start) + 1
    page.write_text(
        text[:body_start] + f"# edited {time.time()}\n" + text[body_start:], encoding="utf-8"
    )


def collect() -> list[Row]:
    """Time clean, unchanged and one-page rebuilds (medians of ``BENCH_DOCS_REPEAT`` runs)."""
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as tmp:
        full, unchanged, edited = [], [], []
        unchanged_executed: list[str] = []
        edited_executed: list[list[str]] = []
        for _ in range(REPEAT):
            copy = _fresh_copy(Path(tmp))
            seconds, executed = _build(copy)
            full.append(seconds)
            pages = len(executed)
            if pages == 0:  # a clean build executes every page: the log was not understood
                raise RuntimeError(
                    "docs bench: no 'Executing notebook' line in a clean build's log; "
                    "MyST-NB's log format may have changed, so executed pages cannot be counted"
                )
            seconds, executed = _build(copy)
            unchanged.append(seconds)
            unchanged_executed += executed
            page = copy / "docs" / "calculus" / "derivatives.md"
            _edit_one_code_cell(page)
            seconds, executed = _build(copy)
            edited.append(seconds)
            edited_executed.append(executed)

    full_s, unchanged_s, edited_s = (statistics.median(t) for t in (full, unchanged, edited))
    edited_ok = all(
        len(e) == 1 and e[0].endswith("calculus/derivatives.md") for e in edited_executed
    )
    return [
        Row(
            "docs: full build, clean cache, every page executed",
            full_s,
            "s",
            f"< {FULL_BUILD_LIMIT_S:.0f}",
            full_s < FULL_BUILD_LIMIT_S,
            f"{pages} pages executed; runs: {', '.join(f'{t:.1f}' for t in full)} s",
        ),
        Row(
            "docs: rebuild with nothing changed",
            unchanged_s,
            "s",
            f"< {NO_CHANGE_LIMIT_S:.0f}",
            unchanged_s < NO_CHANGE_LIMIT_S and not unchanged_executed,
            f"pages executed: {len(unchanged_executed)} (goal 0)",
        ),
        Row(
            "docs: rebuild after editing one page's code",
            edited_s,
            "s",
            "1 page",
            edited_ok,
            f"pages executed per run: {[len(e) for e in edited_executed]} "
            f"({edited_executed[0] if edited_executed else []})",
        ),
    ]
