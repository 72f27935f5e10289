"""A reader can copy one module: it runs with only the files it declares, and numpy.

Each module's docstring ends with ``Files to copy: ``a.py``, ...``. For every module this test
copies exactly those files, keeping their folders (and no ``__init__.py``), into an empty folder,
then imports the module in a fresh virtual environment that holds numpy alone (numpy and
matplotlib for a module that draws) and runs its docstring examples with the standard library's
``doctest``, with no option flags, as a reader would.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "backprop_ref"
#: The small shared helpers every module may import besides the one module it builds on.
HELPERS = {"backprop_ref/_typing.py", "backprop_ref/_checks.py", "backprop_ref/_numerics.py"}
MODULES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in PACKAGE.rglob("*.py")
    if path.name != "__init__.py"
)


def declared_files(path: str) -> list[str]:
    """Return the files the module's docstring declares, in order."""
    doc = ast.get_docstring(ast.parse((ROOT / path).read_text())) or ""
    match = re.search(r"Files to copy:(.*?)(?:\n\s*\n|\Z)", doc, re.DOTALL)
    assert match, f"{path}: the docstring must end with 'Files to copy: ``...``'"
    return re.findall(r"``([^`]+)``", match.group(1))


def imported_files(path: str) -> set[str]:
    """Return the package files ``path`` imports (anywhere in it, type-checking imports too)."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name == "backprop_ref" or name.startswith("backprop_ref."):
                target = name.replace(".", "/")
                assert (ROOT / f"{target}.py").is_file(), (
                    f"{path} imports {name}, a package: import from the module itself, since "
                    "a reader does not copy the __init__.py files"
                )
                found.add(f"{target}.py")
    return found


def closure(path: str) -> set[str]:
    """Return every package file ``path`` needs, itself included."""
    needed, todo = set(), [path]
    while todo:
        current = todo.pop()
        if current not in needed:
            needed.add(current)
            todo.extend(imported_files(current))
    return needed


@pytest.mark.parametrize("path", MODULES)
def test_declared_files_are_exactly_what_the_module_needs(path: str) -> None:
    files = declared_files(path)
    assert files[0] == path, f"{path}: the list starts with the module itself"
    assert len(files) == len(set(files)), f"{path}: a file is listed twice"
    assert set(files) == closure(path), f"{path}: declares {files}, needs {sorted(closure(path))}"
    concepts = imported_files(path) - HELPERS
    assert len(concepts) <= 1, f"{path} builds on more than one module: {sorted(concepts)}"


def _distribution_paths(name: str, seen: set[str]) -> set[Path]:
    """Return the top-level files and folders of distribution ``name`` and its dependencies."""
    key = name.lower().replace("_", "-")
    if key in seen:
        return set()
    seen.add(key)
    distribution = importlib.metadata.distribution(name)
    tops = set()
    for file in distribution.files or []:
        top = file.parts[0]
        if top != ".." and not top.endswith((".dist-info", ".pth")) and top != "__pycache__":
            tops.add(Path(str(distribution.locate_file(top))))
    for requirement in distribution.requires or []:
        if "extra ==" not in requirement:
            dependency = re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
            tops |= _distribution_paths(dependency, seen)
    return tops


@pytest.fixture(scope="module")
def environments(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """Two fresh virtual environments: numpy alone, and numpy with matplotlib."""
    made = {}
    for drawing, distributions in ((False, ["numpy"]), (True, ["numpy", "matplotlib"])):
        folder = tmp_path_factory.mktemp("venv-matplotlib" if drawing else "venv-numpy")
        venv.EnvBuilder(with_pip=False).create(folder)
        (site,) = folder.glob("lib/python*/site-packages")
        seen: set[str] = set()
        for name in distributions:
            for source in _distribution_paths(name, seen):
                (site / source.name).symlink_to(source)
        made[drawing] = folder / "bin" / "python"
    return made


RUN_EXAMPLES = """
import doctest, importlib, sys
sys.path.insert(0, ".")
module = importlib.import_module(sys.argv[1])
result = doctest.testmod(module)
print(f"{result.attempted} examples, {result.failed} failed")
defines = any(callable(value) and getattr(value, "__module__", None) == module.__name__
              for value in vars(module).values())
sys.exit(1 if result.failed or (defines and not result.attempted) else 0)
"""


@pytest.mark.parametrize("path", MODULES)
def test_module_runs_alone(path: str, environments: dict[bool, Path], tmp_path: Path) -> None:
    for file in declared_files(path):
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / file, tmp_path / file)
    drawing = "matplotlib" in (ROOT / path).read_text()
    module = path.removesuffix(".py").replace("/", ".")
    result = subprocess.run(
        [str(environments[drawing]), "-I", "-c", RUN_EXAMPLES, module],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, f"{path}:\n{result.stdout}\n{result.stderr}"


def test_the_environment_holds_numpy_only(environments: dict[bool, Path]) -> None:
    probe = "import importlib.util as u; print(u.find_spec('matplotlib'), u.find_spec('pytest'))"
    result = subprocess.run(
        [str(environments[False]), "-I", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["None", "None"]
    assert sys.executable != str(environments[False])
