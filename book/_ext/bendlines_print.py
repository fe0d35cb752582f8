"""The book as one HTML document for print: title page, contents, then every page's article.

:func:`print_document` reads the built pages with an HTML parser and joins their articles in
reading order, so that one print gives continuous page numbers and links that stay inside the
PDF:

- every ``id`` is prefixed with its page (``primer--summary``) and every link to a page of the
  book becomes a link to that prefixed anchor; links elsewhere point at the published site;
- each page is one chapter, on its own named CSS page, whose running head is its title;
- a section's id moves to its heading, so that a link lands on the heading;
- the solutions (``<details>``) are open, images load eagerly, the "#" heading links go, and
  each interactive figure says where it lives on the site (there is no script in the print),
  and each glued value is plain text again (its receipt opens on the site only);
- the title page shows the title, subtitle, version, date, licences and how to cite, and the
  contents page lists every chapter and its sections with the page it starts on (the numbers
  come from a first print: see ``bendlines_pdf``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import escape
from itertools import groupby
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

#: Attributes that hold one id, or a space-separated list of ids, of the same page.
_ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "data-for")
_CSS_URL_ID = re.compile(r"url\(#([^)]+)\)")  # clip-path="url(#a)" in inline SVG


@dataclass(frozen=True)
class FrontMatter:
    """What the title page says."""

    title: str
    subtitle: str
    version: str
    date: str
    licences: list[str]
    citation: str
    url: str


@dataclass
class Chapter:
    """One page of the book, ready for print: its title, its sections and its markup."""

    page: str
    part: str | None
    title: str
    sections: list[tuple[str, str]]  # (id in the print, title) of each second-level heading
    markup: str

    @property
    def anchor(self) -> str:
        return chapter_anchor(self.page)


def chapter_anchor(page: str) -> str:
    """The id of a chapter's start in the print document."""
    return f"chapter--{page}"


def anchor(page: str, fragment: str) -> str:
    """The id an element of ``page`` carries in the print document."""
    return f"{page}--{fragment}"


def _heading_text(heading: Tag) -> str:
    for link in heading.select("a.headerlink"):
        link.decompose()
    return " ".join(heading.get_text(" ").split())


def _site_path(page: str, path: str) -> str:
    """A link's path relative to the site root (``path`` is relative to ``page``)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def _link(href: str, page: str, pages: set[str], base_url: str) -> str:
    """Where a link of ``page`` points in the print document."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    fragment = unquote(parts.fragment)
    if not parts.path:
        return f"#{anchor(page, fragment)}" if fragment else f"#{chapter_anchor(page)}"
    target = _site_path(page, parts.path)
    name = target.removesuffix(".html")
    if target.endswith(".html") and name in pages:
        return f"#{anchor(name, fragment)}" if fragment else f"#{chapter_anchor(name)}"
    return urljoin(base_url, target + (f"#{parts.fragment}" if parts.fragment else ""))


def chapter(site: Path, page: str, part: str | None, pages: set[str], base_url: str) -> Chapter:
    """The article of one built page, rewritten for the print document (see the module)."""
    soup = BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article", class_="bd-article")
    if article is None:
        raise ValueError(f"{page}.html has no <article class='bd-article'> to print")
    for link in article.select("a.headerlink"):
        link.decompose()
    for glyphs in soup.select("svg.mjx-glyphs"):  # the typeset math's shared glyph shapes
        if glyphs.find_parent("article") is None:
            article.append(glyphs.extract())
    for widget in article.select("[data-widget]"):
        status = widget.select_one(".bl-widget-status")
        if status is not None:
            status.clear()
            status.append("Try it on the site: ")
            where = urljoin(base_url, f"{page}.html#{widget.get('id', '')}")
            link = soup.new_tag("a", href=where)
            link.string = where
            status.append(link)
    for value in article.select("[data-receipt]"):  # a receipted value reads as plain text
        value.unwrap()
    for element in article.find_all(True):
        if element.has_attr("id"):
            element["id"] = anchor(page, element["id"])
        for name in _ID_REFERENCES:
            if element.has_attr(name):
                ids = element[name] if isinstance(element[name], list) else element[name].split()
                element[name] = " ".join(anchor(page, i) for i in ids)
        for name in ("href", "xlink:href"):
            if element.has_attr(name):
                element[name] = _link(element[name], page, pages, base_url)
        if element.has_attr("src") and not urlsplit(element["src"]).scheme:
            element["src"] = _site_path(page, element["src"])
        for name, value in list(element.attrs.items()):
            if isinstance(value, str) and "url(#" in value:
                element[name] = _CSS_URL_ID.sub(lambda m: f"url(#{anchor(page, m[1])})", value)
        if element.name == "details":
            element["open"] = ""
        if element.name == "img":
            element["loading"] = "eager"
    for section in article.find_all("section", id=True):
        # a link to a section lands on its heading (the section's box may begin a page
        # earlier, when the heading is kept with what follows it)
        title = section.find(["h1", "h2", "h3", "h4", "h5", "h6"], recursive=False)
        if title is not None and not title.has_attr("id"):
            title["id"] = section.attrs.pop("id")
    heading = article.find("h1")
    if heading is None:
        raise ValueError(f"{page}.html has no title (h1) to print")
    title = _heading_text(heading)
    top = heading.find_parent("section")
    sections = []
    for section in top.find_all("section", recursive=False) if top else []:
        sub = section.find("h2", recursive=False)
        if sub is not None and sub.has_attr("id"):
            sections.append((sub["id"], _heading_text(sub)))
    markup = "".join(str(child) for child in article.children)
    return Chapter(page, part, title, sections, markup)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(chapters: list[Chapter]) -> str:
    """The print stylesheet: A4 pages numbered at the foot, a running head per chapter."""
    rules = [
        "@page { size: A4; margin: 20mm 17mm 18mm 17mm;"
        " @bottom-center { content: counter(page); font: 9pt sans-serif; color: #333; } }",
        "@page title-page { @bottom-center { content: none; } }",
        ".pdf-title-page { page: title-page; }",
        ".pdf-contents { page: contents; break-before: page; }",
        ".pdf-chapter { break-before: page; }",
        # the theme's print style hides each article's title (it prints its own page header
        # and page-local contents instead, which this document leaves out)
        ".bd-main .bd-content .pdf-chapter .bd-article h1:first-of-type { display: block;"
        " font-size: 24pt; margin: 0 0 8mm; }",
        ".bd-main .bd-content { margin-left: 0; }",
        "html, body { background: #fff !important; color: #000; }",
        "body { font-size: 10.5pt; }",
        ".pdf-title-page { text-align: center; padding-top: 45mm; }",
        ".pdf-title-page h1 { font-size: 34pt; margin: 0 0 6mm; }",
        ".pdf-title-page .pdf-subtitle { font-size: 16pt; font-style: italic; margin: 0 0 22mm; }",
        ".pdf-title-page .pdf-about { font-size: 11pt; margin: 2mm 0; }",
        ".pdf-title-page .pdf-cite { text-align: left; margin: 24mm 10mm 0; font-size: 9.5pt; }",
        ".pdf-contents h1 { font-size: 22pt; }",
        ".pdf-contents h2 { font-size: 13pt; margin: 6mm 0 2mm; }",
        ".pdf-contents ol { list-style: none; padding: 0; margin: 0; }",
        ".pdf-contents li li { padding-left: 7mm; font-size: 9.5pt; }",
        ".pdf-contents li.pdf-toc-chapter { margin-top: 2.2mm; font-weight: 600; }",
        ".pdf-contents li li { font-weight: 400; }",
        ".pdf-contents a { display: flex; gap: 2mm; color: #000; text-decoration: none; }",
        ".pdf-contents .pdf-toc-title { flex: 1 1 auto; }",
        ".pdf-contents .pdf-toc-leader { flex: 1 1 0; border-bottom: 1px dotted #777;"
        " margin-bottom: 1.2mm; min-width: 8mm; }",
        ".pdf-contents .pdf-toc-title { flex: 0 1 auto; }",
        ".pdf-contents .pdf-toc-page { flex: 0 0 auto; font-variant-numeric: tabular-nums; }",
        "a { color: #0645ad; }",
        "figure, table, .math, mjx-container[display='true'] { break-inside: avoid; }",
        "h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid; }",
        "img { max-width: 100%; }",
        "details > summary { list-style: none; font-weight: 600; }",
        "details > summary::-webkit-details-marker { display: none; }",
        ".copybtn, .headerlink, .toggle-details__summary-text + svg { display: none !important; }",
    ]
    for number, item in enumerate(chapters, 1):
        rules.append(
            f"@page chapter-{number} {{ @top-center {{ content: {_css_string(item.title)};"
            " font: italic 9pt sans-serif; color: #333; } }"
        )
        rules.append(f".pdf-chapter-{number} {{ page: chapter-{number}; }}")
    return "\n".join(rules)


def title_page(front: FrontMatter) -> str:
    """The title page's markup."""
    licences = ", ".join(escape(name) for name in front.licences)
    return (
        '<section class="pdf-title-page" id="title-page">'
        f"<h1>{escape(front.title)}</h1>"
        f'<p class="pdf-subtitle">{escape(front.subtitle)}</p>'
        f'<p class="pdf-about">Version {escape(front.version)}</p>'
        f'<p class="pdf-about">{escape(front.date)}</p>'
        f'<p class="pdf-about"><a href="{escape(front.url)}">{escape(front.url)}</a></p>'
        f'<p class="pdf-about">Licences: {licences}. Text and figures: CC BY 4.0 '
        "(LICENSE-CONTENT.md); code: MIT (LICENSE).</p>"
        f'<div class="pdf-cite"><p><strong>How to cite</strong></p>'
        f"<p>{escape(front.citation)}</p></div>"
        "</section>"
    )


def contents_page(chapters: list[Chapter], numbers: dict[str, int] | None) -> str:
    """The contents: every chapter and its sections, under their part's caption, each with
    its page number (``numbers``: anchor -> page; ``None`` for the first print, which
    holds the place with numbers as wide as the real ones will be)."""

    def entry(css: str, target: str, text: str) -> str:
        page = str(numbers[target]) if numbers is not None else "000"
        return (
            f'<li class="{css}"><a href="#{target}"><span class="pdf-toc-title">{escape(text)}'
            '</span><span class="pdf-toc-leader"></span>'
            f'<span class="pdf-toc-page">{page}</span></a>'
        )

    out = ['<nav class="pdf-contents" id="contents"><h1>Contents</h1>']
    for part, members in groupby(chapters, key=lambda item: item.part):
        if part:
            out.append(f"<h2>{escape(part)}</h2>")
        out.append("<ol>")
        for item in members:
            out.append(entry("pdf-toc-chapter", item.anchor, item.title))
            if item.sections:
                out.append("<ol>")
                for section, text in item.sections:
                    out.append(entry("pdf-toc-section", section, text))
                    out.append("</li>")
                out.append("</ol>")
            out.append("</li>")
        out.append("</ol>")
    out.append("</nav>")
    return "".join(out)


def print_document(
    site: Path,
    head_page: str,
    chapters: list[Chapter],
    front: FrontMatter,
    numbers: dict[str, int] | None,
) -> str:
    """The whole print document (its stylesheets are the site's: it lives in the site's
    root folder while it prints)."""
    soup = BeautifulSoup((site / f"{head_page}.html").read_text(encoding="utf-8"), "html.parser")
    styles = "".join(
        str(link)
        for link in soup.find_all("link", rel="stylesheet")
        if not link.get("media") or link.get("media") in {"all", "print"}
    )
    body = [title_page(front), contents_page(chapters, numbers)]
    for number, item in enumerate(chapters, 1):
        body.append(
            f'<div class="pdf-chapter pdf-chapter-{number}" id="{item.anchor}">'
            f'<article class="bd-article">{item.markup}</article></div>'
        )
    return (
        '<!DOCTYPE html><html lang="en" data-theme="light" data-mode="light"><head>'
        f'<meta charset="utf-8"><title>{escape(front.title)}</title>{styles}'
        f"<style>{print_css(chapters)}</style></head>"
        '<body><div class="bd-main"><div class="bd-content"><div class="bd-article-container">'
        + "".join(body)
        + "</div></div></div></body></html>"
    )
