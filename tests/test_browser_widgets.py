"""The widgets in headless Chromium: they load when opened, work by keyboard, drag and touch,
honour reduced motion, never block the page, pass axe, fit a phone, and show what the package
computes.

Needs Debian's Chromium and a built book (as tests/test_browser.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from browser_support import (
    PHONE,
    SITE,
    OpenPages,
    drawn,
    past_the_text,
    require_chromium_and_site,
    shown_text,
    small_touch_targets,
    until_loaded,
)

from bendlines import activations, regions
from bendlines.experiments import piecewise as pw

#: The widgets and the pages that hold them.
WIDGETS = {
    "hinges": "piecewise.html",
    "unit-lines": "piecewise.html",
    "activations": "gallery.html",
}
MODULES = {kind: f"kinds/{kind}.js" for kind in ("hinges", "unit-lines", "activations")}

require_chromium_and_site((SITE / "piecewise.html").is_file())

from axe_playwright_python.sync_playwright import Axe  # noqa: E402


@pytest.fixture
def visit(visit):
    """The shared ``visit``, done waiting once the page has loaded (browser_support)."""
    return until_loaded(visit)


@pytest.fixture(scope="module")
def every_widget_open(contexts, base_url):
    """Each page with every widget of it open, loaded once for the checks that only look."""
    pages = OpenPages(
        contexts, base_url, lambda path: [k for k, p in WIDGETS.items() if p == path], settle_ms=200
    )
    yield pages
    pages.close()


# --- loading ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WIDGETS)
def test_a_widget_loads_its_module_only_when_opened_cleanly_and_offline(visit, base_url, kind):
    v = visit(WIDGETS[kind], wait_until="networkidle")
    root = v.page.locator(f'details[data-widget="{kind}"]')
    assert root.evaluate("d => d.open") is False  # collapsed: the static figure comes first
    assert not [u for u in v.requests if u.endswith("/" + MODULES[kind])]
    v.open(kind)
    v.page.wait_for_load_state("networkidle")
    assert [u for u in v.requests if u.split("?")[0].endswith("/" + MODULES[kind])]
    assert v.errors == []
    assert [u for u in v.requests if not u.startswith((base_url, "data:", "blob:"))] == []
    assert "NaN" not in shown_text(root) and "undefined undefined" not in shown_text(root)
    # it sits right after its figure
    figure = root.get_attribute("data-for")
    assert v.page.evaluate(
        "([f, k]) => document.getElementById(f).compareDocumentPosition("
        'document.querySelector(`details[data-widget="${k}"]`)) & Node.DOCUMENT_POSITION_FOLLOWING',
        [figure, kind],
    )


def test_pages_without_widgets_load_no_widget_code(visit):
    # (nonlinearity.html holds the trainer and collapse widgets)
    v = visit("bibliography.html", wait_until="networkidle")
    assert not [u for u in v.requests if "/widgets/" in u]


def test_the_stylesheet_keeps_classes_only_the_modules_use(visit):
    """.bl-handle and .bl-readouts appear only inside dynamically imported modules; the
    purged bundle of a widget page must still style them."""
    v = visit("piecewise.html", wait_until="networkidle")
    root = v.open("hinges")
    handle = root.locator(".bl-handle").first
    assert handle.evaluate("e => getComputedStyle(e).cursor") == "grab"
    assert root.locator(".bl-readouts").evaluate("e => getComputedStyle(e).display") == "grid"


# --- keyboard ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", WIDGETS)
def test_keyboard_alone_changes_what_is_drawn_and_the_readouts(visit, kind):
    v = visit(WIDGETS[kind])
    root = v.open(kind)
    sliders = root.locator('input[type="range"]:not([disabled])')
    assert sliders.count() >= 1
    for i in range(sliders.count()):
        s = sliders.nth(i)
        s.focus()
        assert s.evaluate("e => e === document.activeElement")
        label = root.locator(f'label[for="{s.get_attribute("id")}"]')
        assert label.count() == 1 and label.inner_text().strip()
        output = root.locator(f'output[for="{s.get_attribute("id")}"]')
        assert output.count() == 1
        before, shown = drawn(root), output.inner_text()
        for key in ("End", "Home", "ArrowRight", "ArrowRight", "PageUp"):
            v.page.keyboard.press(key)
            if drawn(root) != before:
                break
        assert output.inner_text() != shown or drawn(root) != before, s.get_attribute("id")
    # every control is reachable with Tab, in order
    controls = root.locator("input, select, button")
    ids = set(
        controls.evaluate_all("els => els.filter(e => !e.disabled).map(e => e.id || e.textContent)")
    )
    root.locator("summary.bl-widget-summary").focus()
    seen = set()
    for _ in range(40):
        v.page.keyboard.press("Tab")
        active = v.page.evaluate("document.activeElement.id || document.activeElement.textContent")
        seen.add(active)
    assert ids <= seen, ids - seen
    assert v.errors == []
    assert "NaN" not in shown_text(root)


# --- drag ---------------------------------------------------------------------------------------
def _drag(page, locator, dx, dy, steps=12):
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y + dy * i / steps)
        page.wait_for_timeout(16)
    page.mouse.up()


LONG_TASKS = """() => { window.__long = [];
  new PerformanceObserver(l => window.__long.push(...l.getEntries().map(e => e.duration)))
    .observe({type: 'longtask', buffered: false}); }"""


@pytest.mark.parametrize(
    ("kind", "handle", "control", "dx", "dy"),
    [
        ("hinges", "circle.bl-handle", "Kink position", 60, 0),
        ("hinges", "rect.bl-handle", "Change of slope", 0, -40),
        ("unit-lines", "circle.bl-handle", "Offset of the line", 50, 30),
        ("unit-lines", "rect.bl-handle", "Angle of the arrow", -30, 40),
        ("activations", "circle.bl-handle", "Probe z", -80, 0),
    ],
)
def test_a_drag_moves_the_linked_control_without_long_tasks(visit, kind, handle, control, dx, dy):
    v = visit(WIDGETS[kind])
    root = v.open(kind)
    root.locator(handle).first.scroll_into_view_if_needed()
    slider = root.get_by_label(control, exact=True)
    before = slider.input_value()
    # No task over 50 ms while dragging. The test machine is shared: a drag whose page was
    # descheduled shows a long task that is not the widget's, so a drag is tried up to three
    # times (back and forth) and one clean drag passes; work that really takes over 50 ms
    # shows up in every one.
    long_tasks = []
    for attempt in range(3):
        v.page.evaluate(LONG_TASKS)
        sign = 1 if attempt % 2 == 0 else -1
        _drag(v.page, root.locator(handle).first, sign * dx, sign * dy)
        v.page.wait_for_timeout(100)
        if attempt == 0:
            assert slider.input_value() != before
        long_tasks.append(v.page.evaluate("window.__long"))
        if not long_tasks[-1]:
            break
    assert [] in long_tasks, long_tasks
    assert v.errors == []


# --- phone, touch targets, axe with every widget of a page open (touch drag and reduced motion:
# tests/test_browser_widgets_contract.py) ------------------------------------------------------
@pytest.mark.parametrize("path", sorted(set(WIDGETS.values())))
def test_with_every_widget_open_axe_is_clean_and_nothing_is_wider_than_a_phone(
    every_widget_open, path
):
    v = every_widget_open(path)
    assert v.page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    assert past_the_text(v.page, ".bl-widget, .bl-widget *:not(svg *)") == []
    # the widgets, open, with what they added; the page around them: tests/test_browser.py
    result = Axe().run(v.page, context="details[data-widget]")
    assert result.violations_count == 0, result.generate_report()
    assert v.errors == []


@pytest.mark.parametrize("path", sorted(set(WIDGETS.values())))
def test_touch_targets_are_at_least_24_px(every_widget_open, path):
    v = every_widget_open(path)
    controls = ".bl-widget summary, .bl-widget input, .bl-widget select, .bl-widget button"
    assert small_touch_targets(v.page, controls + ", .bl-widget .bl-handle-zone") == []
    assert v.errors == []


# --- what the widgets compute --------------------------------------------------------------------
def test_snapping_ten_hinges_on_the_sine_shows_the_chapters_glued_error(visit):
    v = visit("piecewise.html")
    root = v.open("hinges")
    root.get_by_label("Target", exact=True).select_option("sin")
    n = root.get_by_label("Evenly spaced hinges n", exact=True)
    n.focus()
    v.page.keyboard.press("End")  # 64
    root.get_by_role("button", name="Snap n hinges to the target").click()
    assert "64" in root.locator("dd").first.inner_text()
    n.focus()
    v.page.keyboard.press("Home")
    for _ in range(9):
        v.page.keyboard.press("ArrowRight")
    assert n.input_value() == "10"
    root.get_by_role("button", name="Snap n hinges to the target").focus()
    v.page.keyboard.press("Enter")
    chapter = pw.approximations("sin")
    glued = float(chapter["errors"][list(chapter["units"]).index(10)])
    shown = float(root.locator("dd[data-value]").first.get_attribute("data-value"))
    assert shown == pytest.approx(glued, rel=1e-9)
    assert f"{glued:.4g}" in root.locator("dd").nth(2).inner_text()


def test_a_target_without_second_derivative_says_there_is_no_bound(visit):
    v = visit("piecewise.html")
    root = v.open("hinges")
    root.get_by_label("Target", exact=True).select_option("abs")
    assert "no bound" in root.locator("dd").nth(3).inner_text()
    assert "NaN" not in shown_text(root)


def test_the_unit_lines_start_from_the_chapters_layer_with_its_exact_count(visit):
    v = visit("piecewise.html")
    root = v.open("unit-lines")
    count = int(root.locator("dd").first.inner_text())
    assert count == regions.count_regions(pw.plane_net(), pw.PLANE_BOX)


def _python_count(root) -> int:
    lines = json.loads(root.locator("svg.bl-plot").get_attribute("data-lines"))
    W, b = np.array(lines["W"]), np.array(lines["b"])
    net = [(W, b), (np.ones((b.size, 1)), np.zeros(1))]
    return regions.count_regions(net, lines["box"])


def test_making_two_units_parallel_by_keyboard_lowers_the_count_as_the_formula_says(visit):
    v = visit("piecewise.html")
    root = v.open("unit-lines")
    unit = root.get_by_label("Unit", exact=True)
    angle = root.get_by_label("Angle of the arrow", exact=True)
    offset = root.get_by_label("Offset of the line", exact=True)
    # Keep two of the chapter's five units (Remove takes the chosen one, unit 1, each time),
    # then by keyboard: unit 1's arrow at 0 degrees, line x = -0.5; unit 2's at 90, y = 0.5.
    remove = root.get_by_role("button", name="Remove unit")
    for _ in range(3):
        remove.focus()
        v.page.keyboard.press("Enter")
    assert root.locator("dd").nth(1).inner_text() == "4 for n = 2"
    for target_unit, key_to_angle, offset_steps in ((0, 0, -10), (1, 18, 10)):
        unit.focus()
        v.page.keyboard.press("Home")
        for _ in range(target_unit):
            v.page.keyboard.press("ArrowDown")
        assert unit.input_value() == str(target_unit)
        angle.focus()
        v.page.keyboard.press("Home")
        for _ in range(key_to_angle):
            v.page.keyboard.press("ArrowRight")
        offset.focus()
        v.page.keyboard.press("Home")
        for _ in range(40 + offset_steps):
            v.page.keyboard.press("ArrowRight")
    crossing = int(root.locator("dd").first.inner_text())
    assert crossing == _python_count(root) == regions.arrangement_count(2)
    # Turn unit 2 by keyboard until it is parallel to unit 1 (0 degrees): one crossing fewer.
    angle.focus()
    v.page.keyboard.press("Home")
    parallel = int(root.locator("dd").first.inner_text())
    assert parallel == _python_count(root)
    assert parallel == crossing - 1 == 3
    assert "1 pair of parallel lines" in root.locator("dd").nth(2).inner_text()


def _readout(root, label: str) -> str:
    """The text of the readout labelled ``label`` (a <dd> after its <dt>)."""
    return root.locator(f'dt:text-is("{label}") + dd').inner_text()


def test_every_registry_entry_shows_clean_readouts(visit):
    v = visit("gallery.html")
    root = v.open("activations")
    pick = root.get_by_label("Activation", exact=True)
    probe = root.get_by_label("Probe z", exact=True)
    for name in activations.names():
        pick.select_option(name)
        for key in ("Home", "End"):
            probe.focus()
            v.page.keyboard.press(key)
            text = shown_text(root)
            assert "NaN" not in text and "Infinity" not in text, (name, key)
    pick.select_option("sqrt")
    probe.focus()
    v.page.keyboard.press("Home")  # z = -6: outside the square root's domain
    assert "undefined here" in root.locator("dd").first.inner_text()
    assert "undefined" in _readout(root, "Mean output E[φ(z)], z standard normal")  # sqrt
    assert v.errors == []


def test_a_typed_depth_out_of_range_gives_a_clear_message(visit):
    v = visit("gallery.html")
    root = v.open("activations")
    depth = root.get_by_label("Depth L", exact=True)
    power = root.locator("dt:text-is('(max |φ′|)ᴸ') + dd")
    before = power.inner_text()
    for typed in ("1000", "", "2.5", "0", "-3"):
        depth.fill(typed)
        error = root.locator(".bl-error").inner_text()
        assert "Enter a whole number from 1 to 100 for the depth L." == error, typed
        assert depth.get_attribute("aria-invalid") == "true"
        assert power.inner_text() == before  # the last good value stays
    depth.fill("3")
    assert root.locator(".bl-error").inner_text() == ""
    assert "L = 3" in power.inner_text()


@pytest.mark.parametrize(
    ("path", "kind", "hash_"),
    [
        ("gallery.html", "activations", "#w-activations?name=%3Cscript%3E"),
        ("gallery.html", "activations", "#w-activations?name=relu7&z=99"),
        ("piecewise.html", "hinges", "#w-hinges?n=1000"),
        ("piecewise.html", "hinges", "#w-hinges?k=1,2&a=1"),
        ("piecewise.html", "unit-lines", "#w-unit-lines?t=1,2&d=nan"),
        ("piecewise.html", "unit-lines", "#w-unit-lines?" + "t=" + "1," * 1500),
    ],
)
def test_a_malformed_hash_falls_back_to_defaults_with_a_message(visit, path, kind, hash_):
    v = visit(path + hash_)
    root = v.page.locator(f'details[data-widget="{kind}"]')
    v.page.wait_for_selector(f'details[data-widget="{kind}"][data-ready]', timeout=15_000)
    assert root.get_attribute("data-ready") == "true"
    status = root.locator(".bl-widget-status").inner_text()
    assert "could not be read" in status
    assert v.errors == []
    assert "NaN" not in shown_text(root)


@pytest.mark.parametrize(
    ("path", "kind", "hash_", "check"),
    [
        ("gallery.html", "activations", "#w-activations?name=tanh&z=2&depth=7", "L = 7"),
        ("piecewise.html", "hinges", "#w-hinges?target=nielsen&n=20", "20 (evenly spaced"),
        ("piecewise.html", "unit-lines", "#w-unit-lines?t=0,90&d=0,0", "4 for n = 2"),
    ],
)
def test_a_shared_hash_restores_the_setup(visit, path, kind, hash_, check):
    v = visit(path + hash_)
    v.page.wait_for_selector(f'details[data-widget="{kind}"][data-ready]', timeout=15_000)
    root = v.page.locator(f'details[data-widget="{kind}"]')
    assert check in shown_text(root)
    assert root.locator(".bl-widget-status").inner_text() == ""


def test_reader_actions_are_saved_in_the_address(visit):
    v = visit("gallery.html")
    root = v.open("activations")
    assert v.page.evaluate("location.hash") == ""  # opening alone changes nothing
    root.get_by_label("Activation", exact=True).select_option("elu")
    v.page.wait_for_timeout(300)
    assert v.page.evaluate("location.hash").startswith("#w-activations?name=elu")


def test_hinges_are_added_and_removed_within_their_limits(visit):
    v = visit("piecewise.html")
    root = v.open("hinges")
    add = root.get_by_role("button", name="Add hinge")
    remove = root.get_by_role("button", name="Remove hinge")
    count = root.locator("dd").first
    error = root.locator("dd").nth(2)
    assert count.inner_text().startswith("10")
    before = error.inner_text()
    add.click()
    assert count.inner_text() == "11" and error.inner_text() != before
    for _ in range(11):
        remove.click()
    assert count.inner_text() == "0" and remove.is_disabled()
    assert "add a hinge" in root.locator("dd").nth(3).inner_text()
    assert "NaN" not in shown_text(root)
    n = root.get_by_label("Evenly spaced hinges n", exact=True)
    n.focus()
    v.page.keyboard.press("End")
    root.get_by_role("button", name="Snap n hinges to the target").click()
    assert add.is_disabled() and count.inner_text().startswith("64")


def test_units_are_added_up_to_twelve_with_exact_counts(visit):
    v = visit("piecewise.html")
    root = v.open("unit-lines")
    add = root.get_by_role("button", name="Add unit")
    for _ in range(7):
        add.click()
        assert int(root.locator("dd").first.inner_text()) == _python_count(root)
    assert add.is_disabled()
    assert root.locator("dd").nth(1).inner_text() == f"{regions.arrangement_count(12)} for n = 12"


def test_properties_follow_the_parameter_as_the_registry_says(visit):
    v = visit("gallery.html")
    root = v.open("activations")
    root.get_by_label("Activation", exact=True).select_option("elu")
    alpha = root.get_by_label("alpha", exact=True)
    for key in ("Home", "End"):
        alpha.focus()
        v.page.keyboard.press(key)
        value = float(root.locator(f'output[for="{alpha.get_attribute("id")}"]').inner_text())
        props = activations.get("elu", alpha=value).properties
        shown = _readout(root, "Smooth")
        assert shown == ("yes" if props.smooth else "no"), (value, shown)
        kinks = _readout(root, "Kinks")
        assert kinks == ("none" if not props.kinks else "0"), (value, kinks)


@pytest.mark.parametrize("kind", WIDGETS)
def test_without_javascript_the_widget_says_what_it_would_do(visit, kind):
    v = visit(WIDGETS[kind], java_script_enabled=False)
    root = v.page.locator(f'details[data-widget="{kind}"]')
    root.locator("summary.bl-widget-summary").click()
    text = root.inner_text()
    assert "Explore this figure" in text and "needs JavaScript" in text
    assert len(root.locator(".bl-widget-about").inner_text()) > 80
    assert not [u for u in v.requests if "/widgets/" in u and u.endswith(".js")]


@pytest.mark.parametrize("kind", WIDGETS)
def test_opening_from_a_shared_address_shifts_nothing_in_view(browser, base_url, kind):
    """The widget grows out of sight and the page scrolls to it afterwards: no layout shift
    (Lighthouse's CLS) even though it opens without any reader input."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(l => l.getEntries().forEach(e => {"
        " if (!e.hadRecentInput) window.__shift += e.value; }))"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(f"{base_url}{WIDGETS[kind]}#w-{kind}", wait_until="networkidle")
    page.wait_for_selector(f'details[data-widget="{kind}"][data-ready]', timeout=15_000)
    page.wait_for_timeout(500)
    top = page.locator(f'details[data-widget="{kind}"]').evaluate(
        "e => e.getBoundingClientRect().top"
    )
    shift = page.evaluate("window.__shift")
    context.close()
    assert 0 <= top < 100  # in view, at the top, under the theme's sticky header
    assert shift < 0.01
