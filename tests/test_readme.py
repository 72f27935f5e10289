"""The README's claims hold: its example prints what it says, its commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def test_the_python_example_prints_what_its_comment_says() -> None:
    (example,) = _blocks("python")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(example, "README.md", "exec"), {})
    (expected,) = re.findall(r"print\(.*\)\s+# (.*)", example)
    assert output.getvalue().strip() == expected


def test_the_two_commands_are_the_ones_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in _blocks("bash")[0].splitlines() if line and line[0] != "#"]
    assert len(commands) == 2
    for command in commands:
        assert command in ci, f"README command not in .ci/run: {command}"


def test_the_copy_claim_names_the_test_that_proves_it() -> None:
    assert "tests/test_copy_modules.py" in README
    assert (ROOT / "tests" / "test_copy_modules.py").is_file()
