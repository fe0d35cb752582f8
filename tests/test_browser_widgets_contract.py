"""One contract for every widget kind, in headless Chromium at a phone's width: without
JavaScript the static figure and the widget's description remain; a control changed by
keyboard changes the widget's summary in words (a polite live region, at most once a second);
a hostile address hash gives the defaults and a message, never an error; a shared address
restores the same state; and the widget fits the phone.

Needs Debian's Chromium and a built book (as tests/test_browser.py).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from browser_support import PHONE, SITE, require_chromium_and_site, touch_drag_left

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import bendlines_widgets as bw

#: Every widget kind: its page, and a control a reader changes by keyboard (label, key).
KINDS = {
    "hinges": ("piecewise.html", "Start value g(left end)", "ArrowRight"),
    "unit-lines": ("piecewise.html", "Offset of the line", "ArrowRight"),
    "activations": ("gallery.html", "Probe z", "ArrowRight"),
    "trainer": ("piecewise.html", "Seed", "ArrowUp"),
    "depth": ("deep.html", "Hidden layers", "ArrowLeft"),
    "collapse": ("nonlinearity.html", "Arrow 1: y", "ArrowRight"),
}

#: Every kind with a drag: the handle a finger drags, the control it moves and the step of each
#: move in pixels (negative: to the right). A kind without a drag is listed with None.
DRAGS = {
    "hinges": ("circle.bl-handle-zone", "Kink position", -4),
    "unit-lines": ("circle.bl-handle", "Offset of the line", 4),
    "activations": ("circle.bl-handle", "Probe z", 4),
    "collapse": ("circle.bl-handle-zone", "Arrow 1 (image of (1, 0)): x", 4),
    "trainer": None,  # the reader adds points by click or keyboard, nothing to drag
    "depth": None,
}

require_chromium_and_site((SITE / "piecewise.html").is_file())

from axe_playwright_python.sync_playwright import Axe  # noqa: E402


@pytest.fixture
def visit(visit):
    """The shared ``visit`` (tests/conftest.py), on Playwright's clock and done waiting once the
    page has loaded: every test then waits for its widget to be mounted (:meth:`Visit.open`),
    and the waits for the widget's own timers (the summary's once a second, the address's
    150 ms) run the page's clock forward instead of sleeping."""

    def make(path, **context):
        return visit(path, wait_until="load", clock=True, **context)

    return make


def _axe_clean(v, kind) -> None:
    """axe finds nothing in the widget as it is now."""
    result = Axe().run(v.page, context=f'details[data-widget="{kind}"]')
    assert result.violations_count == 0, (kind, result.generate_report())


def test_the_contract_covers_every_kind():
    assert set(KINDS) == set(bw.KINDS)
    assert set(DRAGS) == set(bw.KINDS)


NOT_BUSY = "!r.querySelector('[aria-busy=\"true\"]')"


def _not_busy(v, root) -> None:
    """Wait until no part of the widget is busy: the trainer is, until its worker answers
    the newest start (in real time, not on the page's clock)."""
    v.page.wait_for_function(f"r => {NOT_BUSY}", arg=root.element_handle(), timeout=15_000)


def _summary(v, root, different_from: str | None = None) -> str:
    """The widget's summary once it says something (else than ``different_from``), no part of
    the widget is busy (the trainer is, until its worker answers the newest start: real time,
    not the page's clock) and it has settled: the summary changes at most once a second, so
    once the page's clock has run 1.5 s on, any update still pending has been shown. Read as
    the page shows it (``innerText``) both times: the raw text can differ from it (a trailing
    space), which would end the wait at once, before the change had reached the summary."""
    v.page.wait_for_function(
        "([r, old]) => { const s = r.querySelector('.bl-summary'); "
        f"return s && s.innerText && s.innerText !== old && {NOT_BUSY}; }}",
        arg=[root.element_handle(), different_from],
        timeout=15_000,
    )
    v.page.clock.run_for(1500)
    return root.locator(".bl-summary").inner_text()


@pytest.fixture(scope="module")
def defaults() -> dict[str, str]:
    """Each kind's summary as a freshly loaded page shows it once settled (its defaults),
    recorded by the first test of this module that sees it."""
    return {}


def _default_summary(visit, defaults, kind) -> str:
    """The summary of ``kind`` at its defaults: recorded, or read from a fresh page."""
    if kind not in defaults:
        clean = visit(KINDS[kind][0])
        defaults[kind] = _summary(clean, clean.open(kind))
    return defaults[kind]


def _change(v, root, kind):
    _, label, key = KINDS[kind]
    control = root.get_by_label(label, exact=True)
    control.focus()
    for _ in range(3):
        v.page.keyboard.press(key)
    control.dispatch_event("change")  # a number field commits on change, as on leaving it


@pytest.mark.parametrize("kind", KINDS)
def test_without_javascript_the_figure_and_description_remain(visit, kind):
    v = visit(KINDS[kind][0], java_script_enabled=False)
    root = v.page.locator(f'details[data-widget="{kind}"]')
    figure = v.page.locator(f'figure[id="{root.get_attribute("data-for")}"]')
    assert figure.locator("img, svg").count() >= 1  # the static figure stays
    root.locator("summary.bl-widget-summary").click()
    assert "needs JavaScript" in root.inner_text()
    assert len(root.locator(".bl-widget-about").inner_text()) > 80


@pytest.mark.parametrize("kind", KINDS)
def test_a_control_changed_by_keyboard_changes_the_summary_in_words(visit, defaults, kind):
    v = visit(KINDS[kind][0])
    root = v.open(kind)
    live = root.locator(".bl-summary")
    assert live.get_attribute("aria-live") == "polite"
    before = _summary(v, root)
    assert defaults.setdefault(kind, before) == before  # every fresh page: the same defaults
    _axe_clean(v, kind)  # axe clean in every state visited: as opened, changed, boxes open
    _change(v, root, kind)
    after = _summary(v, root, before)
    assert after != before and "NaN" not in after and "undefined" not in after.lower()
    _axe_clean(v, kind)
    for summary in root.locator("details > summary").all():
        summary.click()
    v.page.clock.run_for(300)
    assert root.locator("details:not([open])").count() == 0
    _axe_clean(v, kind)
    assert root.evaluate("r => r.scrollWidth") <= PHONE["width"]
    assert v.errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_address_gives_defaults_and_a_message(visit, defaults, kind):
    expected = _default_summary(visit, defaults, kind)
    v = visit(f"{KINDS[kind][0]}#w-{kind}?zz=1&depth=1e999&t=__proto__&w=NaN,NaN")
    root = v.open(kind)
    assert _summary(v, root) == expected
    assert "could not be read" in root.locator(".bl-widget-status").inner_text()
    assert v.errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_shared_address_restores_the_same_state(visit, kind):
    v = visit(KINDS[kind][0])
    root = v.open(kind)
    before = _summary(v, root)
    _change(v, root, kind)
    shown = _summary(v, root, before)
    control = root.get_by_label(KINDS[kind][1], exact=True)
    value = control.input_value()
    v.page.wait_for_function(f"() => location.hash.startsWith('#w-{kind}?')")
    v.page.clock.run_for(300)  # the address is written 150 ms after the last change
    shared = visit(KINDS[kind][0] + v.page.evaluate("location.hash"))
    again = shared.open(kind)
    assert again.get_by_label(KINDS[kind][1], exact=True).input_value() == value
    assert _summary(shared, again) == shown
    assert shared.errors == []


#: Every widget's charts offer their numbers as a table on request.
TABLE_KINDS = ["depth", "activations", "unit-lines", "collapse", "hinges", "trainer"]


def test_every_kind_offers_its_numbers_as_a_table():
    assert set(TABLE_KINDS) == set(bw.KINDS)


def _open_table_by_keyboard(v, root) -> tuple[list[str], list[list[str]]]:
    """Open the "numbers as a table" box from its summary with the keyboard; its header and
    rows once written."""
    box = root.locator("details:has(> table.bl-numbers)")
    assert not box.evaluate("d => d.open")
    box.locator("summary").focus()
    v.page.keyboard.press("Enter")
    assert box.evaluate("d => d.open")
    table = box.locator("table.bl-numbers")
    v.page.wait_for_function("t => t.rows.length > 1", arg=table.element_handle())
    assert table.locator("caption").inner_text()
    assert table.locator("th[scope=col]").count() >= 2
    header = table.locator("th").all_inner_texts()
    rows = [r.locator("td").all_inner_texts() for r in table.locator("tr:has(td)").all()]
    assert rows and all(len(r) == len(header) for r in rows)
    assert not any("NaN" in c or "undefined" in c for r in rows for c in r)
    return header, rows


def _readout(root, label: str) -> str:
    return root.locator(f"dt:text-is('{label}') + dd").inner_text()


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_the_charts_numbers_open_as_a_table_by_keyboard(visit, kind):
    v = visit(KINDS[kind][0])
    root = v.open(kind)
    _summary(v, root)
    if kind == "trainer":  # curves to tabulate: one step, then a hundred more
        for button, steps in (("Step", "1"), ("100 steps", "101")):
            root.get_by_role("button", name=button, exact=True).click()
            v.page.wait_for_function(
                "([r, n]) => r.querySelector('dd').textContent === n",
                arg=[root.element_handle(), steps],
            )
    header, rows = _open_table_by_keyboard(v, root)
    if kind == "depth":  # one row per hidden layer and the output layer; the readouts' numbers
        depth = int(root.get_by_label("Hidden layers", exact=True).input_value())
        assert len(rows) == depth + 1 and rows[-1][0] == "output"
        spread = [r[header.index("spread")] for r in rows[:-1]]
        assert _readout(root, "Spread: first → last hidden layer") == f"{spread[0]} → {spread[-1]}"
    elif kind == "activations":  # φ and φ′ every half unit; at the probe, the readouts
        z = float(root.get_by_label("Probe z", exact=True).input_value())
        assert len(rows) == 25
        row = next(r for r in rows if float(r[0].replace("−", "-")) == z)
        assert row[1] == _readout(root, "φ(z)") and row[2] == _readout(root, "φ′(z)")
    elif kind == "collapse":  # each layer's matrix, then their product as the readout shows it
        layers = root.get_by_label("Edit layer", exact=True).locator("option").count()
        assert len(rows) == layers + 1 and rows[-1][0] == "product"
        a, b, c, d = rows[-1][1:]
        assert _readout(root, "Product W₁W₂⋯Wₖ") == f"[{a}, {b}]\n[{c}, {d}]"
    elif kind == "trainer":  # the curves' points, the last one the readouts'
        assert rows[0][0] == "1" and rows[-1][0] == "101"
        assert [int(r[0]) for r in rows] == sorted({int(r[0]) for r in rows})
        assert _readout(root, "Loss (training / test)") == f"{rows[-1][1]} / {rows[-1][2]}"
        assert _readout(root, "Accuracy (training / test)") == f"{rows[-1][3]} / {rows[-1][4]}"
    elif kind == "hinges":  # one row per hinge, at the kinks the readout lists
        assert len(rows) == int(_readout(root, "Hinges").split()[0]) >= 1
        kinks = _readout(root, "Kinks at").split(", ")
        assert sorted(r[1] for r in rows) == sorted(kinks)
    else:  # each unit's line: unit weights (cos, sin of its angle) and its bias
        n = root.get_by_label("Unit", exact=True).locator("option").count()
        assert len(rows) == n >= 1
        for _, angle, w1, w2, b in ([c.replace("−", "-") for c in r] for r in rows):
            turn = math.radians(float(angle.rstrip("°")))
            unit = (math.cos(turn), math.sin(turn))
            assert (float(w1), float(w2)) == pytest.approx(unit, abs=1e-3)
            assert abs(float(b)) <= 2  # minus the line's offset, within the square's reach
    # the table follows the state: a control changed by keyboard rewrites it (the probe
    # moves along the activation's curve, so there another activation)
    if kind == "activations":
        pick = root.get_by_label("Activation", exact=True)
        pick.focus()
        v.page.keyboard.press("ArrowDown")
        pick.dispatch_event("change")
    else:
        _change(v, root, kind)
    _not_busy(v, root)
    v.page.clock.run_for(1500)
    assert _open_rows(root) != rows
    assert v.errors == []


def _open_rows(root) -> list[list[str]]:
    table = root.locator("table.bl-numbers")
    return [r.locator("td").all_inner_texts() for r in table.locator("tr:has(td)").all()]


@pytest.mark.parametrize("kind", [k for k, drag in DRAGS.items() if drag])
def test_a_touch_drag_moves_the_linked_control(visit, kind):
    handle, label, step = DRAGS[kind]
    v = visit(KINDS[kind][0], has_touch=True, is_mobile=True)
    root = v.open(kind)
    control = root.get_by_label(label, exact=True)
    before = float(control.input_value())
    target = root.locator(handle).first
    touch_drag_left(v, target, step=step)
    assert float(control.input_value()) != before
    # the page does not scroll sideways under the finger
    assert target.evaluate("e => getComputedStyle(e).touchAction") in ("none", "pan-y")
    assert v.errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_with_reduced_motion_nothing_moves_by_itself_or_animates(visit, kind):
    v = visit(KINDS[kind][0], reduced_motion="reduce")
    root = v.open(kind)
    v.page.clock.run_for(300)
    moving_parts = v.page.evaluate(
        "document.getAnimations().map(a => [a.animationName || a.transitionProperty,"
        " a.effect?.target?.outerHTML.slice(0, 80)])"
    )
    assert moving_parts == []  # no autoplay, and nothing of the page eases
    durations = root.locator(".bl-handle").evaluate_all(
        "es => es.map(e => getComputedStyle(e).transitionDuration)"
    )
    assert all(d == "0s" for d in durations), durations
    if durations:  # and without the preference the handles do ease (so the check can fail)
        moving = visit(KINDS[kind][0], reduced_motion="no-preference").open(kind)
        eased = moving.locator(".bl-handle").evaluate_all(
            "es => es.map(e => getComputedStyle(e).transitionDuration)"
        )
        assert any(d != "0s" for d in eased), eased
    if kind == "trainer":  # playing at reduced motion: steps go on, nothing animates
        root.get_by_role("button", name="Play").click()
        v.page.wait_for_function(
            "r => Number(r.querySelector('dd').textContent) >= 100",
            arg=root.element_handle(),
            timeout=20_000,
        )
    else:
        _change(v, root, kind)
        v.page.clock.run_for(200)
    assert v.page.evaluate("document.getAnimations().length") == 0
    assert v.errors == []
