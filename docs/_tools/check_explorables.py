"""Drive every explorable figure of a page in the browser and check it shows the right state.

Used by ``check_site.py`` on every page that holds an explorable figure (a ``div.bp-explorable``
written by ``backprop_ref.explorable``). For each figure it

* waits until plotly.js has drawn it (``data-bp-ready``);
* moves each control the way a reader does -- a slider with the keyboard (End or Home, then one
  arrow key), its "next"/"previous" buttons and every button group with the mouse -- and after each
  move checks that the figure shows the state computed at build time for the new positions: the
  state index, the printed readout (the build-time text, numbers included) and the data of every
  trace the state updates, read back from the plot;
* drags each 3-D scene with the mouse and checks that its camera turned;
* saves a screenshot of the figure after the interaction, ``<page>--<figure name>.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

__all__ = ["check_explorables"]

READY_TIMEOUT = 20_000
STATE_TIMEOUT = 5_000

# The figure's build-time spec (without the figure itself) and its controls' current positions.
SPEC_JS = """
(root) => {
  const spec = JSON.parse(root.querySelector("script.bp-explorable-spec").textContent);
  const controls = Array.from(root.querySelectorAll("[data-bp-control]")).map((el) => ({
    kind: el.tagName === "INPUT" ? "slider" : "buttons",
    position: Number(el.tagName === "INPUT" ? el.value : el.dataset.bpValue),
    stepper: el.tagName === "INPUT" &&
      root.querySelector(`[data-bp-step][data-bp-for="${el.dataset.bpControl}"]`) !== null,
  }));
  return {sizes: spec.sizes, traces: spec.traces, states: spec.states, controls};
}
"""

# What the figure shows now: its state index, readout, and for every property the expected
# state sets, whether the plot's trace holds exactly that value.
SHOWN_JS = """
(root, [expected, traces]) => {
  const plot = root.querySelector(".bp-explorable-plot");
  const get = (object, path) => path.split(".").reduce((o, k) => (o == null ? o : o[k]), object);
  const mismatches = [];
  for (const [prop, values] of Object.entries(expected.data)) {
    values.forEach((value, i) => {
      if (value === null) return;
      const shown = get(plot.data[traces[i]], prop);
      if (JSON.stringify(shown) !== JSON.stringify(value)) {
        mismatches.push(`trace ${traces[i]} ${prop}`);
      }
    });
  }
  return {
    state: root.dataset.bpState,
    readout: root.querySelector(".bp-explorable-readout").textContent,
    mismatches,
  };
}
"""

# The centre of each 3-D scene (viewport coordinates) and its camera's eye.
SCENES_JS = """
(root) => {
  const plot = root.querySelector(".bp-explorable-plot");
  const layout = plot._fullLayout, size = layout._size, box = plot.getBoundingClientRect();
  return (layout._subplots.gl3d || []).map((id) => {
    const domain = layout[id].domain;
    const eye = layout[id]._scene.getCamera().eye;
    return {
      id,
      x: box.left + size.l + size.w * (domain.x[0] + domain.x[1]) / 2,
      y: box.top + size.t + size.h * (1 - (domain.y[0] + domain.y[1]) / 2),
      eye: [eye.x, eye.y, eye.z],
    };
  });
}
"""

EYE_JS = """
(root, id) => {
  const eye = root.querySelector(".bp-explorable-plot")._fullLayout[id]._scene.getCamera().eye;
  return [eye.x, eye.y, eye.z];
}
"""


def check_explorables(page: Page, shots: Path, add: Any) -> list[str]:
    """Interact with every explorable figure on the page; report problems through ``add``.

    Parameters
    ----------
    page : Page
        The loaded page.
    shots : Path
        The page's screenshot path; each figure's goes beside it, ``<stem>--<name>.png``.
    add : callable
        Called with each problem (a string).

    Returns
    -------
    list of str
        One line per figure that passed, saying what was checked.
    """
    from playwright.sync_api import Error as PlaywrightError

    passed = []
    for root in page.locator("div.bp-explorable").all():
        name = root.get_attribute("data-bp-explorable") or "?"
        try:
            done = _check_one(page, root, name, add)
        except PlaywrightError as error:
            add(f"explorable {name}: {error.message.splitlines()[0]}")
            continue
        try:
            root.screenshot(path=shots.with_name(f"{shots.stem}--{name}.png"))
        except PlaywrightError as error:
            add(f"explorable {name}: no screenshot: {error.message.splitlines()[0]}")
        if done:
            passed.append(f"explorable {name}: {done}")
    return passed


def _check_one(page: Page, root: Locator, name: str, add: Any) -> str:
    """Drive one figure; return a summary ('' when a problem was found)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        root.evaluate(
            "(root, timeout) => new Promise((resolve, reject) => {"
            "  const start = performance.now();"
            "  const poll = () => root.dataset.bpReady === '1' ? resolve() :"
            "    performance.now() - start > timeout ? reject(new Error('never drawn')) :"
            "    setTimeout(poll, 50);"
            "  poll(); })",
            READY_TIMEOUT,
        )
    except PlaywrightError:
        add(f"explorable {name}: never drawn (is plotly.js loaded?)")
        return ""
    spec: dict[str, Any] = root.evaluate(SPEC_JS)
    positions = [control["position"] for control in spec["controls"]]
    found = _Counter(add)
    moves = 0
    for k, control in enumerate(spec["controls"]):
        size = spec["sizes"][k]
        if size < 2:
            continue
        widget = root.locator(f'[data-bp-control="{k}"]')
        if control["kind"] == "slider":
            far = size - 1 if positions[k] < size - 1 else 0
            widget.focus()
            page.keyboard.press("End" if far else "Home")
            positions[k] = far
            found.add_from(
                _expect(root, spec, positions, name, f"slider {k} {'End' if far else 'Home'}")
            )
            near = far - 1 if far else 1
            page.keyboard.press("ArrowLeft" if far else "ArrowRight")
            positions[k] = near
            found.add_from(_expect(root, spec, positions, name, f"slider {k} arrow key"))
            moves += 2
            if control["stepper"]:
                step = 1 if near < size - 1 else -1
                root.locator(f'[data-bp-step="{step}"][data-bp-for="{k}"]').click()
                positions[k] = near + step
                found.add_from(_expect(root, spec, positions, name, f"slider {k} step button"))
                moves += 1
        else:
            target = size - 1 if positions[k] != size - 1 else 0
            widget.locator(f'button[data-bp-option="{target}"]').click()
            positions[k] = target
            found.add_from(_expect(root, spec, positions, name, f"buttons {k}"))
            moves += 1
    turned = 0
    root.scroll_into_view_if_needed()
    for scene in root.evaluate(SCENES_JS):
        page.mouse.move(scene["x"], scene["y"])
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(scene["x"] + 12 * i, scene["y"] + 3 * i)
        page.mouse.up()
        page.wait_for_timeout(100)
        eye = root.evaluate(EYE_JS, scene["id"])
        if max(abs(a - b) for a, b in zip(eye, scene["eye"], strict=True)) < 0.05:
            found.add_from([f"explorable {name}: dragging {scene['id']} did not turn it"])
        else:
            turned += 1
    if found.count:
        return ""
    return f"{moves} control moves showed their build-time states" + (
        f", {turned} 3-D scene(s) turned by dragging" if turned else ""
    )


def _expect(
    root: Locator, spec: dict[str, Any], positions: list[int], name: str, how: str
) -> list[str]:
    """Wait for the state of ``positions``; return what differs from the build-time state."""
    from playwright.sync_api import Error as PlaywrightError

    index = 0
    for size, position in zip(spec["sizes"], positions, strict=True):
        index = index * size + position
    expected = spec["states"][index]
    try:
        root.evaluate(
            "(root, [index, timeout]) => new Promise((resolve, reject) => {"
            "  const start = performance.now();"
            "  const poll = () => root.dataset.bpState === String(index) ? resolve() :"
            "    performance.now() - start > timeout ? reject(new Error('timeout')) :"
            "    setTimeout(poll, 25);"
            "  poll(); })",
            [index, STATE_TIMEOUT],
        )
    except PlaywrightError:
        shown = root.get_attribute("data-bp-state")
        return [f"explorable {name}: after {how}, state {shown} instead of {index}"]
    shown = root.evaluate(SHOWN_JS, [expected, spec["traces"]])
    problems = []
    if shown["readout"] != expected["text"]:
        problems.append(
            f"explorable {name}: after {how}, readout {shown['readout']!r} "
            f"instead of the build-time {expected['text']!r}"
        )
    if shown["mismatches"]:
        problems.append(
            f"explorable {name}: after {how}, the plot does not hold the build-time data of "
            + ", ".join(shown["mismatches"][:3])
        )
    return problems


class _Counter:
    """Pass problems on to ``add`` and count them."""

    def __init__(self, add: Any) -> None:
        self.add = add
        self.count = 0

    def add_from(self, problems: list[str]) -> None:
        for problem in problems:
            self.add(problem)
            self.count += 1
