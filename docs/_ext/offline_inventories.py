"""Intersphinx inventories kept in the repository, so the build never touches the network.

Each ``docs/_inventories/<name>.txt`` lists the external objects our pages and API reference link
to, one per line in the plain-text inventory format (``name domain:role priority uri dispname``;
``$`` in the uri stands for the name, ``-`` as dispname for the name), after three header lines::

    # project: NumPy
    # version: 2
    # url: https://numpy.org/doc/stable/

:func:`intersphinx_mapping` writes each list as a standard ``objects.inv`` under the build folder
and returns the mapping for ``conf.py``: links point at the real documentation sites, but the
inventories are read from disk. Add a line when the nitpicky build reports a missing target.
"""

from __future__ import annotations

import zlib
from pathlib import Path


def _write_inventory(source: Path, target: Path) -> tuple[str, str]:
    header: dict[str, str] = {}
    entries: list[str] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line.lstrip("# ").partition(":")
            header[key.strip()] = value.strip()
        elif line.strip():
            entries.append(line.strip())
    missing = {"project", "version", "url"} - header.keys()
    if missing:
        raise ValueError(f"{source}: header lines missing for {sorted(missing)}")
    body = zlib.compress(("\n".join(entries) + "\n").encode("utf-8"))
    preamble = (
        "# Sphinx inventory version 2\n"
        f"# Project: {header['project']}\n"
        f"# Version: {header['version']}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != preamble + body:
        target.write_bytes(preamble + body)
    return header["url"], str(target)


def intersphinx_mapping(source_dir: Path, build_dir: Path) -> dict[str, tuple[str, str]]:
    """Write every inventory in ``source_dir`` under ``build_dir``; return intersphinx's mapping."""
    return {
        source.stem: _write_inventory(source, build_dir / f"{source.stem}.inv")
        for source in sorted(source_dir.glob("*.txt"))
    }
