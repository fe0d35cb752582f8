"""Checks on the built site (run after `make book`): offline, accessible markup, no broken links.

These read the HTML that `make book` wrote to book/_build/html; `make test` builds it first.
"""

from __future__ import annotations

import functools
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
PAGES = sorted(SITE.glob("**/*.html")) if SITE.is_dir() else []
OUR_PAGES = [p for p in PAGES if not p.relative_to(SITE).parts[0].startswith("_")]
CHAPTERS = [p for p in OUR_PAGES if p.stem not in {"genindex", "search", "404"}]

pytestmark = pytest.mark.skipif(not PAGES, reason="build the book first: make book")
#: The published site's address and its path ("/bendlines/"), as the build was told.
BASE_URL = (
    re.search(
        r'<link rel="canonical" href="([^"]*/)index\.html"', (SITE / "index.html").read_text()
    )[1]
    if PAGES
    else ""
)
ROOT_PATH = urlsplit(BASE_URL).path or "/"


def local_file(page: Path, url: str) -> Path:
    """The file of the built site a link of ``page`` points to (relative, or absolute from
    the site's root path as on the 404 page)."""
    if url.startswith(ROOT_PATH):
        return (SITE / url[len(ROOT_PATH) :]).resolve()
    return (page.parent / url).resolve()


#: link relations a browser fetches on page load (canonical, alternate, next... are not fetched)
FETCHED_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
}


class Page(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images: list[dict[str, str]] = []
        self.meta: dict[str, str] = {}
        self.styles: list[str] = []
        self.figures = 0
        self.captions = 0
        self._in_main = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if "name" in a and tag == "a":
            self.ids.add(a["name"])
        if tag == "main":
            self._in_main += 1
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and a.get("src"):
            self.loaded.append(a["src"])
        if tag in {"img", "source"} and a.get("srcset"):
            self.loaded += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object" and a.get("data"):
            self.loaded.append(a["data"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & FETCHED_RELS:
            self.loaded.append(a.get("href", ""))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and self._in_main:
            self.images.append(a)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property")] = a.get("content", "")
        if a.get("style"):
            self.styles.append(a["style"])
        if tag == "figure" and self._in_main:
            self.figures += 1
        if tag == "figcaption" and self._in_main:
            self.captions += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main -= 1


@functools.cache
def parse(path: Path) -> Page:
    """What the checks need from one built page, parsed once per test session (pages link
    each other's anchors, so the same page is asked for many times)."""
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in {"http", "https", "ftp"} or url.startswith("//"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_page_loads_nothing_from_other_hosts(page):
    parsed = parse(page)
    external = [url for url in parsed.loaded if is_external(url)]
    external += re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", " ".join(parsed.styles))
    assert external == []


def test_stylesheets_load_nothing_from_other_hosts():
    offenders = []
    for css in SITE.glob("**/*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [
            (css.name, u) for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", text)
        ]
        offenders += [
            (css.name, u)
            for u in re.findall(r"@import\s+(?:url\()?['\"]?(https?://[^'\")]+)", text)
        ]
    assert offenders == []


def test_scripts_name_no_cdn():
    cdn = re.compile(
        r"https?://(?:[\w-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|cdn\.[\w.-]+)[^\s\"'`]*"
    )
    offenders = []
    for js in SITE.glob("**/*.js"):
        for url in cdn.findall(js.read_text(encoding="utf-8", errors="replace")):
            offenders.append((str(js.relative_to(SITE)), url))
    assert offenders == []


def _bundle_of(page: str) -> Path:
    """The stylesheet bundle a top-level page links."""
    return SITE / "_static" / re.search(r'href="_static/(bundle\.[0-9a-f]+\.css)"', page)[1]


def test_math_is_typeset_at_build_time():
    """Formulas arrive typeset as SVG (with MathML for screen readers); no math script or
    font, no raw TeX, and each page holds every glyph shape its formulas draw."""
    page = (SITE / "gallery.html").read_text()
    assert page.count('<mjx-container class="MathJax" jax="SVG"') > 50
    assert "<mjx-assistive-mml" in page
    assert "mjx-assistive-mml" in (SITE / "_static" / "mathjax.css").read_text()
    assert "mjx-assistive-mml" in _bundle_of(page).read_text()
    for html in OUR_PAGES:
        text = html.read_text()
        assert "tex-chtml" not in text and "window.MathJax" not in text, html.name
        assert not re.search(r'class="math[^"]*">\\[(\[]', text), html.name
        assert 'data-mml-node="merror"' not in text, html.name
        drawn = set(re.findall(r'xlink:href="#(MJX-[^"]+)"', text))
        glyphs = re.findall(r'<svg [^>]*class="mjx-glyphs".*?</svg>', text, re.S)
        assert len(glyphs) == (1 if drawn else 0), html.name
        assert drawn <= set(re.findall(r'<path id="(MJX-[^"]+)"', "".join(glyphs))), html.name


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_no_stray_tex_or_e_notation_in_the_prose(page):
    """Text outside formulas and code shows no leftover TeX (a ``$`` cut off by a table
    cell, say) and no ``4.3e+06``-style numbers: prose writes those in powers of ten."""
    main = page.read_text(encoding="utf-8").split("<main", 1)[-1]
    main = re.sub(r"<(mjx-container|pre|code|script|style)\b.*?</\1>", " ", main, flags=re.S)
    prose = re.sub(r"<table\b.*?</table>", " ", main, flags=re.S)  # tables may use 9.9e-05
    main, prose = (unescape(re.sub(r"<[^>]+>", " ", part)) for part in (main, prose))
    assert not re.findall(r".{0,30}[$\\].{0,30}", main)
    if not page.name.startswith("api"):  # the API reference quotes Python defaults (rtol=1e-09)
        assert not re.findall(r".{0,30}\b\d(?:\.\d+)?e[+-]?\d+\b.{0,30}", prose)


def test_icons_come_from_a_small_subset_of_the_icon_font():
    """The theme's icons are drawn by a font holding just the glyphs the stylesheet uses."""
    import sys

    from fontTools.ttLib import TTFont

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from bendlines_html import icon_codepoints

    for html in OUR_PAGES:
        assert "fontawesome.js" not in html.read_text(), html.name
    assert not list((SITE / "_static" / "scripts").glob("fontawesome.js*"))  # nor in the site
    page = (SITE / "index.html").read_text()
    css = _bundle_of(page).read_text()
    assert "webfonts/fa-" not in css  # no full icon font is linked
    wanted = icon_codepoints(css)
    # the menu (bars), search (magnifying glass), edit (pencil) and repository (GitHub) icons
    assert {0xF0C9, 0xF002, 0xF303, 0xF09B} <= wanted
    webfonts = SITE / "_static" / "vendor" / "fontawesome" / "webfonts"
    faces = [f for f in re.findall(r"@font-face\{([^}]*)\}", css) if "Font Awesome" in f]
    assert len(faces) == 3
    drawn = set()
    for face in faces:
        subset = SITE / "_static" / re.search(r'url\("(icons\.[0-9a-f]+\.woff2)"\)', face)[1]
        assert subset.stat().st_size < 10_000
        if "Brands" in face:
            full = webfonts / "fa-brands-400.woff2"
        else:
            full = webfonts / (
                "fa-solid-900.woff2" if "weight:900" in face else "fa-regular-400.woff2"
            )
        kept = set(TTFont(subset).getBestCmap())
        assert kept == wanted & set(TTFont(full).getBestCmap()), full.name
        names = [{record.nameID for record in TTFont(f)["name"].names} for f in (subset, full)]
        assert names[0] == names[1] and 0 in names[0]  # the copyright and names travel along
        drawn |= kept
    assert {0xF0C9, 0xF002, 0xF303, 0xF09B} <= drawn  # every icon the pages use has its glyph


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_internal_links_and_anchors_resolve(page):
    broken = []
    for href in parse(page).links:
        if is_external(href) or href.startswith(("mailto:", "javascript:", "data:")):
            continue
        url, fragment = urldefrag(href)
        target = local_file(page, unquote(url)) if url else page
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(href)
        elif fragment and target.suffix == ".html" and unquote(fragment) not in parse(target).ids:
            broken.append(href)
    assert broken == []


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_page_has_a_meta_description(page):
    description = parse(page).meta.get("description", "")
    assert len(description) >= 40


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: str(p.relative_to(SITE)))
def test_content_images_have_real_alt_text_and_captions(page):
    parsed = parse(page)
    for image in parsed.images:
        alt = image.get("alt", "").strip()
        assert len(alt.split()) >= 6, f"alt text too short for {image.get('src')}: {alt!r}"
        assert not re.search(r"\.(svg|png|jpe?g|gif)\b", alt), f"alt is a file name: {alt!r}"
    assert parsed.captions == parsed.figures


def test_figure_files_carry_no_dates():
    for svg in SITE.glob("_images/*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<dc:date>" not in text, svg.name


def test_chapters_offer_their_source_and_the_gallery_links_its_script():
    gallery = (SITE / "gallery.html").read_text()
    assert (SITE / "_sources" / "gallery.md").is_file() or (
        SITE / "_sources" / "gallery.md.txt"
    ).is_file()
    assert "activation_gallery.py" in gallery
    assert any(SITE.glob("_downloads/*/activation_gallery.py"))


def test_pages_are_valid_html():
    """The current Nu HTML checker (tests/vnu.py: the pinned vnu-jar, run on Java) finds no
    errors, and no standard attribute had to be removed to please it."""
    import os
    import shutil
    import subprocess

    from vnu import JAR

    if shutil.which("java") is None or not JAR.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI is set but Java or the Nu checker is missing: make test installs them")
        pytest.skip("Java or the Nu checker not found: `make test` installs them")
    # One short run: the quick compiler alone and one garbage collector thread (half the CPU
    # time of Java's defaults, which tune for a long-running server)
    java = ["java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    command = [*java, "-jar", str(JAR), "--errors-only", "--format", "json"]
    result = subprocess.run(
        command + [str(p) for p in OUR_PAGES], capture_output=True, text=True, timeout=600
    )
    import json

    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert messages == [], messages[:10]
    assert result.returncode == 0
    # the theme's search box keeps its autocorrect attribute (standard since 2024)
    assert 'autocorrect="off"' in (SITE / "search.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("chapter", ["nonlinearity", "piecewise", "choosing"])
def test_chapters_end_with_a_summary_and_hidden_solutions(chapter):
    html = (SITE / f"{chapter}.html").read_text(encoding="utf-8")
    assert 'id="summary"' in html and 'id="exercises"' in html
    solutions = re.findall(r'<details class="sd-sphinx-override sd-dropdown', html)
    assert 3 <= len(solutions) <= 5
    assert not re.search(r"<details[^>]*\sopen", html), "solutions must start hidden"


@pytest.mark.parametrize("chapter", ["gallery", "nonlinearity", "piecewise", "choosing"])
def test_chapters_offer_source_and_an_executed_notebook(chapter):
    import nbformat

    html = (SITE / f"{chapter}.html").read_text(encoding="utf-8")
    assert f'href="_sources/{chapter}.ipynb"' in html
    assert f'href="_sources/{chapter}.md"' in html
    assert f'href="downloads/{chapter}.zip"' in html  # everything it needs to run anywhere
    assert "window.print()" not in html  # the theme's print entry is an inline handler
    notebook = nbformat.read(SITE / "_sources" / f"{chapter}.ipynb", as_version=4)
    nbformat.validate(notebook)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert outputs, "the notebook carries the outputs the build computed"


@pytest.mark.parametrize("chapter", ["gallery", "nonlinearity", "piecewise", "choosing"])
def test_every_figure_caption_links_its_script(chapter):
    html = (SITE / f"{chapter}.html").read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
    assert captions
    for caption in captions:
        script = re.search(r'href="_downloads/[0-9a-f]+/([a-z0-9_]+\.py)"', caption)
        assert script, f"no script link in caption: {caption[:120]!r}"
        assert (ROOT / "figures" / script.group(1)).is_file()


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_page_has_open_graph_tags(page):
    meta = parse(page).meta
    for key in ("og:title", "og:type", "og:url", "og:site_name", "og:description"):
        assert meta.get(key), key
    assert meta["og:url"].endswith("/" + page.relative_to(SITE).as_posix())


def test_sitemap_lists_the_content_pages_only():
    listed = re.findall(r"<loc>([^<]+)</loc>", (SITE / "sitemap.xml").read_text(encoding="utf-8"))
    names = {url.rsplit("/", 1)[-1] for url in listed}
    assert not names & {"404.html", "search.html", "genindex.html"}
    assert {p.name for p in CHAPTERS} <= names


def test_only_scrolling_regions_get_a_tab_stop():
    """The theme's script gives a tab stop to the table containers that scroll (see the
    browser tests); the markup itself puts none on tables."""
    for page in OUR_PAGES:
        assert not re.search(r"<table\b[^>]*\btabindex=", page.read_text()), page.name


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_page_shares_an_image_its_first_figure(page):
    meta = parse(page).meta
    image = meta.get("og:image", "")
    assert image.startswith(BASE_URL) and meta.get("og:image:alt")
    assert (SITE / image[len(BASE_URL) :]).is_file()
    figures = [i for i in parse(page).images if "/_images/" in "/" + i.get("src", "")]
    if figures:
        assert image.endswith("/" + figures[0]["src"].lstrip("./"))
        assert meta["og:image:alt"] == figures[0]["alt"]
    else:
        assert image.endswith("_static/logo.svg")


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_footer_names_both_licences_and_the_version(page):
    from bendlines import __version__

    text = page.read_text(encoding="utf-8")
    footer = text[text.index('class="extra_footer"') :]
    assert 'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in footer
    assert '/blob/main/LICENSE">MIT</a>' in footer
    assert f"Bending Lines {__version__}." in footer


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapters_link_the_repository_and_their_source_for_editing(chapter):
    text = chapter.read_text(encoding="utf-8")
    assert 'href="https://github.com/bending-lines/bendlines"' in text
    source = f"https://github.com/bending-lines/bendlines/edit/main/book/{chapter.stem}.md"
    assert f'href="{source}"' in text


def test_the_404_page_works_at_any_depth():
    """Every link and asset of 404.html is absolute (from the site's root path, or another
    host) and names a file of the site, so a miss at chapters/old/missing.html is styled
    and its links work (the browser tests load exactly that URL)."""
    text = (SITE / "404.html").read_text(encoding="utf-8")
    parsed = parse(SITE / "404.html")
    urls = [u for u in parsed.loaded + parsed.links if not u.startswith("#")]
    assert urls and any(u.endswith(".css") or ".css?" in u for u in urls)
    for url in urls:
        if is_external(url):
            continue
        assert url.startswith(ROOT_PATH), url
        assert local_file(SITE / "404.html", urldefrag(unquote(url))[0].split("?")[0]).exists(), url
    assert f'data-content_root="{ROOT_PATH}"' in text


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_a_strict_content_security_policy_comes_first(page):
    text = page.read_text(encoding="utf-8")
    head = text.split("<head>", 1)[1]
    policy = re.match(
        r'\s*(?:<meta charset="utf-8"\s*/?>\s*)?'
        r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"',
        head,
    )
    assert policy, "the policy must come before anything it governs"
    directives = dict(d.strip().split(" ", 1) for d in policy[1].split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy[1] and "*" not in policy[1]


@pytest.mark.parametrize("page", OUR_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_no_inline_script_style_or_event_handler(page):
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<noscript>.*?</noscript>", "", text, flags=re.S)  # never run with scripts
    executable = [
        attrs
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.S)
        if body.strip() and "src=" not in attrs and 'type="application/json"' not in attrs
    ]
    assert executable == []
    assert re.findall(r"<[^>]*\sstyle=\"[^\"]*\"", text) == []
    assert "<style" not in text
    assert re.findall(r"<[^>]*\son[a-z]+=\"[^\"]*\"", text) == []


def test_formula_alignment_classes_all_have_rules():
    rules = (SITE / "_static" / "inline-styles.css").read_text(encoding="utf-8")
    used = set()
    for page in OUR_PAGES:
        used.update(re.findall(r'class="(mjx-va-\w+)"', page.read_text(encoding="utf-8")))
    assert len(used) > 10
    assert used == set(re.findall(r"svg\.(mjx-va-\w+)", rules))
    assert "svg.mjx-va-m0_566 { vertical-align: -0.566ex; }" in rules
    index = (SITE / "genindex.html").read_text(encoding="utf-8")  # Sphinx's own style="width"
    for name in set(re.findall(r"\b(inline-style-[0-9a-f]{10})\b", index)):
        assert re.search(rf"^\.{name} \{{ [^}}]+ \}}$", rules, re.M), name


def test_the_api_reference_documents_every_public_module_class_and_function():
    """Every public module of bendlines (found by walking the package, so modules added
    later count too) has a section, and each of its public classes and functions an entry
    with its signature; the numpydoc sections are rendered, not left as text."""
    import importlib
    import inspect
    import pkgutil

    import bendlines

    pages = [SITE / "api.html", SITE / "api-experiments.html"]
    ids = set().union(*(parse(page).ids for page in pages))
    text = "".join(page.read_text(encoding="utf-8") for page in pages)
    modules = [
        info.name
        for info in pkgutil.walk_packages(bendlines.__path__, prefix="bendlines.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    assert len(modules) >= 10
    documented = 0
    for name in modules:
        assert f"module-{name}" in ids, name
        module = importlib.import_module(name)
        public = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
        for attribute in public:
            value = getattr(module, attribute)
            if (inspect.isfunction(value) or inspect.isclass(value)) and (value.__module__ == name):
                assert f"{name}.{attribute}" in ids, f"{name}.{attribute}"
                documented += 1
    assert documented >= 30
    assert re.search(r'id="bendlines\.activations\.get".*?<em class="sig-param">', text, re.S)
    assert ">Parameters<" in text and ">Returns<" in text and "automodule" not in text
