"""Check the links of the built site without a network: ``python check_links.py docs/_build/html``.

Every internal link (an ``href``, ``src`` or ``srcset`` that names a local path) must resolve to a
file of the build, and its ``#anchor``, if any, to an element ``id`` (or ``<a name>``) on the
target page. Each broken link is printed with the page it is on, and the script exits 1 if there
is any.

External links (http/https to another host) are never fetched: they are collected, with the pages
that link to them, into one report (``docs/_build/external-links.txt`` by default) for a person to
check. Links to the project's own future hosting -- the hosts named by ``<link rel="canonical">``,
and the URLs of ``sitemap.xml`` -- are listed in a section of their own and not checked.

Template fragments under ``_static`` and the page sources under ``_sources`` are not pages and are
not parsed.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["BrokenLink", "LinkReport", "check_site_links", "main"]

#: Top-level folders of a Sphinx build that hold no pages.
NOT_PAGES = frozenset({"_static", "_sources"})
#: Pages Sphinx always writes, whether or not a page links to them (not reported as orphans).
GENERATED_PAGES = frozenset(
    {"index.html", "genindex.html", "search.html", "py-modindex.html", "_modules/index.html"}
)
#: URL schemes that are neither a local path nor a web link.
IGNORED_SCHEMES = frozenset({"data", "blob", "javascript", "mailto", "tel"})
#: Attributes whose value is a single URL (``data`` only on ``<object>``, ``action`` on forms).
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action"})


@dataclass(frozen=True)
class _Link:
    """One URL found on a page: the attribute it came from, and its tag (with ``rel``)."""

    url: str
    attribute: str
    tag: str
    rel: str


class _PageParser(HTMLParser):
    """Collect the links and the anchor targets (``id`` and ``<a name>``) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[_Link] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the anchors the tag defines and the URLs it refers to."""
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        rel = values.get("rel", "")
        for name, value in values.items():
            if name in URL_ATTRIBUTES or (tag == "object" and name == "data"):
                self.links.append(_Link(value.strip(), name, tag, rel))
            elif name in {"srcset", "imagesrcset"}:
                # "a.png 1x, b.png 2x": the URL is the first word of each candidate.
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append(_Link(candidate.split()[0], name, tag, rel))


@dataclass(frozen=True)
class BrokenLink:
    """An internal link that does not resolve.

    Attributes
    ----------
    page : str
        The page the link is on, relative to the build folder.
    url : str
        The link as written in the page.
    reason : str
        Why it does not resolve.
    """

    page: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url!r}: {self.reason}"


@dataclass
class LinkReport:
    """What ``check_site_links`` found.

    Attributes
    ----------
    pages : int
        Number of HTML pages parsed.
    internal : int
        Number of internal links checked (each occurrence counts).
    broken : list of BrokenLink
        The internal links that do not resolve.
    external : dict
        External URL -> the pages that link to it.
    own_hosting : dict
        URL on the project's own future hosting (canonical links, sitemap) -> where it appears.
    orphans : list of str
        Pages no other page links to: typically stale output of an earlier build, which Sphinx
        does not delete (a warning, not a failure).
    """

    pages: int = 0
    internal: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    own_hosting: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    orphans: list[str] = field(default_factory=list)

    @property
    def suspicious(self) -> list[str]:
        """External URLs that are certainly wrong although not fetched.

        A ``$`` left in the path is an intersphinx inventory placeholder that was not expanded
        (Sphinx expands only a ``$`` at the very end of an inventory URI).
        """
        return sorted(url for url in self.external if "$" in urlsplit(url).path)


def _pages(root: Path) -> list[Path]:
    """Every HTML page of the build, sorted, without the folders that hold no pages."""
    return sorted(
        path
        for path in root.rglob("*.html")
        if path.relative_to(root).parts[0] not in NOT_PAGES and path.is_file()
    )


def _parse(path: Path) -> _PageParser:
    """Parse one page."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _resolve(root: Path, page: Path, path: str) -> tuple[Path | None, str]:
    """The file an internal link path names, or ``None`` and the reason it names none."""
    if path.startswith("/"):
        return None, "root-absolute path: it breaks when the site is hosted below a sub-path"
    page_dir = page.parent.relative_to(root).as_posix()
    joined = posixpath.normpath(posixpath.join(page_dir, unquote(path)))
    if joined == ".." or joined.startswith("../"):
        return None, "points outside the build folder"
    target = root / joined
    if target.is_dir():
        target /= "index.html"
    if not target.is_file():
        return None, f"no such file: {target.relative_to(root).as_posix()}"
    return target, ""


def check_site_links(root: Path) -> LinkReport:
    """Check every internal link of the build in ``root`` and collect the external ones.

    Parameters
    ----------
    root : Path
        The HTML build folder (``docs/_build/html``).

    Returns
    -------
    LinkReport
        The broken internal links, and the external links with the pages that use them.
    """
    report = LinkReport()
    pages = _pages(root)
    parsed = {page: _parse(page) for page in pages}
    report.pages = len(pages)
    anchors_of: dict[Path, set[str]] = {page: parser.anchors for page, parser in parsed.items()}

    # The hosts the canonical links name are the project's own (future) hosting.
    own_hosts = {
        urlsplit(link.url).netloc
        for parser in parsed.values()
        for link in parser.links
        if link.tag == "link" and "canonical" in link.rel.split()
    }

    linked: set[Path] = set()  # pages some other page links to
    for page, parser in parsed.items():
        name = page.relative_to(root).as_posix()
        seen: set[tuple[str, str]] = set()
        for link in parser.links:
            parts = urlsplit(link.url)
            scheme = parts.scheme.lower()
            if scheme in IGNORED_SCHEMES or not link.url:
                continue
            if scheme in {"http", "https"} or link.url.startswith("//"):
                if parts.netloc in own_hosts:
                    where = f"{name} (canonical)" if "canonical" in link.rel.split() else name
                    report.own_hosting[link.url].add(where)
                else:
                    report.external[link.url].add(name)
                continue
            report.internal += 1
            if (link.url, name) in seen:
                continue  # the same link twice on a page is reported once
            seen.add((link.url, name))
            if scheme:
                report.broken.append(BrokenLink(name, link.url, f"unsupported scheme {scheme}:"))
                continue
            target = page
            if parts.path:
                resolved, reason = _resolve(root, page, parts.path)
                if resolved is None:
                    report.broken.append(BrokenLink(name, link.url, reason))
                    continue
                target = resolved
                if target != page:
                    linked.add(target)
            if not parts.fragment or target.suffix != ".html":
                continue  # anchors into notebooks, sources etc. are not checked
            if target not in anchors_of:  # an HTML file that is not a page (e.g. under _static)
                anchors_of[target] = _parse(target).anchors
            fragment = unquote(parts.fragment)
            if fragment not in anchors_of[target]:
                where = target.relative_to(root).as_posix()
                report.broken.append(
                    BrokenLink(name, link.url, f"no element with id {fragment!r} on {where}")
                )

    report.orphans = [
        page.relative_to(root).as_posix()
        for page in pages
        if page not in linked and page.relative_to(root).as_posix() not in GENERATED_PAGES
    ]

    sitemap = root / "sitemap.xml"
    if sitemap.is_file():
        for element in ET.parse(sitemap).iter():
            if element.tag.endswith("}loc") or element.tag == "loc":
                report.own_hosting[(element.text or "").strip()].add("sitemap.xml")
    return report


def write_external_report(report: LinkReport, root: Path, target: Path) -> None:
    """Write the external links, and the own-hosting links, to ``target`` for a person to check.

    Parameters
    ----------
    report : LinkReport
        The result of ``check_site_links``.
    root : Path
        The build folder the report is about (named in the header).
    target : Path
        The text file to write.
    """
    lines = [
        f"# External links of {root} -- NOT fetched by check_links.py; check them by hand.",
        f"# {len(report.external)} URLs. Each URL is followed by the pages that link to it.",
        "",
    ]
    for url in sorted(report.external):
        suspicious = url in report.suspicious
        lines.append(f"{url}  !! unexpanded '$' placeholder" if suspicious else url)
        lines += [f"    {page}" for page in sorted(report.external[url])]
    lines += [
        "",
        "# Links to the project's own future hosting (canonical links, sitemap.xml): not checked.",
        f"# {len(report.own_hosting)} URLs.",
        "",
    ]
    for url in sorted(report.own_hosting):
        lines.append(url)
        lines += [f"    {page}" for page in sorted(report.own_hosting[url])]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the check; return the exit status (0: all internal links resolve, 1: some do not).

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path, help="the HTML build folder, e.g. docs/_build/html")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="where to write the external links (default: <build>/../external-links.txt)",
    )
    args = parser.parse_args(argv)
    root: Path = args.build.resolve()
    if not (root / "index.html").is_file():
        print(f"check_links: {root} is not an HTML build (no index.html)", file=sys.stderr)
        return 2
    report_path: Path = args.report or root.parent / "external-links.txt"

    report = check_site_links(root)
    write_external_report(report, root, report_path)
    for broken in report.broken:
        print(f"BROKEN  {broken}")
    for url in report.suspicious:
        pages = ", ".join(sorted(report.external[url]))
        print(f"WARNING  external link with an unexpanded '$' placeholder: {url} (on {pages})")
    for orphan in report.orphans:
        print(f"WARNING  no page links to {orphan} (stale output of an earlier build?)")
    status = "FAIL" if report.broken else "OK"
    print(
        f"check_links: {status}: {report.pages} pages, {report.internal} internal links, "
        f"{len(report.broken)} broken; {len(report.external)} external URLs and "
        f"{len(report.own_hosting)} own-hosting URLs listed (not fetched) in {report_path}"
    )
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
