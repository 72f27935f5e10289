"""Open every page of the built site in headless Chromium and check what a reader would see.

Usage: ``python check_site.py docs/_build/html [--search-query "chain rule"] [--only 'calculus/*']``
(``--help`` lists every option).

The script serves the build folder on ``127.0.0.1`` (a free port, a stdlib HTTP server in a
thread), opens every HTML page -- the viewcode ``_modules`` pages, ``genindex``, ``search`` and
``py-modindex`` included; the template fragments under ``_static`` are not pages -- and fails a page
when

* a request (page, script, style, font, image, fetch) is not answered 200, or goes anywhere but the
  local server (``data:`` and ``blob:`` URLs are fine; other requests are blocked, never sent);
* the console shows an error, or a script throws;
* math is not typeset: after MathJax has finished, every ``.math`` element must hold its
  ``mjx-container``, MathJax must show no error, and no raw TeX (``$$``, ``\\(``, ``\\frac`` ...)
  may be left in the text outside code;
* an image did not load, or has no alt text (an alt that is just the file path, MyST-NB's default,
  counts as none); an inline SVG figure in a cell output or figure has no size or no accessible
  name (``aria-label``, ``aria-labelledby``, ``<title>``, or a figure caption);
* a notebook page (one with MyST-NB ``div.cell`` cells) lacks the copy button on a code cell, or
  the ``.ipynb`` download in the download menu, or that download is not a notebook;
* an explorable figure (``backprop_ref.explorable``) does not show, for every move of its
  controls by keyboard or mouse, the state computed at build time, or a 3-D scene does not turn
  when dragged (``check_explorables.py``; a screenshot of each figure after the moves is saved).

It then searches the site (``search.html?q=...``) and fails when the search finds nothing. A
full-page screenshot of every page goes to ``<build>/../screenshots/<page>.png``. One line per page
(OK, or FAIL and its reasons), then a summary; the exit status is 1 when a page fails.

Chromium is ``/usr/bin/chromium`` (or ``--chromium``), driven by Playwright; no browser is ever
downloaded. When Playwright or Chromium is missing the check is skipped (exit 0) -- unless the
environment variable ``CI`` is set (to anything but ``""``, ``0`` or ``false``), where that is a
failure.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import http.server
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urljoin, urlsplit

from check_explorables import check_explorables

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Page,
        Playwright,
        Request,
        Response,
        Route,
    )

__all__ = ["PageResult", "SiteChecker", "main", "serve"]

#: Top-level folders of a Sphinx build that hold no pages.
NOT_PAGES = frozenset({"_static", "_sources"})
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Timeouts in milliseconds.
NAVIGATION_TIMEOUT = 30_000
MATHJAX_TIMEOUT = 20_000
#: MathJax runs from a deferred script, so it has started by the load event; allow a little slack.
MATHJAX_START_TIMEOUT = 3_000
IDLE_TIMEOUT = 10_000
#: The network counts as idle when no request has been in flight for this long (seconds).
QUIET_SECONDS = 0.2
SEARCH_TIMEOUT = 20_000
#: A full-page screenshot of the API reference (about 100,000 px tall) takes 20 s or more.
SCREENSHOT_TIMEOUT = 120_000

# Waits until MathJax (if the page loads it) has typeset the page, then for images and fonts.
# The page defines a ``window.MathJax`` configuration object before MathJax itself loads; MathJax
# replaces it with its own object, whose ``startup.promise`` settles after the first typesetting.
SETTLE_JS = """
async ([startTimeout, mathjaxTimeout]) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let mathjax = "absent";
  if (window.MathJax !== undefined) {
    const start = performance.now();
    while (!(window.MathJax.startup && window.MathJax.startup.promise)) {
      if (performance.now() - start > startTimeout) break;
      await sleep(25);
    }
    if (window.MathJax.startup && window.MathJax.startup.promise) {
      const timeout = sleep(mathjaxTimeout).then(() => "timeout");
      mathjax = await Promise.race([window.MathJax.startup.promise.then(() => "done"), timeout]);
    } else {
      mathjax = "not started";
    }
  }
  // Load lazy images too: an image the reader scrolls to must load as well.
  const images = Array.from(document.images);
  for (const image of images) if (image.loading === "lazy") image.loading = "eager";
  await Promise.all(images.map((image) => image.complete ? null : new Promise((resolve) => {
    image.addEventListener("load", resolve, {once: true});
    image.addEventListener("error", resolve, {once: true});
    setTimeout(resolve, 10000);
  })));
  await document.fonts.ready;
  return mathjax;
}
"""

# Inspects the rendered page; returns a list of problems (strings) and a few counts.
INSPECT_JS = r"""
() => {
  const problems = [];
  const short = (text) => {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 80 ? flat.slice(0, 77) + "..." : flat;
  };

  // --- math: every .math element typeset, no MathJax error, no raw TeX left in the text ---
  const mathElements = Array.from(document.querySelectorAll("span.math, div.math"));
  const untypeset = mathElements.filter((el) => !el.querySelector("mjx-container"));
  if (untypeset.length) {
    const examples = untypeset.slice(0, 2).map((el) => `"${short(el.textContent)}"`).join(", ");
    problems.push(`${untypeset.length} of ${mathElements.length} math elements not typeset ` +
      `(no mjx-container), e.g. ${examples}`);
  }
  for (const el of Array.from(document.querySelectorAll("mjx-merror")).slice(0, 3)) {
    problems.push(`MathJax error: ${short(el.getAttribute("data-mjx-error") || el.textContent)}`);
  }
  // Text that is code, or MathJax's own output (assistive MathML included), is not prose; nor
  // are the .math elements (reported above when not typeset) and the plain-text summaries of
  // search results.
  const NOT_PROSE = [
    "script", "style", "noscript", "template", "textarea", "code", "pre", "kbd", "samp", "tt",
    "mjx-container", "math", "svg", ".highlight", ".sig", "span.pre", "span.math", "div.math",
    "#search-results",
  ].join(",");
  const TEX = new RegExp([
    String.raw`\$\$`, String.raw`\\[()\[\]]`, String.raw`\\(?:begin|end)\{`,
    String.raw`\\(?:frac|dfrac|tfrac|sum|prod|int|partial|nabla|sqrt|mathbf|mathrm|mathcal|` +
      String.raw`mathbb|boldsymbol|operatorname|cdot|cdots|ldots|times|left|right|alpha|beta|` +
      String.raw`gamma|delta|epsilon|varepsilon|eta|theta|lambda|sigma|tau|phi|psi|omega|` +
      String.raw`Delta|Sigma|top|leq|geq|neq|approx|infty|hat|tilde|bar|vec|quad|text)(?![A-Za-z])`,
    String.raw`\$[^$\s][^$]*?[\^_\\{][^$]*?\$`,
  ].join("|"));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const rawTex = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(NOT_PROSE)) continue;
    const match = TEX.exec(node.textContent);
    if (match) {
      const at = Math.max(0, match.index - 20);
      rawTex.push(node.textContent.slice(at, match.index + 40));
    }
  }
  for (const text of rawTex.slice(0, 3)) problems.push(`raw TeX in the text: "${short(text)}"`);
  if (rawTex.length > 3) problems.push(`... and ${rawTex.length - 3} more text nodes with raw TeX`);

  // --- images: loaded, with a real alt text ---
  for (const image of document.images) {
    const src = image.getAttribute("src") || image.currentSrc || "(no src)";
    if (!image.complete || image.naturalWidth === 0 || image.naturalHeight === 0) {
      problems.push(`image did not load: ${src}`);
    }
    const alt = (image.getAttribute("alt") || "").trim();
    const fileName = src.split(/[?#]/)[0].split("/").pop();
    if (!alt) {
      problems.push(`image has no alt text: ${src}`);
    } else if (alt === src || alt === fileName || /^\S+\.(png|jpe?g|gif|svg|webp)$/i.test(alt)) {
      problems.push(`image alt text is only its file name (set an alt text): ${src}`);
    }
  }

  // --- inline SVG figures (cell outputs, figures; not the theme's icons) ---
  const figureSvgs = Array.from(document.querySelectorAll("svg")).filter((svg) =>
    !svg.parentElement.closest("svg") &&
    svg.closest(".cell_output, .output, figure, div.figure") &&
    !svg.closest("button, a, summary, .headerlink"));
  for (const svg of figureSvgs) {
    const box = svg.getBoundingClientRect();
    const viewBox = svg.viewBox && svg.viewBox.baseVal;
    const rendered = svg.getClientRects().length > 0;  // false inside a collapsed block
    const width = rendered ? box.width : (viewBox ? viewBox.width : 0);
    const height = rendered ? box.height : (viewBox ? viewBox.height : 0);
    const cell = svg.closest("div.cell");
    const holder = svg.closest("figure, div.figure, .cell_output, .output");
    const where = holder.id ? `#${holder.id}` : cell
      ? `output of code cell ${Array.from(document.querySelectorAll("div.cell")).indexOf(cell) + 1}`
      : `inline SVG ${figureSvgs.indexOf(svg) + 1}`;
    if (!(width > 0 && height > 0)) problems.push(`SVG figure has no size: ${where}`);
    const label = (svg.getAttribute("aria-label") || "").trim();
    const labelledBy = (svg.getAttribute("aria-labelledby") || "").split(/\s+/)
      .map((id) => document.getElementById(id)).filter((el) => el)
      .map((el) => el.textContent.trim()).join(" ");
    const title = Array.from(svg.children).filter((el) => el.tagName.toLowerCase() === "title")
      .map((el) => el.textContent.trim()).join(" ");
    const figure = svg.closest("figure, div.figure");
    const caption = figure ? (figure.querySelector("figcaption, .caption") || {textContent: ""})
      .textContent.trim() : "";
    if (!label && !labelledBy && !title && !caption) {
      problems.push(`SVG figure has no accessible name (aria-label, <title> or caption): ${where}`);
    }
  }

  // --- notebook pages: copy buttons and the .ipynb download ---
  const cells = document.querySelectorAll("div.cell");
  const codeBlocks = Array.from(document.querySelectorAll("div.cell div.cell_input div.highlight"));
  const withoutButton = codeBlocks.filter((block) => !block.querySelector(":scope > button.copybtn"));
  if (withoutButton.length) {
    problems.push(`${withoutButton.length} of ${codeBlocks.length} code cells have no copy button`);
  }
  const downloads = Array.from(document.querySelectorAll(
    ".dropdown-download-buttons a[href], .article-header-buttons a[href]"))
    .map((a) => a.getAttribute("href"))
    .filter((href) => href.split(/[?#]/)[0].endsWith(".ipynb"));
  return {problems, notebook: cells.length > 0, ipynb: downloads};
}
"""

SEARCH_DONE_JS = """
() => {
  const summary = document.querySelector("#search-results .search-summary");
  return summary !== null && summary.textContent.trim().length > 0;
}
"""


def _in_ci() -> bool:
    """Whether the environment variable ``CI`` says this runs in continuous integration."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Drop the access log."""


class _Server(http.server.ThreadingHTTPServer):
    """A threaded HTTP server that does not print the browser's dropped connections."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a client closing its connection early; print anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) while the ``with`` block runs.

    Parameters
    ----------
    root : Path
        The folder to serve.

    Yields
    ------
    str
        The server's origin, e.g. ``http://127.0.0.1:40123``.
    """

    def handler(*args: Any) -> _QuietHandler:
        return _QuietHandler(*args, directory=str(root))

    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="check-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class PageResult:
    """The outcome of checking one page.

    Attributes
    ----------
    name : str
        The page, relative to the build folder (with its query, for the search check).
    problems : list of str
        What is wrong with it; empty when the page passes.
    requests : int
        How many requests the page made.
    seconds : float
        How long the check of this page took.
    notes : list of str
        What was checked besides the defaults (the explorable figures driven).
    """

    name: str
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def add(self, problem: str) -> None:
        """Record a problem once.

        Parameters
        ----------
        problem : str
            The problem, naming the URL or element concerned.
        """
        if problem not in self.problems:
            self.problems.append(problem)


class _Recorder:
    """Listen to one page's requests, responses, console and errors."""

    def __init__(self, page: Page, origin: str) -> None:
        self.origin = origin
        self.requests: list[Request] = []
        self.settled: set[int] = set()  # id() of requests that finished or failed
        self.problems: list[str] = []
        self.flagged_urls: set[str] = set()  # URLs already reported, for the console filter
        self.console: list[tuple[str, str]] = []  # (text, URL of the resource it is about)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def show(self, url: str) -> str:
        """Shorten a URL of the local server to its path."""
        return url[len(self.origin) :] if url.startswith(self.origin + "/") else url

    def is_local(self, url: str) -> bool:
        """Whether the URL is served by the local server."""
        return url == self.origin or url.startswith(self.origin + "/")

    def _flag(self, url: str, problem: str) -> None:
        self.flagged_urls.add(url)
        self.problems.append(problem)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)
        scheme = urlsplit(request.url).scheme
        if scheme not in {"data", "blob"} and not self.is_local(request.url):
            self._flag(request.url, f"request outside 127.0.0.1 (blocked): {request.url}")

    @property
    def pending(self) -> int:
        """How many requests are still in flight."""
        return sum(id(request) not in self.settled for request in self.requests)

    def _on_response(self, response: Response) -> None:
        if response.status != 200 and urlsplit(response.url).scheme not in {"data", "blob"}:
            url = response.url
            self._flag(url, f"HTTP {response.status} for {self.show(url)}")

    def _on_finished(self, request: Request) -> None:
        self.settled.add(id(request))

    def _on_failed(self, request: Request) -> None:
        self.settled.add(id(request))
        if request.url not in self.flagged_urls:  # a blocked external request is reported once
            self._flag(request.url, f"request failed ({request.failure}): {self.show(request.url)}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append((message.text, message.location.get("url", "")))

    def _on_page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught error: {error}")

    def finish(self, result: PageResult) -> None:
        """Copy what was recorded into ``result``."""
        for problem in self.problems:
            result.add(problem)
        for text, url in self.console:
            # "Failed to load resource" repeats a request problem already reported by URL.
            if text.startswith("Failed to load resource") and url in self.flagged_urls:
                continue
            where = f" ({self.show(url)})" if url else ""
            result.add(f"console error: {text}{where}")
        for request in self.requests:
            if id(request) not in self.settled and urlsplit(request.url).scheme not in {
                "data",
                "blob",
            }:
                result.add(f"no response for {self.show(request.url)}")
        result.requests = len(self.requests)


class SiteChecker:
    """Check pages of a site served at ``origin``, each in a fresh browser context.

    A fresh context per page means every page is checked as a first visit (empty cache and
    ``localStorage``), as a reader arriving from a search engine sees it, and the result of a
    page does not depend on which pages were checked before it.

    Parameters
    ----------
    browser : Browser
        The Playwright browser to open pages in.
    origin : str
        The local server's origin; requests anywhere else are blocked.
    screenshots : Path
        The folder for the full-page screenshots.
    """

    def __init__(self, browser: Browser, origin: str, screenshots: Path) -> None:
        self.browser = browser
        self.origin = origin
        self.screenshots = screenshots

    def _new_context(self) -> BrowserContext:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        # Routing every request lets only the local server through (nothing leaves the machine)
        # and, as a side effect, turns off the HTTP cache, so every page loads every asset.
        context.route("**/*", self._route)
        return context

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url == self.origin or url.startswith(self.origin + "/"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def check(
        self, path: str, shot: str, extra: Callable[[Page, PageResult], None] | None = None
    ) -> PageResult:
        """Open one page, check it and take its screenshot.

        Parameters
        ----------
        path : str
            The page's URL path relative to the site root (a query string is allowed).
        shot : str
            The screenshot's file name, relative to the screenshot folder.
        extra : callable, optional
            A further check to run on the settled page; it adds its problems to the result.

        Returns
        -------
        PageResult
            The page's problems (none when it passes).
        """
        from playwright.sync_api import Error as PlaywrightError

        start = time.perf_counter()
        result = PageResult(path)
        context = self._new_context()
        page = context.new_page()
        recorder = _Recorder(page, self.origin)
        try:
            page.goto(f"{self.origin}/{path}", wait_until="load", timeout=NAVIGATION_TIMEOUT)
            mathjax = page.evaluate(SETTLE_JS, [MATHJAX_START_TIMEOUT, MATHJAX_TIMEOUT])
            if mathjax in {"not started", "timeout"}:
                result.add(f"MathJax {mathjax}: math was never typeset")
            if page.locator("div.bp-explorable").count():
                result.notes += check_explorables(page, self.screenshots / shot, result.add)
            if extra is not None:
                extra(page, result)
            # Requests made by scripts after the load event (fonts, fetches) must finish too.
            self._wait_until_quiet(page, recorder)
            found: dict[str, Any] = page.evaluate(INSPECT_JS)
            for problem in found["problems"]:
                result.add(problem)
            if found["notebook"]:
                self._check_notebook_download(page, found["ipynb"], result)
            target = self.screenshots / shot
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=target, full_page=True, animations="disabled", timeout=SCREENSHOT_TIMEOUT
            )
        except PlaywrightError as error:
            result.add(f"page could not be checked: {error.message.splitlines()[0]}")
        finally:
            recorder.finish(result)
            context.close()
        result.seconds = time.perf_counter() - start
        return result

    @staticmethod
    def _wait_until_quiet(page: Page, recorder: _Recorder) -> None:
        """Wait until no request has been in flight for ``QUIET_SECONDS`` (or a timeout).

        Playwright's ``networkidle`` waits 500 ms, and only once per navigation; counting the
        page's own requests is faster and also covers requests made after that event.
        """
        deadline = time.perf_counter() + IDLE_TIMEOUT / 1000
        quiet_since: float | None = None
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            if recorder.pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET_SECONDS:
                return
            page.wait_for_timeout(50)  # lets Playwright deliver the pending events

    def _check_notebook_download(self, page: Page, links: list[str], result: PageResult) -> None:
        """Check the page offers its ``.ipynb`` and that the download is a notebook."""
        if not links:
            result.add("notebook page without an .ipynb link in the download menu")
            return
        for link in dict.fromkeys(links):
            url = urljoin(page.url, link)
            response = page.context.request.get(url)
            shown = url.removeprefix(self.origin)
            if response.status != 200:
                result.add(f"notebook download {shown}: HTTP {response.status}")
                continue
            try:
                notebook = json.loads(response.body())
            except ValueError as error:
                result.add(f"notebook download {shown} is not JSON: {error}")
                continue
            if not (
                isinstance(notebook, dict)
                and notebook.get("nbformat") == 4
                and isinstance(notebook.get("cells"), list)
                and isinstance(notebook.get("metadata"), dict)
            ):
                result.add(f"notebook download {shown} is not an nbformat 4 notebook")


def _pages(root: Path) -> list[str]:
    """Every HTML page of the build, as URL paths relative to the root, sorted."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.html")
        if path.relative_to(root).parts[0] not in NOT_PAGES
    )


def _search_check(query: str) -> Callable[[Page, PageResult], None]:
    """A check that the search page, opened with ``query``, lists at least one result."""

    def check(page: Page, result: PageResult) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.wait_for_function(SEARCH_DONE_JS, timeout=SEARCH_TIMEOUT)
        except PlaywrightError:
            result.add(f"search for {query!r} did not finish")
            return
        if page.locator("#search-results ul.search > li").count() == 0:
            result.add(f"search for {query!r} found no results")

    return check


def _find_chromium(requested: str | None) -> str | None:
    """The Chromium executable to use, or ``None`` when there is none."""
    candidates = [requested] if requested else ["/usr/bin/chromium", "chromium", "chromium-browser"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _launch(playwright: Playwright, chromium: str) -> Browser:
    """Start headless Chromium."""
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)


def run(
    root: Path, chromium: str, screenshots: Path, query: str, only: list[str] | None = None
) -> int:
    """Check every page and the search; print the results; return the exit status.

    Parameters
    ----------
    root : Path
        The HTML build folder.
    chromium : str
        The Chromium executable.
    screenshots : Path
        Where the screenshots go (emptied first).
    query : str
        The search query that must find at least one page.
    only : list of str, optional
        Check only the pages matching one of these shell patterns (``fnmatch``), e.g.
        ``calculus/*``; the screenshot folder is then not emptied.

    Returns
    -------
    int
        0 when every page passes, 1 otherwise.
    """
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    pages = _pages(root)
    if only:
        pages = [page for page in pages if any(fnmatch.fnmatch(page, pat) for pat in only)]
    else:
        shutil.rmtree(screenshots, ignore_errors=True)  # no stale screenshots of removed pages
    results: list[PageResult] = []
    with serve(root) as origin, sync_playwright() as playwright:
        browser = _launch(playwright, chromium)
        print(f"check_site: {len(pages)} pages of {root} at {origin}, Chromium {browser.version}")
        checker = SiteChecker(browser, origin, screenshots)
        jobs: list[tuple[str, str, Callable[[Page, PageResult], None] | None]] = [
            (path, path.removesuffix(".html") + ".png", None) for path in pages
        ]
        jobs.append(
            (f"search.html?q={quote_plus(query)}", "search-results.png", _search_check(query))
        )
        for path, shot, extra in jobs:
            result = checker.check(path, shot, extra)
            results.append(result)
            status = "FAIL" if result.problems else "OK  "
            print(f"{status}  {result.name}  ({result.requests} requests, {result.seconds:.1f} s)")
            for problem in result.problems:
                print(f"        - {problem}")
            for note in result.notes:
                print(f"        {note}")
        browser.close()
    failed = [result.name for result in results if result.problems]
    elapsed = time.perf_counter() - start
    print(
        f"check_site: {'FAIL' if failed else 'OK'}: {len(results) - len(failed)} of "
        f"{len(results)} checks passed in {elapsed:.1f} s; screenshots in {screenshots}"
    )
    if failed:
        print("check_site: failed: " + ", ".join(failed))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the check.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 (pass, or skipped outside CI), 1 (a page failed, or no browser in
        CI), 2 (not an HTML build).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path, help="the HTML build folder, e.g. docs/_build/html")
    parser.add_argument(
        "--search-query",
        default="chain rule",
        help="a query the site search must find at least one page for (default: %(default)r)",
    )
    parser.add_argument(
        "--chromium", default=None, help="the Chromium executable (default: /usr/bin/chromium)"
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=None,
        help="folder for the screenshots (default: <build>/../screenshots)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="check only the pages matching this shell pattern (repeatable), e.g. 'calculus/*'",
    )
    args = parser.parse_args(argv)
    root: Path = args.build.resolve()
    if not (root / "index.html").is_file():
        print(f"check_site: {root} is not an HTML build (no index.html)", file=sys.stderr)
        return 2

    missing = ""
    try:
        import playwright.sync_api  # noqa: F401 - only to learn whether it is installed
    except ImportError:
        missing = "Playwright for Python is not installed"
    chromium = _find_chromium(args.chromium)
    if not missing and chromium is None:
        missing = f"Chromium not found ({args.chromium or '/usr/bin/chromium'})"
    if missing or chromium is None:
        if _in_ci():
            print(f"check_site: FAIL: {missing}, and CI is set: the site check cannot be skipped")
            return 1
        print(f"check_site: SKIPPED: {missing} (CI is not set, so this is not a failure)")
        return 0
    screenshots = args.screenshots or root.parent / "screenshots"
    return run(root, chromium, screenshots, args.search_query, args.only)


if __name__ == "__main__":
    sys.exit(main())
