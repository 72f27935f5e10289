"""Run every benchmark module in this folder and print one report (``nox -s bench``).

Each ``bench_*.py`` module here defines ``collect() -> list[Row]``, and each runs in a Python
process of its own, so no benchmark sees another's imports, heap or BLAS threads. The report ends
with the BLAS library numpy used (threadpoolctl) so the figures can be interpreted.

This machine sets ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` for old OpenBLAS builds; they slow
a current numpy. The bench session, and only it, removes both before numpy is imported (pass
``--keep-blas-env`` to keep them). Tests and CI never change them.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks named on the command line (all by default) and print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="benchmark module names, e.g. autodiff optim")
    parser.add_argument("--keep-blas-env", action="store_true", help="keep OPENBLAS_* settings")
    parser.add_argument("--rows-to", type=Path, help=argparse.SUPPRESS)  # in a child process
    args = parser.parse_args(argv)
    removed = []
    if not args.keep_blas_env:
        for name in BLAS_VARIABLES:
            if os.environ.pop(name, None) is not None:
                removed.append(name)

    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent.parent))
    from tests.benchmarks._harness import Row

    names = sorted(path.stem.removeprefix("bench_") for path in here.glob("bench_*.py"))
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {unknown}; choose from {names}")
        names = [name for name in names if name in args.only]

    if args.rows_to is not None:  # the child: run one module, hand its rows back as JSON
        (name,) = names
        module = importlib.import_module(f"tests.benchmarks.bench_{name}")
        rows = module.collect()
        args.rows_to.write_text(json.dumps([dataclasses.asdict(row) for row in rows]))
        return 0

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-rows-") as tmp:
        for name in names:
            print(f"running {name} ...", flush=True)
            rows_file = Path(tmp) / f"{name}.json"
            command = [sys.executable, __file__, name, "--rows-to", str(rows_file)]
            if args.keep_blas_env:
                command.append("--keep-blas-env")
            subprocess.run(command, check=True)  # the environment, minus OPENBLAS_*, is inherited
            rows += [Row(**fields) for fields in json.loads(rows_file.read_text())]

    print()
    print(f"{'benchmark':<62} {'value':>12}  {'goal':<9} result")
    for row in rows:
        verdict = "report" if row.met is None else ("MET" if row.met else "NOT MET")
        value = f"{row.value:.3g} {row.unit}"
        print(f"{row.name:<62} {value:>12}  {row.goal:<9} {verdict}")
        if row.detail:
            print(f"    {row.detail}")
    print()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    if removed:
        print(f"unset for this run: {', '.join(removed)}")
    try:
        import numpy  # noqa: F401  (loads the BLAS library threadpoolctl reports on)
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            print(
                f"{pool.get('internal_api')} {pool.get('version')} "
                f"kernel={pool.get('architecture')} threads={pool.get('num_threads')} "
                f"({Path(pool.get('filepath', '')).name})"
            )
    except ImportError:
        print("threadpoolctl not installed: BLAS kernel unknown")
    return 1 if any(row.met is False for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
