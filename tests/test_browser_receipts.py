"""Receipts in headless Chromium, on a phone-sized page: a glued value opens its receipt by
keyboard (Enter, Space) and by touch; the panel shows the receipt's fields, links and rerun
command (copied on request), passes axe (in dark mode too), fits the phone, skips its fade
under reduced motion, closes with Escape and gives focus back; nothing is fetched before a
reader opens one; in print the values are plain text.

Needs Debian's Chromium and the built book (tests/browser_support.py says how).
"""

from __future__ import annotations

import json

from browser_support import PHONE, SITE, require_chromium_and_site

RECEIPTS = SITE / "_static" / "receipts"
require_chromium_and_site(RECEIPTS.is_dir())

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

PAGE = "universal"  # the chapter with the fewest receipts: the quickest to load
PANEL = "dialog.bl-receipt-panel"


def _receipts() -> dict[str, dict]:
    return json.loads((RECEIPTS / f"{PAGE}.json").read_text(encoding="utf-8"))["receipts"]


def _fetched(v) -> list[str]:
    return [url for url in v.requests if "/_static/receipts/" in url and url.endswith(".json")]


def _animation(v) -> str:
    return v.page.evaluate(f"getComputedStyle(document.querySelector('{PANEL}')).animationName")


def _opened(v) -> str:
    """The text of the open panel, once its receipt has loaded."""
    v.page.wait_for_selector(f"{PANEL}[open] .bl-receipt-fields")
    return v.page.locator(PANEL).inner_text()


def test_a_receipt_opens_by_keyboard_shows_its_fields_and_closes_with_escape(visit):
    v = visit(f"{PAGE}.html", permissions=["clipboard-read", "clipboard-write"])
    assert _fetched(v) == []  # nothing loads until a reader opens a receipt
    values = v.page.locator("[data-receipt]")
    first = values.first
    first.scroll_into_view_if_needed()
    first.focus()
    v.page.keyboard.press("Enter")
    receipt = _receipts()[first.get_attribute("data-receipt")]
    text = _opened(v)
    assert receipt["id"] in text and receipt["rerun"] in text
    for label in ("Shown in", "Computed by", "Settings", "Seeds", "Method", "Compared"):
        assert label in text
    assert "Stored results read" in text and "Checked by the tests" in text
    for name in [*receipt["code"], *receipt["tests"], *receipt["store"]]:
        assert name in text
    for name, link in receipt["api"].items():  # the code links to its API entry
        href = v.page.locator(f"{PANEL} a:has(code)", has_text=name).first.get_attribute("href")
        assert href.endswith(link)
    assert v.page.evaluate("document.activeElement.closest('dialog.bl-receipt-panel') !== null")
    assert _animation(v) == "bl-receipt-in"  # a short fade, unless the reader asks for none
    result = Axe().run(v.page)
    assert result.violations_count == 0, result.generate_report()
    v.page.locator(".bl-receipt-copy").click()
    v.page.wait_for_selector(".bl-receipt-status:has-text('copied')")  # (no eval: the CSP)
    assert v.page.evaluate("navigator.clipboard.readText()") == receipt["rerun"]
    v.page.keyboard.press("Escape")
    assert not v.page.evaluate(f"document.querySelector('{PANEL}').open")
    assert v.page.evaluate("document.activeElement.dataset.receipt") == receipt["id"]
    # Space opens the next one; its page's receipts were fetched once, on the first opening
    second = values.nth(1)
    second.focus()
    v.page.keyboard.press(" ")
    assert second.get_attribute("data-receipt") in _opened(v)
    assert len(_fetched(v)) == 1
    v.page.locator(".bl-receipt-close").click()
    assert v.page.evaluate("document.activeElement.dataset.receipt") == second.get_attribute(
        "data-receipt"
    )
    assert v.errors == []


def test_a_receipt_opens_by_touch_fits_a_phone_and_reads_in_dark_mode_and_in_print(visit):
    v = visit(f"{PAGE}.html", has_touch=True, is_mobile=True, reduced_motion="reduce")
    value = v.page.locator("p [data-receipt]").nth(3)
    value.scroll_into_view_if_needed()
    value.tap()
    assert value.get_attribute("data-receipt") in _opened(v)
    assert _animation(v) == "none"  # the reader asked for reduced motion
    box = v.page.locator(PANEL).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert v.page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    wide = v.page.evaluate(
        f"[...document.querySelectorAll('{PANEL} *')]"
        f".filter(e => e.getBoundingClientRect().right > {PHONE['width']}).length"
    )
    assert wide == 0
    v.page.evaluate("document.documentElement.dataset.theme = 'dark'")  # legible in dark mode
    result = Axe().run(v.page)
    assert result.violations_count == 0, result.generate_report()
    v.page.emulate_media(media="print")
    printed = v.page.evaluate(
        "[getComputedStyle(document.querySelector('[data-receipt]')).textDecorationLine,"
        f" getComputedStyle(document.querySelector('{PANEL}')).display]"
    )
    assert printed == ["none", "none"]
    assert v.errors == []
