"""What the browser tests share: where the built site and Chromium are, the skip rule, a
phone-sized page visit, and what a widget shows. The ``base_url``, ``browser`` and ``visit``
fixtures built on these live in tests/conftest.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 412, "height": 915}


def require_chromium_and_site(built: bool) -> None:
    """Skip the calling test module without Debian's Chromium (fail under CI, where it must
    run) or without a built book (``built`` false)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set but Chromium is missing: apt-get install -y chromium", pytrace=False
            )
        pytest.skip(
            "headless Chromium not found: `apt-get install -y chromium` enables the browser tests",
            allow_module_level=True,
        )
    if not built:
        pytest.skip("build the book first: make book", allow_module_level=True)


class Contexts:
    """The phone-sized browser contexts of one test module, one per set of options, made on
    first use and shared by every visit with those options, as one reader's browser is shared
    by the pages they open: the site's styles, scripts and fonts are fetched and compiled once
    per context, not once per visit. Each context also keeps one blank page open, so that
    Chromium keeps the context's renderer process between visits instead of starting one
    for each. (Loading a chapter costs Chromium and the test server about 1.3 CPU seconds in
    a fresh context, 1.1 in a used one whose pages are all closed, 0.5 beside an open page.)

    ``clock`` puts the context's pages on Playwright's clock, which belongs to the context:
    time flows as usual, and ``page.clock.run_for(ms)`` runs the timers of its pages forward at
    once instead of waiting for them."""

    def __init__(self, browser):
        self.browser = browser
        self.made: dict[tuple, object] = {}

    def __call__(self, *, clock: bool = False, **options):
        key = (clock, tuple(sorted((name, repr(value)) for name, value in options.items())))
        if key not in self.made:
            context = self.browser.new_context(viewport=PHONE, **options)
            if clock:
                context.clock.install()
            context.new_page()  # kept open, blank: it keeps the renderer process alive
            self.made[key] = context
        return self.made[key]

    def close(self):
        for context in self.made.values():
            context.close()
        self.made.clear()


class Visit:
    """A page of a shared browser context (:class:`Contexts`) with its console errors and
    requests recorded.

    ``wait_until`` is the load state :meth:`page.goto` waits for (by default until the network
    has been idle for half a second)."""

    def __init__(self, context, url, *, wait_until="networkidle"):
        self.context = context
        self.page = context.new_page()
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda q: self.requests.append(q.url))
        self.page.goto(url, wait_until=wait_until)

    def open(self, kind, timeout=30_000):
        """Open a widget (as a reader does, by its summary) and wait until it is mounted."""
        root = self.page.locator(f'details[data-widget="{kind}"]')
        if not root.evaluate("d => d.open"):
            root.locator("summary").click()
        self.page.wait_for_selector(f'details[data-widget="{kind}"][data-ready]', timeout=timeout)
        assert root.get_attribute("data-ready") == "true"
        return root

    def close(self):
        self.page.close()


class OpenPages:
    """Phone-sized visits, one per page, each with its widgets open (``kinds_on(path)``), made
    on first use and kept: for the checks that only look at a page as it is (its width, axe,
    touch targets), which need not load and open it each."""

    def __init__(self, contexts: Contexts, base_url, kinds_on, *, settle_ms: int):
        self.contexts = contexts
        self.base_url = base_url
        self.kinds_on = kinds_on
        self.settle_ms = settle_ms
        self.visits: dict[str, Visit] = {}

    def __call__(self, path: str) -> Visit:
        if path not in self.visits:
            v = Visit(self.contexts(), self.base_url + path)
            open_widgets(v, self.kinds_on(path))
            v.page.wait_for_timeout(self.settle_ms)
            self.visits[path] = v
        return self.visits[path]

    def close(self):
        for v in self.visits.values():
            v.close()


def drawn(root) -> str:
    """Everything a widget shows: its SVG markup and its readouts."""
    return root.evaluate(
        "r => [...r.querySelectorAll('svg')].map(s => s.innerHTML).join('') +"
        " [...r.querySelectorAll('output, dd')].map(e => e.textContent).join('|')"
    )


def shown_text(root) -> str:
    """A widget's visible text."""
    return root.evaluate("r => r.innerText")


def touch_drag_left(visit: Visit, target, step: float, moves: int = 8) -> None:
    """Drag ``target`` (a locator) to the left with one finger, through Chromium's touch input:
    ``moves`` moves of ``step`` pixels, one a frame, then let the page settle."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = visit.context.new_cdp_session(visit.page)

    def touch(kind, px):
        points = [] if kind == "touchEnd" else [{"x": px, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x)
    for i in range(1, moves + 1):
        touch("touchMove", x - step * i)
        visit.page.wait_for_timeout(16)
    touch("touchEnd", x)
    visit.page.wait_for_timeout(100)


def open_widgets(visit: Visit, kinds) -> None:
    """Open every widget of ``kinds`` on the visited page (as a reader does, by its summary)."""
    for kind in kinds:
        visit.open(kind)


def past_the_text(page, selector: str) -> list[str]:
    """The elements matching ``selector`` that reach past the right edge of the page's text
    column (each as ``tag.class``): what would run off a phone's screen."""
    return page.evaluate(
        "s => { const edge = document.querySelector('article.bd-article')"
        ".getBoundingClientRect().right + 1;"
        " return [...document.querySelectorAll(s)]"
        ".filter(e => e.getBoundingClientRect().right > edge)"
        ".map(e => e.tagName + '.' + (e.className.baseVal ?? e.className)); }",
        selector,
    )


def small_touch_targets(page, selector: str) -> list:
    """The elements matching ``selector`` narrower or lower than 24 px, the least a finger
    can hit (WCAG 2.5.8), each as [name, width, height]."""
    return page.evaluate(
        "s => [...document.querySelectorAll(s)]"
        ".map(e => [e.id || e.textContent || e.className.baseVal, e.getBoundingClientRect()])"
        ".filter(([, r]) => r.width < 24 || r.height < 24).map(([n, r]) => [n, r.width, r.height])",
        selector,
    )


def until_loaded(visit):
    """The shared ``visit`` fixture (tests/conftest.py), done waiting once the page has loaded
    (each widget test then waits for its widget to be mounted); the tests that look at the
    page's requests, its layout or axe pass ``wait_until="networkidle"`` and wait, as by
    default, until the network has been idle for half a second."""

    def make(path, **context):
        return visit(path, **{"wait_until": "load", **context})

    return make
