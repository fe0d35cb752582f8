"""One contract for every widget kind, in headless Chromium at a phone's width: without
JavaScript the static figure and the widget's description remain; a control changed by
keyboard changes the widget's summary in words (a polite live region, at most once a second);
a hostile address hash gives the defaults and a message, never an error; a shared address
restores the same state; and the widget fits the phone.

Needs Debian's Chromium and a built book (as tests/test_browser.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_support import PHONE, SITE, require_chromium_and_site

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

require_chromium_and_site((SITE / "piecewise.html").is_file())


def test_the_contract_covers_every_kind():
    assert set(KINDS) == set(bw.KINDS)


def _summary(v, root, different_from: str | None = None) -> str:
    """The widget's summary once it says something (else than ``different_from``) and has
    settled (the summary changes at most once a second)."""
    v.page.wait_for_function(
        "([r, old]) => { const s = r.querySelector('.bl-summary'); "
        "return s && s.textContent && s.textContent !== old; }",
        arg=[root.element_handle(), different_from],
        timeout=15_000,
    )
    v.page.wait_for_timeout(1500)
    return root.locator(".bl-summary").inner_text()


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
def test_a_control_changed_by_keyboard_changes_the_summary_in_words(visit, kind):
    v = visit(KINDS[kind][0])
    root = v.open(kind)
    live = root.locator(".bl-summary")
    assert live.get_attribute("aria-live") == "polite"
    before = _summary(v, root)
    _change(v, root, kind)
    after = _summary(v, root, before)
    assert after != before and "NaN" not in after and "undefined" not in after.lower()
    assert root.evaluate("r => r.scrollWidth") <= PHONE["width"]
    assert v.errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_address_gives_defaults_and_a_message(visit, kind):
    clean = visit(KINDS[kind][0])
    expected = _summary(clean, clean.open(kind))
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
    v.page.wait_for_timeout(300)  # the address is written 150 ms after the last change
    shared = visit(KINDS[kind][0] + v.page.evaluate("location.hash"))
    again = shared.open(kind)
    assert again.get_by_label(KINDS[kind][1], exact=True).input_value() == value
    assert _summary(shared, again) == shown
    assert shared.errors == []
