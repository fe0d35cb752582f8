"""Every page of the built site in headless Chromium: clean console, offline, math, alt text, axe.

Needs Debian's Chromium (`apt-get install -y chromium`; `make test` installs it when it can).
Without it these tests skip, except under CI, where they must run.
"""

from __future__ import annotations

import base64
import os
import re
import sys
from pathlib import Path

import pytest
from browser_support import ROOT, SITE, require_chromium_and_site

SHOTS = ROOT / "book" / "_build" / "screenshots"
PAGES = sorted(str(p.relative_to(SITE)) for p in SITE.glob("*.html"))

require_chromium_and_site(bool(PAGES))

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from site_server import published_path, serve_published  # noqa: E402

#: The path the site is published under ("/bendlines/" on GitHub Pages), from its address.
ROOT_PATH = published_path(SITE)


@pytest.fixture(scope="module")
def base_url():
    """The site served as GitHub Pages serves a project site: under its path, with the
    site's 404.html for a miss anywhere on the host (overrides the shared fixture)."""
    with serve_published(SITE) as url:
        yield url


#: The screenshots show the first phone screen of each page; BENDLINES_FULL_SCREENSHOTS=1 takes
#: each whole page instead (for a review by eye: about 14 s more of Chromium's time, as PNGs up
#: to 120,000 px tall).
FULL_SCREENSHOTS = os.environ.get("BENDLINES_FULL_SCREENSHOTS") == "1"


def _screenshot(page, path: Path) -> None:
    """A PNG of the phone's screen, or of the whole page with ``FULL_SCREENSHOTS``, straight
    from Chromium (Playwright's own screenshot can stall waiting for web fonts that a lazily
    rendered section has only just asked for)."""
    params = {"format": "png"}
    if FULL_SCREENSHOTS:
        size = page.evaluate(
            "({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})"
        )
        clip = {"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1}
        params.update(captureBeyondViewport=True, clip=clip)
    session = page.context.new_cdp_session(page)
    shot = session.send("Page.captureScreenshot", params)
    path.write_bytes(base64.b64decode(shot["data"]))
    session.detach()


#: Runs before the page's own scripts (injected by the browser, so the policy does not apply):
#: collects every Content-Security-Policy violation the page reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


#: Scroll from the top to the bottom of the page (as it grows), 900 px at a time (the phone's
#: screen is 915 px high), pausing 30 ms at each step; all in the page, without a round trip to
#: the test per step.
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight + 915; y += 900) {
    window.scrollTo(0, y);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}"""


@pytest.fixture(scope="module")
def visits(contexts, base_url):
    """Load each page once (phone-sized, in one browser context, as one reader's browser),
    record what happened, then run axe on it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in PAGES:
        page = contexts().new_page()
        record = {"console": [], "failed": [], "requested": []}
        page.on(
            "console",
            lambda m, r=record: r["console"].append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e, r=record: r["console"].append(str(e)))
        page.on("requestfailed", lambda q, r=record: r["failed"].append(q.url))
        page.on(
            "response",
            lambda s, r=record: (
                r["failed"].append(f"{s.status} {s.url}") if s.status >= 400 else None
            ),
        )
        page.on("request", lambda q, r=record: r["requested"].append(q.url))
        page.add_init_script(CSP_LISTENER)
        page.goto(base_url + name, wait_until="networkidle")
        # Math and figures load lazily as they scroll into view: scroll through the page, in
        # steps shorter than the screen so every part of it is on screen for 30 ms.
        page.evaluate(SCROLL_THROUGH)
        if page.evaluate("typeof MathJax !== 'undefined'"):
            page.evaluate("MathJax.startup.promise")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        record["raw_math"] = page.evaluate(
            """() => [...document.querySelectorAll('.math, span.math, div.math')]
                 .filter(el => !el.querySelector('mjx-container'))
                 .map(el => el.textContent.slice(0, 60))"""
        )
        record["math_errors"] = page.locator('mjx-container [data-mml-node="merror"]').count()
        # Formulas draw shared glyph shapes by reference: every reference must find its shape,
        # and every formula must take up room on the page.
        record["math_glyphs"] = page.evaluate(
            """() => { const uses = [...document.querySelectorAll('mjx-container svg use')];
                       const refs = uses.map(u => u.href.baseVal.slice(1));
                       const empty = [...document.querySelectorAll('mjx-container > svg')]
                         .filter(s => { const b = s.getBoundingClientRect();
                                        return !(b.width > 0 && b.height > 0); }).length;
                       return {uses: uses.length, empty,
                               missing: refs.filter(id => !document.getElementById(id))}; }"""
        )
        # The bundled stylesheet must parse to its very end (a syntax slip swallows the rest).
        record["css_tail"] = page.evaluate(
            """() => { const sheet = [...document.styleSheets]
                         .find(s => s.href && s.href.includes('/_static/bundle.'));
                       return sheet ? [sheet.href, [...sheet.cssRules].at(-1).cssText] : null; }"""
        )
        record["images"] = page.evaluate(
            """() => [...document.querySelectorAll('main img')]
                 .map(img => ({src: img.getAttribute('src'),
                               alt: img.getAttribute('alt') || ''}))"""
        )
        # On a phone, nothing may run off the screen or be cut off, tables and code aside
        # (they scroll sideways on purpose).
        record["overflow"] = page.evaluate(
            """() => { const edge = (document.querySelector('article.bd-article')
                                      || document.querySelector('main'))
                                     .getBoundingClientRect().right + 1;
                       const wide = [...document.querySelectorAll(
                           'article.bd-article p, article.bd-article li, article.bd-article code,'
                           + ' article.bd-article figcaption, mjx-container > svg')]
                         .filter(e => !e.closest('.pst-scrollable-table-container, pre, table'))
                         .filter(e => e.getBoundingClientRect().right > edge)
                         .map(e => (e.closest('mjx-container') || e).textContent.slice(0, 60));
                       return {page: document.documentElement.scrollWidth, wide}; }"""
        )
        page.evaluate("window.scrollTo(0, 0)")
        _screenshot(page, SHOTS / f"{Path(name).stem}.png")
        # What a screen reader gets: the browser's accessibility tree must hold every heading
        # and every formula of the page, not only those near the screen.
        tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
        exposed = [n for n in tree if not n.get("ignored")]
        record["a11y_headings"] = sorted(
            n.get("name", {}).get("value", "")
            for n in exposed
            if n.get("role", {}).get("value") == "heading"
        )
        record["a11y_math"] = sum(n.get("role", {}).get("value") == "MathMLMath" for n in exposed)
        record["dom_headings"] = sorted(
            page.evaluate(
                "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
                ".filter(h => h.checkVisibility())"  # shown (not a folded solution's, a sidebar's)
                ".map(h => h.textContent.replace(/#$/, '').trim())"
            )
        )
        record["dom_math"] = page.evaluate(
            "[...document.querySelectorAll('mjx-container')]"
            ".filter(m => m.checkVisibility()).length"
        )
        record["csp"] = page.evaluate("window.__cspViolations")
        # Snapshot what the page itself did before axe runs: axe fetches stylesheets itself.
        record = {k: list(v) if isinstance(v, list) else v for k, v in record.items()}
        record["axe"] = Axe().run(page)
        results[name] = record
        page.close()
    return results


@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors_or_failed_requests(visits, name):
    assert visits[name]["console"] == []
    assert visits[name]["failed"] == []


@pytest.mark.parametrize("name", PAGES)
def test_no_content_security_policy_violation(visits, name):
    assert visits[name]["csp"] == []


def test_the_policy_check_is_not_vacuous(browser, base_url):
    """An inline script added to a page is blocked and reported."""
    page = browser.new_page()
    page.add_init_script(CSP_LISTENER)
    page.goto(base_url + "index.html", wait_until="networkidle")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    violations, ran = page.evaluate("[window.__cspViolations, window.__ran === true]")
    page.close()
    assert not ran and violations and "script-src" in violations[0]


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_local_server(visits, base_url, name):
    local = (base_url, "data:", "blob:")
    assert [url for url in visits[name]["requested"] if not url.startswith(local)] == []


@pytest.mark.parametrize("name", PAGES)
def test_math_is_rendered(visits, name):
    assert visits[name]["raw_math"] == []
    assert visits[name]["math_errors"] == 0


@pytest.mark.parametrize("name", PAGES)
def test_screen_readers_get_every_heading_and_formula(visits, name):
    visit = visits[name]
    assert visit["a11y_math"] == visit["dom_math"]
    assert set(visit["dom_headings"]) <= set(visit["a11y_headings"])


@pytest.mark.parametrize("name", PAGES)
def test_nothing_runs_off_a_phone_screen(visits, name):
    assert visits[name]["overflow"] == {"page": 412, "wide": []}


@pytest.mark.parametrize("name", PAGES)
def test_formulas_find_their_glyphs(visits, name):
    glyphs = visits[name]["math_glyphs"]
    assert glyphs["missing"] == []
    assert glyphs["empty"] == 0


def test_the_glyph_check_is_not_vacuous(visits):
    """The chapters and the gallery are full of formulas, so the check above has work to do."""
    chapters = ["nonlinearity.html", "piecewise.html", "choosing.html", "gallery.html"]
    assert all(visits[name]["math_glyphs"]["uses"] > 100 for name in chapters)


@pytest.mark.parametrize("name", PAGES)
def test_no_page_downloads_a_full_icon_or_math_font(visits, name):
    """Icons come from a small subset of the icon font; math is drawn as SVG, with no fonts."""
    fonts = [u for u in visits[name]["requested"] if re.search(r"\.(woff2?|ttf|otf)(\?|$)", u)]
    assert all(re.search(r"/_static/icons\.[0-9a-f]+\.woff2$", u) for u in fonts), fonts


@pytest.mark.parametrize("name", PAGES)
def test_the_whole_stylesheet_bundle_is_parsed(visits, name):
    """The browser's last rule of the bundle is the file's last rule: nothing was swallowed."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from bendlines_html import _blocks

    href, last_rule = visits[name]["css_tail"]
    bundle = SITE / "_static" / href.rsplit("/_static/", 1)[1]
    *_, (prelude, _body) = _blocks(bundle.read_text(encoding="utf-8"))
    assert re.sub(r"\s+", "", last_rule.split("{")[0]) == re.sub(r"\s+", "", prelude)


@pytest.mark.parametrize("name", PAGES)
def test_images_have_real_alt_text(visits, name):
    for image in visits[name]["images"]:
        alt = image["alt"].strip()
        assert alt, f"no alt text on {image['src']}"
        assert not alt.lower().endswith((".svg", ".png", ".jpg")), alt


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(visits, name):
    result = visits[name]["axe"]
    assert result.violations_count == 0, result.generate_report()


def test_screenshots_were_saved(visits):
    assert all((SHOTS / f"{Path(name).stem}.png").stat().st_size > 10_000 for name in PAGES)


def test_search_finds_the_chapters_offline(browser, base_url):
    """The search page works from the local index alone and finds a word the chapters use."""
    page = browser.new_page(viewport={"width": 412, "height": 915})
    errors, external = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda q: None if q.url.startswith(base_url) else external.append(q.url))
    page.goto(base_url + "search.html?q=sigmoid", wait_until="networkidle")
    page.wait_for_selector("ul.search li", timeout=10_000)
    found = page.evaluate("[...document.querySelectorAll('ul.search li a')].map(a => a.href)")
    page.close()
    assert errors == [] and external == []
    assert any("choosing.html" in href for href in found), found


def test_a_miss_at_any_depth_gets_the_styled_404_page_with_working_links(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.add_init_script(CSP_LISTENER)
    missing = base_url + "chapters/old/missing.html"
    response = page.goto(missing, wait_until="networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert response.status == 404
    assert page.locator("h1").first.inner_text().startswith("Page not found")
    # styled: the bundle loaded and applies (the theme's sidebar is laid out beside the text)
    rules = page.evaluate(
        "[...document.styleSheets].filter(s => s.href && s.href.includes('/_static/bundle.'))"
        ".map(s => s.cssRules.length)"
    )
    assert rules and rules[0] > 100
    assert page.evaluate("getComputedStyle(document.querySelector('.bd-sidebar-primary')).display")
    assert page.locator(".bd-sidebar-primary").bounding_box()["width"] > 100
    links = page.evaluate(
        "[...document.querySelectorAll('a[href]')].map(a => a.href)"
        ".filter(h => h.startsWith(location.origin))"
    )
    page.close()
    assert failed == [missing]
    assert any(link.endswith("/index.html") for link in links)
    context = browser.new_context()
    for link in sorted({link.split("#")[0] for link in links} - {missing}):  # not its own anchors
        assert link.startswith(base_url), link
        assert context.request.get(link).status == 200, link
    context.close()


def test_only_tables_that_scroll_get_a_tab_stop(browser, base_url):
    """On a phone, exactly the table containers that scroll sideways can be focused."""
    states = []
    for width in (412, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base_url + "choosing.html", wait_until="networkidle")
        page.wait_for_timeout(400)  # the theme sets the tab stops after load
        states += page.evaluate(
            """() => [...document.querySelectorAll('.pst-scrollable-table-container')]
                 .map(c => [c.scrollWidth > c.clientWidth, c.tabIndex])"""
        )
        assert page.locator("table[tabindex]").count() == 0
        page.close()
    assert all(tab == (0 if scrolls else -1) for scrolls, tab in states), states
    assert {scrolls for scrolls, _ in states} == {True, False}  # both cases occur
