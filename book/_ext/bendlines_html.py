"""Finishing touches on the built HTML: valid, accessible and light pages.

1. Valid markup: docutils marks citations with the deprecated ``doc-biblioentry`` role inside
   a ``role="list"`` without list items (axe flags both); both go. (The search box's
   ``autocorrect`` attribute stays: it is standard, and the current Nu checker knows it.)
   Tables scroll sideways on phones inside the theme's ``.pst-scrollable-table-container``,
   and the theme's script gives a tab stop to exactly those that scroll: no table gets one here.
2. Light loading: figures below the first one load lazily (their width and height are in
   the markup, so nothing shifts when they arrive). No render-blocking scripts: each script
   in the page head gets ``defer`` (which keeps their order), and the inline snippets that
   use them become module scripts, which run in the same order after them.
3. One lean stylesheet: the theme's ten stylesheets (one behind an ``@import``) become a
   single bundle, so the first paint waits for one request instead of a chain of them; rules
   whose selectors name a class or id that no page and no script of the site ever uses are
   left out (most of Bootstrap's), which makes the browser's style work lighter.
4. Sharing: OpenGraph tags (title, URL, description, site name, and an image: the page's
   first figure, else the logo) on every page, written here rather than by an extension that
   imports matplotlib on every build.
5. Light icons: the theme draws about twenty icons with Font Awesome, loading its 1.5 MB
   script and its 115 KB solid font (and the brands font for the repository button). The
   script goes (the fonts alone draw the same icons) and each font becomes a subset holding
   only the glyphs the stylesheet asks for (a few KB).
7. A strict Content-Security-Policy on every page (a ``<meta>`` first in the head): scripts
   only from the site itself, none inline, no ``eval``; styles only from the site's
   stylesheets, none in ``style`` attributes. So the theme's inline snippets move to small
   content-named files (``_static/inline.<digest>.js``), and MathJax's ``style`` attributes
   (and any other ``style`` attribute, such as those of Sphinx's index page) become classes
   whose rules are written to ``_static/inline-styles.css``.
8. A lighter DOM: Sphinx wraps every word of inline code in its own ``<span class="pre">``
   (7,000 of them on the API reference alone, a third of its elements); the words go back
   into their ``<code>`` and the stylesheet gives the ``<code>`` the spans' wrapping rules.
6. A 404 page that works at any depth: GitHub Pages serves ``404.html`` for a miss anywhere
   (``/bendlines/chapters/old/missing.html``), so its links and assets are made absolute,
   rooted at the path of ``html_baseurl``.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx

# --- valid markup and no blocking scripts ----------------------------------------------------
_INVALID = re.compile(
    r'(<div class="citation"[^>]*?) role="doc-biblioentry"'
    r'|(<div) role="list"(?= class="citation-list")'
)
_BLOCKING_SCRIPT = re.compile(  # not the theme's tiny colour-mode script: it must run first
    r'<script (?![^>]*\b(?:(?:defer|async|data-cfasync)\b|type=))([^>]*\bsrc="(?!https?:|//)[^"]+")'
)
#: Sphinx wraps a field's bullet list in a paragraph (the API reference's "Returns" with
#: several values): a list cannot sit in a <p>.
#: A word of inline code in Sphinx's wrapper (its text is escaped: it holds no tag).
_PRE_WORD = re.compile(r'<span class="pre">([^<]*)</span>')
_LIST_IN_PARAGRAPH = re.compile(
    r'<p>((?:<p>(?:(?!</p>).)*</p>\s*)?<(ul|dl) class="simple">(?:(?!</\2>).)*</\2>)\s*</p>', re.S
)
_DEPENDENT_INLINE = re.compile(r"<script>(?=[^<]*DOCUMENTATION_OPTIONS)")
_FIGURE_IMAGE = re.compile(r'<img (?![^>]*\bloading=)(?=[^>]*\bsrc="(?:\.\./)*_images/)')


def _lazy_after_first(text: str) -> str:
    """Add ``loading="lazy"`` to every figure image but the first (it may be the largest paint)."""
    count = 0

    def mark(match: re.Match) -> str:
        nonlocal count
        count += 1
        return match.group(0) if count == 1 else '<img loading="lazy" decoding="async" '

    return _FIGURE_IMAGE.sub(mark, text)


# --- Content-Security-Policy ---------------------------------------------------------------------
#: The policy of every page. No 'unsafe-inline' anywhere: no page needs it (see 7. above).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # the site's own files: no inline script, no eval
        "style-src 'self'",  # the site's stylesheets: no <style>, no style="" attributes
        "img-src 'self' data:",  # the theme's stylesheet draws a few controls as data: SVGs
        "font-src 'self'",
        "connect-src 'self'",  # the search page fetches its index from the site
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}" />'
_HEAD = re.compile(r"<head>\s*(<meta charset=\"utf-8\"\s*/?>)?")
_INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"(?!module\"|text/javascript\")[^\"]*\")"
    r"([^>]*)>(.+?)</script>",
    re.S,
)
_MATH_STYLE = re.compile(
    r'(<mjx-container class="MathJax" jax="SVG"[^>]*?) style="position: relative;"'
    r'|(<svg) style="vertical-align: (-?[\d.]+)(?:ex)?;"'
    r'|(<svg [^>]*class="mjx-glyphs"[^>]*?) style="display: none"'
)
ALIGN_STYLESHEET = "inline-styles.css"
#: Any other ``style`` attribute (Sphinx's index page has a few): a class named by its content.
_ANY_STYLE = re.compile(r'<([a-zA-Z][\w:-]*)\b([^>]*?)\sstyle="([^"]*)"([^>]*)>')
_STYLE_RULE = re.compile(r"^\.(inline-style-[0-9a-f]{10}) \{ (.*) \}$", re.M)
INLINE = re.compile(r"_static/(inline\.[0-9a-f]{12}\.js)")


def _align_class(value: str) -> str:
    return "mjx-va-" + value.replace("-", "m").replace(".", "_")


def _no_inline_styles(text: str, found: dict[str, str]) -> str:
    """``style`` attributes become classes: MathJax's by their meaning, any other by a digest
    of its declarations (collected in ``found``; rules: :func:`_align_rules`)."""

    def swap(match: re.Match) -> str:
        if match.group(1) or match.group(4):
            return match.group(1) or match.group(4)
        return f'{match.group(2)} class="{_align_class(match.group(3))}"'

    def to_class(match: re.Match) -> str:
        declarations = "; ".join(d.strip() for d in match.group(3).split(";") if d.strip())
        name = "inline-style-" + hashlib.sha256(declarations.encode()).hexdigest()[:10]
        found[name] = declarations
        attributes = (match.group(2) + match.group(4)).rstrip()
        closing = "/" if attributes.endswith("/") else ""
        attributes = attributes.removesuffix("/").rstrip()
        if re.search(r'\sclass="', attributes):
            attributes = re.sub(r'\sclass="', f' class="{name} ', attributes, count=1)
        else:
            attributes += f' class="{name}"'
        return f"<{match.group(1)}{attributes}{' /' if closing else ''}>"

    return _ANY_STYLE.sub(to_class, _MATH_STYLE.sub(swap, text))


def _align_rules(classes: set[str], styles: dict[str, str] | None = None) -> str:
    """The stylesheet behind the classes of :func:`_no_inline_styles`."""
    rules = [
        "/* Written by book/_ext/bendlines_html.py: the pages' inline styles, as classes. */",
        'mjx-container[jax="SVG"] { position: relative; }',
        "svg.mjx-glyphs { display: none; }",
    ]
    for name in sorted(classes):
        value = name.removeprefix("mjx-va-").replace("m", "-").replace("_", ".")
        rules.append(f"svg.{name} {{ vertical-align: {value}{'ex' if value != '0' else ''}; }}")
    for name, declarations in sorted((styles or {}).items()):
        rules.append(f".{name} {{ {declarations} }}")
    return "\n".join(rules) + "\n"


def _external_scripts(text: str, prefix: str, static: Path) -> str:
    """Inline scripts move to content-named files in _static/, loaded the same way."""

    def move(match: re.Match) -> str:
        body = match.group(2)
        name = f"inline.{hashlib.sha256(body.encode()).hexdigest()[:12]}.js"
        if not (static / name).is_file():
            _write_whole(static / name, body.encode("utf-8"))
        return f'<script{match.group(1)} src="{prefix}_static/{name}"></script>'

    return _INLINE_SCRIPT.sub(move, text)


_NOSCRIPT_STYLE = re.compile(r"<noscript>\s*<style>(.*?)</style>\s*</noscript>", re.S)


def _noscript_stylesheet(text: str, prefix: str, static: Path) -> str:
    """The theme's ``<noscript><style>`` becomes a linked file: the search page parses the
    pages it finds, and a parsed ``<style>`` breaks the policy even inside ``<noscript>``.
    (The link's attribute order keeps it out of the bundle: it applies without scripts only.)"""

    def move(match: re.Match) -> str:
        css = match.group(1).strip() + "\n"
        name = f"noscript.{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        if not (static / name).is_file():
            _write_whole(static / name, css.encode("utf-8"))
        link = f'<link rel="stylesheet" media="all" href="{prefix}_static/{name}" />'
        return f"<noscript>{link}</noscript>"

    return _NOSCRIPT_STYLE.sub(move, text)


def _with_policy(text: str) -> str:
    if _CSP_META in text:
        return text
    return _HEAD.sub(lambda m: f"<head>\n{m.group(1) or ''}\n{_CSP_META}", text, count=1)


def _fix_markup(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    icon_script_named = False
    align_classes: set[str] = set()
    # declarations of the classes made from style attributes, by this build or earlier ones
    styles = dict(_STYLE_RULE.findall(_read(static / ALIGN_STYLESHEET)))
    styled: set[str] = set()
    inline_scripts: set[str] = set()
    for page in outdir.glob("**/*.html"):
        text = page.read_text(encoding="utf-8")
        ours = page.relative_to(outdir).parts[0] != "_static"  # not the theme's snippets
        prefix = "../" * page.relative_to(outdir).as_posix().count("/")
        fixed = _INVALID.sub(lambda m: m.group(1) or m.group(2), text)
        fixed = _DEPENDENT_INLINE.sub('<script type="module">', fixed)
        fixed = _LIST_IN_PARAGRAPH.sub(r"\1", fixed)
        fixed = _PRE_WORD.sub(r"\1", fixed)
        if ours:
            fixed = _external_scripts(_no_inline_styles(fixed, styles), prefix, static)
            fixed = _noscript_stylesheet(fixed, prefix, static)
        fixed = _BLOCKING_SCRIPT.sub(r"<script defer \1", fixed)
        fixed = _FONTAWESOME.sub("", fixed)  # the icon font alone draws the icons (see 5.)
        fixed = _lazy_after_first(fixed)
        fixed = _open_graph_image(fixed, page.relative_to(outdir).as_posix(), app)
        if ours:
            fixed = _with_policy(fixed)
            icon_script_named = icon_script_named or "fontawesome.js" in fixed
            align_classes.update(re.findall(r'class="(mjx-va-[\w]+)"', fixed))
            styled.update(re.findall(r"\b(inline-style-[0-9a-f]{10})\b", fixed))
            inline_scripts.update(INLINE.findall(fixed))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    used = {name: styles[name] for name in styled if name in styles}
    rules = _align_rules(align_classes, used).encode("utf-8")
    if _read(static / ALIGN_STYLESHEET).encode("utf-8") != rules:
        _write_whole(static / ALIGN_STYLESHEET, rules)
    for stale in static.glob("inline.*.js"):
        if stale.name not in inline_scripts:
            stale.unlink()
    if not icon_script_named:  # the 1.5 MB script and its 1.8 MB source map leave the site
        for unused in (outdir / "_static" / "scripts").glob("fontawesome.js*"):
            unused.unlink()


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file named by its content all at once: a build stopped midway leaves no
    half-written file under the final name (a later build would take it as done)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


# --- light icons -----------------------------------------------------------------------------
_FONTAWESOME = re.compile(
    r'[ \t]*<script defer src="(?:\.\./)*_static/scripts/fontawesome\.js\?digest=[0-9a-f]+">'
    r"</script>\n?"
)
_ICON_VALUE = re.compile(r'--(?:fa|pst-icon-[\w-]+):\s*"((?:\\[0-9a-fA-F]{1,6}\s?|[^"\\])+)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
_ICON_FACE = re.compile(
    r'(@font-face\{[^}]*src:url\(")vendor/fontawesome/webfonts/'
    r'(fa-(?:solid-900|regular-400|brands-400)\.woff2)("\))'
)


def icon_codepoints(css: str) -> set[int]:
    """The characters the icon rules of a (purged) stylesheet draw with the icon font."""
    points = set()
    for value in _ICON_VALUE.findall(css):
        text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
        points.update(ord(c) for c in text)
    return points


def subset_icon_font(css: str, static: Path) -> str:
    """Point the stylesheet's icon fonts at subsets holding only the icons it draws.

    The theme's Font Awesome fonts are 115 KB (solid) and 100 KB (brands); the pages use
    about twenty glyphs. Each subset is named by its content, so a changed set of icons gets
    a new file. A font none of whose glyphs is drawn becomes a subset with none.
    """
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # not a line per glyph table

    wanted = sorted(icon_codepoints(css))

    def replace(match: re.Match) -> str:
        source = static / "vendor" / "fontawesome" / "webfonts" / match.group(2)
        if not source.is_file():
            return match.group(0)
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = []
        options.name_IDs = ["*"]  # keep the font's copyright and licence records
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        data = buffer.getvalue()
        name = f"icons.{hashlib.sha256(data).hexdigest()[:10]}.woff2"
        if not (static / name).is_file():
            _write_whole(static / name, data)
        return f"{match.group(1)}{name}{match.group(3)}"

    return _ICON_FACE.sub(replace, css)


# --- one stylesheet ------------------------------------------------------------------------------
_STYLESHEET = re.compile(
    r'[ \t]*<link (?:rel="stylesheet" (?:type="text/css" )?href="([^"]+)"|href="([^"]+)" '
    r'rel="stylesheet")\s*/?>\n?'
)
_CSS_IMPORT = re.compile(r'@import\s+(?:url\()?["\']?([^"\')]+)["\']?\)?\s*;')
_CSS_URL = re.compile(r'url\(\s*["\']?(?!data:|https?:|//|#)([^"\')]+)["\']?\s*\)')


def _inline_css(path: Path, static: Path) -> str:
    """A stylesheet with its @imports inlined and its url()s rewritten relative to _static/."""
    text = path.read_text(encoding="utf-8")
    text = _CSS_IMPORT.sub(
        lambda m: _inline_css((path.parent / m.group(1)).resolve(), static), text
    )

    def rebase(match: re.Match) -> str:
        target = (path.parent / match.group(1)).resolve()
        return f'url("{posixpath.relpath(target.as_posix(), static.as_posix())}")'

    return _CSS_URL.sub(rebase, text)


_BUNDLE_LINK = re.compile(  # relative, or absolute from the site root (the 404 page)
    r'<link rel="stylesheet" href="((?:\.\./)*|/(?:[^"]*/)?)_static/(bundle\.[0-9a-f]+\.css)" />'
)
MANIFEST = "bundles.json"


_SELECTOR_NAME = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
_NOISE = re.compile(r"\[[^\]]*\]|\((?:[^()]|\([^()]*\))*\)")  # attribute tests, :not(...) etc.
_KEEP_AT_RULES = ("@font-face", "@keyframes", "@-webkit-keyframes", "@page", "@property")


def _blocks(css: str):
    """Top-level (prelude, body) pairs of a stylesheet; body None for a statement like @import."""
    i, n, start = 0, len(css), 0
    while i < n:
        c = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            if css[start:i].strip().startswith("/*"):
                start = i
            continue
        if c in "\"'":
            end = i + 1
            while end < n and css[end] != c:
                end += 2 if css[end] == "\\" else 1
            i = end + 1
            continue
        if c == ";" and css[start:i].lstrip().startswith("@"):
            yield css[start : i + 1].strip(), None
            i += 1
            start = i
            continue
        if c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if css.startswith("/*", j):
                    end = css.find("*/", j + 2)
                    j = n if end < 0 else end + 2
                    continue
                if css[j] in "\"'":
                    quote, j = css[j], j + 1
                    while j < n and css[j] != quote:
                        j += 2 if css[j] == "\\" else 1
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
            yield css[start:i].strip(), css[i + 1 : j - 1]
            i = start = j
            continue
        i += 1


def _split_selectors(prelude: str) -> list[str]:
    """Split a selector list at its top-level commas (not inside ``:is(...)`` or ``[...]``)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(prelude):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(c, 0)
        if c == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def purge_css(css: str, used: set[str]) -> str:
    """Drop the selectors that name a class or id outside ``used`` (and rules left empty)."""
    out = []
    for prelude, body in _blocks(css):
        if body is None or prelude.startswith(_KEEP_AT_RULES):
            out.append(prelude if body is None else f"{prelude}{{{body}}}")
        elif prelude.startswith("@"):
            inner = purge_css(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        else:
            selectors = [
                sel
                for sel in _split_selectors(prelude)
                if set(_SELECTOR_NAME.findall(_NOISE.sub("", sel))) <= used
            ]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
    return "\n".join(out)


def _module_folder(script: Path, outdir: Path) -> set[Path]:
    """The scripts a module script may import: every script in its folder and below.

    A module loads others with ``import`` (the widgets load theirs with ``import()`` when a
    reader opens one), and their classes never appear in the page: they count as used. A
    module directly in ``_static/`` stands for itself only (the theme's scripts live there).
    """
    folder = script.parent
    if folder == (outdir / "_static").resolve() or not folder.is_relative_to(outdir.resolve()):
        return {script}
    return {p.resolve() for ext in ("*.js", "*.mjs") for p in folder.rglob(ext)}


def _used_names(outdir: Path) -> set[str]:
    """Every class and id the pages carry, and every word in the scripts they load (with the
    modules those may import, see :func:`_module_folder`)."""
    names: set[str] = set()
    scripts: set[Path] = set()
    for page in outdir.glob("**/*.html"):
        text = page.read_text(encoding="utf-8")
        for value in re.findall(r'\b(?:class|id)="([^"]*)"', text):
            names.update(value.split())
        for inline in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S):
            names.update(re.findall(r"[\w-]+", inline))
        for src in re.findall(r'<script[^>]*\bsrc="(?!https?:|//)([^"?]+)', text):
            scripts.add((page.parent / src).resolve())
        for tag in re.findall(r"<script\b[^>]*>", text):
            module = re.search(r'\bsrc="(?!https?:|//)([^"?]+)', tag)
            if module and re.search(r'\btype="module"', tag):
                scripts.update(_module_folder((page.parent / module.group(1)).resolve(), outdir))
    for script in sorted(p for p in scripts if p.is_file()):
        text = script.read_text(encoding="utf-8", errors="replace")
        names.update(re.findall(r"[A-Za-z_][\w-]*", text))
    return names


_ICON_FONT = re.compile(r'url\("(icons\.[0-9a-f]+\.woff2)"\)')


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _complete(bundle: Path) -> bool:
    """Whether a bundle made earlier is there, with the icon font it names."""
    css = _read(bundle)
    return bool(css) and all((bundle.parent / f).is_file() for f in _ICON_FONT.findall(css))


def _bundle_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = (outdir / "_static").resolve()
    try:  # the files each earlier bundle holds (so pages Sphinx did not rewrite stay fresh),
        # and the bundle made last time from the same inputs (so an unchanged build is quick)
        manifest = json.loads((static / MANIFEST).read_text())
        known = {name: tuple(files) for name, files in manifest["files"].items()}
        made = dict(manifest["made"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        known, made = {}, {}
    names: dict[tuple[str, ...], str] = {}
    used = _used_names(outdir)
    # The extensions' code is part of the key: a changed purge or subset makes a new bundle.
    code = app.config.bendlines_extensions_digest

    def bundle(files: tuple[str, ...]) -> str:
        if files not in names:
            css = "\n".join(_inline_css((outdir / f).resolve(), static) for f in files)
            key = hashlib.sha256("\n".join([code, css, *sorted(used)]).encode()).hexdigest()
            if key not in made or not _complete(static / made[key]):
                css = subset_icon_font(purge_css(css, used), static)
                made[key] = f"bundle.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
                _write_whole(static / made[key], css.encode("utf-8"))
            names[files] = made[key]
        return names[files]

    for page in outdir.glob("**/*.html"):
        text = page.read_text(encoding="utf-8")
        head, sep, body = text.partition("</head>")
        prefix = "../" * page.relative_to(outdir).as_posix().count("/")
        theme = [
            m
            for m in _STYLESHEET.finditer(head)
            if (m.group(1) or m.group(2)).startswith(prefix + "_static/")
        ]
        if len(theme) >= 2:
            files = tuple((m.group(1) or m.group(2))[len(prefix) :].split("?")[0] for m in theme)
            for match in reversed(theme):
                head = head[: match.start()] + head[match.end() :]
            tag = f'    <link rel="stylesheet" href="{prefix}_static/{bundle(files)}" />\n'
            head = head[: theme[0].start()] + tag + head[theme[0].start() :]
        else:
            old = _BUNDLE_LINK.search(head)
            if old is None or old.group(2) not in known:
                continue
            new = bundle(known[old.group(2)])
            head = head.replace(
                old.group(0), f'<link rel="stylesheet" href="{old.group(1)}_static/{new}" />'
            )
        page.write_text(head + sep + body, encoding="utf-8")
    manifest = {
        "files": {name: list(files) for files, name in names.items()},
        "made": {key: name for key, name in made.items() if name in names.values()},
    }
    (static / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    for stale in static.glob("bundle.*.css"):  # every page now links a current bundle
        if stale.name not in names.values():
            stale.unlink()
    fonts = {font for name in names.values() for font in _ICON_FONT.findall(_read(static / name))}
    for stale in static.glob("icons.*.woff2"):
        if stale.name not in fonts:
            stale.unlink()


# --- sharing ------------------------------------------------------------------------------------
BOOK_SUMMARY = "an executable book on why neural networks need activation functions."
_DESCRIPTION = re.compile(r'<meta (?=[^>]*\bname="description")[^>]*\bcontent="([^"]*)"')


def _open_graph(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or app.config.project))
    found = _DESCRIPTION.search(context.get("metatags", ""))
    fallback = f"{title}: part of {app.config.project}, {BOOK_SUMMARY}"
    description = html.unescape(found.group(1)) if found else fallback
    tags = {
        "og:title": title,
        "og:type": "website",
        "og:url": f"{app.config.html_baseurl.rstrip('/')}/{pagename}.html",
        "og:site_name": app.config.project,
        "og:description": description,
    }
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta property="{key}" content="{html.escape(value)}" />' for key, value in tags.items()
    )


_FIRST_FIGURE = re.compile(  # the first image drawn by the book (a figure, or the home page's)
    r'<img (?=[^>]*\bsrc="((?:\.\./)*_images/[^"]+)")(?=[^>]*\balt="([^"]*)")'
)


def _open_graph_image(text: str, page: str, app: Sphinx) -> str:
    """Add ``og:image`` (the page's first figure, else the logo) and its alt text."""
    head, sep, body = text.partition("</head>")
    if not sep or 'property="og:image"' in head or 'property="og:title"' not in head:
        return text
    base = app.config.html_baseurl.rstrip("/") + "/"
    found = _FIRST_FIGURE.search(body.split("<main", 1)[-1])
    if found:
        src = posixpath.normpath(posixpath.join(posixpath.dirname(page), found.group(1)))
        alt = html.unescape(found.group(2))
    else:
        src, alt = "_static/logo.svg", f"{app.config.project}: the book's logo"
    kind = "image/svg+xml" if src.endswith(".svg") else "image/png"
    tags = (
        f'<meta property="og:image" content="{html.escape(base + src)}" />\n'
        f'<meta property="og:image:type" content="{kind}" />\n'
        f'<meta property="og:image:alt" content="{html.escape(alt)}" />\n'
    )
    return head + tags + sep + body


_RELATIVE = re.compile(
    r'(\s(?:href|src|action|data-content_root)=")(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"'
)


def root_absolute(text: str, root: str) -> str:
    """Make a top-level page's relative links and asset URLs absolute from the site root
    ``root`` (a path such as ``/bendlines/``), so the page works when served at any depth."""
    root = root if root.endswith("/") else root + "/"

    def absolute(match: re.Match) -> str:
        target = posixpath.normpath(root + match.group(2)) if match.group(2) else root
        if match.group(2).endswith("/") or match.group(2) in {"", "./"}:
            target = target.rstrip("/") + "/"
        return f'{match.group(1)}{target}"'

    return _RELATIVE.sub(absolute, text)


def _absolute_404(app: Sphinx, exception: Exception | None) -> None:
    page = Path(app.outdir) / "404.html"
    if exception is None and app.builder.format == "html" and page.is_file():
        text = page.read_text(encoding="utf-8")
        fixed = root_absolute(text, urlsplit(app.config.html_baseurl).path or "/")
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _extensions_digest() -> str:
    """A digest of the book's own extensions: when one changes, every page is written anew
    (Sphinx rebuilds all pages when an ``html`` config value changes), so no page keeps the
    finishing touches of an older version."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.[jp][sy]")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _complete_sitemap(app: Sphinx, exception) -> None:
    """List every page in the sitemap, not only those this build wrote.

    sphinx-sitemap collects pages as they are written, so after an incremental build its
    sitemap would hold the changed pages alone. When it has something to write, the pages
    this build left untouched join them (its exclusions still apply).
    """
    links = getattr(app, "sitemap_links", None)
    if exception or links is None or app.builder.format != "html":
        return
    written = []
    while not links.empty():
        written.append(links.get_nowait())
    if written:
        from sphinx_sitemap import is_excluded

        have = {link for link, _ in written}
        suffix = app.config.html_file_suffix or ".html"
        for docname in sorted(app.env.found_docs):
            link = docname + suffix
            if link not in have and not is_excluded(link, app.config.sitemap_excludes):
                written.append((link, None))
    for item in written:
        links.put(item)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("bendlines_extensions_digest", _extensions_digest(), "html", str)
    app.connect("html-page-context", _open_graph)
    app.add_css_file(ALIGN_STYLESHEET)  # written when the build finishes (see 7.)
    app.connect("build-finished", _fix_markup)
    app.connect("build-finished", _complete_sitemap, priority=400)  # before sphinx-sitemap
    # After the theme, which rewrites pygments.css when the build finishes.
    app.connect("build-finished", _bundle_stylesheets, priority=900)
    app.connect("build-finished", _absolute_404, priority=950)  # after the bundle is linked
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
